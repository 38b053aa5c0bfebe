"""The group pages on a 360-pixel phone, light and dark: no axe violation, nothing wider
than the screen (tables scroll inside their own focusable region)."""

import pytest
from django.urls import reverse

from tests.browser.test_facilitator_journeys import sign_in
from tests.factories import MembershipFactory, SupportGroupFactory, UserFactory, activate_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_group_pages_read_well_on_a_phone(page, live_server, assert_accessible, scheme):
    facilitator = UserFactory(email="lead@example.org", display_name="Lead", is_facilitator=True)
    secret = activate_totp(facilitator)
    group = SupportGroupFactory(name="Evening Circle", format="hybrid", city="Chicago")
    MembershipFactory(user=facilitator, group=group, role="facilitator", state="active")
    for _ in range(3):
        MembershipFactory(group=group, state="active")
    MembershipFactory(group=group, state="pending", request_message="Hello, may I join?")

    page.set_viewport_size({"width": 360, "height": 740})
    page.emulate_media(color_scheme=scheme)
    sign_in(page, live_server.url, facilitator.email, totp_secret=secret)
    urls = [
        reverse("groups:group-list"),
        reverse("groups:group-detail", args=[group.slug]),
        reverse("groups:dashboard"),
        reverse("groups:member-list", args=[group.slug]),
        reverse("groups:invitations", args=[group.slug]),
        reverse("groups:group-settings", args=[group.slug]),
        reverse("groups:announcement-create", args=[group.slug]),
        reverse("groups:report-group", args=[group.slug]),
    ]
    # The account menu, opened, stays on the screen too.
    page.locator("summary", has_text="Lead").click()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.locator("summary", has_text="Lead").click()
    for url in urls:
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        assert_accessible(page)
        too_wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .filter(e => !e.closest('.table-wrap'))
                .map(e => `${e.tagName}.${e.className} ${e.getBoundingClientRect().right}`)
                .slice(0, 5)"""
        )
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (
            url,
            too_wide,
        )

"""The group pages on a 360-pixel phone, light and dark: no axe violation, nothing wider
than the screen (tables scroll inside their own focusable region)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import SIGN_IN
from tests.browser.test_facilitator_journeys import sign_in
from tests.factories import (
    DEFAULT_PASSWORD,
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    RsvpFactory,
    SupportGroupFactory,
    UserFactory,
    activate_totp,
)

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


# --- issue 15, item 16: a one-row header, and the check-in list above the fold ----------------

PHONE_390 = {"width": 390, "height": 844}


def header_is_one_row(page) -> bool:
    """The logo, the crisis link and the menu share one row, in a header under 80 px."""
    boxes = page.evaluate(
        """() => ['.site-name', '.crisis-link', '.account-menu__toggle'].map(sel => {
            const all = [...document.querySelectorAll(sel)]
                .filter(e => e.getBoundingClientRect().height > 0);
            const r = all[0].getBoundingClientRect();
            return {top: r.top, bottom: r.bottom, right: r.right};
        }).concat([document.querySelector('.site-header').getBoundingClientRect().height])"""
    )
    *items, height = boxes
    same_row = all(
        item["top"] < items[0]["bottom"] and items[0]["top"] < item["bottom"] for item in items
    )
    on_screen = all(item["right"] <= page.viewport_size["width"] for item in items)
    return same_row and on_screen and height < 80


@pytest.mark.parametrize("width", [320, 360, 390])
def test_the_header_takes_one_row_on_a_phone(page, live_server, assert_accessible, width):
    UserFactory(email="ivy@example.org", display_name="Ivy Alexandrina")
    page.set_viewport_size({"width": width, "height": 740})

    # Signed out: the logo, "Crisis help" and "Menu".
    page.goto(live_server.url + reverse("groups:group-list"))
    assert header_is_one_row(page), "the signed-out header wraps"
    expect(page.get_by_role("link", name="Crisis help").first).to_be_visible()
    expect(page.get_by_role("link", name="Sign in", exact=True)).to_be_hidden()
    page.locator("summary", has_text="Menu").click()
    expect(page.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Sign in", exact=True).click()
    page.get_by_label("Email").fill("ivy@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name=SIGN_IN).click()

    # Signed in: the menu under the member's name holds the main links and Saved too.
    expect(page.locator("summary.account-menu__toggle")).to_be_visible()
    assert header_is_one_row(page), "the signed-in header wraps"
    page.locator("summary.account-menu__toggle").click()
    for name in ["Groups", "Resources", "My meetings", "Saved resources", "Account settings"]:
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert_accessible(page)
    page.get_by_role("link", name="Saved resources").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.url.endswith(reverse("resources:saved"))


def test_the_phone_menu_works_without_javascript(browser, browser_context_args, live_server):
    context = browser.new_context(**{**browser_context_args, "java_script_enabled": False})
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + reverse("home"))
    expect(page.get_by_role("link", name="Groups", exact=True)).to_be_hidden()
    page.locator("summary", has_text="Menu").click()
    page.get_by_role("link", name="Groups", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.url.endswith(reverse("groups:group-list"))
    context.close()


def test_the_header_keeps_its_links_in_the_row_on_a_desktop(page, live_server):
    UserFactory(email="ivy@example.org", display_name="Ivy")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "ivy@example.org")
    for name in ["Groups", "Resources", "My meetings"]:
        expect(
            page.get_by_role("navigation", name="Main").get_by_role("link", name=name)
        ).to_be_visible()
    page.locator("summary.account-menu__toggle").click()
    expect(page.get_by_role("link", name="Saved resources")).to_be_visible()


def test_the_first_box_of_the_check_in_list_is_above_the_fold(page, live_server, assert_accessible):
    facilitator = UserFactory(email="lead@example.org", display_name="Lead", is_facilitator=True)
    secret = activate_totp(facilitator)
    group = SupportGroupFactory(name="Evening Circle", format="hybrid", city="Chicago")
    MembershipFactory(user=facilitator, group=group, role="facilitator", state="active")
    series = MeetingSeriesFactory(group=group, title="Thursday evening")
    meeting = MeetingFactory(
        series=series,
        occurrence_start=timezone.now().replace(microsecond=0) - timedelta(minutes=20),
    )
    for name in ["Sky", "Jo", "Alex", "Sam"]:
        person = UserFactory(display_name=name)
        MembershipFactory(user=person, group=group)
        RsvpFactory(meeting=meeting, user=person, answer="going")

    page.set_viewport_size(PHONE_390)
    sign_in(page, live_server.url, facilitator.email, totp_secret=secret)
    page.goto(live_server.url + reverse("groups:meeting-attendance", args=[group.slug, meeting.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Who was there?")

    first = page.get_by_role("checkbox").first
    box = first.bounding_box()
    # Above the fold even with the browser's own bars (about 100 px of a 844 px screen).
    assert box is not None and box["y"] + box["height"] <= PHONE_390["height"] - 100, box
    # The facilitator tools stay on the page, after the list, and the list still saves.
    expect(page.get_by_role("navigation", name="Facilitator tools")).to_be_attached()
    assert_accessible(page)
    page.get_by_role("checkbox", name="Sky was there").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator(".messages")).to_be_visible()

"""The admin, reached through our sign-in with its second factor, works under our CSP (the
page fixture fails on any block)."""

import re

import pytest
from django.urls import reverse

from tests.browser.conftest import SIGN_IN
from tests.factories import DEFAULT_PASSWORD, UserFactory, activate_totp, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_can_find_and_open_a_person_in_the_admin(page, live_server, assert_accessible):
    admin = UserFactory(
        email="admin@example.org", display_name="Alex", is_staff=True, is_superuser=True
    )
    secret = activate_totp(admin)
    member = UserFactory(email="morgan@example.org", display_name="Morgan")

    # The admin sends people to our sign-in, which asks for the second factor.
    page.goto(live_server.url + reverse("admin:accounts_user_changelist"))
    page.get_by_label("Email").fill("admin@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name=SIGN_IN).click()
    page.get_by_label(re.compile("code", re.I)).fill(totp_code(secret))
    page.get_by_role("button", name=SIGN_IN).click()
    page.wait_for_url("**/admin/accounts/user/")
    page.get_by_role("searchbox", name="Search").fill("Morgan")
    page.get_by_role("searchbox", name="Search").press("Enter")
    page.get_by_role("link", name="Morgan").click()
    # The change page keeps the search to go back to (?_changelist_filters=q%3DMorgan).
    page.wait_for_url(re.compile(rf"/admin/accounts/user/{member.pk}/change/"))
    assert page.get_by_label("Display name").input_value() == "Morgan"
    assert_accessible(page)


# --- every admin page: axe-clean, in our colours, and no "hours ahead of server time" -------


def sign_in_to_the_admin(page, base_url: str, email: str, secret: str) -> None:
    page.goto(base_url + reverse("admin:index"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name=SIGN_IN).click()
    page.get_by_label(re.compile("code", re.I)).fill(totp_code(secret))
    page.get_by_role("button", name=SIGN_IN).click()
    page.wait_for_url("**/admin/")


def one_of_everything(admin):
    """A row for each model the admin shows, so that each change page opens."""
    from accounts.models import AuditEvent
    from groups.models import Announcement, Report
    from notifications.models import OutboxMessage
    from resources.models import Category, Tag
    from tests.factories import MeetingSeriesFactory, MembershipFactory, TopicFactory
    from tests.resources.conftest import ResourceFactory

    member = UserFactory(display_name="Morgan")
    topic = TopicFactory(name="Ketamine", slug="ketamine")
    series = MeetingSeriesFactory(group__topics=[topic])
    group = series.group
    from groups.services.meetings import meetings_extend

    meetings_extend(series=series)
    MembershipFactory(user=member, group=group)
    Announcement.objects.create(group=group, author=admin, title="Hello", body="Welcome")
    Report.objects.create(reporter=member, group=group, reason="spam", text="Adverts")
    ResourceFactory(
        categories=[Category.objects.create(name="Cravings", slug="cravings")],
        tags=[Tag.objects.create(name="sleep", slug="sleep")],
    )
    AuditEvent.objects.create(action=AuditEvent.Action.SIGNED_IN, subject=member)
    OutboxMessage.objects.create(
        kind=OutboxMessage.BUILT, user=member, payload={}, due_at=member.date_joined
    )


def admin_pages(admin) -> list[str]:
    """The index, each app's index, and each model's list, add page and first change page."""
    from django.contrib import admin as django_admin
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = admin

    urls = [reverse("admin:index")]
    for model, model_admin in django_admin.site._registry.items():
        meta = model._meta
        urls.append(reverse("admin:app_list", args=[meta.app_label]))
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(
                reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
            )
    return list(dict.fromkeys(urls))


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 360, "height": 740}]
)
def test_every_admin_page_passes_axe_and_shows_no_server_time_notice(
    page, live_server, assert_accessible, viewport
):
    admin = UserFactory(
        email="admin@example.org",
        display_name="Alex",
        is_staff=True,
        is_superuser=True,
        time_zone="America/New_York",
    )
    secret = activate_totp(admin)
    one_of_everything(admin)
    page.set_viewport_size(viewport)
    sign_in_to_the_admin(page, live_server.url, "admin@example.org", secret)

    problems = []
    for url in admin_pages(admin):
        response = page.goto(live_server.url + url)
        assert response.status < 400, url
        try:
            assert_accessible(page)
        except AssertionError as error:
            problems.append(str(error))
        # The browser is in London, the admin's zone New York: no confusing notice.
        notices = page.locator(".timezonewarning")
        for i in range(notices.count()):
            if notices.nth(i).is_visible():
                problems.append(f"{url}: visible {notices.nth(i).inner_text()!r}")
    assert not problems, "\n".join(problems)

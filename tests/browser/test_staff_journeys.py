"""The admin area (/manage/) as an admin uses it, on a phone and a desktop, with and without
JavaScript: reports, the review queue and join requests, each page scanned with axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from groups.models import Membership, Report
from resources.models import Resource
from tests.browser.conftest import SIGN_IN
from tests.factories import (
    DEFAULT_PASSWORD,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
    activate_totp,
    totp_code,
)
from tests.resources.conftest import ResourceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def sign_in_as_admin(page, base_url: str) -> None:
    admin = UserFactory(
        email="admin@example.org", display_name="Alex", is_staff=True, is_superuser=True
    )
    secret = activate_totp(admin)
    page.goto(f"{base_url}/accounts/login/?next=/manage/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name=SIGN_IN).click()
    page.get_by_label(re.compile("code", re.I)).fill(totp_code(secret))
    page.get_by_role("button", name=SIGN_IN).click()
    page.wait_for_url("**/manage/")


def fits_the_screen(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


def message(page):
    return page.locator(".messages")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_an_admin_works_a_report_of_danger_to_its_end(
    page, live_server, assert_accessible, viewport
):
    page.set_viewport_size(viewport)
    reporter = UserFactory(display_name="Morgan")
    group = SupportGroupFactory(name="Harbour Circle")
    Report.objects.create(reporter=reporter, group=group, reason="spam", text="Adverts again")
    danger = Report.objects.create(
        reporter=reporter, group=group, reason="safety", text="Said goodbye to everyone."
    )
    sign_in_as_admin(page, live_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Admin area")
    assert_accessible(page)
    fits_the_screen(page)

    page.get_by_role("link", name="Reports").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    # The urgent one is open too, and the newest: first.
    first_row = page.locator("tbody tr").first
    expect(first_row).to_contain_text("Urgent")
    assert_accessible(page)
    fits_the_screen(page)

    page.get_by_role("link", name=f"Report {danger.pk}").click()
    expect(page.get_by_text("Said goodbye to everyone.")).to_be_visible()
    expect(page.get_by_text("Someone may be in danger. If you can reach them")).to_be_visible()
    assert_accessible(page)
    fits_the_screen(page)

    page.get_by_label("In progress").check()
    page.get_by_label("Note for the admins").fill("Called the facilitator.")
    page.get_by_role("button", name="Save").click()
    expect(message(page)).to_contain_text(f"Report {danger.pk} saved: In progress.")
    assert_accessible(page)

    page.get_by_role("link", name="Resolve…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Resolve report {danger.pk}?")
    assert_accessible(page)
    fits_the_screen(page)
    page.get_by_role("button", name="Resolve and tell the reporter").click()
    expect(message(page)).to_contain_text(
        f"Report {danger.pk} is resolved. We have e-mailed the reporter."
    )
    assert_accessible(page)
    danger.refresh_from_db()
    assert (danger.status, danger.admin_note) == ("resolved", "Called the facilitator.")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_an_admin_reviews_the_queue_and_answers_join_requests(
    browser, live_server, assert_accessible, javascript
):
    context = browser.new_context(java_script_enabled=javascript, viewport=PHONE)
    page = context.new_page()
    # axe runs in the page: it scans the run with JavaScript; the other proves it all works
    # without.
    scan = assert_accessible if javascript else (lambda page: None)
    author = UserFactory(display_name="Jordan", is_staff=True)
    good = ResourceFactory(title="Getting through cravings", state="in_review", author=author)
    unfinished = ResourceFactory(title="Sleep after stopping", state="in_review", author=author)
    group = SupportGroupFactory(name="Harbour Circle", join_policy="approval")
    casey = MembershipFactory(group=group, state="pending", user=UserFactory(display_name="Casey"))
    drew = MembershipFactory(group=group, state="pending", user=UserFactory(display_name="Drew"))
    sign_in_as_admin(page, live_server.url)

    page.get_by_role("link", name="Review queue").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    scan(page)
    page.get_by_role("link", name="Getting through cravings").click()
    scan(page)
    page.get_by_role("button", name="Publish").click()
    expect(message(page)).to_contain_text("“Getting through cravings” is published in the library.")

    page.get_by_role("link", name="Sleep after stopping").click()
    page.get_by_role("link", name="Send back to its author…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("back to its author?")
    page.get_by_role("button", name="Send back as a draft").click()  # no note yet
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    scan(page)
    page.get_by_label("What should change").fill("Please add where the advice comes from.")
    page.get_by_role("button", name="Send back as a draft").click()
    expect(message(page)).to_contain_text("“Sleep after stopping” is back with its author")
    expect(page.get_by_text("Nothing is waiting for review.")).to_be_visible()
    scan(page)

    page.get_by_role("link", name="Join requests").first.click()
    expect(page.get_by_role("heading", name="Casey, to join Harbour Circle")).to_be_visible()
    scan(page)
    page.get_by_label("Message to Casey").fill("Welcome!")
    page.get_by_role("button", name="Approve Casey").click()
    expect(message(page)).to_contain_text("Casey is now a member of Harbour Circle.")
    page.get_by_role("button", name="Decline… Drew").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Decline Drew's request to join Harbour Circle?"
    )
    scan(page)
    page.get_by_role("button", name="Decline the request").click()
    expect(message(page)).to_contain_text("You declined Drew's request to join Harbour Circle.")
    expect(page.get_by_text("No requests are waiting.")).to_be_visible()
    scan(page)
    fits_the_screen(page)

    good.refresh_from_db()
    unfinished.refresh_from_db()
    casey.refresh_from_db()
    drew.refresh_from_db()
    assert (good.state, unfinished.state) == (Resource.State.PUBLISHED, Resource.State.DRAFT)
    assert (casey.state, drew.state) == (Membership.State.ACTIVE, Membership.State.DECLINED)
    context.close()


def test_a_member_does_not_find_the_admin_area(page, live_server):
    member = UserFactory(email="robin@example.org")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name=SIGN_IN).click()
    page.wait_for_url(live_server.url + "/")
    response = page.goto(f"{live_server.url}/manage/reports/")
    assert response.status == 404


def test_an_admin_finds_the_meetings_nobody_is_hosting_on_a_phone(
    browser, live_server, assert_accessible
):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import MeetingFactory, MeetingSeriesFactory

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    group = SupportGroupFactory(name="Harbour Circle")
    series = MeetingSeriesFactory(group=group, title="Evening sharing")
    MeetingFactory(series=series, occurrence_start=timezone.now() + timedelta(hours=3))
    sign_in_as_admin(page, live_server.url)

    index = page.get_by_role("region", name="Meetings nobody is hosting")
    expect(index).to_contain_text("1")
    page.get_by_role("link", name="Meetings nobody is hosting").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings nobody is hosting")
    row = page.get_by_role("row").filter(has_text="Evening sharing")
    expect(row).to_contain_text("Harbour Circle")
    expect(row).to_contain_text("members told")  # under four hours away
    assert_accessible(page)
    fits_the_screen(page)
    context.close()

"""A facilitator changes the time of a regular meeting in a browser (issue 15, item 1): the
form shows only what applies, a preview says what becomes of each meeting before anything is
saved, "Change it" keeps what was typed, and after saving the cancelled meeting is still
cancelled, the moved one still where it was moved, and the member who is coming is told.
Every page is scanned with axe-core; the preview also works without JavaScript.

Everyone lives in America/Phoenix (MST all year), so the times do not depend on the date."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from groups.meetings.recurrence import Frequency, Recurrence
from groups.models import Meeting, Rsvp
from groups.services.meetings import meeting_cancel, meeting_move, series_create
from tests.browser.test_facilitator_journeys import sign_in
from tests.browser.test_meeting_journeys import ZONE, member_of, today, when
from tests.conftest import message_text
from tests.factories import MembershipFactory, SupportGroupFactory, UserFactory, activate_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAIL_TIMEOUT = 10


@pytest.fixture
def group():
    return SupportGroupFactory(name="Evening Circle", time_zone=ZONE)


@pytest.fixture
def robin(group):
    """The group's facilitator, with an authenticator app; returns (user, secret)."""
    user = UserFactory(
        email="robin@example.org", display_name="Robin", is_facilitator=True, time_zone=ZONE
    )
    MembershipFactory(user=user, group=group, role="facilitator")
    return user, activate_totp(user)


@pytest.fixture
def no_js(browser, browser_context_args):
    contexts = []

    def new_page():
        context = browser.new_context(**browser_context_args, java_script_enabled=False)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


@pytest.fixture
def thursdays(group):
    """Thursdays at 19:00 from next week: the second cancelled, the third moved to the Friday
    at 18:00, Morgan going to the first."""
    start = today() + timedelta(days=(3 - today().weekday()) % 7 or 7)
    series = series_create(
        group=group,
        actor=None,
        recurrence=Recurrence(frequency=Frequency.WEEKLY, weekdays=(3,)),
        start=start,
        fields={
            "title": "Thursday sharing",
            "start_time": time(19),
            "duration_minutes": 60,
            "time_zone": ZONE,
            "attendance_option": "online",
        },
    )
    first, second, third = series.meetings.order_by("starts_at")[:3]
    morgan = member_of(group, "Morgan")
    Rsvp.objects.create(meeting=first, user=morgan, answer="going")
    meeting_cancel(meeting=second, reason="The hall is closed.")
    friday = third.starts_at.astimezone(series.zone).date() + timedelta(days=1)
    meeting_move(meeting=third, day=friday, at=time(18))
    return series, morgan


def test_changing_the_time_of_a_series_shows_a_preview_and_loses_nothing(
    page,
    site,
    smtp_inbox,
    assert_accessible,
    group,
    robin,
    thursdays,
):
    facilitator, secret = robin
    series, morgan = thursdays
    first, second, third = series.meetings.order_by("occurrence_start")[:3]
    count = series.meetings.count()

    sign_in(page, site.url, facilitator.email, totp_secret=secret)
    page.goto(site.url + reverse("groups:schedule", args=[group.slug]))
    page.get_by_role("region", name="Regular meetings").get_by_role(
        "link", name="Thursday sharing", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change “Thursday sharing”")
    # Only what applies: weekly days, no monthly choices, no address for an online meeting.
    expect(page.get_by_role("group", name=re.compile(r"^On\b"))).to_be_visible()
    expect(page.get_by_label("Which week of the month")).to_be_hidden()
    expect(page.get_by_label("Street")).to_be_hidden()
    assert_accessible(page)
    page.get_by_label("Once a month, on a chosen weekday").check()
    expect(page.get_by_label("Which week of the month")).to_be_visible()
    expect(page.get_by_role("group", name=re.compile(r"^On\b"))).to_be_hidden()
    page.get_by_label("Every week, or every few weeks").check()
    expect(page.get_by_role("group", name=re.compile(r"^On\b"))).to_be_visible()

    page.get_by_label("Starts at").fill("19:30")
    page.get_by_role("button", name="Save the schedule").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the changes to “Thursday sharing”"
    )
    summary = (
        f"{count - 2} meetings change time, 1 cancelled meeting stays cancelled, 1 moved "
        "meeting stays where it was moved, 1 answer follows, 1 person will be told."
    )
    expect(page.get_by_role("status")).to_have_text(summary)
    retimed = page.get_by_role("region", name="Meetings that change time")
    expect(retimed).to_contain_text(f"{when(first.starts_at)} becomes")
    expect(
        page.get_by_role("region", name="Cancelled meetings that stay cancelled")
    ).to_contain_text("The hall is closed.")
    expect(
        page.get_by_role("region", name="Moved meetings that stay where you moved them")
    ).to_contain_text(when(third.starts_at))
    assert_accessible(page)
    assert Meeting.objects.get(pk=first.pk).starts_at == first.starts_at  # nothing saved yet

    page.get_by_role("button", name="Change it").click()
    expect(page.get_by_label("Starts at")).to_have_value("19:30")
    assert_accessible(page)
    page.get_by_role("button", name="Save the schedule").click()
    page.get_by_role("button", name="Save the schedule").click()  # on the preview

    expect(page.locator(".messages")).to_contain_text(f"The schedule is saved. {summary[:30]}")
    assert_accessible(page)
    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    assert first.starts_at.astimezone(series.zone).time() == time(19, 30)
    assert Rsvp.objects.filter(meeting=first, user=morgan, answer="going").exists()
    assert second.is_cancelled and second.starts_at.astimezone(series.zone).time() == time(19, 30)
    assert third.starts_at.astimezone(series.zone).time() == time(18)
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows.filter(has_text=when(second.starts_at)).get_by_text("Cancelled")).to_be_visible()
    expect(rows.filter(has_text=when(third.starts_at)).get_by_text("Moved")).to_be_visible()

    mail = smtp_inbox.wait_for(
        lambda m: morgan.email in m["X-Envelope-To"] and "now takes place" in message_text(m),
        timeout=MAIL_TIMEOUT,
    )
    assert when(first.starts_at) in message_text(mail)


def test_the_series_edit_preview_works_without_javascript(
    no_js,
    site,
    group,
    robin,
    thursdays,
):
    facilitator, secret = robin
    series, _ = thursdays
    page = no_js()
    sign_in(page, site.url, facilitator.email, totp_secret=secret)
    page.goto(site.url + reverse("groups:series-edit", args=[group.slug, series.pk]))
    # Without JavaScript the parts that do not apply are folded away, not gone.
    expect(page.locator("summary", has_text="Monthly meetings")).to_be_visible()
    expect(page.get_by_label("Which week of the month")).to_be_hidden()
    page.get_by_label("Starts at").fill("20:00")
    page.get_by_role("button", name="Save the schedule").click()
    # (axe needs JavaScript: the test above scans the same pages.)
    expect(page.get_by_role("status")).to_contain_text("1 cancelled meeting stays cancelled")
    page.get_by_role("button", name="Save the schedule").click()
    expect(page.locator(".messages")).to_contain_text("The schedule is saved.")
    series.refresh_from_db()
    assert series.start_time == time(20)

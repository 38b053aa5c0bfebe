"""Meetings in a browser: a facilitator builds a weekly schedule and cancels one meeting, two
members meet the waiting list, a facilitator takes attendance on a phone, and a member's proof
of attendance is checked by a third party. Every page visited is scanned with axe-core.

Everyone (members and groups) lives in America/Phoenix, which keeps MST all year: the times
and their abbreviation on the pages do not depend on the date the tests run."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from accounts.models import User
from accounts.services.unsubscribe import unsubscribe_token
from groups.attendance.letters import long_date
from groups.attendance.services import letter_issue
from groups.meetings.times import format_meeting_time
from groups.models import Attendance, AttendanceLetter, Meeting, MeetingSeries, Membership, Rsvp
from groups.services.rsvps import rsvp_answer
from tests.browser.test_facilitator_journeys import sign_in
from tests.conftest import message_text
from tests.factories import (
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    RsvpFactory,
    SupportGroupFactory,
    UserFactory,
    activate_totp,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZONE = "America/Phoenix"  # no daylight saving: always MST
PHONE = {"width": 390, "height": 844}
MAIL_TIMEOUT = 10


@pytest.fixture
def no_js(browser, browser_context_args):
    """Opens pages in fresh browsers with JavaScript switched off (each its own cookies)."""
    contexts = []

    def new_page():
        context = browser.new_context(**browser_context_args, java_script_enabled=False)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


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


def member_of(group, name: str) -> User:
    user = UserFactory.create(
        email=f"{name.lower()}@example.org", display_name=name, time_zone=ZONE
    )
    MembershipFactory(user=user, group=group)
    return user


def today() -> date:
    return timezone.now().astimezone(ZoneInfo(ZONE)).date()


def at_seven_pm(day: date) -> datetime:
    return datetime.combine(day, time(19, 0), tzinfo=ZoneInfo(ZONE))


def when(starts_at: datetime) -> str:
    """The time as the pages and e-mails write it: "Tuesday 10 March 2026, 19:00 MST"."""
    return format_meeting_time(starts_at, viewer_zone=ZONE, meeting_zone=ZONE)


def meeting_url(meeting: Meeting) -> str:
    return reverse("groups:meeting-detail", args=[meeting.group.slug, meeting.pk])


def check_in_url(meeting: Meeting) -> str:
    return reverse("groups:meeting-attendance", args=[meeting.group.slug, meeting.pk])


def message(page):
    return page.locator(".messages")


def test_a_facilitator_adds_a_weekly_schedule_and_cancels_one_meeting(
    page, site, smtp_inbox, assert_accessible, group, robin
):
    facilitator, secret = robin
    morgan = member_of(group, "Morgan")
    next_tuesday = today() + timedelta(days=(1 - today().weekday()) % 7 or 7)
    first, second = at_seven_pm(next_tuesday), at_seven_pm(next_tuesday + timedelta(days=2))

    sign_in(page, site.url, facilitator.email, totp_secret=secret)
    page.goto(site.url + reverse("groups:schedule", args=[group.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Schedule")
    expect(page.get_by_text("No meetings yet.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add a regular meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a meeting")
    assert_accessible(page)
    page.get_by_label("Name of the meeting").fill("Evening sharing")
    page.get_by_label(re.compile(r"^Places")).fill("12")
    page.get_by_label("Every week, or every few weeks").check()
    page.get_by_label("First meeting").fill(next_tuesday.isoformat())
    page.get_by_label("Starts at").fill("19:00")
    page.get_by_label("Length in minutes").fill("90")
    expect(page.get_by_label("Time zone")).to_have_value(ZONE)
    weekdays = page.get_by_role("group", name=re.compile(r"^On\b"))
    weekdays.get_by_label("Tuesday").check()
    weekdays.get_by_label("Thursday").check()
    page.get_by_role("button", name="Add to the schedule").click()

    expect(message(page)).to_contain_text(
        re.compile(r"“Evening sharing” is on the schedule, with \d+ meetings planned so far")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Schedule")
    regular = page.get_by_role("region", name="Regular meetings")
    expect(regular).to_contain_text(
        "Every week on Tuesday and Thursday, 19:00 Mountain Time (Phoenix), 90 minutes"
    )
    expect(regular).to_contain_text("12 places")
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows.nth(1)).to_contain_text(when(first))  # row 0 holds the column headings
    expect(rows.nth(2)).to_contain_text(when(second))
    assert_accessible(page)
    series = MeetingSeries.objects.get(group=group)
    assert (series.title, series.rsvp_limit, series.duration_minutes) == ("Evening sharing", 12, 90)
    assert (series.start_time, series.time_zone) == (time(19, 0), ZONE)
    assert "BYDAY=TU,TH" in series.rrule
    meeting = series.meetings.order_by("starts_at").first()
    assert meeting.starts_at == first

    # Morgan says they're coming to the first meeting; the schedule counts them.
    rsvp_answer(user=morgan, meeting=meeting, going=True)
    page.reload()
    row = rows.filter(has_text=when(first))
    expect(row.get_by_role("cell").nth(2)).to_contain_text("1 of 12")

    row.get_by_role("link", name=re.compile(r"^Cancel")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel a meeting")
    expect(page.locator(".lead")).to_contain_text(when(first))
    expect(page.locator(".lead")).to_contain_text("We e-mail the 1 person going")
    assert_accessible(page)
    # No reason: nothing is cancelled, and the field says why.
    page.get_by_role("button", name="Cancel this meeting").click()
    expect(page.get_by_label("Reason")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.SCHEDULED

    page.get_by_label("Reason").fill("The hall is closed for the holiday.")
    page.get_by_role("button", name="Cancel this meeting").click()
    expect(message(page)).to_contain_text(
        "The meeting is cancelled. We're telling the 1 person who said they'd come"
    )
    row = rows.filter(has_text=when(first))
    expect(row.get_by_text("Cancelled", exact=True)).to_be_visible()
    expect(row.get_by_role("link", name=re.compile(r"^Cancel"))).to_have_count(0)
    expect(rows.filter(has_text=when(second)).get_by_text("Cancelled")).to_have_count(0)
    assert_accessible(page)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == (
        Meeting.Status.CANCELLED,
        "The hall is closed for the holiday.",
    )

    mail = smtp_inbox.wait_for(
        lambda m: morgan.email in m["X-Envelope-To"] and "cancelled" in message_text(m),
        timeout=MAIL_TIMEOUT,
    )
    text = message_text(mail)
    assert "The hall is closed for the holiday." in text
    assert when(first) in text


def test_a_member_waits_for_a_place_and_gets_it_when_someone_leaves(
    page, other_page, site, smtp_inbox, assert_accessible, group
):
    sky, jo = member_of(group, "Sky"), member_of(group, "Jo")
    series = MeetingSeriesFactory(
        group=group, title="Thursday evening", time_zone=ZONE, rsvp_limit=1
    )
    starts_at = at_seven_pm(today() + timedelta(days=3))
    meeting = MeetingFactory(series=series, occurrence_start=starts_at)
    url = meeting_url(meeting)

    # Sky takes the one place.
    sign_in(page, site.url, sky.email)
    page.goto(site.url + url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thursday evening")
    expect(page.get_by_text(f"{when(starts_at)} until 20:30 MST")).to_be_visible()
    expect(page.get_by_text("1 place left")).to_be_visible()
    expect(page.get_by_text("You haven't answered yet.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="I'm going").click()
    expect(message(page)).to_contain_text("You're going. We'll see you there.")
    expect(page.get_by_text("You're going", exact=True)).to_be_visible()
    expect(page.get_by_text("0 places left")).to_be_visible()
    expect(page.get_by_role("button", name="I can't make it")).to_be_visible()
    assert_accessible(page)

    # Jo, in another browser, finds it full and joins the waiting list.
    sign_in(other_page, site.url, jo.email)
    other_page.goto(site.url + url)
    expect(other_page.get_by_text("0 places left")).to_be_visible()
    expect(other_page.get_by_role("button", name="I'm going")).to_have_count(0)
    other_page.get_by_role("button", name="Join the waiting list").click()
    expect(message(other_page)).to_contain_text("The meeting is full, so you're on the waiting")
    expect(other_page.get_by_text("On the waiting list, number 1")).to_be_visible()
    expect(other_page.get_by_role("button", name="Leave the waiting list")).to_be_visible()
    assert_accessible(other_page)
    answers = dict(Rsvp.objects.filter(meeting=meeting).values_list("user__display_name", "answer"))
    assert answers == {"Sky": "going", "Jo": "waitlisted"}

    # Sky leaves the group: the place goes to Jo.
    page.goto(site.url + reverse("groups:group-detail", args=[group.slug]))
    page.get_by_role("link", name="Leave this group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leave Evening Circle?")
    assert_accessible(page)
    page.get_by_role("button", name="Leave the group").click()
    expect(page.get_by_text("You left Evening Circle.")).to_be_visible()

    other_page.reload()
    expect(other_page.get_by_text("You're going", exact=True)).to_be_visible()
    expect(other_page.get_by_text("On the waiting list")).to_have_count(0)
    expect(other_page.get_by_role("button", name="I can't make it")).to_be_visible()
    assert_accessible(other_page)
    assert Membership.objects.get(user=sky, group=group).state == "left"
    assert list(Rsvp.objects.filter(meeting=meeting).values_list("user", "answer")) == [
        (jo.pk, "going")
    ]
    mail = smtp_inbox.wait_for(
        lambda m: jo.email in m["X-Envelope-To"] and "it is yours" in message_text(m),
        timeout=MAIL_TIMEOUT,
    )
    assert when(starts_at) in message_text(mail)

    # "My meetings" shows it in Jo's zone, and it goes into a calendar as a file.
    other_page.get_by_role("link", name="My meetings").click()
    expect(other_page.get_by_role("heading", level=1)).to_have_text("My meetings")
    item = other_page.locator("li.meeting", has_text="Thursday evening")
    expect(item.locator(".meeting__when")).to_have_text(when(starts_at))
    expect(item.get_by_text("You're going", exact=True)).to_be_visible()
    expect(item).to_contain_text("Evening Circle")
    assert_accessible(other_page)
    with other_page.expect_download() as download_info:
        item.get_by_role("link", name=re.compile(r"^Add to calendar")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = Calendar.from_ical(Path(download.path()).read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    dtstart = events[0].decoded("DTSTART")
    assert dtstart == starts_at
    assert dtstart.utcoffset() == timedelta(hours=-7)


def test_a_facilitator_takes_attendance_on_a_phone(
    page, live_server, assert_accessible, group, robin
):
    facilitator, secret = robin
    sky, jo, alex = member_of(group, "Sky"), member_of(group, "Jo"), member_of(group, "Alex")
    series = MeetingSeriesFactory(group=group, title="Thursday evening", time_zone=ZONE)
    started = timezone.now().replace(microsecond=0) - timedelta(minutes=30)
    meeting = MeetingFactory(series=series, occurrence_start=started)
    RsvpFactory(meeting=meeting, user=sky, answer="going")

    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, facilitator.email, totp_secret=secret)
    page.goto(live_server.url + check_in_url(meeting))
    expect(page.get_by_role("heading", level=1)).to_have_text("Who was there?")
    expect(page.locator(".lead")).to_contain_text(when(started))
    coming = page.get_by_role("group", name="Said they're coming (1)")
    expect(coming.get_by_role("checkbox")).to_have_count(1)
    expect(coming.get_by_role("checkbox", name="Sky was there")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("checkbox", name="Sky was there").check()
    page.get_by_role("checkbox", name="Jo was there").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(message(page)).to_have_text(re.compile(r"^\s*Attendance saved: 2 people\.\s*$"))
    expect(page.get_by_role("checkbox", name="Sky was there")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Jo was there")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Alex was there")).not_to_be_checked()
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    recorded = Attendance.objects.filter(meeting=meeting)
    assert {a.user_id for a in recorded} == {sky.pk, jo.pk}
    assert {a.recorded_by_id for a in recorded} == {facilitator.pk}
    assert alex.pk not in {a.user_id for a in recorded}


def test_a_member_proves_attendance_and_a_third_party_checks_the_code(
    page, other_page, live_server, assert_accessible, group
):
    morgan = member_of(group, "Morgan")
    series = MeetingSeriesFactory(group=group, title="Thursday evening", time_zone=ZONE)
    days = [today() - timedelta(days=40), today() - timedelta(days=9), today() - timedelta(days=2)]
    for day in days:
        meeting = MeetingFactory(series=series, occurrence_start=at_seven_pm(day))
        Attendance.objects.create(meeting=meeting, user=morgan)
    date_from, date_to = today() - timedelta(days=14), today()

    sign_in(page, live_server.url, morgan.email)
    page.goto(live_server.url + reverse("groups:my-attendance"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My attendance")
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(1 + len(days))
    assert_accessible(page)
    page.get_by_role("link", name="Get a proof of attendance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Proof of attendance")
    expect(page.get_by_text("You haven't asked for a letter yet.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("From").fill(date_from.isoformat())
    page.get_by_label("To", exact=True).fill(date_to.isoformat())
    page.get_by_role("button", name="Issue the letter").click()

    expect(message(page)).to_contain_text("Your letter is ready.")
    letter_page = page.get_by_role("article", name="Proof of attendance")
    expect(letter_page).to_contain_text(
        f"This letter confirms that Morgan took part in the meetings of peer support groups "
        f"listed below, between {long_date(date_from)} and {long_date(date_to)}"
    )
    entries = letter_page.get_by_role("table").get_by_role("row")
    expect(entries).to_have_count(1 + 2)  # the two meetings in the range, not the older one
    expect(entries.nth(1)).to_contain_text("19:00 MST")
    code = page.locator(".letter__code").inner_text().strip()
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{5}(-[A-HJ-NP-Z2-9]{5}){3}", code), code
    assert_accessible(page)
    letter = AttendanceLetter.objects.get(user=morgan)
    assert (letter.code, letter.date_from, letter.date_to) == (code, date_from, date_to)
    assert len(letter.entries) == 2

    # Someone Morgan gave the letter to checks the code, without an account.
    other_page.goto(live_server.url + reverse("groups:letter-verify-form"))
    expect(other_page.get_by_role("heading", level=1)).to_have_text("Check a proof of attendance")
    assert_accessible(other_page)
    other_page.get_by_label("Verification code").fill(code)
    other_page.get_by_role("button", name="Check the code").click()
    expect(other_page.get_by_role("heading", level=1)).to_have_text(
        "Proof of attendance: confirmed"
    )
    facts = other_page.locator("dl.facts")
    expect(facts).to_contain_text("Morgan")
    expect(facts).to_contain_text(f"{long_date(date_from)} to {long_date(date_to)}")
    checked = other_page.get_by_role("table").get_by_role("row")
    expect(checked).to_have_count(1 + 2)
    expect(checked.nth(1)).to_contain_text("Evening Circle")
    expect(checked.nth(2)).to_contain_text("Evening Circle")
    expect(other_page.get_by_text(morgan.email)).to_have_count(0)
    assert_accessible(other_page)

    # Morgan revokes the letter; the code no longer confirms anything.
    page.get_by_role("link", name="Revoke this letter…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revoke this letter?")
    assert_accessible(page)
    page.get_by_role("button", name="Revoke the letter").click()
    expect(message(page)).to_contain_text("The letter is revoked")
    expect(page.get_by_text(re.compile(r"^Revoked on .* MST\.$"))).to_be_visible()
    expect(page.get_by_role("link", name="Revoke this letter…")).to_have_count(0)
    assert_accessible(page)
    letter.refresh_from_db()
    assert letter.revoked_at is not None

    response = other_page.reload()
    assert response.status == 404
    expect(other_page.get_by_role("heading", level=1)).to_have_text("Letter not confirmed")
    expect(other_page.get_by_text("Morgan")).to_have_count(0)
    assert_accessible(other_page)


def test_answering_and_taking_attendance_work_without_javascript(no_js, live_server, group, robin):
    facilitator, secret = robin
    sky = member_of(group, "Sky")
    series = MeetingSeriesFactory(group=group, title="Thursday evening", time_zone=ZONE)
    coming = MeetingFactory(series=series, occurrence_start=at_seven_pm(today() + timedelta(3)))
    started = MeetingFactory(
        series=series,
        occurrence_start=timezone.now().replace(microsecond=0) - timedelta(minutes=30),
    )

    # The pages are scanned with scripts on in the journeys above; axe cannot run here.
    member = no_js()
    sign_in(member, live_server.url, sky.email)
    member.goto(live_server.url + meeting_url(coming))
    member.get_by_role("button", name="I'm going").click()
    expect(message(member)).to_contain_text("You're going. We'll see you there.")
    expect(member.get_by_text("You're going", exact=True)).to_be_visible()
    assert Rsvp.objects.get(meeting=coming, user=sky).answer == "going"

    lead = no_js()
    sign_in(lead, live_server.url, facilitator.email, totp_secret=secret)
    lead.goto(live_server.url + check_in_url(started))
    lead.get_by_role("checkbox", name="Sky was there").check()
    lead.get_by_role("button", name="Save attendance").click()
    expect(message(lead)).to_contain_text("Attendance saved: 1 person.")
    expect(lead.get_by_role("checkbox", name="Sky was there")).to_be_checked()
    assert list(Attendance.objects.filter(meeting=started).values_list("user", flat=True)) == [
        sky.pk
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_meeting_pages_read_well_on_a_phone(
    page, live_server, assert_accessible, group, robin, scheme
):
    """The pages above with something in them (a schedule, answers, a waiting list, a record,
    a letter), light and dark on a 360-pixel phone: no axe violation, nothing wider than the
    screen (tables scroll inside their own region)."""
    facilitator, secret = robin
    sky, jo = member_of(group, "Sky"), member_of(group, "Jo")
    series = MeetingSeriesFactory(
        group=group, title="Thursday evening", time_zone=ZONE, rsvp_limit=1
    )
    coming = MeetingFactory(series=series, occurrence_start=at_seven_pm(today() + timedelta(3)))
    RsvpFactory(meeting=coming, user=sky, answer="going")
    RsvpFactory(meeting=coming, user=jo, answer="waitlisted", waitlisted_at=timezone.now())
    RsvpFactory(meeting=coming, user=facilitator, answer="not_going")
    MeetingFactory(
        series=series,
        occurrence_start=at_seven_pm(today() + timedelta(10)),
        status=Meeting.Status.CANCELLED,
        cancel_reason="The hall is closed.",
    )
    past = MeetingFactory(series=series, occurrence_start=at_seven_pm(today() - timedelta(2)))
    for person in (facilitator, sky):
        Attendance.objects.create(meeting=past, user=person, recorded_by=facilitator)
    letter = letter_issue(user=facilitator, date_from=today() - timedelta(7), date_to=today())
    slug = group.slug

    page.set_viewport_size({"width": 360, "height": 740})
    page.emulate_media(color_scheme=scheme)
    sign_in(page, live_server.url, facilitator.email, totp_secret=secret)
    urls = [
        reverse("groups:schedule", args=[slug]),
        reverse("groups:series-create", args=[slug]),
        reverse("groups:series-edit", args=[slug, series.pk]),
        reverse("groups:meeting-cancel", args=[slug, coming.pk]),
        reverse("groups:meeting-move", args=[slug, coming.pk]),
        reverse("groups:meeting-detail", args=[slug, coming.pk]),
        reverse("groups:meeting-attendance", args=[slug, past.pk]),
        reverse("groups:group-attendance", args=[slug]),
        reverse("groups:my-meetings"),
        reverse("groups:my-attendance"),
        reverse("groups:letter-list"),
        reverse("groups:letter-detail", args=[letter.pk]),
        reverse("groups:letter-revoke", args=[letter.pk]),
        reverse("groups:letter-verify", args=[letter.code]),
        reverse("groups:letter-verify", args=["ABCDE-FGHJK-LMNPQ-RSTUV"]),  # not found
        # Sharing reading with the group, suggesting it, the calendar address and e-mail links.
        reverse("resources:group-resources", args=[slug]),
        reverse("resources:suggest"),
        reverse("groups:personal-calendar-reset"),
        reverse(
            "accounts:unsubscribe",
            args=[unsubscribe_token(user_id=facilitator.pk, category="reminders")],
        ),
    ]
    for url in urls:
        response = page.goto(live_server.url + url)
        assert response.status in {200, 404}, url
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

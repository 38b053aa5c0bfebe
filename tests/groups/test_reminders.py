"""Reminders: who gets one, for which lead time, when; what it says; and what happens when
the meeting or the member's mind changes before it goes out. Each test drives the dispatcher
and the sender with an explicit clock, as beat and the worker would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from groups.meetings.joining import join_address_url
from groups.models import JoinAddress
from groups.reminders import reminders_plan_due
from groups.services.meetings import meeting_cancel, meeting_move
from notifications.models import OutboxMessage
from notifications.outbox import outbox_dispatch, outbox_send
from tests.factories import (
    HostedMeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    RsvpFactory,
    SupportGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
State = OutboxMessage.State
START = datetime(2026, 12, 2, 0, 0, tzinfo=UTC)  # 19:00 in New York on Tuesday 1 December


@pytest.fixture
def meeting():
    group = SupportGroupFactory(
        name="Harbour Circle", time_zone="America/New_York", online_url="https://meet.example.org/h"
    )
    series = MeetingSeriesFactory(group=group, title="Evening sharing", dial_in="+1 555 0100")
    return HostedMeetingFactory(series=series, occurrence_start=START)


def member(meeting, *, answer="going", **prefs):
    user = UserFactory(time_zone="Europe/London", **prefs)
    MembershipFactory(user=user, group=meeting.group)
    if answer:
        RsvpFactory(meeting=meeting, user=user, answer=answer)
    return user


def run(at: datetime) -> list[int]:
    """One dispatcher run at `at`, and the worker sending what it queued."""
    claimed = outbox_dispatch(now=at).claimed
    outbox_send(claimed, now=lambda: at)
    return claimed


def sent_to() -> list[str]:
    return [message.to[0] for message in mail.outbox]


def test_a_member_going_gets_each_chosen_reminder_once_at_its_time(meeting):
    sam = member(meeting, reminder_lead_minutes=[1440, 60])
    run(START - timedelta(hours=25))
    assert mail.outbox == []
    run(START - timedelta(hours=24))
    run(START - timedelta(hours=24) + timedelta(minutes=1))
    assert sent_to() == [sam.email]
    run(START - timedelta(minutes=61))
    assert len(mail.outbox) == 1
    run(START - timedelta(minutes=60))
    run(START - timedelta(minutes=30))
    assert sent_to() == [sam.email, sam.email]
    leads = sorted(OutboxMessage.objects.values_list("variant", flat=True))
    assert leads == [60, 1440]


def test_who_gets_a_reminder_follows_answers_preferences_and_membership(meeting):
    going = member(meeting, reminder_lead_minutes=[60])
    all_meetings = member(meeting, answer=None, reminder_scope="all", reminder_lead_minutes=[60])
    member(meeting, answer=None, reminder_lead_minutes=[60])  # scope "going", no answer
    member(meeting, answer="not_going", reminder_scope="all", reminder_lead_minutes=[60])
    member(meeting, reminder_lead_minutes=[])  # no reminders at all
    member(meeting, reminder_lead_minutes=[15])  # a later one only
    pending = UserFactory(reminder_scope="all", reminder_lead_minutes=[60])
    MembershipFactory(user=pending, group=meeting.group, state="pending")
    outsider = UserFactory(reminder_scope="all", reminder_lead_minutes=[60])
    RsvpFactory(meeting=meeting, user=outsider, answer="going")  # not a member (any more)
    run(START - timedelta(minutes=59))
    assert sorted(sent_to()) == sorted([going.email, all_meetings.email])


def test_the_dispatcher_makes_the_same_queries_for_few_or_many_reminders(meeting):
    member(meeting, reminder_lead_minutes=[60])
    with CaptureQueriesContext(connection) as few:
        claimed = outbox_dispatch(now=START - timedelta(minutes=30)).claimed
    assert len(claimed) == 1
    outbox_send(claimed, now=lambda: START - timedelta(minutes=30))
    # On PostgreSQL the count stays the same for any number (one INSERT … SELECT unnest);
    # SQLite batches inserts by 58 rows (999 parameters, 17 columns), so there the "many"
    # stays within one batch.
    n = 100 if connection.vendor == "postgresql" else 18
    for _ in range(n):
        member(meeting, reminder_lead_minutes=[60, 15])
    other = HostedMeetingFactory(
        series=meeting.series, occurrence_start=START + timedelta(minutes=5)
    )
    for _ in range(n):
        member(other, reminder_lead_minutes=[60])
    with CaptureQueriesContext(connection) as many:
        # n get the 15-minute one (their 60-minute one is superseded), n the 60-minute one.
        assert len(outbox_dispatch(now=START - timedelta(minutes=10)).claimed) == 2 * n
    assert len(many) == len(few)


def test_after_an_outage_only_the_shortest_due_reminder_goes_out_late_once(meeting):
    sam = member(meeting, reminder_lead_minutes=[2880, 1440, 60])
    # Nothing ran for two days; the meeting starts in 40 minutes.
    run(START - timedelta(minutes=40))
    run(START - timedelta(minutes=39))
    assert sent_to() == [sam.email]
    states = dict(OutboxMessage.objects.values_list("variant", "state"))
    assert states == {60: State.SENT, 1440: State.CANCELLED, 2880: State.CANCELLED}


def test_no_reminder_once_the_meeting_has_started(meeting):
    member(meeting, reminder_lead_minutes=[60])
    run(START + timedelta(minutes=1))
    assert mail.outbox == []


def test_a_reminder_queued_before_a_cancellation_is_not_sent(meeting):
    member(meeting, reminder_lead_minutes=[60])
    claimed = outbox_dispatch(now=START - timedelta(minutes=59)).claimed  # queued
    meeting_cancel(meeting=meeting, reason="Snow", now=START - timedelta(minutes=58))
    mail.outbox.clear()  # the cancellation notice itself
    outbox_send(claimed, now=lambda: START - timedelta(minutes=58))
    assert mail.outbox == []
    assert OutboxMessage.objects.get(kind="reminder").state == State.CANCELLED


def test_a_reminder_queued_before_a_move_waits_and_reminds_at_the_new_time(meeting):
    sam = member(meeting, reminder_lead_minutes=[60])
    claimed = outbox_dispatch(now=START - timedelta(minutes=59)).claimed
    later = START + timedelta(hours=2)
    local = later.astimezone(meeting.series.zone)
    meeting_move(meeting=meeting, day=local.date(), at=local.time(), now=START - timedelta(hours=1))
    mail.outbox.clear()
    outbox_send(claimed, now=lambda: START - timedelta(minutes=58))
    assert mail.outbox == []
    row = OutboxMessage.objects.get(kind="reminder")
    assert (row.state, row.due_at) == (State.SCHEDULED, later - timedelta(minutes=60))
    run(later - timedelta(minutes=60))
    [reminder] = [m for m in mail.outbox if m.body.count("A reminder:")]
    assert reminder.to == [sam.email]
    assert "21:00 EST" in reminder.body  # the new time, where the group meets


def test_a_member_who_leaves_after_it_was_queued_gets_nothing(meeting):
    sam = member(meeting, reminder_lead_minutes=[60])
    claimed = outbox_dispatch(now=START - timedelta(minutes=59)).claimed
    sam.memberships.update(state="left")
    outbox_send(claimed, now=lambda: START - timedelta(minutes=58))
    assert mail.outbox == []


def test_planning_twice_at_once_adds_each_reminder_once(meeting):
    member(meeting, reminder_lead_minutes=[60])
    assert reminders_plan_due(now=START - timedelta(minutes=30)) == 1
    assert reminders_plan_due(now=START - timedelta(minutes=30)) == 0
    assert OutboxMessage.objects.count() == 1


def test_the_reminder_says_when_in_my_zone_where_how_to_answer_and_carries_the_ics(meeting):
    sam = member(meeting, reminder_lead_minutes=[60], discreet_mode=False)
    run(START - timedelta(minutes=60))
    [message] = mail.outbox
    assert (
        message.subject
        == "Kinship: Starts in 1 hour, at 00:00 GMT: Evening sharing, Harbour Circle"
    )
    body = message.body
    assert "Wednesday 2 December 2026, 00:00 GMT (19:00 EST where the group meets)" in body
    address = JoinAddress.objects.get(user=sam, series=meeting.series)
    assert f"Join the meeting: {join_address_url(address)}" in body and "+1 555 0100" in body
    assert "https://meet.example.org/h" not in body  # only behind the join address
    assert f"/groups/{meeting.group.slug}/meetings/{meeting.pk}/" in body
    assert "You said you're going." in body
    [(name, content, mimetype)] = message.attachments
    assert name == "meeting.ics" and mimetype.startswith("text/calendar")
    [event] = Calendar.from_ical(content).walk("VEVENT")
    assert event.decoded("DTSTART").astimezone(UTC) == START
    assert "Harbour Circle" in str(event["SUMMARY"])
    assert sam.email in message.to


def test_in_discreet_mode_the_subject_and_calendar_title_name_nothing(meeting):
    member(meeting, reminder_lead_minutes=[60])  # discreet mode is on by default
    run(START - timedelta(minutes=60))
    [message] = mail.outbox
    assert message.subject == "Kinship: A reminder: your appointment in 1 hour, at 00:00 GMT"
    [(_, content, _)] = message.attachments
    [event] = Calendar.from_ical(content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Appointment"


def test_a_meeting_moved_later_then_earlier_reminds_at_its_final_time(meeting):
    sam = member(meeting, reminder_lead_minutes=[60])
    claimed = outbox_dispatch(now=START - timedelta(minutes=59)).claimed
    zone = meeting.series.zone
    later = (START + timedelta(hours=2)).astimezone(zone)
    meeting_move(meeting=meeting, day=later.date(), at=later.time(), now=START - timedelta(hours=1))
    outbox_send(claimed, now=lambda: START - timedelta(minutes=58))  # waits for the new time
    back = (START + timedelta(minutes=30)).astimezone(zone)
    meeting_move(
        meeting=meeting, day=back.date(), at=back.time(), now=START - timedelta(minutes=50)
    )
    mail.outbox.clear()
    run(START - timedelta(minutes=30))
    [reminder] = [m for m in mail.outbox if m.body.count("A reminder:")]
    assert reminder.to == [sam.email]
    assert "19:30 EST" in reminder.body


def test_saying_yes_after_a_lead_time_sends_only_the_nearest_reminder_that_is_still_useful(
    meeting,
):
    # Said yes 62 minutes before: the 24-hour reminder would come two minutes ahead of the
    # 1-hour one, so only the 1-hour one goes.
    late = member(meeting, answer=None, reminder_lead_minutes=[2880, 1440, 60])
    run(START - timedelta(hours=30))
    RsvpFactory(meeting=meeting, user=late, answer="going")
    run(START - timedelta(minutes=62))
    assert mail.outbox == []
    run(START - timedelta(minutes=61))
    run(START - timedelta(minutes=60))
    run(START - timedelta(minutes=59))
    assert sent_to() == [late.email]
    assert "starts in 1 hour, at 00:00 GMT" in mail.outbox[0].body
    rows = {row.variant: row.state for row in OutboxMessage.objects.filter(user=late)}
    assert rows == {2880: State.CANCELLED, 1440: State.CANCELLED, 60: State.SENT}


def test_saying_yes_well_before_the_next_lead_time_sends_the_nearest_past_one_then_the_next(
    meeting,
):
    early = member(meeting, answer=None, reminder_lead_minutes=[2880, 1440, 60])
    RsvpFactory(meeting=meeting, user=early, answer="going")
    run(START - timedelta(hours=20))  # 48 and 24 hours both past: the nearest, once
    run(START - timedelta(hours=20) + timedelta(minutes=1))
    assert sent_to() == [early.email]
    assert "starts tomorrow at 00:00 GMT" in mail.outbox[0].body
    run(START - timedelta(minutes=60))
    assert sent_to() == [early.email, early.email]
    rows = {row.variant: row.state for row in OutboxMessage.objects.filter(user=early)}
    assert rows == {2880: State.CANCELLED, 1440: State.SENT, 60: State.SENT}

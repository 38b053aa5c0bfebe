"""Reminders across daylight-saving changes in the meeting's and the member's zones.

A reminder is due at the meeting's start minus the lead time, both UTC instants, so a change
of clocks on either side moves nothing; its text gives the member's own local time with the
abbreviation in force that day. Meetings are made as a facilitator makes them (series_create),
including a local time that does not exist (02:30 on the spring-forward day: read as 03:30
daylight time) and one that exists twice (01:30 on the fall-back day: the first, daylight
time). The dispatcher and the sender run with an explicit clock; no broker is needed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from icalendar import Calendar

from groups.meetings.recurrence import Frequency, Recurrence
from groups.reminders import reminders_plan_due
from groups.services.meetings import series_create
from notifications.models import OutboxMessage
from notifications.outbox import outbox_dispatch, outbox_send
from tests.factories import MembershipFactory, SupportGroupFactory, UserFactory

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)

CASES = [
    pytest.param(
        "America/New_York",
        date(2027, 3, 14),
        time(2, 30),  # does not exist: clocks go from 02:00 EST to 03:00 EDT
        "Europe/London",  # still on GMT for two more weeks
        datetime(2027, 3, 14, 7, 30, tzinfo=UTC),
        "Sunday 14 March 2027, 07:30 GMT (03:30 EDT where the group meets)",
        "Sun 14 Mar, 07:30 GMT",
        id="new-york-gap-seen-from-london",
    ),
    pytest.param(
        "America/New_York",
        date(2027, 11, 7),
        time(1, 30),  # happens twice: 01:30 EDT, then 01:30 EST
        "Europe/London",
        datetime(2027, 11, 7, 5, 30, tzinfo=UTC),
        "Sunday 7 November 2027, 05:30 GMT (01:30 EDT where the group meets)",
        "Sun 7 Nov, 05:30 GMT",
        id="new-york-fold-seen-from-london",
    ),
    pytest.param(
        "Europe/London",
        date(2027, 3, 28),
        time(1, 30),  # does not exist: clocks go from 01:00 GMT to 02:00 BST
        "America/New_York",  # already on daylight time since 14 March
        datetime(2027, 3, 28, 1, 30, tzinfo=UTC),
        "Saturday 27 March 2027, 21:30 EDT (02:30 BST where the group meets)",
        "Sat 27 Mar, 21:30 EDT",
        id="london-gap-seen-from-new-york",
    ),
    pytest.param(
        "Europe/London",
        date(2027, 10, 31),
        time(1, 30),  # happens twice: 01:30 BST, then 01:30 GMT
        "America/New_York",  # still on daylight time for one more week
        datetime(2027, 10, 31, 0, 30, tzinfo=UTC),
        "Saturday 30 October 2027, 20:30 EDT (01:30 BST where the group meets)",
        "Sat 30 Oct, 20:30 EDT",
        id="london-fold-seen-from-new-york",
    ),
    pytest.param(
        "Asia/Kolkata",  # no daylight time at all
        date(2027, 11, 7),
        time(12, 0),
        "America/New_York",  # the member's 01:30 happens twice that night: this is the second
        datetime(2027, 11, 7, 6, 30, tzinfo=UTC),
        "Sunday 7 November 2027, 01:30 EST (12:00 IST where the group meets)",
        "Sun 7 Nov, 01:30 EST",
        id="member-fold-in-new-york",
    ),
]


@pytest.mark.parametrize(("zone", "day", "at", "member_zone", "start", "when", "short"), CASES)
def test_reminders_are_due_at_start_minus_lead_and_say_the_members_local_time(
    zone, day, at, member_zone, start, when, short
):
    created = start - timedelta(days=10)
    with time_machine.travel(created, tick=False):
        group = SupportGroupFactory(time_zone=zone)
        series = series_create(
            group=group,
            actor=None,
            recurrence=Recurrence(frequency=Frequency.ONCE),
            start=day,
            fields={
                "title": "Night owls",
                "start_time": at,
                "duration_minutes": 60,
                "time_zone": "",
                "attendance_option": "online",
            },
            now=created,
        )
        member = UserFactory(
            time_zone=member_zone,
            reminder_scope="all",
            reminder_lead_minutes=[1440, 60],
            discreet_mode=True,
        )
        MembershipFactory(user=member, group=group)
    meeting = series.meetings.get()
    assert meeting.starts_at == start

    # 24 hours before is a different local clock reading on a change day (23 or 25 hours
    # of the wall clock): the reminder follows the instant, not the wall clock.
    for lead in (1440, 60):
        due = start - timedelta(minutes=lead)
        with time_machine.travel(due - SECOND, tick=False):
            assert reminders_plan_due(now=due - SECOND) == 0
            assert outbox_dispatch(now=due - SECOND).claimed == []
        with time_machine.travel(due, tick=False):
            claimed = outbox_dispatch(now=due).claimed
            assert len(claimed) == 1
            outbox_send(claimed, now=lambda due=due: due)
        row = OutboxMessage.objects.get(pk=claimed[0])
        assert (row.variant, row.due_at, row.state) == (lead, due, "sent")

    assert len(mail.outbox) == 2
    for message, lead in zip(mail.outbox, (1440, 60), strict=True):
        assert message.to == [member.email]
        assert f"When: {when}\n" in message.body
        # Discreet mode: the subject names only when, still in the member's zone: the day
        # before, the day and the time; an hour before, the hour left and the time.
        _, clock = short.split(", ")
        said = "in 1 hour, at" if lead == 60 else "at"
        assert message.subject.startswith("Kinship: A reminder: your appointment ")
        assert message.subject.endswith(f"{said} {clock}")
        ics = next(content for name, content, _ in message.attachments if name == "meeting.ics")
        event = next(iter(Calendar.from_ical(ics).walk("VEVENT")))
        # The same instant, in whatever zone it is written. (Compared in UTC: Python never
        # finds a time that occurs twice equal to one in another zone, PEP 495.)
        assert event.decoded("dtstart").astimezone(UTC) == start

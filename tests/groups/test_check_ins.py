"""The gentle check-in: for a member who asked for it, after two meetings in a row they said
they'd come to and were not marked at; kind, with the next meeting and the crisis lines;
at most once a month; never to someone who left. On a controlled clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from groups.check_ins import CHECK_IN, check_ins_plan
from groups.models import Attendance
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
START = datetime(2026, 11, 3, 0, 0, tzinfo=UTC)  # Monday 2 November, 19:00 in New York
WEEK = timedelta(days=7)


@pytest.fixture
def group():
    return SupportGroupFactory(name="Harbour Circle", time_zone="America/New_York")


@pytest.fixture
def series(group):
    return MeetingSeriesFactory(group=group, title="Evening sharing", time_zone="America/New_York")


@pytest.fixture
def ash(group):
    ash = UserFactory(
        display_name="Ash",
        check_ins=True,
        discreet_mode=False,
        reminder_lead_minutes=[],
        time_zone="America/New_York",
    )
    MembershipFactory(user=ash, group=group)
    return ash


def weekly(series, weeks):
    """`weeks` weekly meetings from START, each with its host marked there."""
    meetings = []
    for n in range(weeks):
        meeting = HostedMeetingFactory(series=series, occurrence_start=START + n * WEEK)
        host = meeting.hosting_answers.get().user
        Attendance.objects.create(meeting=meeting, user=host)  # attendance was taken
        meetings.append(meeting)
    return meetings


def said_yes(user, *meetings) -> None:
    for meeting in meetings:
        RsvpFactory(meeting=meeting, user=user, answer="going")


def check_ins_at(at: datetime) -> list:
    """The hourly planning at `at`, then what the outbox sends."""
    before = len(mail.outbox)
    check_ins_plan(now=at)
    outbox_send(outbox_dispatch(now=at).claimed, now=lambda: at)
    return [m for m in mail.outbox[before:] if "thinking of you" in m.subject.lower()]


def test_two_missed_meetings_in_a_row_bring_one_kind_message(series, ash):
    first, second, upcoming = weekly(series, 3)
    said_yes(ash, first, second)
    assert check_ins_at(first.ends_at + timedelta(hours=1)) == []  # one missed: nothing
    [message] = check_ins_at(second.ends_at + timedelta(hours=1))
    assert message.to == [ash.email]
    assert message.subject == "Kinship: Harbour Circle: thinking of you"
    body = " ".join(message.body.split())
    assert "There is nothing you need to explain" in body
    assert "The next meeting is on Monday 16 November 2026, 19:00 EST" in body
    assert f"/meetings/{upcoming.pk}/" in body
    assert "988" in body  # the crisis lines
    assert "To turn them off" in body
    assert check_ins_at(second.ends_at + timedelta(hours=2)) == []  # once


def test_in_discreet_mode_the_subject_names_nothing(series, ash):
    ash.discreet_mode = True
    ash.save()
    first, second = weekly(series, 2)
    said_yes(ash, first, second)
    [message] = check_ins_at(second.ends_at + timedelta(hours=1))
    assert message.subject == "Kinship: Thinking of you"


@pytest.mark.parametrize("case", ["not asked for", "was there once", "attendance not taken"])
def test_no_check_in_unless_asked_for_and_both_misses_are_recorded(series, ash, case):
    first, second = weekly(series, 2)
    said_yes(ash, first, second)
    if case == "not asked for":
        ash.check_ins = False
        ash.save()
    elif case == "was there once":
        Attendance.objects.create(meeting=first, user=ash)
    else:
        Attendance.objects.filter(meeting=second).delete()
    assert check_ins_at(second.ends_at + timedelta(hours=1)) == []
    assert not OutboxMessage.objects.filter(kind=CHECK_IN).exists()


def test_at_most_once_a_month_and_only_for_new_misses(series, ash):
    meetings = weekly(series, 8)
    said_yes(ash, *meetings)
    assert len(check_ins_at(meetings[1].ends_at + timedelta(hours=1))) == 1
    # Two more missed within the month: nothing.
    assert check_ins_at(meetings[3].ends_at + timedelta(hours=1)) == []
    # A month on, with misses since: one more.
    assert check_ins_at(meetings[5].ends_at + timedelta(hours=1)) == []  # 28 days on
    assert len(check_ins_at(meetings[6].ends_at + timedelta(hours=1))) == 1  # 35 days on
    assert OutboxMessage.objects.filter(kind=CHECK_IN).count() == 2


def test_never_to_someone_who_left(series, ash):
    first, second = weekly(series, 2)
    said_yes(ash, first, second)
    at = second.ends_at + timedelta(hours=1)
    check_ins_plan(now=at)  # planned, then they leave before it goes
    ash.memberships.update(state="left")
    outbox_send(outbox_dispatch(now=at).claimed, now=lambda: at)
    assert mail.outbox == []
    assert OutboxMessage.objects.get(kind=CHECK_IN).state == OutboxMessage.State.CANCELLED
    assert check_ins_plan(now=at + timedelta(days=40)) == 0  # and not planned again


def test_planning_makes_the_same_queries_for_one_member_or_many(series, ash, group):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first, second = weekly(series, 2)
    said_yes(ash, first, second)
    at = second.ends_at + timedelta(hours=1)

    def queries() -> int:
        OutboxMessage.objects.filter(kind=CHECK_IN).delete()
        with CaptureQueriesContext(connection) as captured:
            check_ins_plan(now=at)
        return len(captured)

    few = queries()
    for _ in range(15):
        other = UserFactory(check_ins=True)
        MembershipFactory(user=other, group=group)
        said_yes(other, first, second)
    assert queries() == few
    assert OutboxMessage.objects.filter(kind=CHECK_IN).count() == 16

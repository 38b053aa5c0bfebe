"""One rule for reminders, whatever delayed them: a reminder long past its lead time gives
way to a nearer one that is due, and every reminder tells the real time left. A moved meeting
has every lead time planned again. Controlled clock throughout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from groups.reminders import time_left
from groups.services.meetings import meeting_move
from notifications.email import message_id
from notifications.models import OutboxMessage
from notifications.outbox import outbox_dispatch, outbox_send
from tests.factories import (
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
State = OutboxMessage.State
START = datetime(2026, 12, 2, 0, 0, tzinfo=UTC)  # 19:00 in New York


@pytest.fixture
def meeting():
    group = SupportGroupFactory(name="Harbour Circle", time_zone="America/New_York")
    return MeetingFactory(series=MeetingSeriesFactory(group=group), occurrence_start=START)


@pytest.fixture
def sam(meeting):
    user = UserFactory(reminder_lead_minutes=[60, 15], reminder_scope="all", discreet_mode=False)
    MembershipFactory(user=user, group=meeting.group)
    return user


def run(at: datetime) -> list[int]:
    claimed = outbox_dispatch(now=at).claimed
    outbox_send(claimed, now=lambda: at)
    return claimed


def reminders() -> dict[int | None, OutboxMessage]:
    return {row.variant: row for row in OutboxMessage.objects.filter(kind="reminder")}


@pytest.mark.parametrize(
    ("left", "said"),
    [
        (timedelta(minutes=11), "in 11 minutes"),
        (timedelta(minutes=10, seconds=1), "in 11 minutes"),
        (timedelta(seconds=20), "in 1 minute"),
        (timedelta(minutes=60), "in 60 minutes"),
        (timedelta(hours=2, minutes=10), "in about 2 hours"),
        (timedelta(hours=24), "in about 24 hours"),
        (timedelta(days=3), "in about 3 days"),
    ],
)
def test_the_time_left_reads_as_a_person_would_say_it(left, said):
    assert time_left(left) == said


def test_a_reminder_claimed_before_an_outage_gives_way_to_the_nearer_one(meeting, sam):
    # The 1-hour reminder was claimed on time; its task was lost with the outage.
    claimed = outbox_dispatch(now=START - timedelta(minutes=60)).claimed
    assert [reminders()[60].pk] == claimed
    # 49 minutes later everything runs again: the lease put the row back, the 15-minute
    # reminder is due, and the late hour-ahead one is not sent beside it.
    back = START - timedelta(minutes=11)
    run(back)
    outbox_send(claimed, now=lambda: back)  # the lost task, redelivered after all
    run(back + timedelta(minutes=1))
    rows = reminders()
    assert rows[60].state == State.CANCELLED
    assert rows[60].last_error == "a nearer reminder is due"
    assert rows[15].state == State.SENT
    [message] = mail.outbox
    assert "starts in 11 minutes" in message.body


def test_a_late_reminder_with_nothing_nearer_goes_out_telling_the_real_time(meeting):
    kim = UserFactory(reminder_lead_minutes=[60], reminder_scope="all", discreet_mode=False)
    MembershipFactory(user=kim, group=meeting.group)
    run(START - timedelta(minutes=25))  # 35 minutes late, but the only one Kim wants
    [message] = mail.outbox
    assert "starts in 25 minutes" in message.body
    assert "in an hour" not in message.body


def test_a_move_plans_every_lead_time_again_whatever_became_of_it(meeting, sam):
    # After an outage both were due at once: the hour-ahead one was cancelled, the
    # 15-minute one sent.
    run(START - timedelta(minutes=10))
    rows = reminders()
    assert (rows[60].state, rows[15].state) == (State.CANCELLED, State.SENT)
    first_id = message_id(rows[15])
    mail.outbox.clear()

    later = START + timedelta(hours=2)
    local = later.astimezone(meeting.series.zone)
    meeting_move(
        meeting=meeting, day=local.date(), at=local.time(), now=START - timedelta(minutes=9)
    )
    mail.outbox.clear()  # the notice of the move

    run(later - timedelta(minutes=60))
    run(later - timedelta(minutes=15))
    reminded = [m for m in mail.outbox if "A reminder:" in m.body]
    assert len(reminded) == 2
    assert "starts in 1 hour" in reminded[0].body
    assert "starts in 15 minutes" in reminded[1].body
    assert reminded[1].extra_headers["Message-ID"] != first_id  # a new message, not a repeat
    assert {row.state for row in reminders().values()} == {State.SENT}


def test_a_reminder_sent_is_not_sent_again_for_a_lead_time_already_past(meeting, sam):
    run(START - timedelta(minutes=60))  # the hour-ahead reminder goes out
    mail.outbox.clear()
    earlier = START - timedelta(minutes=20)  # moved 20 minutes earlier, 30 minutes ahead
    local = earlier.astimezone(meeting.series.zone)
    meeting_move(
        meeting=meeting, day=local.date(), at=local.time(), now=START - timedelta(minutes=50)
    )
    mail.outbox.clear()
    run(START - timedelta(minutes=50))
    run(earlier - timedelta(minutes=15))
    reminded = [m for m in mail.outbox if "A reminder:" in m.body]
    assert len(reminded) == 1  # the 15-minute one; the hour-ahead one went out already
    assert "starts in 15 minutes" in reminded[0].body

"""Reminders through the real pipeline: Celery worker and beat processes, the Redis broker,
PostgreSQL, and an SMTP server on loopback that records what it receives.

What a member would notice is asserted: each reminder arrives once, on time, with its parts;
and the ledger (notifications.OutboxMessage) ends in the right state. Every message's Message-ID
names its ledger row (<outbox-ROW@host>), so a duplicate is recognisable. The pipeline runs
fast here (tests/integration/conftest.py): beat dispatches every second, a lost message
comes back after OUTBOX_LEASE_SECONDS=5, a refused one is tried again after 1 s, 2 s, 4 s …

Reminders are made due now by meetings that start a little more than 15 minutes from now,
for members who chose the 15-minute reminder."""

from __future__ import annotations

import re
import threading
from collections import Counter
from datetime import datetime, timedelta
from email.message import Message
from zoneinfo import ZoneInfo

import pytest
import redis
from django.db import connection, connections
from django.utils import timezone

from accounts.models import User
from groups.meetings.times import format_meeting_time
from groups.models import Meeting
from groups.reminders import EARLY_ENOUGH, reminders_plan_due
from groups.services.meetings import meeting_cancel, meeting_move
from notifications import outbox, tasks
from notifications.models import OutboxMessage
from tests.conftest import message_text, skip_or_fail
from tests.factories import (
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    RsvpFactory,
    SupportGroupFactory,
    UserFactory,
)
from tests.integration.conftest import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

State = OutboxMessage.State
LEAD = timedelta(minutes=15)
ZONES = ["America/Chicago", "Europe/London", "Asia/Kolkata", "America/New_York"]
MESSAGE_ID = re.compile(r"<outbox-(\d+)@[^>]+>")


# --- making reminders due ----------------------------------------------------------------------


def reminders_for(
    *, members: int, starts: list[datetime], group=None
) -> tuple[list[User], list[Meeting]]:
    """`members` members who want every 15-minute reminder of their group, and a meeting
    starting at each of `starts` (their 15-minute reminders are due 15 minutes before)."""
    group = group or SupportGroupFactory()
    series = MeetingSeriesFactory(group=group)
    meetings = [
        MeetingFactory.create(series=series, occurrence_start=start.replace(microsecond=0))
        for start in starts
    ]
    users = []
    for index in range(members):
        user = UserFactory.create(
            reminder_lead_minutes=[15], reminder_scope="all", time_zone=ZONES[index % len(ZONES)]
        )
        MembershipFactory(user=user, group=group)
        users.append(user)
    return users, meetings


def reminder_rows():
    return OutboxMessage.objects.filter(kind="reminder")


def states() -> Counter[str]:
    return Counter(reminder_rows().values_list("state", flat=True))


def row_id(message: Message) -> int:
    match = MESSAGE_ID.fullmatch(message["Message-ID"].strip())
    assert match is not None
    return int(match.group(1))


def received(inbox) -> list[Message]:
    """What the SMTP server accepted for reminder rows (meeting notices left out)."""
    ids = set(reminder_rows().values_list("pk", flat=True))
    return [message for message in list(inbox.messages) if row_id(message) in ids]


def copies(inbox) -> Counter[int]:
    """How many times each reminder row's message arrived."""
    return Counter(row_id(message) for message in received(inbox))


def all_sent_once(inbox, expected: int) -> bool:
    arrived = copies(inbox)
    return states() == {State.SENT: expected} and len(arrived) == expected


def arrival(message: Message) -> datetime:
    return datetime.fromtimestamp(float(message["X-Received-At"]), tz=ZoneInfo("UTC"))


def soon(seconds: float) -> datetime:
    """A meeting start whose 15-minute reminder is due `seconds` from now."""
    return timezone.now() + LEAD + timedelta(seconds=seconds)


def queue_without_a_worker() -> list[int]:
    """One dispatcher run in this process, as beat's would run on a worker: the due rows are
    claimed (queued) and their sending tasks wait in Redis, for a worker not yet started."""
    tasks.outbox_dispatch()
    return list(reminder_rows().filter(state=State.QUEUED).values_list("pk", flat=True))


# --- the normal case ---------------------------------------------------------------------------


def test_each_reminder_arrives_once_on_time_with_its_parts(celery_processes, smtp_inbox):
    # 6 members x 5 meetings = 30 reminders, due 4 to 8 seconds from now; and two members
    # who must get none (scope "going" without an answer; a pending membership).
    users, meetings = reminders_for(members=6, starts=[soon(4 + n) for n in range(5)])
    group = meetings[0].group
    MembershipFactory(group=group, user=UserFactory(reminder_lead_minutes=[15]))
    MembershipFactory(group=group, state="pending", user=UserFactory(reminder_scope="all"))
    going = UserFactory(reminder_lead_minutes=[15], reminder_scope="going")
    MembershipFactory(group=group, user=going)
    RsvpFactory(meeting=meetings[0], user=going, answer="going")
    expected = {(user.email, meeting.pk) for user in users for meeting in meetings}
    expected.add((going.email, meetings[0].pk))

    celery_processes.start_worker("--pool", "prefork", "--concurrency", "2")
    celery_processes.start_beat()

    assert wait_until(lambda: all_sent_once(smtp_inbox, len(expected)), timeout=60), (
        states(),
        celery_processes.log("worker")[-3000:],
    )
    rows = {row.pk: row for row in reminder_rows().select_related("user")}
    messages = received(smtp_inbox)
    assert len(messages) == len(expected)  # none twice
    assert {(rows[row_id(m)].user.email, rows[row_id(m)].target_id) for m in messages} == expected
    for message in messages:
        row = rows[row_id(message)]
        assert message["X-Envelope-To"] == row.user.email
        # On time: never before it was due, and within seconds after (beat every second).
        assert row.due_at <= arrival(message) < row.due_at + timedelta(seconds=30)
        types = [part.get_content_type() for part in message.walk()]
        assert "text/plain" in types and "text/html" in types
        ics = [part for part in message.walk() if part.get_filename() == "meeting.ics"]
        assert len(ics) == 1 and ics[0].get_content_type() == "text/calendar"
        assert message["List-Unsubscribe"].strip().startswith("<http")  # may be folded
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        meeting = Meeting.objects.get(pk=row.target_id)
        when = format_meeting_time(
            meeting.starts_at, viewer_zone=row.user.time_zone, meeting_zone=meeting.series.time_zone
        )
        assert f"When: {when}" in message_text(message)


# --- a worker killed in the middle of a batch ---------------------------------------------------


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_at_most_one_per_slot(
    celery_processes, smtp_inbox
):
    reminders_for(members=30, starts=[soon(-60 - n) for n in range(10)])  # 300, due now
    smtp_inbox.delay = 0.03  # a slow server: the kill finds messages mid-conversation
    celery_processes.start_worker("--pool", "prefork", "--concurrency", "2")
    celery_processes.start_beat()

    assert wait_until(lambda: len(smtp_inbox.messages) >= 60, timeout=60), states()
    celery_processes.kill("worker")
    at_kill = len(smtp_inbox.messages)
    sending_at_kill = set(reminder_rows().filter(state=State.SENDING).values_list("pk", flat=True))
    assert at_kill < 300 and states()[State.SENT] < 300  # killed in the middle

    celery_processes.start_worker("--pool", "prefork", "--concurrency", "2")
    assert wait_until(lambda: all_sent_once(smtp_inbox, 300), timeout=90), states()

    # Why at most one per slot (notifications.outbox): a row is claimed (queued →
    # sending) just before its SMTP conversation and marked sent just after, and each of
    # the 2 prefork children sends one message at a time. A message can only arrive twice
    # if the server accepted it while its child died before marking it: such a row is still
    # "sending" at the kill, and is sent again when its lease runs out. Rows whose tasks
    # died in the broker's hands (claimed, never started) are put back unsent: no duplicate.
    repeated = {row for row, count in copies(smtp_inbox).items() if count > 1}
    assert sum(copies(smtp_inbox).values()) - 300 == len(repeated)  # twice at most
    assert len(repeated) <= 2
    assert repeated <= sending_at_kill


# --- the broker loses what it held --------------------------------------------------------------


def test_reminders_queued_in_a_flushed_redis_are_all_sent_once(
    celery_processes, smtp_inbox, private_redis, broker_at
):
    # A Redis of the test's own: flushing the shared one would empty other tests' queues.
    celery_processes.env["REDIS_URL"] = private_redis.url
    broker_at(private_redis.url)
    reminders_for(members=5, starts=[soon(-60 - n) for n in range(4)])  # 20, due now
    queued = queue_without_a_worker()
    assert len(queued) == 20
    broker = redis.Redis.from_url(private_redis.url)
    assert broker.llen(celery_processes.queue) > 0  # the sending tasks wait in Redis

    broker.flushdb()  # what a Redis restart without persistence does: the tasks are gone
    assert broker.llen(celery_processes.queue) == 0
    celery_processes.start_worker()
    celery_processes.start_beat()

    # PostgreSQL holds the truth: once the lease is over, the dispatcher puts them back.
    assert wait_until(lambda: all_sent_once(smtp_inbox, 20), timeout=60), states()
    assert "20 put back" in celery_processes.log("worker")
    assert len(received(smtp_inbox)) == 20


# --- two dispatchers ----------------------------------------------------------------------------


def test_two_beats_at_once_send_each_reminder_once(celery_processes, smtp_inbox):
    # 60 reminders falling due over six seconds, so that many runs of both beats claim.
    reminders_for(members=10, starts=[soon(2 + n) for n in range(6)])
    celery_processes.start_worker("--pool", "prefork", "--concurrency", "2")
    celery_processes.start_beat()
    celery_processes.start_beat()

    assert wait_until(lambda: all_sent_once(smtp_inbox, 60), timeout=60), states()
    beats = celery_processes.log("beat").split("beat: Starting...")
    assert len(beats) == 3 and all(log.count("outbox-dispatch") >= 2 for log in beats[1:])
    assert len(received(smtp_inbox)) == 60


def test_two_dispatchers_at_the_same_instant_claim_disjoint_rows():
    """Two dispatcher runs released together by a barrier, each on its own connection,
    plan and claim the same due reminders: each is recorded once and claimed by one run."""
    if connection.vendor != "postgresql":
        skip_or_fail("the real pipeline tests need PostgreSQL (DATABASE_URL=postgres://…)")
    claimed: list[int] = []
    for _ in range(5):  # a few rounds, so that the two runs overlap in more than one way
        reminders_for(members=10, starts=[soon(-60 - n) for n in range(10)])  # 100 more, due
        now = timezone.now()
        barrier = threading.Barrier(2)
        reports: list[outbox.DispatchReport] = []
        errors: list[BaseException] = []

        def dispatcher(barrier=barrier, reports=reports, errors=errors, now=now) -> None:
            try:
                barrier.wait(timeout=10)
                reports.append(outbox.outbox_dispatch(now=now))
            except BaseException as exc:
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=dispatcher) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert errors == []
        first, second = (set(report.claimed) for report in reports)
        assert not first & second
        claimed += [*first, *second]

    rows = list(reminder_rows().values_list("pk", "user_id", "target_id", "variant"))
    assert sorted(claimed) == sorted(pk for pk, *_ in rows)
    assert len({tuple(key) for _, *key in rows}) == len(rows) == 500
    assert states() == {State.QUEUED: 500}


# --- a mail server that refuses ------------------------------------------------------------------


def test_a_refusing_smtp_server_defers_with_backoff_then_each_arrives_once(
    celery_processes, smtp_inbox
):
    reminders_for(members=5, starts=[soon(-60), soon(-61)])  # 10, due now
    smtp_inbox.refuse = True
    celery_processes.start_worker()
    celery_processes.start_beat()

    waiting: list[OutboxMessage] = []

    def retried_twice_and_waiting() -> bool:
        # One snapshot: with beat ticking every second, a row is waiting (scheduled for its
        # next attempt) only between its attempts, so the rows are read once, then judged.
        rows = list(reminder_rows())
        waiting[:] = [row for row in rows if row.state == State.SCHEDULED and row.attempts]
        return len(rows) == 10 and min(row.attempts for row in rows) >= 2 and bool(waiting)

    assert wait_until(retried_twice_and_waiting, timeout=60), celery_processes.log("worker")[-3000:]
    assert smtp_inbox.messages == []
    # `waiting` holds rows back in the ledger, not lost, not failed
    for row in waiting:
        # Each pause twice the one before (1 s, 2 s, 4 s … here; 30 s, 1 min … by default),
        # counted from the attempt (a little after the batch was claimed).
        pause = row.due_at - row.claimed_at
        expected = timedelta(seconds=2 ** (row.attempts - 1))
        assert expected <= pause < expected + timedelta(milliseconds=500)
        assert row.last_error == "SMTPDataError 451"
    assert State.FAILED not in states() and State.SENT not in states()

    smtp_inbox.refuse = False
    assert wait_until(lambda: all_sent_once(smtp_inbox, 10), timeout=60), states()
    assert len(received(smtp_inbox)) == 10


def test_the_connection_is_opened_afresh_after_a_refusal_and_the_batch_goes_on(
    celery_processes, smtp_inbox
):
    reminders_for(members=5, starts=[soon(-60)])
    # Planned here, so that the batch's order (due time, then row) is known in advance.
    assert reminders_plan_due(now=timezone.now()) == 5
    order = list(reminder_rows().order_by("due_at", "pk").select_related("user"))
    refused = order[2]
    smtp_inbox.refuse_recipients = {refused.user.email}
    celery_processes.start_worker()
    celery_processes.start_beat()

    assert wait_until(lambda: states()[State.SENT] == 4, timeout=60), states()
    # The batch's line is logged once its last row is marked sent, a moment after.
    assert wait_until(
        lambda: "outbox batch: 4 sent, 1 deferred" in celery_processes.log("worker"), timeout=10
    ), celery_processes.log("worker")[-2000:]
    peers = {row_id(message): message["X-Peer"] for message in received(smtp_inbox)}
    before = {peers[row.pk] for row in order[:2]}
    after = {peers[row.pk] for row in order[3:]}
    # One connection up to the refusal, a new one (reused again) for the rest of the batch.
    assert len(before) == 1 and len(after) == 1 and before != after

    smtp_inbox.refuse_recipients = set()
    assert wait_until(lambda: all_sent_once(smtp_inbox, 5), timeout=30), states()
    assert reminder_rows().get(pk=refused.pk).attempts == 2


# --- a meeting cancelled or moved after its reminders were queued --------------------------------


def test_no_reminder_for_a_cancelled_meeting_and_a_moved_one_reminds_at_its_new_time(
    celery_processes, smtp_inbox
):
    users, (cancelled, moved, kept) = reminders_for(
        members=3, starts=[soon(-180), soon(-120), soon(-60)]
    )
    queued = queue_without_a_worker()
    assert len(queued) == 9

    meeting_cancel(meeting=cancelled, reason="The room is flooded.")
    # Later, but not by much: the builder sends anything due within EARLY_ENOUGH (60 s) at
    # once, so the new due time must lie beyond that when the worker looks at it.
    new_start = soon(EARLY_ENOUGH.total_seconds() + 12).replace(microsecond=0)
    local = new_start.astimezone(ZoneInfo(moved.series.time_zone))
    meeting_move(meeting=moved, day=local.date(), at=local.time())
    new_due = new_start - LEAD
    celery_processes.start_worker()
    celery_processes.start_beat()

    def rows_of(meeting: Meeting):
        return reminder_rows().filter(target_id=meeting.pk)

    def first_pass_done() -> bool:
        return (
            set(rows_of(kept).values_list("state", flat=True)) == {State.SENT}
            and set(rows_of(cancelled).values_list("state", flat=True)) == {State.CANCELLED}
            and set(rows_of(moved).values_list("state", "due_at")) == {(State.SCHEDULED, new_due)}
        )

    assert wait_until(first_pass_done, timeout=30), (states(), celery_processes.log("worker"))
    # Still useful until the meeting's new start (not its old one).
    assert all(row.expires_at == new_start for row in rows_of(moved))
    meeting_of = meetings_of_rows()
    assert Counter(meeting_of[row_id(m)] for m in received(smtp_inbox)) == {kept.pk: 3}

    wait = (new_due - timezone.now()).total_seconds() + 30
    assert wait_until(lambda: sent_once_for(smtp_inbox, moved, 3), timeout=wait), states()
    messages = [m for m in received(smtp_inbox) if meeting_of[row_id(m)] == moved.pk]
    assert len(messages) == 3
    emails = {user.email: user for user in users}
    for message in messages:
        assert new_due <= arrival(message) < new_due + timedelta(seconds=30)
        user = emails[message["X-Envelope-To"]]
        when = format_meeting_time(
            new_start, viewer_zone=user.time_zone, meeting_zone=moved.series.time_zone
        )
        assert f"When: {when}" in message_text(message)
    assert not [m for m in received(smtp_inbox) if meeting_of[row_id(m)] == cancelled.pk]
    assert states() == {State.SENT: 6, State.CANCELLED: 3}
    assert len(received(smtp_inbox)) == 6


def meetings_of_rows() -> dict[int, int]:
    return dict(reminder_rows().values_list("pk", "target_id"))


def sent_once_for(inbox, meeting: Meeting, expected: int) -> bool:
    meeting_of = meetings_of_rows()
    arrived = {row_id(m) for m in received(inbox) if meeting_of[row_id(m)] == meeting.pk}
    rows = reminder_rows().filter(target_id=meeting.pk)
    return len(arrived) == expected and set(rows.values_list("state", flat=True)) == {State.SENT}

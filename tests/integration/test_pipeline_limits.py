"""The mail pipeline at its limits, with the real parts: a mail server slower than the lease,
worker and beat stopped across the due times, a meeting moved after some reminders went out,
the retry schedule under a real beat, and an announcement queued outside a request."""

from __future__ import annotations

import itertools
import re
import time
from collections import Counter
from datetime import timedelta

import pytest
import redis
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from groups.reminders import KIND
from groups.services.groups import announcement_post
from groups.services.meetings import meeting_move
from notifications.models import OutboxMessage
from tests.conftest import message_text
from tests.factories import MembershipFactory, SupportGroupFactory, UserFactory
from tests.integration.conftest import wait_until
from tests.integration.test_reminders_pipeline import (
    reminder_rows,
    reminders_for,
    soon,
    states,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
State = OutboxMessage.State
ANY_MESSAGE_ID = re.compile(r"<outbox-(\d+)(?:\.(\d+))?@[^>]+>")


def reminder_messages(inbox) -> list:
    ids = set(reminder_rows().values_list("pk", flat=True))
    return [
        m
        for m in list(inbox.messages)
        if (match := ANY_MESSAGE_ID.fullmatch(m["Message-ID"].strip())) and int(match[1]) in ids
    ]


def test_a_server_slower_than_the_lease_doubles_nothing(celery_processes, smtp_inbox):
    # 100 reminders in two batches of 50; each message takes 0.15 s, so a batch takes 7.5 s
    # and outlives the 5 s lease of these tests: the claims must be renewed as it goes.
    # Four slots: two send the batches, two are free for the dispatcher's runs (which put
    # back what they take to be lost) and for any batch those runs queue.
    reminders_for(members=50, starts=[soon(-60), soon(-61)])
    smtp_inbox.delay = 0.15
    celery_processes.start_worker("--pool", "prefork", "--concurrency", "4")
    celery_processes.start_beat()

    assert wait_until(lambda: states() == {State.SENT: 100}, timeout=90), states()
    time.sleep(3)  # a duplicate would be on its way by now
    copies = Counter(m["Message-ID"] for m in reminder_messages(smtp_inbox))
    duplicates = sum(n - 1 for n in copies.values())
    print(f"slow server (0.15 s a message, 5 s lease): {len(copies)} sent, {duplicates} duplicates")
    assert len(copies) == 100
    assert duplicates == 0


def test_after_worker_and_beat_were_down_each_member_gets_only_the_nearest_reminder(
    celery_processes, smtp_inbox
):
    # A meeting 14 minutes away. Its 1-hour reminders were claimed on time, 46 minutes ago,
    # and their task was lost when worker and beat went down; the 15-minute ones fell due a
    # minute ago, while they were still down.
    members, [meeting] = reminders_for(members=10, starts=[soon(-60) - timedelta(minutes=1)])
    User.objects.filter(pk__in=[m.pk for m in members]).update(
        reminder_lead_minutes=[60, 15], discreet_mode=False
    )
    claimed_at = timezone.now() - timedelta(minutes=46)
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            kind=KIND,
            category=OutboxMessage.Category.REMINDERS,
            user=member,
            target_id=meeting.pk,
            variant=60,
            state=State.QUEUED,
            due_at=meeting.starts_at - timedelta(minutes=60),
            expires_at=meeting.starts_at,
            queued_at=claimed_at,
        )
        for member in members
    )

    celery_processes.start_worker()
    celery_processes.start_beat()

    assert wait_until(lambda: states() == {State.SENT: 10, State.CANCELLED: 10}, timeout=60), (
        states()
    )
    arrived = reminder_messages(smtp_inbox)
    assert Counter(m["X-Envelope-To"] for m in arrived) == {m.email: 1 for m in members}
    assert {row.variant for row in reminder_rows().filter(state=State.SENT)} == {15}
    for message in arrived:
        assert re.search(r"starts in 1[34] minutes", message_text(message))


def test_a_meeting_moved_after_its_reminders_went_out_reminds_for_the_new_time(
    celery_processes, smtp_inbox
):
    # Before the move, both lead times were due at once (after an outage): the 1-hour
    # reminders were cancelled and the 15-minute ones sent.
    members, [meeting] = reminders_for(members=5, starts=[soon(-60)])
    User.objects.filter(pk__in=[m.pk for m in members]).update(reminder_lead_minutes=[60, 15])
    for member in members:
        for lead, state in ((60, State.CANCELLED), (15, State.SENT)):
            OutboxMessage.objects.create(
                kind=KIND,
                category=OutboxMessage.Category.REMINDERS,
                user=member,
                target_id=meeting.pk,
                variant=lead,
                state=state,
                due_at=meeting.starts_at - timedelta(minutes=lead),
                expires_at=meeting.starts_at,
                finished_at=timezone.now(),
            )
    # Moved to an hour and a few seconds from now: the 1-hour reminder is due in seconds,
    # the 15-minute one in 45 minutes.
    new_start = (timezone.now() + timedelta(minutes=60, seconds=4)).replace(microsecond=0)
    local = new_start.astimezone(meeting.series.zone)
    with transaction.atomic():
        meeting_move(meeting=meeting, day=local.date(), at=local.time())
    celery_processes.start_worker()
    celery_processes.start_beat()

    assert wait_until(
        lambda: reminder_rows().filter(variant=60, state=State.SENT).count() == 5, timeout=60
    ), states()
    hour_ahead = [m for m in reminder_messages(smtp_inbox) if "in 1 hour" in message_text(m)]
    assert Counter(m["X-Envelope-To"] for m in hour_ahead) == {m.email: 1 for m in members}
    waiting = reminder_rows().filter(variant=15)
    assert set(waiting.values_list("state", flat=True)) == {State.SCHEDULED}
    assert set(waiting.values_list("due_at", flat=True)) == {new_start - timedelta(minutes=15)}
    assert set(waiting.values_list("generation", flat=True)) == {1}  # a new message, later


def test_the_retry_pauses_are_those_documented_even_with_a_slow_beat(celery_processes, smtp_inbox):
    # Pauses of 2 s then 4 s here (30 s, 1 min … by default), with beat dispatching only
    # every 10 s: the sending task queues the run that ends each pause.
    celery_processes.env["OUTBOX_RETRY_BASE_SECONDS"] = "2"
    celery_processes.env["OUTBOX_DISPATCH_SECONDS"] = "10"
    [member], _ = reminders_for(members=1, starts=[soon(-60)])
    smtp_inbox.refuse = True
    celery_processes.start_worker()
    celery_processes.start_beat()

    assert wait_until(lambda: len(smtp_inbox.refusals) >= 3, timeout=60)
    times = [at for at, to in smtp_inbox.refusals if to == [member.email]][:3]
    pauses = [later - earlier for earlier, later in itertools.pairwise(times)]
    print(f"retry pauses: {[round(p, 2) for p in pauses]} s (documented: 2, 4)")
    assert 2 <= pauses[0] < 3.5
    assert 4 <= pauses[1] < 5.5
    smtp_inbox.refuse = False
    assert wait_until(lambda: states() == {State.SENT: 1}, timeout=30), states()


def test_an_announcement_posted_outside_a_request_queues_one_dispatcher_run(
    celery_queue, redis_url
):
    group = SupportGroupFactory()
    author = UserFactory()
    for _ in range(30):
        MembershipFactory(group=group, user=UserFactory())
    broker = redis.Redis.from_url(redis_url)  # celery_queue points this process at it

    with transaction.atomic():  # as a task or the shell would: no request around it
        announcement_post(group=group, author=author, title="Room change", body="Room 4.")

    assert OutboxMessage.objects.filter(kind=OutboxMessage.BUILT).count() == 30
    assert broker.llen(celery_queue) == 1  # one outbox_dispatch waiting, not thirty
    broker.delete(celery_queue)

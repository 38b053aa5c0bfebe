"""The pipeline at its limits, with a controlled clock: a mail server slower than the lease
doubles nothing; a refusal's pause is what the README says; mail recorded outside a request
queues one dispatcher run per transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction

from notifications import outbox, services, tasks
from notifications.models import OutboxMessage
from notifications.outbox import outbox_dispatch, outbox_send, retry_delay
from notifications.services import outbox_enqueue

pytestmark = pytest.mark.django_db
State = OutboxMessage.State
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def record(to: str) -> OutboxMessage:
    with mock.patch.object(services, "dispatch_after_commit"):
        return outbox_enqueue(EmailMessage("Hello", "Words.", to=[to]), now=NOW)


class Clock:
    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def test_a_batch_slower_than_the_lease_keeps_its_rows_and_sends_each_once():
    rows = [record(f"m{i}@example.org") for i in range(8)]
    clock = Clock(NOW)
    claimed = outbox_dispatch(now=clock()).claimed
    other_slot = []

    class SlowServer(EmailBackend):
        """Each message takes half the lease; meanwhile the dispatcher runs, as beat would,
        and hands whatever it puts back to another slot."""

        def send_messages(self, messages):
            sent = super().send_messages(messages)
            clock.at += outbox.LEASE / 2
            report = outbox_dispatch(now=clock.at)
            other_slot.extend(report.claimed)
            return sent

    with mock.patch.object(outbox.mail, "get_connection", return_value=SlowServer()):
        outbox_send(claimed, now=clock)
        outbox_send(other_slot, now=clock)

    assert other_slot == []  # nothing was taken from the slow batch
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"m{i}@example.org" for i in range(8))
    assert {OutboxMessage.objects.get(pk=row.pk).state for row in rows} == {State.SENT}


def test_a_row_lost_to_another_sender_during_a_long_pause_is_skipped_not_sent_twice():
    rows = [record(f"m{i}@example.org") for i in range(3)]
    clock = Clock(NOW)
    claimed = outbox_dispatch(now=clock()).claimed
    original = outbox._send_one

    def frozen_after_first(row, smtp, at, prepared, devices):
        state = original(row, smtp, at, prepared, devices)
        if row.pk == rows[0].pk:
            # The worker froze for longer than the lease; another sender took the rest.
            clock.at += outbox.LEASE + timedelta(seconds=1)
            outbox_send(outbox_dispatch(now=clock.at).claimed, now=clock)
        return state

    with mock.patch.object(outbox, "_send_one", frozen_after_first):
        counts = outbox_send(claimed, now=clock)

    assert counts["skipped"] == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.payload["to"][0] for r in rows)


def test_a_refusal_queues_a_dispatcher_run_for_the_end_of_its_pause(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.RefusingBackend"
    row = record("m@example.org")
    with time_machine.travel(NOW, tick=False):
        claimed = outbox_dispatch(now=NOW).claimed
        with mock.patch.object(tasks.outbox_dispatch, "apply_async") as queued:
            tasks.outbox_send.run(claimed)
    row.refresh_from_db()
    assert row.due_at == NOW + retry_delay(1)
    [call] = queued.call_args_list
    assert call.kwargs["countdown"] == retry_delay(1).total_seconds() == 30


def test_mail_recorded_outside_a_request_queues_one_run_per_transaction(
    django_capture_on_commit_callbacks,
):
    with (
        mock.patch.object(tasks.outbox_dispatch, "apply_async") as queued,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        transaction.atomic(),
    ):
        for i in range(100):  # an announcement to a hundred members, from a task
            outbox_enqueue(EmailMessage("News", "Words.", to=[f"m{i}@example.org"]))
    assert len(callbacks) == 1
    assert queued.call_count == 1


def test_mail_recorded_after_a_rolled_back_savepoint_still_queues_its_run(
    django_capture_on_commit_callbacks,
):
    with (
        mock.patch.object(tasks.outbox_dispatch, "apply_async") as queued,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        transaction.atomic(),
    ):
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox_enqueue(EmailMessage("Gone", "Words.", to=["a@example.org"]))
            raise RuntimeError("rolled back, with its dispatch")
        outbox_enqueue(EmailMessage("Kept", "Words.", to=["b@example.org"]))
    assert len(callbacks) == 1
    assert queued.call_count == 1

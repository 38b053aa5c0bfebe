"""Reminders by e-mail and by push at once, through the real pipeline: Celery worker and beat
processes, the Redis broker, PostgreSQL, the loopback SMTP server and the loopback push
service (tests/notifications/push_service.py), which checks our VAPID signature and decrypts
each message with the phone's keys. Each member chose "both" for reminders and has one
device with push on, so each reminder is two ledger rows, one per channel; each e-mail names
its row in its Message-ID and each push message in its `id`, so a duplicate is recognisable."""

from __future__ import annotations

from collections import Counter

import pytest

from accounts.models import User
from notifications.models import OutboxMessage
from tests.conftest import phone_of
from tests.integration.conftest import wait_until
from tests.integration.test_reminders_pipeline import reminders_for, row_id, soon

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

State = OutboxMessage.State
Channel = OutboxMessage.Channel


def rows(channel: str):
    return OutboxMessage.objects.filter(kind="reminder", channel=channel)


def email_copies(inbox) -> Counter[int]:
    ids = set(rows(Channel.EMAIL).values_list("pk", flat=True))
    return Counter(row_id(m) for m in list(inbox.messages) if row_id(m) in ids)


def push_copies(service) -> Counter[int]:
    return Counter(payload["id"] for payload in service.delivered())


def all_sent(inbox, service, expected: int) -> bool:
    states = Counter(OutboxMessage.objects.values_list("channel", "state"))
    return (
        states == {(Channel.EMAIL, State.SENT): expected, (Channel.PUSH, State.SENT): expected}
        and len(email_copies(inbox)) == expected
        and len(push_copies(service)) == expected
    )


def test_a_worker_killed_mid_batch_sends_each_reminder_by_email_and_push_without_doubling(
    celery_processes, smtp_inbox, push_service, vapid
):
    users, _meetings = reminders_for(members=20, starts=[soon(-60 - n) for n in range(8)])
    User.objects.filter(pk__in=[u.pk for u in users]).update(reminders_by="both")
    phones = {user.pk: phone_of(user, push_service, vapid)[0] for user in users}
    celery_processes.env |= {
        "VAPID_PRIVATE_KEY": vapid["private_key"],
        "VAPID_PUBLIC_KEY": vapid["public_key"],
        "VAPID_SUBJECT": "mailto:ops@example.org",
    }
    smtp_inbox.delay = 0.02  # slow servers: the kill finds messages mid-conversation
    push_service.delay = 0.02
    celery_processes.start_worker("--pool", "prefork", "--concurrency", "2")
    celery_processes.start_beat()

    assert wait_until(
        lambda: len(smtp_inbox.messages) + len(push_service.received) >= 60, timeout=60
    ), Counter(OutboxMessage.objects.values_list("state", flat=True))
    celery_processes.kill("worker")
    in_flight = set(OutboxMessage.objects.filter(state=State.SENDING).values_list("pk", flat=True))
    done = OutboxMessage.objects.filter(state=State.SENT).count()
    assert 0 < done < 320  # killed in the middle

    celery_processes.start_worker("--pool", "prefork", "--concurrency", "2")
    assert wait_until(lambda: all_sent(smtp_inbox, push_service, 160), timeout=120), Counter(
        OutboxMessage.objects.values_list("channel", "state")
    )

    # Each reminder reached the member's inbox and their phone; a copy beyond the first
    # can only be of a row that was being sent when its slot was killed: at most one per
    # slot (2 prefork children), whichever channel it was on (notifications.outbox).
    emails, pushes = email_copies(smtp_inbox), push_copies(push_service)
    repeated = {pk for pk, n in (emails + pushes).items() if n > 1}
    assert sum(emails.values()) + sum(pushes.values()) - 320 == len(repeated)
    assert len(repeated) <= 2 and repeated <= in_flight
    # Every push reached the phone of the member it was for, and nothing else did.
    for row in rows(Channel.PUSH):
        payloads = push_service.delivered(phones[row.user_id])
        assert row.pk in {p["id"] for p in payloads}
    assert {r.status for r in push_service.received} == {201}

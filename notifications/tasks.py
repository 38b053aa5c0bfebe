"""The outbox's Celery tasks: thin adapters over notifications.outbox.

Their names are those they had when the outbox lived in accounts: messages already waiting
in a broker, and every beat schedule, keep working."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from notifications import outbox
from notifications.models import OutboxMessage

logger = logging.getLogger(__name__)


@shared_task(name="accounts.tasks.outbox_dispatch")
def outbox_dispatch() -> int:
    """Every minute (beat) and after each request that recorded mail: claim what is due and
    queue it in batches. See notifications.outbox for the guarantees."""
    report = outbox.outbox_dispatch()
    for ids in outbox.batches(report.claimed):
        outbox_send.delay(ids)
    if report.planned or report.claimed or report.expired or report.recovered:
        logger.info(
            "outbox: %d planned, %d queued, %d expired, %d put back",
            report.planned,
            len(report.claimed),
            report.expired,
            report.recovered,
        )
    return len(report.claimed)


# A row put back for later (a refused message's pause, a moved meeting, a push that is to go
# by e-mail instead) is due again at a
# precise time: a dispatcher run is queued for then, so that the pause is what the README
# says and not up to a beat interval more. Pauses longer than this are left to beat (a
# countdown in the broker is lost with it, see notifications.outbox).
RETRY_DISPATCH_WITHIN = timedelta(minutes=5)


@shared_task(name="accounts.tasks.outbox_send")
def outbox_send(ids: list[int]) -> dict[str, int]:
    counts = outbox.outbox_send(ids)
    logger.info("outbox batch: %s", ", ".join(f"{n} {state}" for state, n in counts.items()))
    if (
        counts.get("deferred")
        or counts.get(OutboxMessage.State.SCHEDULED)
        or counts.get(outbox.BY_EMAIL_INSTEAD)
    ):
        due_at = outbox.outbox_next_due(ids)
        if due_at is not None and (left := due_at - timezone.now()) <= RETRY_DISPATCH_WITHIN:
            outbox_dispatch.apply_async(countdown=min(max(0.0, left.total_seconds()), 300))
    return counts


@shared_task(name="accounts.tasks.outbox_prune")
def outbox_prune() -> int:
    return outbox.outbox_prune()

"""The outbox's Celery tasks: thin adapters over notifications.outbox.

Their names are those they had when the outbox lived in accounts: messages already waiting
in a broker, and every beat schedule, keep working."""

from __future__ import annotations

import logging

from celery import shared_task

from notifications import outbox

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


@shared_task(name="accounts.tasks.outbox_send")
def outbox_send(ids: list[int]) -> dict[str, int]:
    counts = outbox.outbox_send(ids)
    logger.info("outbox batch: %s", ", ".join(f"{n} {state}" for state, n in counts.items()))
    return counts


@shared_task(name="accounts.tasks.outbox_prune")
def outbox_prune() -> int:
    return outbox.outbox_prune()

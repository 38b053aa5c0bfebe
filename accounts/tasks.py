from __future__ import annotations

import logging

from celery import shared_task

from accounts.services import audit, exports, outbox

logger = logging.getLogger(__name__)


@shared_task(name="accounts.tasks.outbox_dispatch")
def outbox_dispatch() -> int:
    """Every minute (beat) and after each request that recorded mail: claim what is due and
    queue it in batches. See accounts.services.outbox for the guarantees."""
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


@shared_task(name="accounts.tasks.export_build")
def export_build(export_id: int) -> None:
    # Safe to run twice (acks_late redelivers after a crash): the service builds a file once.
    exports.export_build(export_id=export_id)


@shared_task(name="accounts.tasks.exports_purge_expired")
def exports_purge_expired() -> int:
    return exports.export_purge_expired()


@shared_task(name="accounts.tasks.audit_prune")
def audit_prune() -> None:
    erased, deleted = audit.audit_prune()
    logger.info("audit retention: %d addresses erased, %d events deleted", erased, deleted)

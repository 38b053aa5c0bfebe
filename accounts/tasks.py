from __future__ import annotations

import logging

from celery import shared_task

from accounts.services import audit, exports

logger = logging.getLogger(__name__)


@shared_task(name="accounts.tasks.export_build")
def export_build(export_id: int) -> None:
    # Safe to run twice (acks_late redelivers after a crash): the service builds a file once.
    exports.export_build(export_id=export_id)


@shared_task(name="accounts.tasks.exports_build_stalled")
def exports_build_stalled() -> int:
    """Every five minutes (beat): build the exports whose task never came (see
    exports.STALLED_AFTER). Each is built in a task of its own."""
    stalled = exports.exports_stalled()
    for export_id in stalled:
        export_build.delay(export_id)
    if stalled:
        logger.info("exports: %d stalled, queued again", len(stalled))
    return len(stalled)


@shared_task(name="accounts.tasks.exports_purge_expired")
def exports_purge_expired() -> int:
    return exports.export_purge_expired()


@shared_task(name="accounts.tasks.audit_prune")
def audit_prune() -> None:
    erased, deleted = audit.audit_prune()
    logger.info("audit retention: %d addresses erased, %d events deleted", erased, deleted)

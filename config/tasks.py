from __future__ import annotations

from celery import shared_task

from config import health


@shared_task(name="config.tasks.heartbeat")
def heartbeat() -> None:
    """Run by beat every minute through the worker, so /healthz can tell both are alive."""
    health.scheduler_record_heartbeat()

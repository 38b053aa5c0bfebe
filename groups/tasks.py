from __future__ import annotations

import logging

from celery import shared_task

from groups.services.meetings import meetings_extend

logger = logging.getLogger(__name__)


@shared_task(name="groups.tasks.meetings_extend_horizon")
def meetings_extend_horizon() -> int:
    """Store the meetings that have come within the horizon since the last run."""
    added = meetings_extend()
    logger.info("meetings horizon extended: %d meeting(s) added", added)
    return added

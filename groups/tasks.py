from __future__ import annotations

import logging

from celery import shared_task

from groups.check_ins import check_ins_plan
from groups.handovers import handovers_expire
from groups.listings import listings_review
from groups.services.meetings import meetings_extend
from groups.services.online import join_openings_prune

logger = logging.getLogger(__name__)


@shared_task(name="groups.tasks.meetings_extend_horizon")
def meetings_extend_horizon() -> int:
    """Store the meetings that have come within the horizon since the last run."""
    added = meetings_extend()
    logger.info("meetings horizon extended: %d meeting(s) added", added)
    return added


@shared_task(name="groups.tasks.join_openings_prune")
def join_openings_prune_task() -> int:
    """Forget the network digests, then the openings, of join addresses past retention."""
    erased, deleted = join_openings_prune()
    logger.info("join openings pruned: %d digest(s) erased, %d deleted", erased, deleted)
    return deleted


@shared_task(name="groups.tasks.listings_review")
def listings_review_task() -> int:
    """Ask about groups that seem to have stopped meeting; unlist those nobody answered for."""
    report = listings_review()
    logger.info(
        "listings reviewed: %d asked, %d unlisted, %d no longer in question",
        report.asked,
        report.lapsed,
        report.cleared,
    )
    return report.asked + report.lapsed


@shared_task(name="groups.tasks.handovers_expire")
def handovers_expire_task() -> int:
    """Close the handover offers nobody answered in time (both people are told)."""
    expired = handovers_expire()
    logger.info("handover offers expired: %d", expired)
    return expired


@shared_task(name="groups.tasks.check_ins_plan")
def check_ins_plan_task() -> int:
    """Queue the gentle check-ins that have become due (for the members who asked)."""
    planned = check_ins_plan()
    logger.info("check-ins planned: %d", planned)
    return planned

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count
from django.db.models.functions import TruncHour
from django.utils import timezone

from notifications.models import OutboxMessage

PIPELINE_HOURS = 24


@dataclass
class HourOfMail:
    """Messages due in one hour, by what became of them."""

    hour: datetime
    waiting: int = 0
    in_flight: int = 0
    sent: int = 0
    failed: int = 0
    expired: int = 0
    cancelled: int = 0


_HOUR_FIELD = {
    OutboxMessage.State.SCHEDULED: "waiting",
    OutboxMessage.State.QUEUED: "in_flight",
    OutboxMessage.State.SENDING: "in_flight",
    OutboxMessage.State.SENT: "sent",
    OutboxMessage.State.FAILED: "failed",
    OutboxMessage.State.EXPIRED: "expired",
    OutboxMessage.State.CANCELLED: "cancelled",
}


def outbox_counts_per_hour(
    *, now: datetime | None = None, hours: int = PIPELINE_HOURS
) -> list[HourOfMail]:
    """Messages due in each of the last `hours` hours (and any due later), by state, newest
    hour first: one query. Hours with no mail are left out."""
    now = now or timezone.now()
    rows = (
        OutboxMessage.objects.filter(due_at__gte=now - timedelta(hours=hours))
        .annotate(hour=TruncHour("due_at"))
        .values("hour", "state")
        .annotate(n=Count("pk"))
        .order_by("-hour")
    )
    by_hour: dict[datetime, HourOfMail] = {}
    for row in rows:
        hour = by_hour.setdefault(row["hour"], HourOfMail(hour=row["hour"]))
        field = _HOUR_FIELD[row["state"]]
        setattr(hour, field, getattr(hour, field) + row["n"])
    return list(by_hour.values())

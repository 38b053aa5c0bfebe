"""A group's health as its facilitators see it on their dashboard: how many came to each
meeting over the last HEALTH_WEEKS weeks (a small chart drawn on the server, with the same
numbers as a table), how many of the coming meetings have someone who said they will host,
and whether we are asking if it still meets (groups.listings).

Two queries for all of a facilitator's groups, whatever their number of meetings."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q

from groups.models import HostingAnswer, Meeting

HEALTH_WEEKS = 12
# Coming meetings whose hosts are counted: those of the next two weeks, as on the dashboard.
HOSTS_AHEAD = timedelta(days=14)

# The chart's drawing box, in SVG user units; it scales to the card's width.
CHART_WIDTH = 240
CHART_HEIGHT = 60
_BAR_GAP = 2


@dataclass(frozen=True)
class Bar:
    """One meeting's bar: its start, how many were there, and where to draw it."""

    starts_at: datetime
    present: int
    cancelled: bool
    x: float
    width: float
    y: float
    height: float


@dataclass
class GroupHealth:
    bars: list[Bar] = field(default_factory=list)
    most: int = 0
    upcoming: int = 0
    hosted: int = 0

    @property
    def total_present(self) -> int:
        return sum(bar.present for bar in self.bars)

    @property
    def held(self) -> int:
        return sum(1 for bar in self.bars if not bar.cancelled)


def _bars(points: list[tuple[datetime, int, bool]], most: int) -> list[Bar]:
    if not points:
        return []
    width = CHART_WIDTH / len(points)
    bars = []
    for index, (starts_at, present, cancelled) in enumerate(points):
        height = 0.0 if most == 0 else CHART_HEIGHT * present / most
        bars.append(
            Bar(
                starts_at=starts_at,
                present=present,
                cancelled=cancelled,
                x=round(index * width + _BAR_GAP / 2, 2),
                width=round(max(width - _BAR_GAP, 1), 2),
                y=round(CHART_HEIGHT - height, 2),
                height=round(height, 2),
            )
        )
    return bars


def group_health_for(*, group_ids: list[int], now: datetime) -> dict[int, GroupHealth]:
    """Each group's health (by id)."""
    since = now - timedelta(weeks=HEALTH_WEEKS)
    past = (
        Meeting.objects.filter(group_id__in=group_ids, starts_at__gte=since, starts_at__lte=now)
        .annotate(present=Count("attendances"))
        .order_by("group_id", "starts_at", "pk")
        .values_list("group_id", "starts_at", "present", "status")
    )
    points: dict[int, list[tuple[datetime, int, bool]]] = defaultdict(list)
    for group_id, starts_at, present, status in past:
        points[group_id].append((starts_at, present, status == Meeting.Status.CANCELLED))
    hosted = HostingAnswer.objects.filter(
        meeting=OuterRef("pk"), answer=HostingAnswer.Answer.WILL_HOST
    )
    coming = (
        Meeting.objects.filter(
            group_id__in=group_ids,
            starts_at__gt=now,
            starts_at__lte=now + HOSTS_AHEAD,
            status=Meeting.Status.SCHEDULED,
        )
        .values("group_id")
        .annotate(upcoming=Count("pk"), hosted=Count("pk", filter=Q(Exists(hosted))))
        .order_by("group_id")
    )
    health = {group_id: GroupHealth() for group_id in group_ids}
    for group_id, one in health.items():
        one.most = max((present for _start, present, _c in points[group_id]), default=0)
        one.bars = _bars(points[group_id], one.most)
    for row in coming:
        health[row["group_id"]].upcoming = row["upcoming"]
        health[row["group_id"]].hosted = row["hosted"]
    return health

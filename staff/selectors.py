"""What the admin area lists, each with its related rows fetched in the same query."""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When

from groups.models import Membership, Report, SupportGroup
from resources.models import Resource

# Open reports first (nobody has looked yet), then those in progress, then the resolved ones.
STATUS_ORDER = Case(
    When(status=Report.Status.OPEN, then=Value(0)),
    When(status=Report.Status.IN_PROGRESS, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def report_list_for_admins(*, status: str | None = None) -> QuerySet[Report]:
    reports = Report.objects.select_related("group", "person", "reporter", "announcement")
    if status:
        reports = reports.filter(status=status)
    return reports.order_by(STATUS_ORDER, "-created_at")


def report_get_for_admins(*, report_id: int) -> Report:
    return Report.objects.select_related(
        "group", "person", "reporter", "announcement", "handled_by", "resolved_by"
    ).get(pk=report_id)


def report_counts() -> dict[str, int]:
    counts = dict.fromkeys(Report.Status.values, 0)
    for row in Report.objects.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts


def resource_review_queue() -> QuerySet[Resource]:
    """Resources waiting for a second admin's review, the longest waiting first."""
    return (
        Resource.objects.filter(state=Resource.State.IN_REVIEW)
        .select_related("author")
        .order_by("updated_at", "pk")
    )


def join_requests_for_admins() -> QuerySet[Membership]:
    """Pending requests to join any active group, the oldest first."""
    return (
        Membership.objects.filter(
            state=Membership.State.PENDING, group__state=SupportGroup.State.ACTIVE
        )
        .select_related("user", "group")
        .order_by("created_at", "pk")
    )

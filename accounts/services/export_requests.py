"""A member asks for their data: the web side of exports (accounts.services.exports builds
the file, in a worker)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import AuditEvent, DataExport, User
from accounts.services.audit import audit_record
from accounts.tasks import export_build as export_build_task
from lib.tasks import task_publish_after_commit


@transaction.atomic
def export_request(*, user: User) -> DataExport:
    """Ask for a new export, or get the one being prepared or still downloadable.

    The member's row is locked first, so two clicks at once still make one export.
    """
    now = timezone.now()
    User.objects.select_for_update().get(pk=user.pk)
    current = (
        DataExport.objects.filter(
            user=user,
            status__in=[DataExport.Status.PENDING, DataExport.Status.READY],
            expires_at__gt=now,
        )
        .defer("content")
        .order_by("-created_at", "-pk")
        .first()
    )
    if current is not None:
        return current
    export = DataExport.objects.create(
        user=user, created_at=now, expires_at=now + DataExport.LIFETIME
    )
    audit_record(action=AuditEvent.Action.EXPORT_REQUESTED, subject=user)
    # If the broker does not take it, the hourly sweep (export_build_stalled) builds it.
    task_publish_after_commit(export_build_task, export.pk)
    return export

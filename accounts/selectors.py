from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import AuditEvent, User

SECURITY_LOG_LENGTH = 100


def audit_events_for_member(
    *, user: User, limit: int = SECURITY_LOG_LENGTH
) -> QuerySet[AuditEvent]:
    """The member's own security events, newest first (one query, no joins needed)."""
    return AuditEvent.objects.filter(subject=user).only(
        "action", "created_at", "ip_address", "actor_id", "subject_id"
    )[:limit]

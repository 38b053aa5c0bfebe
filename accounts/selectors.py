from __future__ import annotations

from allauth.account.models import EmailAddress
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


def member_by_address(email: str) -> User | None:
    """The member an e-mail address belongs to (their account's address, or another one
    allauth keeps for them), or None."""
    member = User.objects.filter(email__iexact=email).first()
    if member is None:
        held = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
        member = held.user if held is not None else None
    return member

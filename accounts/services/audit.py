"""The audit trail: recording security- and privacy-relevant events, and its retention."""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta

from allauth.account.adapter import get_adapter as get_account_adapter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import AuditEvent, User


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from, found as allauth finds it for its rate limits
    (X-Forwarded-For is trusted for TRUSTED_PROXY_COUNT proxies only)."""
    if request is None:
        return None
    try:
        raw = get_account_adapter().get_client_ip(request)
        return str(ipaddress.ip_address(raw))
    except (PermissionDenied, ValueError):
        return None


def audit_record(
    *,
    action: AuditEvent.Action,
    subject: User | None,
    actor: User | None = None,
    request: HttpRequest | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """Append one event. `actor` defaults to the subject (people act on their own account)."""
    return AuditEvent.objects.create(
        action=action,
        subject=subject,
        actor=actor if actor is not None else subject,
        ip_address=client_ip(request),
        details=details or {},
    )


def audit_record_failed_sign_in(*, credentials: dict, request: HttpRequest | None) -> None:
    """A wrong password for an existing account is recorded against it; an attempt on an
    unknown address is recorded with no subject and without the address that was typed."""
    login = credentials.get("email") or credentials.get("username") or ""
    subject = User.objects.filter(email__iexact=login).first() if login else None
    audit_record(action=AuditEvent.Action.SIGN_IN_FAILED, subject=subject, request=request)


def audit_prune(*, now: datetime | None = None) -> tuple[int, int]:
    """Erase IP addresses older than AUDIT_IP_RETENTION_DAYS and delete events older than
    AUDIT_RETENTION_DAYS. Returns (addresses erased, events deleted). Safe to run repeatedly."""
    now = now or timezone.now()
    ip_cutoff = now - timedelta(days=settings.AUDIT_IP_RETENTION_DAYS)
    event_cutoff = now - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _ = AuditEvent.objects.filter(created_at__lt=event_cutoff).delete()
    erased = AuditEvent.objects.filter(created_at__lt=ip_cutoff, ip_address__isnull=False).update(
        ip_address=None
    )
    return erased, deleted

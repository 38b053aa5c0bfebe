"""The audit trail: recording security- and privacy-relevant events, and its retention."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any

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


# The address of the request being served: set for each request by
# accounts.middleware.AuditContextMiddleware, so that services record it without taking the
# request. Outside a request (a task, a command) there is none.
_request_ip: ContextVar[str | None] = ContextVar("audit_request_ip", default=None)


@contextmanager
def audit_request_context(request: HttpRequest) -> Iterator[None]:
    """Events recorded while `request` is served carry its client's address."""
    token = _request_ip.set(client_ip(request))
    try:
        yield
    finally:
        _request_ip.reset(token)


def audit_record(
    *,
    action: AuditEvent.Action,
    subject: User | None,
    actor: User | None = None,
    details: dict[str, Any] | None = None,
    with_address: bool = True,
) -> AuditEvent:
    """Append one event, with the address of the request being served if there is one
    (`with_address=False`: never, e.g. for an account's deletion, after which we keep nothing
    that points at the person). `actor` defaults to the subject (people act on their own
    account)."""
    return AuditEvent.objects.create(
        action=action,
        subject=subject,
        actor=actor if actor is not None else subject,
        ip_address=_request_ip.get() if with_address else None,
        details=details or {},
    )


def audit_record_failed_sign_in(*, credentials: dict[str, Any]) -> None:
    """A wrong password for an existing account is recorded against it; an attempt on an
    unknown address is recorded with no subject and without the address that was typed."""
    login = credentials.get("email") or credentials.get("username") or ""
    subject = User.objects.filter(email__iexact=login).first() if login else None
    audit_record(action=AuditEvent.Action.SIGN_IN_FAILED, subject=subject)


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

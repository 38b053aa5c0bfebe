"""A member's copy of everything we hold about them: requested on the site, built by a worker,
downloadable by them alone for DataExport.LIFETIME, then purged.

What goes into the file is a registry of sections (EXPORT_SECTIONS), so that each app adds
what it stores about a person where that data lives:

    from accounts.services.exports import export_section

    @export_section("memberships")
    def memberships_for_export(user):
        return [{"group": m.group.name, "role": m.role, "joined_at": iso_utc(m.joined_at)}
                for m in user.memberships.select_related("group")]

and imports that module from its AppConfig.ready(). A section returns plain JSON data;
datetimes are written in UTC, ISO 8601 (use iso_utc, or return datetimes: the encoder converts
them). Never put secrets in a section: password hashes, second-factor secrets, recovery codes,
calendar feed tokens.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.mail import EmailMessage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.emails import email_send_later
from accounts.models import DELIVERY_FIELDS, AuditEvent, DataExport, User
from accounts.services.audit import audit_record
from lib.i18n import in_language_of
from lib.registries import Registry
from lib.urls import absolute_reverse
from notifications.models import PushSubscription

EXPORT_FORMAT = "kinship-export/1"

ExportSection = Callable[[User], object]
# Section name -> function returning that section for one person, in the order of the file.
EXPORT_SECTIONS: Registry[ExportSection] = Registry()
export_section = EXPORT_SECTIONS.register


def iso_utc(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


class ExportJSONEncoder(DjangoJSONEncoder):
    """Datetimes in UTC, whatever zone a section read them in."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime) and timezone.is_aware(o):
            return iso_utc(o)
        return super().default(o)


# ---------------------------------------------------------------------------------------------
# The sections accounts holds. Field lists are explicit: a new column is exported only once
# someone has decided it belongs in the file (and is not a secret).


@export_section("profile")
def _profile(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "time_zone": user.time_zone,
        "language": user.language,
        "date_joined": iso_utc(user.date_joined),
        "last_login": iso_utc(user.last_login),
    }


@export_section("preferences")
def _preferences(user: User) -> dict[str, Any]:
    return {
        "reminder_lead_minutes": list(user.reminder_lead_minutes),
        "reminder_scope": user.reminder_scope,
        "group_update_emails": user.group_update_emails,
        # How each kind of news reaches the member: push, email or both.
        "delivery": {about: getattr(user, field) for about, field in DELIVERY_FIELDS.items()},
        "discreet_mode": user.discreet_mode,
        "name_visible_to_members": user.name_visible_to_members,
    }


@export_section("roles")
def _roles(user: User) -> dict[str, Any]:
    return {"is_facilitator": user.is_facilitator, "is_staff": user.is_staff}


@export_section("email_addresses")
def _email_addresses(user: User) -> list[dict[str, Any]]:
    return [
        {"email": address.email, "verified": address.verified, "primary": address.primary}
        for address in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    ]


@export_section("second_factors")
def _second_factors(user: User) -> list[dict[str, Any]]:
    # Which factors exist and when they were used: never `data` (the TOTP secret, the seed
    # of the recovery codes, WebAuthn credentials).
    return [
        {
            "type": factor.type,
            "created_at": iso_utc(factor.created_at),
            "last_used_at": iso_utc(factor.last_used_at),
        }
        for factor in Authenticator.objects.filter(user=user)
        .only("type", "created_at", "last_used_at")
        .order_by("created_at", "pk")
    ]


@export_section("sign_in_history")
def _sign_in_history(user: User) -> list[dict[str, Any]]:
    return [
        {
            "action": event.action,
            "description": event.get_action_display(),
            "created_at": iso_utc(event.created_at),
            "ip_address": event.ip_address,
        }
        for event in AuditEvent.objects.filter(subject=user).only(
            "action", "created_at", "ip_address"
        )
    ]


@export_section("sessions")
def _sessions(user: User) -> list[dict[str, Any]]:
    return [
        {
            "created_at": iso_utc(session.created_at),
            "last_seen_at": iso_utc(session.last_seen_at),
            "ip": session.ip,
            "user_agent": session.user_agent,
        }
        for session in UserSession.objects.filter(user=user).order_by("-created_at")
    ]


@export_section("push_devices")
def _push_devices(user: User) -> list[dict[str, Any]]:
    """The devices with push on, without their keys or push addresses (keys to the phone)."""
    return [
        {
            "device": device.device_name,
            "since": iso_utc(device.created_at),
            "last_used_at": iso_utc(device.last_used_at),
        }
        for device in PushSubscription.objects.filter(user=user)
    ]


# Placeholders, in the place their data will take in the file. The groups issue replaces
# "memberships", "rsvps", "attendance" and "attendance_letters", the resources issue
# "bookmarks", the reports issue "reports", each by registering its own function under the
# same name with export_section.
def _nothing_stored_yet(user: User) -> list[Any]:
    return []


for _name in ("memberships", "rsvps", "attendance", "attendance_letters", "bookmarks", "reports"):
    export_section(_name)(_nothing_stored_yet)


# ---------------------------------------------------------------------------------------------


def export_payload(*, user: User, now: datetime | None = None) -> dict[str, Any]:
    """Everything we hold about `user`, as one JSON-ready dict."""
    payload: dict[str, object] = {
        "format": EXPORT_FORMAT,
        "generated_at": iso_utc(now or timezone.now()),
    }
    for name, section in EXPORT_SECTIONS.items():
        payload[name] = section(user)
    return payload


def export_latest(*, user: User, now: datetime | None = None) -> DataExport | None:
    """The member's newest export that has not expired, without its (possibly large) file."""
    return (
        DataExport.objects.filter(user=user, expires_at__gt=now or timezone.now())
        .defer("content")
        .order_by("-created_at", "-pk")
        .first()
    )


def _tell_export_ready(export: DataExport) -> None:
    """The member asked and went away: say the file is there (not the file itself, and not
    its link, which is only offered to the signed-in member). In the member's language
    (lib.i18n): a worker builds it, not their request."""
    user = export.user
    with in_language_of(user):
        body = render_to_string(
            "accounts/emails/export_ready.txt",
            {
                "user": user,
                "site_name": settings.SITE_NAME,
                "download_page": absolute_reverse("accounts:export"),
                "lifetime_hours": int(DataExport.LIFETIME.total_seconds() // 3600),
            },
        )
        # Translators: an e-mail's subject; %(site)s is the site's name (Kinship).
        subject = _("%(site)s: your data is ready to download") % {"site": settings.SITE_NAME}
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    email_send_later(message, user=user, expires_at=export.expires_at)


def export_build(*, export_id: int, now: datetime | None = None) -> DataExport | None:
    """Write the file of export `export_id`. Safe to run again (a redelivered task): a ready,
    expired or deleted export is left alone. A failure marks the export failed, so the page
    offers to try again, and is raised for the task's log."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            export = (
                DataExport.objects.select_for_update(of=("self",))
                .select_related("user")
                .filter(pk=export_id)
                .first()
            )
            if export is None or export.status == DataExport.Status.READY:
                return export
            if export.is_expired(now=now):
                return export
            # The descriptions in the file (the security log's) are in the member's language.
            with in_language_of(export.user):
                payload = export_payload(user=export.user, now=now)
            export.content = json.dumps(
                payload, cls=ExportJSONEncoder, indent=2, ensure_ascii=False
            )
            export.status = DataExport.Status.READY
            export.ready_at = now
            export.save(update_fields=["content", "status", "ready_at"])
            _tell_export_ready(export)
            return export
    except Exception:
        DataExport.objects.filter(pk=export_id).exclude(status=DataExport.Status.READY).update(
            status=DataExport.Status.FAILED
        )
        raise


def export_record_download(*, export: DataExport) -> None:
    audit_record(action=AuditEvent.Action.EXPORT_DOWNLOADED, subject=export.user)


# An export still pending after this long lost its task (the broker was down when it was
# asked for, or lost it): the sweep builds it.
STALLED_AFTER = timedelta(minutes=5)


def exports_stalled(*, now: datetime | None = None) -> list[int]:
    """The exports asked for more than STALLED_AFTER ago and still pending, oldest first."""
    now = now or timezone.now()
    return list(
        DataExport.objects.filter(
            status=DataExport.Status.PENDING,
            created_at__lte=now - STALLED_AFTER,
            expires_at__gt=now,
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )


def export_purge_expired(*, now: datetime | None = None) -> int:
    """Delete every export past its expiry; returns how many. Safe to run repeatedly."""
    deleted, _by_model = DataExport.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted

"""Writes about online rooms: what opening a join address recorded, and the facilitators'
controls (revoke or give back one member's access, lock the room for the rest of a meeting,
change the real link). Every control is audited, with ids only: never a link."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, User
from accounts.services.audit import audit_record
from groups.models import JoinAddress, JoinOpening, Meeting, MeetingSeries, join_token
from groups.services.errors import MeetingError


def client_place(ip: str | None) -> str:
    """A keyed digest of the network an opening came from: enough to count distinct places,
    useless for finding the person (the address itself is not kept)."""
    if not ip:
        return ""
    return salted_hmac("groups.join-opening.place", ip).hexdigest()[:16]


def join_opening_record(
    *,
    address: JoinAddress,
    meeting: Meeting | None,
    outcome: JoinOpening.Outcome,
    ip: str | None,
    now: datetime | None = None,
) -> JoinOpening:
    return JoinOpening.objects.create(
        address=address,
        meeting=meeting,
        outcome=outcome,
        place=client_place(ip),
        opened_at=now or timezone.now(),
    )


def join_openings_prune(*, now: datetime | None = None) -> tuple[int, int]:
    """The openings' retention, as the audit trail's (accounts.services.audit.audit_prune):
    the network digest goes after AUDIT_IP_RETENTION_DAYS, the opening itself after
    AUDIT_RETENTION_DAYS. Returns (digests erased, openings deleted)."""
    now = now or timezone.now()
    erased = (
        JoinOpening.objects.filter(
            opened_at__lt=now - timedelta(days=settings.AUDIT_IP_RETENTION_DAYS)
        )
        .exclude(place="")
        .update(place="")
    )
    deleted, _by_model = JoinOpening.objects.filter(
        opened_at__lt=now - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    ).delete()
    return erased, deleted


@transaction.atomic
def join_access_revoke(*, address: JoinAddress, by: User, now: datetime | None = None) -> None:
    """The member's join address for the series stops leading anywhere but to a kind note."""
    if address.revoked_at is not None:
        return
    address.revoked_at = now or timezone.now()
    address.revoked_by = by
    address.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        action=AuditEvent.Action.JOIN_ACCESS_REVOKED,
        subject=address.user,
        actor=by,
        details={"group": address.series.group_id, "series": address.series_id},
    )


@transaction.atomic
def join_access_restore(*, address: JoinAddress, by: User) -> None:
    """Access given back, under a new address: a copy of the old one that was passed on
    stays dead. The member's pages, feed and next reminders carry the new one."""
    if address.revoked_at is None:
        return
    address.revoked_at = None
    address.revoked_by = None
    address.token = join_token()
    address.save(update_fields=["revoked_at", "revoked_by", "token"])
    audit_record(
        action=AuditEvent.Action.JOIN_ACCESS_RESTORED,
        subject=address.user,
        actor=by,
        details={"group": address.series.group_id, "series": address.series_id},
    )


@transaction.atomic
def room_lock(*, meeting: Meeting, by: User, now: datetime | None = None) -> None:
    """Close the room for the rest of the meeting: from now on join addresses show late
    joiners a gentle note (facilitators still get in). Only while the meeting is on or to
    come."""
    now = now or timezone.now()
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled or meeting.ends_at <= now:
        raise MeetingError(_("This meeting is over or cancelled: there is no room to lock."))
    if meeting.room_locked_at is not None:
        return
    meeting.room_locked_at = now
    meeting.room_locked_by = by
    meeting.save(update_fields=["room_locked_at", "room_locked_by", "updated_at"])
    audit_record(
        action=AuditEvent.Action.ROOM_LOCKED,
        subject=None,
        actor=by,
        details={"group": meeting.group_id, "meeting": meeting.pk},
    )


@transaction.atomic
def room_unlock(*, meeting: Meeting, by: User) -> None:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.room_locked_at is None:
        return
    meeting.room_locked_at = None
    meeting.room_locked_by = None
    meeting.save(update_fields=["room_locked_at", "room_locked_by", "updated_at"])
    audit_record(
        action=AuditEvent.Action.ROOM_UNLOCKED,
        subject=None,
        actor=by,
        details={"group": meeting.group_id, "meeting": meeting.pk},
    )


def online_link_changed(
    *, by: User | None, group_id: int, series_id: int | None = None, meeting_id: int | None = None
) -> None:
    """Audit a change of a real link (the group's, a series' or one meeting's): ids only.
    Join addresses need nothing: they read the link when they are opened."""
    details: dict[str, int] = {"group": group_id}
    if series_id is not None:
        details["series"] = series_id
    if meeting_id is not None:
        details["meeting"] = meeting_id
    audit_record(
        action=AuditEvent.Action.ONLINE_LINK_CHANGED, subject=None, actor=by, details=details
    )


@transaction.atomic
def series_link_change(*, series: MeetingSeries, url: str, by: User) -> None:
    """The facilitator's "change the link" on the room page: the series' own link (empty:
    the group's). Every member's join address keeps working and leads to the new one."""
    if series.online_url == url:
        return
    series.online_url = url
    series.save(update_fields=["online_url", "updated_at"])
    online_link_changed(by=by, group_id=series.group_id, series_id=series.pk)

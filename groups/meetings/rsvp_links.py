"""The signed single-purpose links of a reminder's "I can't make it", and of its undo.

Each names one member and one meeting, is signed with its own salt (a link of one purpose
cannot be used for another, nor for another member or meeting), and stops working when the
meeting starts, whatever its signature says. Opening one (GET) only asks for a confirming
tap: mail scanners follow links, and a GET changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core import signing

from accounts.models import User
from groups.models import Meeting, Rsvp
from lib.urls import absolute_reverse

_CANT_MAKE_IT_SALT = "groups.rsvp.cant-make-it"
_UNDO_SALT = "groups.rsvp.cant-make-it-undo"


class LinkExpired(LookupError):
    """A genuine link whose meeting has started (or was cancelled): it did its work."""


@dataclass(frozen=True)
class CantMakeItLink:
    user: User
    meeting: Meeting


@dataclass(frozen=True)
class UndoLink:
    user: User
    meeting: Meeting
    # What the member's answer was before "I can't make it": None (no answer), going, or
    # waitlisted with the moment they joined the list (their place in it is given back).
    previous: str | None
    waitlisted_at: datetime | None


def cant_make_it_token(*, user: User, meeting: Meeting) -> str:
    return signing.dumps([user.pk, meeting.pk], salt=_CANT_MAKE_IT_SALT, compress=True)


def cant_make_it_url(*, user: User, meeting: Meeting) -> str:
    return absolute_reverse(
        "groups:cant-make-it", kwargs={"token": cant_make_it_token(user=user, meeting=meeting)}
    )


def undo_token(
    *, user: User, meeting: Meeting, previous: str | None, waitlisted_at: datetime | None
) -> str:
    waited = waitlisted_at.isoformat() if waitlisted_at is not None else None
    return signing.dumps([user.pk, meeting.pk, previous, waited], salt=_UNDO_SALT, compress=True)


def undo_url(
    *, user: User, meeting: Meeting, previous: str | None, waitlisted_at: datetime | None
) -> str:
    token = undo_token(user=user, meeting=meeting, previous=previous, waitlisted_at=waitlisted_at)
    return absolute_reverse("groups:cant-make-it-undo", kwargs={"token": token})


def _load(token: str, salt: str) -> list:
    try:
        value = signing.loads(token, salt=salt)
    except signing.BadSignature:
        raise LookupError(token) from None
    if not isinstance(value, list) or len(value) < 2:
        raise LookupError(token)
    return value


def _member_and_meeting(user_id: object, meeting_id: object, *, now: datetime) -> tuple:
    if not isinstance(user_id, int) or not isinstance(meeting_id, int):
        raise LookupError("not a link of ours")
    user = User.objects.filter(pk=user_id, is_active=True).first()
    meeting = Meeting.objects.select_related("series__group", "group").filter(pk=meeting_id).first()
    if user is None or meeting is None:
        raise LookupError("no such member or meeting")
    if meeting.is_cancelled or meeting.has_started(now=now):
        raise LinkExpired("the meeting has started or was cancelled")
    return user, meeting


def cant_make_it_read(token: str, *, now: datetime) -> CantMakeItLink:
    """The member and meeting of a genuine, current link; LookupError for a link that is not
    ours (forged, altered, of another purpose), LinkExpired once its meeting started."""
    user_id, meeting_id = _load(token, _CANT_MAKE_IT_SALT)[:2]
    user, meeting = _member_and_meeting(user_id, meeting_id, now=now)
    return CantMakeItLink(user=user, meeting=meeting)


def undo_read(token: str, *, now: datetime) -> UndoLink:
    value = _load(token, _UNDO_SALT)
    if len(value) != 4 or value[2] not in {None, Rsvp.Answer.GOING, Rsvp.Answer.WAITLISTED}:
        raise LookupError(token)
    user, meeting = _member_and_meeting(value[0], value[1], now=now)
    waited = datetime.fromisoformat(value[3]) if value[3] else None
    return UndoLink(user=user, meeting=meeting, previous=value[2], waitlisted_at=waited)

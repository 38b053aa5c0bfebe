"""What a push notification about a meeting says, and where a tap on it leads.

A notification is read on a lock screen, so with discreet mode (the default) its title and
body name no group, topic, substance or person: "Appointment at 19:00 EST", "An appointment
is cancelled". Without it they name the meeting and its group, as the e-mail's subject does.
Times are in the member's zone, with the zone. A tap opens the meeting's page; for an online
meeting, inside its window (from when the room opens to its end), the member's join address
(the service worker decides at the tap: a notification may be read an hour late). Both are
paths of ours: the real link of an online meeting is never in a notification."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.urls import reverse

from accounts.models import User
from groups.meetings.joining import join_urls_for, room_opens_at
from groups.meetings.times import format_instant
from groups.models import Meeting
from notifications.push import PushMessage, Urgency, urgency_for


def _clock(instant: datetime, user: User) -> str:
    """ "19:00 EST", in the member's zone."""
    return format_instant(instant, user.time_zone, with_date=False)


def _day_and_clock(instant: datetime, user: User) -> str:
    """ "Thu 3 Dec, 19:00 EST": short enough for a lock screen's line."""
    local = instant.astimezone(ZoneInfo(user.time_zone))
    return f"{local:%a} {local.day} {local:%b}, {_clock(instant, user)}"


def _meeting_push(
    *,
    meeting: Meeting,
    user: User,
    title: str,
    body: str,
    useful_until: datetime,
    urgency: str,
    tag: str,
) -> PushMessage:
    join_url = ""
    if meeting.series.meets_online and not meeting.is_cancelled:
        join_url = join_urls_for(user=user, series=[meeting.series]).get(meeting.series_id, "")
    return PushMessage(
        title=title,
        body=body,
        url=reverse("groups:meeting-detail", args=[meeting.group.slug, meeting.pk]),
        useful_until=useful_until,
        urgency=urgency,
        tag=tag,
        join_url=urlsplit(join_url).path if join_url else "",
        join_from=room_opens_at(meeting) if join_url else None,
        join_until=meeting.ends_at if join_url else None,
    )


def reminder_push(*, meeting: Meeting, user: User, starts: str, now: datetime) -> PushMessage:
    """`starts` is the reminder's own wording ("in 15 minutes, at 19:00 EST": see
    groups.reminders.starts_when). One tag per meeting: the 1-hour reminder takes the place
    of the 24-hour one on the phone."""
    at = _clock(meeting.starts_at, user)
    online = meeting.series.meets_online
    tap = "Tap to join when the room opens." if online else "Tap for the details."
    if user.discreet_mode:
        title, body = f"Appointment at {at}", f"Starts {starts}. {tap}"
    else:
        title = f"{meeting.series.title} at {at}"
        body = f"{meeting.group.name}: starts {starts}. {tap}"
    return _meeting_push(
        meeting=meeting,
        user=user,
        title=title,
        body=body,
        useful_until=meeting.starts_at,
        urgency=urgency_for(meeting.starts_at, now=now),
        tag=f"meeting-{meeting.pk}",
    )


def meeting_change_push(
    *, meeting: Meeting, user: User, change: str, now: datetime, was: datetime | None = None
) -> PushMessage:
    """A cancellation, a move (`was` its usual time or, for a schedule's edit, the time it
    had) or a removal from the schedule. Useful until the meeting would have ended."""
    when = _day_and_clock(meeting.starts_at, user)
    before = _day_and_clock(was or meeting.occurrence_start, user)
    name = f"{meeting.series.title} ({meeting.group.name})"
    if change == "cancelled":
        discreet = (
            "An appointment is cancelled",
            f"Your appointment on {when} will not take place.",
        )
        plain = (f"Cancelled: {meeting.series.title}", f"{name} on {when} will not take place.")
    elif change in {"moved", "rescheduled"}:
        discreet = ("An appointment has moved", f"Now {when}, instead of {before}.")
        plain = (f"Moved: {meeting.series.title}", f"{name} is now {when}, instead of {before}.")
    else:  # removed
        discreet = (
            "An appointment no longer takes place",
            f"Your appointment on {when} is no longer on the schedule.",
        )
        plain = (
            f"No longer on the schedule: {meeting.series.title}",
            f"{name} on {when} no longer takes place.",
        )
    title, body = discreet if user.discreet_mode else plain
    ends = max(meeting.ends_at, was or meeting.ends_at)
    return _meeting_push(
        meeting=meeting,
        user=user,
        title=title,
        body=body,
        useful_until=ends,
        urgency=urgency_for(min(meeting.starts_at, was or meeting.starts_at), now=now),
        tag=f"meeting-{meeting.pk}",
    )


def waitlist_push(*, meeting: Meeting, user: User, now: datetime) -> PushMessage:
    when = _day_and_clock(meeting.starts_at, user)
    if user.discreet_mode:
        title, body = "A place is yours", f"For your appointment on {when}. Tap for the details."
    else:
        title = f"A place is yours: {meeting.series.title}"
        body = f"{meeting.group.name}, {when}. Tap for the details."
    return _meeting_push(
        meeting=meeting,
        user=user,
        title=title,
        body=body,
        useful_until=meeting.starts_at,
        urgency=urgency_for(meeting.starts_at, now=now),
        tag=f"meeting-{meeting.pk}",
    )


def cant_make_it_push(*, meeting: Meeting, user: User, undo_url: str) -> PushMessage:
    """The confirmation of the reminder's one tap; a tap on it opens the undo."""
    when = _day_and_clock(meeting.starts_at, user)
    if user.discreet_mode:
        title = "Noted: you can't make it"
        body = f"Your appointment on {when}. Changed your mind? Tap to undo."
    else:
        title = f"Noted: you can't make it to {meeting.series.title}"
        body = f"{meeting.group.name}, {when}. Changed your mind? Tap to undo."
    return PushMessage(
        title=title,
        body=body,
        url=urlsplit(undo_url).path,
        useful_until=meeting.starts_at,
        urgency=Urgency.NORMAL,
        tag=f"meeting-{meeting.pk}",
    )

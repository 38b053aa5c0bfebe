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
from django.utils.translation import gettext as _

from accounts.models import User
from groups.meetings.joining import join_urls_for, room_opens_at
from groups.meetings.times import format_instant
from groups.models import Meeting
from lib.i18n import format_day
from notifications.push import PushMessage, Urgency, urgency_for


def _clock(instant: datetime, user: User) -> str:
    """ "19:00 EST", in the member's zone."""
    return format_instant(instant, user.time_zone, with_date=False)


def _day_and_clock(instant: datetime, user: User) -> str:
    """ "Thu 3 Dec, 19:00 EST": short enough for a lock screen's line."""
    local = instant.astimezone(ZoneInfo(user.time_zone))
    return _("%(day)s, %(time)s") % {
        "day": format_day(local, "short_day"),
        "time": _clock(instant, user),
    }


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
    if user.discreet_mode:
        # Translators: a push notification's title, on a phone's lock screen: it must name no
        # group, topic or substance. %(time)s is the time, e.g. "19:00 EST".
        title = _("Appointment at %(time)s") % {"time": at}
        if online:
            # Translators: a push notification, on a phone's lock screen: it must name no
            # group, topic or substance. %(starts)s is e.g. "in 15 minutes, at 19:00 EST".
            body = _("Starts %(starts)s. Tap to join when the room opens.") % {"starts": starts}
        else:
            # Translators: a push notification, on a phone's lock screen: it must name no
            # group, topic or substance. %(starts)s is e.g. "in 15 minutes, at 19:00 EST".
            body = _("Starts %(starts)s. Tap for the details.") % {"starts": starts}
    else:
        # Translators: a push notification's title: the meeting's title, then its time.
        title = _("%(meeting)s at %(time)s") % {"meeting": meeting.series.title, "time": at}
        words = {"group": meeting.group.name, "starts": starts}
        if online:
            # Translators: a push notification: the group's name, then when the meeting
            # starts, e.g. "in 15 minutes, at 19:00 EST".
            body = _("%(group)s: starts %(starts)s. Tap to join when the room opens.") % words
        else:
            # Translators: a push notification: the group's name, then when the meeting
            # starts, e.g. "in 15 minutes, at 19:00 EST".
            body = _("%(group)s: starts %(starts)s. Tap for the details.") % words
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
    # %(when)s and %(before)s below are a day and a time, e.g. "Thu 3 Dec, 19:00 EST".
    words = {
        "meeting": meeting.series.title,
        "group": meeting.group.name,
        "when": when,
        "before": before,
    }
    discreet = user.discreet_mode
    if change == "cancelled":
        if discreet:
            # Translators: a push notification's title, on a phone's lock screen: it must name
            # no group, topic or substance.
            title = _("An appointment is cancelled")
            # Translators: a push notification, on a phone's lock screen: it must name no
            # group, topic or substance. %(when)s is a day and a time.
            body = _("Your appointment on %(when)s will not take place.") % words
        else:
            # Translators: a push notification's title; %(meeting)s is the meeting's title.
            title = _("Cancelled: %(meeting)s") % words
            # Translators: a push notification: the meeting's title, its group's name in
            # brackets, then a day and a time.
            body = _("%(meeting)s (%(group)s) on %(when)s will not take place.") % words
    elif change in {"moved", "rescheduled"}:
        if discreet:
            # Translators: a push notification's title, on a phone's lock screen: it must name
            # no group, topic or substance.
            title = _("An appointment has moved")
            # Translators: a push notification, on a phone's lock screen: it must name no
            # group, topic or substance. %(when)s is the new day and time, %(before)s the old.
            body = _("Now %(when)s, instead of %(before)s.") % words
        else:
            # Translators: a push notification's title; %(meeting)s is the meeting's title.
            title = _("Moved: %(meeting)s") % words
            # Translators: a push notification: the meeting's title, its group's name in
            # brackets, the new day and time (%(when)s) and the old one (%(before)s).
            body = _("%(meeting)s (%(group)s) is now %(when)s, instead of %(before)s.") % words
    elif discreet:  # removed
        # Translators: a push notification's title, on a phone's lock screen: it must name no
        # group, topic or substance.
        title = _("An appointment no longer takes place")
        # Translators: a push notification, on a phone's lock screen: it must name no group,
        # topic or substance. %(when)s is a day and a time.
        body = _("Your appointment on %(when)s is no longer on the schedule.") % words
    else:  # removed
        # Translators: a push notification's title; %(meeting)s is the meeting's title.
        title = _("No longer on the schedule: %(meeting)s") % words
        # Translators: a push notification: the meeting's title, its group's name in brackets,
        # then a day and a time.
        body = _("%(meeting)s (%(group)s) on %(when)s no longer takes place.") % words
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
        # Translators: a push notification's title, on a phone's lock screen: it must name no
        # group, topic or substance.
        title = _("A place is yours")
        # Translators: a push notification, on a phone's lock screen: it must name no group,
        # topic or substance. %(when)s is a day and a time, e.g. "Thu 3 Dec, 19:00 EST".
        body = _("For your appointment on %(when)s. Tap for the details.") % {"when": when}
    else:
        # Translators: a push notification's title; %(meeting)s is the meeting's title.
        title = _("A place is yours: %(meeting)s") % {"meeting": meeting.series.title}
        # Translators: a push notification: the group's name, then a day and a time.
        body = _("%(group)s, %(when)s. Tap for the details.") % {
            "group": meeting.group.name,
            "when": when,
        }
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
        # Translators: a push notification's title, on a phone's lock screen: it must name no
        # group, topic or substance.
        title = _("Noted: you can't make it")
        # Translators: a push notification, on a phone's lock screen: it must name no group,
        # topic or substance. %(when)s is a day and a time, e.g. "Thu 3 Dec, 19:00 EST".
        body = _("Your appointment on %(when)s. Changed your mind? Tap to undo.") % {"when": when}
    else:
        # Translators: a push notification's title; %(meeting)s is the meeting's title.
        title = _("Noted: you can't make it to %(meeting)s") % {"meeting": meeting.series.title}
        # Translators: a push notification: the group's name, then a day and a time.
        body = _("%(group)s, %(when)s. Changed your mind? Tap to undo.") % {
            "group": meeting.group.name,
            "when": when,
        }
    return PushMessage(
        title=title,
        body=body,
        url=urlsplit(undo_url).path,
        useful_until=meeting.starts_at,
        urgency=Urgency.NORMAL,
        tag=f"meeting-{meeting.pk}",
    )

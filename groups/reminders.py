"""Meeting reminders: which are due (planned into the outbox by the dispatcher every minute)
and what each says (built just before it is sent, from the meeting as it is then).

A member gets one reminder per lead time they chose (accounts.User.reminder_lead_minutes),
for the meetings they said they would go to, or for every meeting of their groups
(`reminder_scope`), never for one they said they would miss, and only while their membership
is active. Its due time is the meeting's start minus the lead time, both UTC instants, so
daylight-saving changes in either person's zone do not move it.

Planning is a fixed number of queries (one per lead time we offer, then one insert), however
many reminders fall due. A reminder goes by e-mail, by push to the member's devices, or both,
as they chose (a ledger row for each); the push says "Appointment at 19:00 EST" in discreet
mode (groups.pushes). See notifications.outbox for the delivery guarantees.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.validators import REMINDER_LEAD_LABELS
from groups.calendars.ics import meeting_calendar_build
from groups.emails import member_email
from groups.meetings.joining import join_urls_for, meeting_place_for
from groups.meetings.rsvp_links import cant_make_it_url
from groups.meetings.times import format_meeting_time
from groups.models import Meeting, Membership, Rsvp, SupportGroup
from groups.pushes import reminder_push
from lib.i18n import format_day
from lib.urls import absolute_reverse
from notifications.channels import delivery_channels
from notifications.kinds import (
    NotToBeSent,
    NotYet,
    outbox_builder,
    outbox_planner,
    outbox_preparer,
    outbox_push_builder,
)
from notifications.models import OutboxMessage, PushSubscription
from notifications.outbox import outbox_plan
from notifications.push import PushMessage

# A reminder is an outbox message of this kind about a meeting (its target), one per lead
# time in minutes (its variant).
KIND = "reminder"
State = OutboxMessage.State
Channel = OutboxMessage.Channel
Answer = Rsvp.Answer
Scope = User.ReminderScope

# A reminder that is due within this much is sent now rather than put back (the dispatcher
# runs every minute: waiting would make it later, not more punctual).
EARLY_ENOUGH = timedelta(seconds=60)
# A reminder later than this after its due time gives way to a nearer one that is due, or
# soon will be (_superseded): a 1-hour reminder 45 minutes late is not sent beside the
# 15-minute one, nor a 24-hour one two minutes before the 1-hour one.
LATE_TOLERANCE = timedelta(minutes=5)


def _wants_reminder(*, user_id: OuterRef, meeting_id: OuterRef) -> Q:
    """Going (scope "going"), or anything but "not going" (scope "all")."""
    going = Rsvp.objects.filter(meeting_id=meeting_id, user_id=user_id, answer=Answer.GOING)
    declined = Rsvp.objects.filter(meeting_id=meeting_id, user_id=user_id, answer=Answer.NOT_GOING)
    return ~Exists(declined) & (Q(user__reminder_scope=Scope.ALL) | Exists(going))


def _due_pairs(lead: int, now: datetime) -> list[tuple[int, int, datetime, list[int], str, bool]]:
    """(member, meeting, start, their lead times, how they want reminders, whether a device
    of theirs has push on) for which the `lead`-minute reminder is due and not yet in the
    ledger, by any channel: one query."""
    pairs = (
        Membership.objects.filter(
            state=Membership.State.ACTIVE,
            user__is_active=True,
            group__state=SupportGroup.State.ACTIVE,
            group__meetings__status=Meeting.Status.SCHEDULED,
            group__meetings__starts_at__gt=now,
            group__meetings__starts_at__lte=now + timedelta(minutes=lead),
        )
        .annotate(
            meeting_id=F("group__meetings__id"),
            meeting_start=F("group__meetings__starts_at"),
            has_device=Exists(PushSubscription.objects.filter(user_id=OuterRef("user_id"))),
        )
        .filter(_wants_reminder(user_id=OuterRef("user_id"), meeting_id=OuterRef("meeting_id")))
        .exclude(
            Exists(
                OutboxMessage.objects.filter(
                    kind=KIND,
                    user_id=OuterRef("user_id"),
                    target_id=OuterRef("meeting_id"),
                    variant=lead,
                )
            )
        )
    )
    if connection.features.supports_json_field_contains:
        pairs = pairs.filter(user__reminder_lead_minutes__contains=[lead])
    return list(
        pairs.values_list(
            "user_id",
            "meeting_id",
            "meeting_start",
            "user__reminder_lead_minutes",
            "user__reminders_by",
            "has_device",
        )
    )


@outbox_planner("reminders")
def reminders_plan_due(*, now: datetime) -> int:
    """Add to the ledger every reminder that has become due; returns how many.

    After an outage several lead times of one meeting may be due at once (the 24-hour and the
    1-hour reminder of a meeting that starts in 50 minutes): only the shortest is sent, the
    others are recorded as no longer wanted, so nobody gets a burst of stale reminders.

    A reminder goes by the channels the member chose for reminders (notifications.channels:
    push, e-mail or both), a row for each."""
    due: dict[tuple[int, int], list[tuple[int, datetime]]] = defaultdict(list)
    channels: dict[int, list[str]] = {}
    for lead in REMINDER_LEAD_LABELS:
        for user_id, meeting_id, starts_at, wanted, choice, has_device in _due_pairs(lead, now):
            if lead in (wanted or []):
                due[(user_id, meeting_id)].append((lead, starts_at))
                channels[user_id] = delivery_channels(choice, has_device=has_device)
    rows = []
    for (user_id, meeting_id), leads in due.items():
        leads.sort()
        by = channels[user_id]
        for index, (lead, starts_at) in enumerate(leads):
            for channel in by if index == 0 else by[:1]:
                rows.append(
                    OutboxMessage(
                        kind=KIND,
                        channel=channel,
                        category=OutboxMessage.Category.REMINDERS,
                        user_id=user_id,
                        target_id=meeting_id,
                        variant=lead,
                        payload=(
                            {"with_email": Channel.EMAIL in by} if channel == Channel.PUSH else {}
                        ),
                        due_at=starts_at - timedelta(minutes=lead),
                        expires_at=starts_at,
                        state=State.SCHEDULED if index == 0 else State.CANCELLED,
                        finished_at=None if index == 0 else now,
                        last_error="" if index == 0 else "a shorter reminder was due as well",
                    )
                )
    outbox_plan(rows)
    return sum(1 for row in rows if row.state == State.SCHEDULED)


# Why a member's waiting reminders for a meeting were called off when they said they can't
# come; saying they will after all (before the meeting) puts exactly these back.
CANT_COME = "the member said they can't come"


def reminders_cancel_for_member(*, user_id: int, meeting_id: int, now: datetime) -> int:
    """Call off the member's reminders for the meeting that have not gone out yet; ones
    already on their way are stopped by reminder_build, which reads the answer again."""
    return OutboxMessage.objects.filter(
        kind=KIND, user_id=user_id, target_id=meeting_id, state=State.SCHEDULED
    ).update(state=State.CANCELLED, finished_at=now, last_error=CANT_COME)


def reminders_restore_for_member(*, user_id: int, meeting_id: int) -> int:
    """Put back the reminders reminders_cancel_for_member called off: each goes out at its
    time, or gives way to a nearer one (reminder_build's one rule for a late reminder)."""
    return OutboxMessage.objects.filter(
        kind=KIND,
        user_id=user_id,
        target_id=meeting_id,
        state=State.CANCELLED,
        last_error=CANT_COME,
    ).update(state=State.SCHEDULED, finished_at=None, last_error="")


def reminders_follow_move(*, meeting: Meeting, now: datetime | None = None) -> int:
    """Plan every reminder of a moved meeting again for its new start, whatever became of it
    for the old one (waiting, cancelled because a shorter one was due, expired, sent);
    returns how many. The one rule of reminder_build then decides, at send time, which still
    go out (a lead time long past gives way to a nearer one). A reminder already sent is sent
    again only if its lead time is still ahead for the new start (the member was told of the
    move; a second "in 24 hours" a day late would be noise), and then as a new message
    (`generation`, so with a Message-ID of its own). One on its way (queued, being sent) is
    left to its builder, which puts it back if it is now early."""
    now = now or timezone.now()
    rows = OutboxMessage.objects.filter(kind=KIND, target_id=meeting.pk).exclude(
        state__in=[State.QUEUED, State.SENDING, State.FAILED]
    )
    replanned = 0
    # A reminder's variant is its lead time: never None (reminders_plan_due).
    for lead in set(rows.values_list("variant", flat=True)):
        due_at = meeting.starts_at - timedelta(minutes=cast(int, lead))
        again = {
            "state": State.SCHEDULED,
            "due_at": due_at,
            "expires_at": meeting.starts_at,
            "attempts": 0,
            "last_error": "",
            "finished_at": None,
            "claimed_by": "",
        }
        of_lead = rows.filter(variant=lead)
        replanned += of_lead.exclude(state=State.SENT).update(**again)
        if due_at > now:
            replanned += of_lead.filter(state=State.SENT).update(
                **again, generation=F("generation") + 1
            )
    return replanned


@dataclass(frozen=True)
class ReminderBatch:
    """What the reminders of one sending batch need, loaded in three queries."""

    meetings: dict[int, Meeting]
    memberships: set[tuple[int, int]]  # (member, group) of active memberships
    answers: dict[tuple[int, int], str]  # (meeting, member) -> RSVP answer
    # Each meeting's .ics, discreet or not, made once for the batch: it names no member, and
    # building it is half of what a reminder costs.
    calendars: dict[tuple[int, bool, str], bytes] = field(default_factory=dict)


@outbox_preparer(KIND)
def reminders_prepare(rows: list[OutboxMessage]) -> ReminderBatch:
    meeting_ids = {row.target_id for row in rows}
    user_ids = {row.user_id for row in rows}
    meetings = Meeting.objects.select_related("series", "series__group", "group").in_bulk(
        meeting_ids
    )
    group_ids = {meeting.group_id for meeting in meetings.values()}
    memberships = set(
        Membership.objects.filter(
            user_id__in=user_ids, group_id__in=group_ids, state=Membership.State.ACTIVE
        ).values_list("user_id", "group_id")
    )
    answers = {
        (meeting_id, user_id): answer
        for meeting_id, user_id, answer in Rsvp.objects.filter(
            meeting_id__in=meeting_ids, user_id__in=user_ids
        ).values_list("meeting_id", "user_id", "answer")
    }
    return ReminderBatch(meetings=meetings, memberships=memberships, answers=answers)


def _still_wanted(
    row: OutboxMessage, now: datetime, batch: ReminderBatch
) -> tuple[Meeting, User, str | None]:
    """Check again, at send time, that the reminder is still wanted: the meeting still
    takes place (and has not started), at the time the reminder was for, and the member
    still belongs to the group and still wants this reminder. Its meeting, member and their
    answer; NotToBeSent or NotYet otherwise."""
    # A reminder always has its meeting (target), lead time (variant) and member: see
    # reminders_plan_due.
    meeting = batch.meetings.get(cast(int, row.target_id))
    if meeting is None or meeting.is_cancelled:
        raise NotToBeSent(State.CANCELLED, "the meeting no longer takes place")
    if meeting.has_started(now=now):
        raise NotToBeSent(State.EXPIRED, "the meeting has started")
    due_at = meeting.starts_at - timedelta(minutes=cast(int, row.variant))
    if due_at > now + EARLY_ENOUGH:
        raise NotYet(due_at, expires_at=meeting.starts_at)  # moved later: the new time
    user = cast(User, row.user)
    answer = batch.answers.get((meeting.pk, user.pk))
    wants = answer != Answer.NOT_GOING and (
        user.reminder_scope == Scope.ALL or answer == Answer.GOING
    )
    if not (user.is_active and (user.pk, meeting.group_id) in batch.memberships and wants):
        raise NotToBeSent(State.CANCELLED, "the member no longer wants it")
    if row.variant not in (user.reminder_lead_minutes or []):
        raise NotToBeSent(State.CANCELLED, "the member no longer wants this lead time")
    if _superseded(lead=cast(int, row.variant), meeting=meeting, user=user, now=now):
        raise NotToBeSent(State.CANCELLED, "a nearer reminder is due")
    return meeting, user, answer


@outbox_builder(KIND)
def reminder_build(
    row: OutboxMessage, now: datetime, batch: ReminderBatch
) -> EmailMultiAlternatives:
    """The reminder as it should read now, if it is still wanted (_still_wanted)."""
    meeting, user, answer = _still_wanted(row, now, batch)
    return reminder_email(
        meeting=meeting,
        user=user,
        answer=answer,
        now=now,
        lead=cast(int, row.variant),
        calendars=batch.calendars,
    )


@outbox_push_builder(KIND)
def reminder_push_build(row: OutboxMessage, now: datetime, batch: ReminderBatch) -> PushMessage:
    """The reminder's push notification, with the same checks as its e-mail."""
    meeting, user, _answer = _still_wanted(row, now, batch)
    starts = starts_when(
        lead=row.variant, starts_at=meeting.starts_at, now=now, zone=ZoneInfo(user.time_zone)
    )
    return reminder_push(meeting=meeting, user=user, starts=starts, now=now)


def _superseded(*, lead: int, meeting: Meeting, user: User, now: datetime) -> bool:
    """The one rule for a reminder sent late, whatever delayed it (an outage, a queue, a
    move, a member who said yes after its time): once its lead time has passed by more than
    LATE_TOLERANCE, it gives way to any shorter lead time of the member's that falls due
    within that shorter lead time from now. So of the lead times already past, at most the
    nearest goes out (the planner sends only the shortest of those due together), and only
    if the member's next reminder is not about to follow it: said yes 62 minutes before,
    they get the 1-hour reminder alone, not the 24-hour one two minutes ahead of it; said
    yes 20 hours before, the late 24-hour one, then the 1-hour one."""
    if now - (meeting.starts_at - timedelta(minutes=lead)) <= LATE_TOLERANCE:
        return False
    return any(
        shorter < lead and meeting.starts_at - timedelta(minutes=2 * shorter) <= now + EARLY_ENOUGH
        for shorter in user.reminder_lead_minutes or []
    )


def reminder_email(
    *,
    meeting: Meeting,
    user: User,
    answer: str | None,
    now: datetime,
    lead: int | None = None,
    calendars: dict[tuple[int, bool, str], bytes] | None = None,
) -> EmailMultiAlternatives:
    """When it starts (from the lead time, in the member's zone: "in 15 minutes, at 19:00
    EST", "tomorrow at 19:00 EST"), where, a way in for an online meeting, how to change the
    answer, "I can't make it" in one tap (a signed link that needs no sign-in), and the
    meeting's .ics. The way in is the member's join address, never the real link
    (groups.meetings.joining). With discreet mode the subject and the calendar title name
    nothing (member_email)."""
    series = meeting.series
    group = meeting.group
    when = format_meeting_time(
        meeting.starts_at, viewer_zone=user.time_zone, meeting_zone=series.time_zone
    )
    starts = starts_when(
        lead=lead, starts_at=meeting.starts_at, now=now, zone=ZoneInfo(user.time_zone)
    )
    place = meeting_place_for(meeting, join_urls=join_urls_for(user=user, series=[series]))
    message = member_email(
        user=user,
        template="meeting_reminder",
        # Translators: a reminder's e-mail subject: when the meeting starts (e.g. "in 15
        # minutes, at 19:00 EST" or "tomorrow at 19:00 EST"), the meeting's title, its group.
        subject=_("Starts %(starts)s: %(meeting)s, %(group)s")
        % {"starts": starts, "meeting": series.title, "group": group.name},
        # Translators: a reminder's e-mail subject in discreet mode, shown on a phone's lock
        # screen: it must name no group, topic or substance. %(starts)s is when the meeting
        # starts, e.g. "in 15 minutes, at 19:00 EST" or "tomorrow at 19:00 EST".
        discreet_subject=_("A reminder: your appointment %(starts)s") % {"starts": starts},
        context={
            "meeting": meeting,
            "series": series,
            "group": group,
            "when": when,
            "place": place,
            "join_url": place.link if place.online else "",
            "cant_make_it_url": (
                cant_make_it_url(user=user, meeting=meeting) if answer != Answer.NOT_GOING else ""
            ),
            "answer": answer,
            "starts_in": starts,
            "meeting_url": absolute_reverse("groups:meeting-detail", args=[group.slug, meeting.pk]),
        },
        html=True,
    )
    calendars = {} if calendars is None else calendars
    # A meeting with a join address has a file per member; any other, one per batch.
    key = (meeting.pk, user.discreet_mode, place.join_url)
    if key not in calendars:
        calendars[key] = meeting_calendar_build(
            meeting=meeting, discreet=user.discreet_mode, join_url=place.join_url, now=now
        )
    # No method parameter: the calendar has no METHOD (it has no ORGANIZER), and RFC 6047
    # has the two agree.
    message.attach("meeting.ics", calendars[key], "text/calendar")
    return message


def _left(left: timedelta) -> tuple[str, int]:
    """How long until the meeting starts, in the unit a reminder says it in: minutes up to
    an hour and a half, then about so many hours, then about so many days."""
    minutes = max(1, -(-int(left.total_seconds()) // 60))  # rounded up: never "in 0 minutes"
    if minutes < 90:
        return "minutes", minutes
    hours = round(minutes / 60)
    if hours < 36:
        return "hours", hours
    return "days", round(hours / 24)


def time_left(left: timedelta) -> str:
    """How long until the meeting starts, as a reminder says it: from the time it is sent,
    not the lead time it was planned for ("in 11 minutes", not "in an hour")."""
    unit, count = _left(left)
    if unit == "minutes":
        # Translators: how long until a meeting starts.
        text = ngettext("in %(count)d minute", "in %(count)d minutes", count)
    elif unit == "hours":
        # Translators: how long until a meeting starts.
        text = ngettext("in about %(count)d hour", "in about %(count)d hours", count)
    else:
        # Translators: how long until a meeting starts.
        text = ngettext("in about %(count)d day", "in about %(count)d days", count)
    return text % {"count": count}


# A reminder sent on time (the dispatcher sends up to EARLY_ENOUGH early) says its lead
# time ("in 1 hour"); one sent later says the time really left ("in 58 minutes").
ON_TIME_MINUTES = 1
# From this lead time on, a reminder says the day ("tomorrow at 19:00 EST") rather than the
# hours left: "in 24 hours" makes the member work out the time.
SAYS_THE_DAY = 12 * 60


def starts_when(*, lead: int | None, starts_at: datetime, now: datetime, zone: ZoneInfo) -> str:
    """When a meeting starts, as its reminder says it, in the member's zone: "in 15 minutes,
    at 19:00 EST" and "in 1 hour, at 19:00 EST" (so two reminders of one meeting read
    differently), "today at 19:00 EST", "tomorrow at 19:00 EST", "on Thursday 3 December at
    19:00 EST". A short reminder sent late says the time really left ("in 11 minutes"), never
    a lead time that is no longer true."""
    # Each of these follows "starts" in a reminder ("A reminder: Newcomers, Hope Group,
    # starts in 15 minutes, at 19:00 EST."); %(time)s is the time with its zone, "19:00 EST".
    local = starts_at.astimezone(zone)
    at = f"{local:%H:%M %Z}"
    left = starts_at - now
    ahead = timedelta(minutes=lead) if lead is not None else left
    if ahead >= timedelta(minutes=SAYS_THE_DAY):
        days = (local.date() - now.astimezone(zone).date()).days
        if days == 0:
            # Translators: when a meeting starts, said after "starts" in a reminder.
            return _("today at %(time)s") % {"time": at}
        if days == 1:
            # Translators: when a meeting starts, said after "starts" in a reminder.
            return _("tomorrow at %(time)s") % {"time": at}
        # Translators: when a meeting starts, said after "starts" in a reminder: %(date)s is
        # the weekday, day and month ("Thursday 3 December"), %(time)s the time ("19:00 EST").
        return _("on %(date)s at %(time)s") % {
            "date": format_day(local, "weekday_day"),
            "time": at,
        }
    # Rounded up as time_left rounds: sent on time, or up to EARLY_ENOUGH early.
    minutes = max(1, -(-int(left.total_seconds()) // 60))
    on_time = lead is not None and lead <= minutes <= lead + ON_TIME_MINUTES
    if on_time and lead is not None and (lead < 60 or lead % 60):
        count = lead
        text = ngettext(
            # Translators: when a meeting starts, said after "starts" in a reminder.
            "in %(count)d minute, at %(time)s",
            "in %(count)d minutes, at %(time)s",
            count,
        )
    elif on_time and lead is not None:
        count = lead // 60
        text = ngettext(
            # Translators: when a meeting starts, said after "starts" in a reminder.
            "in %(count)d hour, at %(time)s",
            "in %(count)d hours, at %(time)s",
            count,
        )
    else:
        unit, count = _left(left)
        if unit == "minutes":
            text = ngettext(
                # Translators: when a meeting starts, said after "starts" in a reminder.
                "in %(count)d minute, at %(time)s",
                "in %(count)d minutes, at %(time)s",
                count,
            )
        elif unit == "hours":
            text = ngettext(
                # Translators: when a meeting starts, said after "starts" in a reminder.
                "in about %(count)d hour, at %(time)s",
                "in about %(count)d hours, at %(time)s",
                count,
            )
        else:
            text = ngettext(
                # Translators: when a meeting starts, said after "starts" in a reminder.
                "in about %(count)d day, at %(time)s",
                "in about %(count)d days, at %(time)s",
                count,
            )
    return text % {"count": count, "time": at}

"""Meeting reminders: which are due (planned into the outbox by the dispatcher every minute)
and what each says (built just before it is sent, from the meeting as it is then).

A member gets one reminder per lead time they chose (accounts.User.reminder_lead_minutes),
for the meetings they said they would go to, or for every meeting of their groups
(`reminder_scope`), never for one they said they would miss, and only while their membership
is active. Its due time is the meeting's start minus the lead time, both UTC instants, so
daylight-saving changes in either person's zone do not move it.

Planning is a fixed number of queries (one per lead time we offer, then one insert), however
many reminders fall due. See accounts.services.outbox for the delivery guarantees.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse

from accounts.models import OutboxMessage, User
from accounts.services.outbox import (
    NotToBeSent,
    NotYet,
    outbox_builder,
    outbox_planner,
    outbox_preparer,
)
from accounts.validators import REMINDER_LEAD_LABELS
from groups.calendars import meeting_calendar_build
from groups.emails import member_email
from groups.models import Meeting, Membership, Rsvp, SupportGroup
from groups.places import meeting_place
from groups.times import format_meeting_time

Kind = OutboxMessage.Kind
State = OutboxMessage.State
Answer = Rsvp.Answer
Scope = User.ReminderScope

# A reminder that is due within this much is sent now rather than put back (the dispatcher
# runs every minute: waiting would make it later, not more punctual).
EARLY_ENOUGH = timedelta(seconds=60)


def _wants_reminder(*, user_id: OuterRef | int, meeting_id: OuterRef | int) -> Q:
    """Going (scope "going"), or anything but "not going" (scope "all")."""
    going = Rsvp.objects.filter(meeting_id=meeting_id, user_id=user_id, answer=Answer.GOING)
    declined = Rsvp.objects.filter(meeting_id=meeting_id, user_id=user_id, answer=Answer.NOT_GOING)
    return ~Exists(declined) & (Q(user__reminder_scope=Scope.ALL) | Exists(going))


def _due_pairs(lead: int, now: datetime) -> list[tuple[int, int, datetime, list[int]]]:
    """(member, meeting, start, their lead times) for which the `lead`-minute reminder is due
    and not yet in the ledger: one query."""
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
            meeting_id=F("group__meetings__id"), meeting_start=F("group__meetings__starts_at")
        )
        .filter(_wants_reminder(user_id=OuterRef("user_id"), meeting_id=OuterRef("meeting_id")))
        .exclude(
            Exists(
                OutboxMessage.objects.filter(
                    kind=Kind.REMINDER,
                    user_id=OuterRef("user_id"),
                    meeting_id=OuterRef("meeting_id"),
                    lead_minutes=lead,
                )
            )
        )
    )
    if connection.features.supports_json_field_contains:
        pairs = pairs.filter(user__reminder_lead_minutes__contains=[lead])
    return list(
        pairs.values_list("user_id", "meeting_id", "meeting_start", "user__reminder_lead_minutes")
    )


@outbox_planner("reminders")
def reminders_plan_due(*, now: datetime) -> int:
    """Add to the ledger every reminder that has become due; returns how many.

    After an outage several lead times of one meeting may be due at once (the 24-hour and the
    1-hour reminder of a meeting that starts in 50 minutes): only the shortest is sent, the
    others are recorded as no longer wanted, so nobody gets a burst of stale reminders."""
    due: dict[tuple[int, int], list[tuple[int, datetime]]] = defaultdict(list)
    for lead in REMINDER_LEAD_LABELS:
        for user_id, meeting_id, starts_at, wanted in _due_pairs(lead, now):
            if lead in (wanted or []):
                due[(user_id, meeting_id)].append((lead, starts_at))
    rows = []
    for (user_id, meeting_id), leads in due.items():
        leads.sort()
        for index, (lead, starts_at) in enumerate(leads):
            rows.append(
                OutboxMessage(
                    kind=Kind.REMINDER,
                    category=OutboxMessage.Category.REMINDERS,
                    user_id=user_id,
                    meeting_id=meeting_id,
                    lead_minutes=lead,
                    due_at=starts_at - timedelta(minutes=lead),
                    expires_at=starts_at,
                    state=State.SCHEDULED if index == 0 else State.CANCELLED,
                    finished_at=None if index == 0 else now,
                    last_error="" if index == 0 else "a shorter reminder was due as well",
                )
            )
    # In key order, so that two dispatchers inserting the same rows at once take the unique
    # index's locks in the same order and cannot deadlock.
    rows.sort(key=lambda row: (row.user_id, row.meeting_id, row.lead_minutes))
    _insert(rows, now=now)
    return sum(1 for row in rows if row.state == State.SCHEDULED)


def reminders_follow_move(*, meeting: Meeting) -> int:
    """A moved meeting's reminders not yet sent are due relative to its new start (earlier
    or later), and useful until then; returns how many were moved. A reminder already on
    its way is checked again by its builder, which puts it back if it is now early."""
    pending = OutboxMessage.objects.filter(
        kind=Kind.REMINDER, meeting_id=meeting.pk, state=State.SCHEDULED
    )
    moved = 0
    for lead in set(pending.values_list("lead_minutes", flat=True)):
        moved += pending.filter(lead_minutes=lead).update(
            due_at=meeting.starts_at - timedelta(minutes=lead), expires_at=meeting.starts_at
        )
    return moved


_INSERT_MANY = """
    INSERT INTO {table} (kind, category, user_id, meeting_id, lead_minutes, payload, state,
        due_at, expires_at, attempts, last_error, created_at, finished_at, claimed_by)
    SELECT %s, %s, u, m, l, '{{}}'::jsonb, s, d, e, 0, err, %s, f, ''
    FROM unnest(%s::bigint[], %s::bigint[], %s::int[], %s::text[], %s::timestamptz[],
        %s::timestamptz[], %s::text[], %s::timestamptz[]) AS t(u, m, l, s, d, e, err, f)
    ON CONFLICT DO NOTHING
"""


def _insert(rows: list[OutboxMessage], *, now: datetime) -> None:
    """Add the rows; two dispatchers planning at once cannot add a reminder twice (the unique
    member, meeting and lead time makes the second insert of one a no-op).

    On PostgreSQL one statement, however many rows (the arrays are unnested in the
    database), so a dispatcher run makes the same queries for ten reminders or ten thousand.
    Elsewhere (SQLite, trying the project out) Django's batches."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
        return
    columns = list(
        zip(
            *(
                (
                    row.user_id,
                    row.meeting_id,
                    row.lead_minutes,
                    row.state,
                    row.due_at,
                    row.expires_at,
                    row.last_error,
                    row.finished_at,
                )
                for row in rows
            ),
            strict=True,
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_MANY.format(table=OutboxMessage._meta.db_table),
            [Kind.REMINDER, OutboxMessage.Category.REMINDERS, now, *map(list, columns)],
        )


@dataclass(frozen=True)
class ReminderBatch:
    """What the reminders of one sending batch need, loaded in three queries."""

    meetings: dict[int, Meeting]
    memberships: set[tuple[int, int]]  # (member, group) of active memberships
    answers: dict[tuple[int, int], str]  # (meeting, member) -> RSVP answer


@outbox_preparer(Kind.REMINDER)
def reminders_prepare(rows: list[OutboxMessage]) -> ReminderBatch:
    meeting_ids = {row.meeting_id for row in rows}
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


@outbox_builder(Kind.REMINDER)
def reminder_build(
    row: OutboxMessage, now: datetime, batch: ReminderBatch
) -> EmailMultiAlternatives:
    """The reminder as it should read now, after checking again that it is still wanted:
    the meeting still takes place (and has not started), at the time the reminder was for,
    and the member still belongs to the group and still wants this reminder."""
    meeting = batch.meetings.get(row.meeting_id)
    if meeting is None or meeting.is_cancelled:
        raise NotToBeSent(State.CANCELLED, "the meeting no longer takes place")
    if meeting.has_started(now=now):
        raise NotToBeSent(State.EXPIRED, "the meeting has started")
    due_at = meeting.starts_at - timedelta(minutes=row.lead_minutes)
    if due_at > now + EARLY_ENOUGH:
        raise NotYet(due_at, expires_at=meeting.starts_at)  # moved later: the new time
    user = row.user
    answer = batch.answers.get((meeting.pk, user.pk))
    wants = answer != Answer.NOT_GOING and (
        user.reminder_scope == Scope.ALL or answer == Answer.GOING
    )
    if not (user.is_active and (user.pk, meeting.group_id) in batch.memberships and wants):
        raise NotToBeSent(State.CANCELLED, "the member no longer wants it")
    if row.lead_minutes not in (user.reminder_lead_minutes or []):
        raise NotToBeSent(State.CANCELLED, "the member no longer wants this lead time")
    return reminder_email(meeting=meeting, user=user, answer=answer, now=now)


def reminder_email(
    *, meeting: Meeting, user: User, answer: str | None, now: datetime
) -> EmailMultiAlternatives:
    """When (in the member's zone), where, how to change the answer, and the meeting's .ics.
    With discreet mode the subject and the calendar title name nothing (member_email)."""
    series = meeting.series
    group = meeting.group
    when = format_meeting_time(
        meeting.starts_at, viewer_zone=user.time_zone, meeting_zone=series.time_zone
    )
    message = member_email(
        user=user,
        template="meeting_reminder",
        subject=f"Reminder: {series.title}, {group.name}",
        context={
            "meeting": meeting,
            "series": series,
            "group": group,
            "when": when,
            "place": meeting_place(meeting),
            "answer": answer,
            "meeting_url": settings.SITE_URL
            + reverse("groups:meeting-detail", args=[group.slug, meeting.pk]),
        },
    )
    if user.discreet_mode:
        message.subject = f"{settings.SITE_NAME}: a reminder for {_short_when(meeting, user)}"
    message.attach(
        "meeting.ics",
        meeting_calendar_build(meeting=meeting, discreet=user.discreet_mode, now=now),
        "text/calendar; charset=utf-8; method=PUBLISH",
    )
    return message


def _short_when(meeting: Meeting, user: User) -> str:
    """ "Tue 1 Dec, 19:00 EST", in the member's zone: a time, nothing about what it is."""
    local = meeting.starts_at.astimezone(ZoneInfo(user.time_zone))
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M %Z}"

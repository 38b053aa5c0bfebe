"""Who is hosting? For each meeting, a facilitator or a backup facilitator says "I will host
this one" or "I can't host this one" (HostingAnswer: one answer per person per meeting,
changeable until the meeting starts). A meeting is covered once someone said they will host.

The rules:

- Only someone who may host (GroupAccess.can_host: an active facilitator or backup of an
  active group) answers, and only for a meeting that is neither cancelled nor started.
- "I can't host this one" asks, at once and by e-mail, the group's other facilitators and
  backups who have not said they can't either, in each one's language, with the page where
  they can say they will. Nobody is asked when the meeting already has a host.
- HOSTS_ALERT_BEFORE (24 hours) before the start, if nobody has said they will host, the
  facilitators and backups are told (kind "hosting-24h", about their duties: category
  "account"). MEMBERS_ALERT_BEFORE (4 hours) before, if still nobody, the members who said
  they're going are told that the meeting may not take place, and that they will be told if
  it is cancelled (kind "hosting-4h", time-critical: category "reminders"; discreet mode's
  subject names no group). The admins see the same meetings on "Meetings nobody is hosting"
  (staff).
- Each alert goes once to each person for each meeting (the outbox's unique kind, member,
  meeting and variant), planned by the dispatcher every minute, so a meeting added less than
  24 hours ahead is alerted at once, not missed. Each is written when it is sent: it is not
  sent if by then someone said they will host, the meeting was cancelled or has started, or
  the person no longer hosts (or, for a member, no longer belongs or is going). A meeting
  moved later waits for its new time.

Planning is three queries (one per alert, one insert), whatever the number of meetings.
See notifications.outbox for the delivery guarantees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.emails import email_send_later
from accounts.models import AuditEvent, User
from accounts.services.audit import audit_record
from groups.emails import member_email
from groups.meetings.times import format_meeting_time
from groups.models import HostingAnswer, Meeting, Membership, Rsvp, SupportGroup
from groups.reminders import time_left
from lib.i18n import in_language_of
from lib.urls import absolute_reverse
from notifications.kinds import NotToBeSent, NotYet, outbox_builder, outbox_planner, outbox_preparer
from notifications.models import OutboxMessage
from notifications.outbox import outbox_plan

# When the facilitators and backups are told that nobody has said they will host, and when
# the members who said they're going are told that the meeting may not take place.
HOSTS_ALERT_BEFORE = timedelta(hours=24)
MEMBERS_ALERT_BEFORE = timedelta(hours=4)

# The two alerts' outbox kinds; each row's target is the meeting, its variant the hours
# before the start (a unique key needs a value there: NULLs never collide).
HOSTS_ALERT = "hosting-24h"
MEMBERS_ALERT = "hosting-4h"
ALERT_BEFORE = {HOSTS_ALERT: HOSTS_ALERT_BEFORE, MEMBERS_ALERT: MEMBERS_ALERT_BEFORE}

# An alert that is due within this much is sent now (the dispatcher runs every minute).
EARLY_ENOUGH = timedelta(seconds=60)

Answer = HostingAnswer.Answer
Role = Membership.Role
State = OutboxMessage.State
HOST_ROLES = (Role.FACILITATOR, Role.BACKUP)


class HostingError(ValidationError):
    """An answer about hosting that cannot be given, with a message for the person."""


def _will_host(meeting_id: Any) -> QuerySet[HostingAnswer]:  # an id, or an OuterRef to one
    return HostingAnswer.objects.filter(meeting_id=meeting_id, answer=Answer.WILL_HOST)


def meeting_is_covered(*, meeting: Meeting) -> bool:
    return _will_host(meeting.pk).exists()


# --- answering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class HostingOutcome:
    answer: HostingAnswer
    # Who was asked to host instead ("I can't host this one" with nobody hosting yet).
    asked: int
    # Whether someone (else) said they will host.
    covered: bool


def hosting_answer(
    *, meeting: Meeting, user: User, will_host: bool, now: datetime | None = None
) -> HostingOutcome:
    """Record that `user` will host `meeting` (`will_host`), or that they can't, replacing
    their earlier answer. Refused (HostingError, nothing changes) for someone who may not
    host, and for a cancelled or started meeting. "I can't" asks the others (_ask_for_cover)
    unless the meeting has a host. Giving the same answer again changes nothing and asks
    nobody again."""
    now = now or timezone.now()
    with transaction.atomic():
        # Answers about one meeting are taken one after the other, so that an "I can't"
        # and someone else's "I will" at the same moment agree on whether to ask.
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("group", "series")
            .get(pk=meeting.pk)
        )
        membership = Membership.objects.filter(user=user, group_id=meeting.group_id).first()
        if not (meeting.group.is_active and membership is not None and membership.can_host):
            raise HostingError(
                _("Only the group's facilitators and backup facilitators can host its meetings."),
                code="not_a_host",
            )
        if meeting.is_cancelled:
            raise HostingError(
                _("This meeting is cancelled, so there is nobody to host it."), code="cancelled"
            )
        if meeting.has_started(now=now):
            raise HostingError(
                _("This meeting has started, so answers about hosting it are closed."),
                code="started",
            )
        wanted = Answer.WILL_HOST if will_host else Answer.CANT_HOST
        answer = HostingAnswer.objects.filter(meeting=meeting, user=user).first()
        others_host = _will_host(meeting.pk).exclude(user=user).exists()
        if answer is not None and answer.answer == wanted:
            return HostingOutcome(answer=answer, asked=0, covered=will_host or others_host)
        if answer is None:
            answer = HostingAnswer(meeting=meeting, user=user)
        answer.answer = wanted
        answer.answered_at = now
        answer.save()
        audit_record(
            action=(
                AuditEvent.Action.HOSTING_CONFIRMED
                if will_host
                else AuditEvent.Action.HOSTING_DECLINED
            ),
            subject=user,
            actor=user,
            details={"group": meeting.group_id, "meeting": meeting.pk},
        )
        asked = 0 if will_host or others_host else _ask_for_cover(meeting=meeting, by=user)
    return HostingOutcome(answer=answer, asked=asked, covered=will_host or others_host)


def hosts_to_ask(*, meeting: Meeting, by: User) -> QuerySet[User]:
    """Who "I can't host this one" asks: the group's other active facilitators and backups
    who have not said they can't host it either."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__group_id=meeting.group_id,
            memberships__state=Membership.State.ACTIVE,
            memberships__role__in=HOST_ROLES,
        )
        .exclude(pk=by.pk)
        .exclude(
            Exists(
                HostingAnswer.objects.filter(
                    meeting=meeting, user_id=OuterRef("pk"), answer=Answer.CANT_HOST
                )
            )
        )
        .order_by("pk")
    )


def hosting_url(meeting: Meeting) -> str:
    """The page where someone says they will host `meeting` (what every message links to)."""
    return absolute_reverse("groups:meeting-hosting", args=[meeting.group.slug, meeting.pk])


def _ask_for_cover(*, meeting: Meeting, by: User) -> int:
    """E-mail each of hosts_to_ask, in their language, that `by` can't host `meeting` and
    where to say they will: recorded in this transaction, sent once it commits, and not
    after the meeting has started."""
    group = meeting.group
    asked = 0
    for user in hosts_to_ask(meeting=meeting, by=by):
        with in_language_of(user):
            message = member_email(
                user=user,
                template="hosting_cover_asked",
                # Translators: an e-mail's subject; %(group)s is the group's name.
                subject=_("%(group)s: can you host a meeting?") % {"group": group.name},
                # Translators: the subject in discreet mode, on a phone's lock screen: no
                # group, topic or substance.
                discreet_subject=_("Can you host a meeting?"),
                context={
                    "group": group,
                    "meeting": meeting,
                    "who": by.display_name,
                    "when": _when(meeting, user),
                    "hosting_url": hosting_url(meeting),
                },
            )
            email_send_later(
                message,
                user=user,
                category=OutboxMessage.Category.ACCOUNT,
                expires_at=meeting.starts_at,
            )
        asked += 1
    return asked


def _when(meeting: Meeting, user: User) -> str:
    return format_meeting_time(
        meeting.starts_at, viewer_zone=user.time_zone, meeting_zone=meeting.series.time_zone
    )


# --- reading --------------------------------------------------------------------------------


@dataclass
class Hosting:
    """What one meeting's hosting looks like to one person: who will host, who can't, their
    own answer ("will_host", "cant_host" or None), and whether answers are still taken (not
    for a cancelled or started meeting)."""

    hosts: list[str]
    cant: list[str]
    mine: str | None
    is_open: bool

    @property
    def is_covered(self) -> bool:
        return bool(self.hosts)


def hosting_for(
    *, meetings: list[Meeting], user: User, now: datetime | None = None
) -> dict[int, Hosting]:
    """Each meeting's Hosting (by id) as `user` sees it: one query for all of them."""
    now = now or timezone.now()
    hosting = {
        meeting.pk: Hosting(
            hosts=[],
            cant=[],
            mine=None,
            is_open=not meeting.is_cancelled and not meeting.has_started(now=now),
        )
        for meeting in meetings
    }
    answers = (
        HostingAnswer.objects.filter(meeting_id__in=list(hosting))
        .select_related("user")
        .order_by("answered_at", "pk")
    )
    for answer in answers:
        one = hosting[answer.meeting_id]
        if answer.answer == Answer.WILL_HOST:
            one.hosts.append(answer.user.display_name)
        else:
            one.cant.append(answer.user.display_name)
        if answer.user_id == user.pk:
            one.mine = answer.answer
    return hosting


def hosting_attach(
    meetings: list[Meeting], *, user: User, now: datetime | None = None
) -> list[Meeting]:
    """Give each meeting its `hosting` (hosting_for), for the templates."""
    hosting = hosting_for(meetings=meetings, user=user, now=now)
    for meeting in meetings:
        meeting.hosting = hosting[meeting.pk]  # type: ignore[attr-defined]
    return meetings


def _uncovered(*, now: datetime, within: timedelta) -> QuerySet[Meeting]:
    """Scheduled meetings of active groups starting after `now` and within `within`, that
    nobody has said they will host."""
    return Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED,
        group__state=SupportGroup.State.ACTIVE,
        starts_at__gt=now,
        starts_at__lte=now + within,
    ).exclude(Exists(_will_host(OuterRef("pk"))))


@dataclass(frozen=True)
class UncoveredMeeting:
    meeting: Meeting
    going: int
    # Within MEMBERS_ALERT_BEFORE of its start: the members going have been told.
    members_told: bool


def meetings_without_host(*, now: datetime | None = None) -> list[UncoveredMeeting]:
    """The meetings of the next HOSTS_ALERT_BEFORE that nobody has said they will host,
    the soonest first, with their group, series and how many are going: one query."""
    now = now or timezone.now()
    meetings = (
        _uncovered(now=now, within=HOSTS_ALERT_BEFORE)
        .select_related("group", "series")
        .annotate(going=Count("rsvps", filter=Q(rsvps__answer=Rsvp.Answer.GOING)))
        .order_by("starts_at", "pk")
    )
    return [
        UncoveredMeeting(
            meeting=meeting,
            going=meeting.going,
            members_told=meeting.starts_at <= now + MEMBERS_ALERT_BEFORE,
        )
        for meeting in meetings
    ]


def meetings_without_host_count(*, now: datetime | None = None) -> int:
    return _uncovered(now=now or timezone.now(), within=HOSTS_ALERT_BEFORE).count()


# --- the alerts: planning ---------------------------------------------------------------------


def _not_planned(kind: str) -> Exists:
    return Exists(
        OutboxMessage.objects.filter(
            kind=kind, user_id=OuterRef("user_id"), target_id=OuterRef("meeting_id")
        )
    )


def _hosts_due(now: datetime) -> list[tuple[int, int, datetime]]:
    """(facilitator or backup, meeting, start) whose 24-hour alert is due and not yet in the
    outbox: one query."""
    return list(
        Membership.objects.filter(
            state=Membership.State.ACTIVE,
            role__in=HOST_ROLES,
            user__is_active=True,
            group__meetings__in=_uncovered(now=now, within=HOSTS_ALERT_BEFORE),
        )
        .annotate(
            meeting_id=F("group__meetings__id"), meeting_start=F("group__meetings__starts_at")
        )
        .exclude(_not_planned(HOSTS_ALERT))
        .values_list("user_id", "meeting_id", "meeting_start")
    )


def _members_due(now: datetime) -> list[tuple[int, int, datetime]]:
    """(member, meeting, start) whose 4-hour alert is due and not yet in the outbox: the
    active members (not its hosts, told 20 hours before) who said they're going. One query."""
    member = Membership.objects.filter(
        user_id=OuterRef("user_id"),
        group_id=OuterRef("meeting__group_id"),
        state=Membership.State.ACTIVE,
        role=Role.MEMBER,
    )
    return list(
        Rsvp.objects.filter(
            answer=Rsvp.Answer.GOING,
            user__is_active=True,
            meeting__in=_uncovered(now=now, within=MEMBERS_ALERT_BEFORE),
        )
        .filter(Exists(member))
        .annotate(meeting_start=F("meeting__starts_at"))
        .exclude(_not_planned(MEMBERS_ALERT))
        .values_list("user_id", "meeting_id", "meeting_start")
    )


@outbox_planner("hosting")
def hosting_alerts_plan(*, now: datetime) -> int:
    """Add to the outbox every hosting alert that has become due; returns how many."""
    rows = []
    for kind, category, due in (
        (HOSTS_ALERT, OutboxMessage.Category.ACCOUNT, _hosts_due(now)),
        (MEMBERS_ALERT, OutboxMessage.Category.REMINDERS, _members_due(now)),
    ):
        before = ALERT_BEFORE[kind]
        for user_id, meeting_id, starts_at in due:
            rows.append(
                OutboxMessage(
                    kind=kind,
                    category=category,
                    user_id=user_id,
                    target_id=meeting_id,
                    variant=int(before.total_seconds() // 3600),
                    # In the past for a meeting added within the lead time: sent at once.
                    due_at=starts_at - before,
                    expires_at=starts_at,
                )
            )
    outbox_plan(rows)
    return len(rows)


# --- the alerts: written when they are sent -------------------------------------------------


@dataclass(frozen=True)
class AlertBatch:
    """What the alerts of one sending batch need, in four queries."""

    meetings: dict[int, Meeting]
    covered: set[int]
    roles: dict[tuple[int, int], str]  # (person, group) -> role, of active memberships
    going: set[tuple[int, int]]  # (meeting, member) who said they're going


def hosting_alerts_prepare(rows: list[OutboxMessage]) -> AlertBatch:
    meeting_ids = {cast(int, row.target_id) for row in rows}
    user_ids = {row.user_id for row in rows}
    meetings = Meeting.objects.select_related("group", "series").in_bulk(meeting_ids)
    covered = set(
        HostingAnswer.objects.filter(
            meeting_id__in=meeting_ids, answer=Answer.WILL_HOST
        ).values_list("meeting_id", flat=True)
    )
    roles = {
        (user_id, group_id): role
        for user_id, group_id, role in Membership.objects.filter(
            user_id__in=user_ids,
            group_id__in={meeting.group_id for meeting in meetings.values()},
            state=Membership.State.ACTIVE,
        ).values_list("user_id", "group_id", "role")
    }
    going = set(
        Rsvp.objects.filter(
            meeting_id__in=meeting_ids, user_id__in=user_ids, answer=Rsvp.Answer.GOING
        ).values_list("meeting_id", "user_id")
    )
    return AlertBatch(meetings=meetings, covered=covered, roles=roles, going=going)


outbox_preparer(HOSTS_ALERT)(hosting_alerts_prepare)
outbox_preparer(MEMBERS_ALERT)(hosting_alerts_prepare)


def _still_true(row: OutboxMessage, now: datetime, batch: AlertBatch) -> tuple[Meeting, User]:
    """Check again, at send time, that the alert is still true and still for this person:
    NotToBeSent or NotYet otherwise."""
    meeting = batch.meetings.get(cast(int, row.target_id))
    if meeting is None or meeting.is_cancelled or not meeting.group.is_active:
        raise NotToBeSent(State.CANCELLED, "the meeting no longer takes place")
    if meeting.has_started(now=now):
        raise NotToBeSent(State.EXPIRED, "the meeting has started")
    if meeting.pk in batch.covered:
        raise NotToBeSent(State.CANCELLED, "someone said they will host")
    due_at = meeting.starts_at - ALERT_BEFORE[row.kind]
    if due_at > now + EARLY_ENOUGH:
        raise NotYet(due_at, expires_at=meeting.starts_at)  # moved later: its new time
    user = cast(User, row.user)
    role = batch.roles.get((user.pk, meeting.group_id))
    if row.kind == HOSTS_ALERT:
        wanted = role in HOST_ROLES
    else:
        wanted = role == Role.MEMBER and (meeting.pk, user.pk) in batch.going
    if not wanted:
        raise NotToBeSent(State.CANCELLED, "the person is no longer concerned")
    return meeting, user


@outbox_builder(HOSTS_ALERT)
def hosts_alert_build(
    row: OutboxMessage, now: datetime, batch: AlertBatch
) -> EmailMultiAlternatives:
    """To a facilitator or backup: nobody has said they will host, and where to say so."""
    meeting, user = _still_true(row, now, batch)
    group = meeting.group
    return member_email(
        user=user,
        template="hosting_unconfirmed",
        # Translators: an e-mail's subject; %(group)s is the group's name.
        subject=_("%(group)s: nobody has said they will host a meeting") % {"group": group.name},
        # Translators: the subject in discreet mode, on a phone's lock screen: no group, topic
        # or substance.
        discreet_subject=_("A meeting has no host yet"),
        context={
            "group": group,
            "meeting": meeting,
            "when": _when(meeting, user),
            "starts_in": time_left(meeting.starts_at - now),
            "hosting_url": hosting_url(meeting),
            "is_facilitator": batch.roles.get((user.pk, group.pk)) == Role.FACILITATOR,
            "members_hours": int(MEMBERS_ALERT_BEFORE.total_seconds() // 3600),
        },
    )


@outbox_builder(MEMBERS_ALERT)
def members_alert_build(
    row: OutboxMessage, now: datetime, batch: AlertBatch
) -> EmailMultiAlternatives:
    """To a member going: the meeting may not take place, what we know, and that they will
    be told if it is cancelled."""
    meeting, user = _still_true(row, now, batch)
    group = meeting.group
    return member_email(
        user=user,
        template="hosting_at_risk",
        # Translators: an e-mail's subject; %(group)s is the group's name.
        subject=_("%(group)s: a meeting may not take place") % {"group": group.name},
        # Translators: the subject in discreet mode, on a phone's lock screen: no group, topic
        # or substance.
        discreet_subject=_("A meeting may not take place"),
        context={
            "group": group,
            "meeting": meeting,
            "when": _when(meeting, user),
            "starts_in": time_left(meeting.starts_at - now),
            "meeting_url": absolute_reverse("groups:meeting-detail", args=[group.slug, meeting.pk]),
        },
    )

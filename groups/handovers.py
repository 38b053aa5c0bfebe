"""Cover and handover: backup facilitators, handing a group or one of its series over to
another member, and service terms.

The rules:

- A facilitator names an active member of the group a backup facilitator, or ends that
  (Membership.Role.BACKUP). A backup may host and run a meeting (groups.hosting), not
  change the schedule, the settings or the members. A backup may step down themselves.
- A facilitator offers the group (or one series) to another active member. Nothing changes
  until that member accepts; the offer is open for OFFER_OPEN_FOR (7 days), may be
  withdrawn by the facilitators, and lapses after that (handovers_expire, hourly). One
  open offer at a time for a group, and one for each series.
- Accepting the group makes the member a facilitator; the one who offered stays on as a
  co-facilitator if they chose to (`stay_on`), or becomes a member otherwise. Accepting a
  series makes the member its lead (MeetingSeries.lead), and a facilitator if they were
  not one, so that they can run it; the one who offered stays a facilitator of the group.
- A facilitator may set the end of their service term (a date), change it (renew) or clear
  it. TERM_REMINDER_BEFORE (28 days) before that date, at 09:00 in their zone, they are
  reminded to hand over or renew (kind "term-reminder", once per date: a new date is
  reminded again). Nothing happens by itself when a term ends.

Every step is audited and each person it concerns is told by e-mail through the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.emails import email_send_later
from accounts.models import AuditEvent, User
from accounts.services.audit import audit_record
from groups.emails import member_email
from groups.meetings.times import format_instant
from groups.models import Handover, MeetingSeries, Membership, SupportGroup
from lib.i18n import in_language_of
from lib.urls import absolute_reverse
from notifications.kinds import NotToBeSent, outbox_builder, outbox_planner
from notifications.models import OutboxMessage
from notifications.outbox import outbox_plan

# How long an offer stays open, and how long before a term's end its reminder goes.
OFFER_OPEN_FOR = timedelta(days=7)
TERM_REMINDER_BEFORE = timedelta(days=28)
# The hour, in the facilitator's own zone, at which a term's reminder goes.
TERM_REMINDER_AT = time(9, 0)

TERM_REMINDER = "term-reminder"

Action = AuditEvent.Action
Role = Membership.Role
ACTIVE = Membership.State.ACTIVE
ACCOUNT = OutboxMessage.Category.ACCOUNT


class HandoverError(ValidationError):
    """A step that cannot be taken, with a message for the person."""


def _membership(group: SupportGroup, user: User) -> Membership | None:
    return Membership.objects.filter(group=group, user=user, state=ACTIVE).first()


def _require_facilitator(group: SupportGroup, user: User) -> Membership:
    membership = _membership(group, user)
    if not (group.is_active and membership is not None and membership.is_facilitator):
        raise HandoverError(
            _("Only the group's facilitators can do that."), code="not_a_facilitator"
        )
    return membership


def _audit(action: AuditEvent.Action, *, subject: User, actor: User, **details: object) -> None:
    audit_record(action=action, subject=subject, actor=actor, details=details)


def _tell(user: User, *, template: str, subject: str, discreet: str, context: dict) -> None:
    """Queue one e-mail to `user`, in their language (the builder's strings are lazy)."""
    message = member_email(
        user=user, template=template, subject=subject, discreet_subject=discreet, context=context
    )
    email_send_later(message, user=user, category=ACCOUNT)


# --- backups ---------------------------------------------------------------------------------


@transaction.atomic
def backup_name(*, membership: Membership, by: User) -> Membership:
    """Make an active member of the group a backup facilitator (they are told)."""
    membership = (
        Membership.objects.select_for_update().select_related("group", "user").get(pk=membership.pk)
    )
    group = membership.group
    _require_facilitator(group, by)
    if membership.state != ACTIVE or membership.role != Role.MEMBER:
        raise HandoverError(
            _("Only an active member who does not facilitate can become a backup facilitator."),
            code="not_a_member",
        )
    membership.role = Role.BACKUP
    membership.save(update_fields=["role", "updated_at"])
    _audit(Action.BACKUP_NAMED, subject=membership.user, actor=by, group=group.pk)
    with in_language_of(membership.user):
        _tell(
            membership.user,
            template="backup_named",
            # Translators: an e-mail's subject; %(group)s is the group's name.
            subject=_("%(group)s: you are a backup facilitator") % {"group": group.name},
            # Translators: the subject in discreet mode, on a phone's lock screen.
            discreet=_("You are a backup facilitator"),
            context={"group": group, "by": by.display_name, "group_url": _group_url(group)},
        )
    return membership


@transaction.atomic
def backup_end(*, membership: Membership, by: User) -> Membership:
    """A backup facilitator becomes a member again: by a facilitator, or by themselves."""
    membership = (
        Membership.objects.select_for_update().select_related("group", "user").get(pk=membership.pk)
    )
    if by.pk != membership.user_id:
        _require_facilitator(membership.group, by)
    if not membership.is_backup:
        raise HandoverError(_("This person is not a backup facilitator."), code="not_a_backup")
    membership.role = Role.MEMBER
    membership.save(update_fields=["role", "updated_at"])
    _audit(Action.BACKUP_ENDED, subject=membership.user, actor=by, group=membership.group_id)
    return membership


def _group_url(group: SupportGroup) -> str:
    return absolute_reverse("groups:group-detail", args=[group.slug])


# --- handover offers -------------------------------------------------------------------------


def handover_url(handover: Handover) -> str:
    return absolute_reverse("groups:handover-answer", args=[handover.group.slug, handover.pk])


def _what(handover: Handover) -> str:
    """What is handed over, as a sentence's object: the group, or one series of it."""
    if handover.series_id is None:
        return _("the group %(group)s") % {"group": handover.group.name}
    series = cast(MeetingSeries, handover.series)
    return _("the meeting %(title)s of %(group)s") % {
        "title": series.title,
        "group": handover.group.name,
    }


def handover_offer(
    *,
    group: SupportGroup,
    by: User,
    to: User,
    series: MeetingSeries | None = None,
    stay_on: bool = True,
    message: str = "",
    now: datetime | None = None,
) -> Handover:
    """Offer `group` (or its `series`) to `to`, an active member; they are told and must
    accept. Refused (nothing changes) if `by` does not facilitate it, `to` is not an active
    member (or is `by`), would gain nothing (already facilitates a group offered whole, or
    leads the series), or an offer is open already."""
    now = now or timezone.now()
    _require_facilitator(group, by)
    if series is not None and series.group_id != group.pk:
        raise HandoverError(_("Choose one of this group's meetings."), code="series")
    receiving = _membership(group, to)
    if receiving is None or to.pk == by.pk or not to.is_active:
        raise HandoverError(_("Choose another active member of the group."), code="not_a_member")
    if series is None and receiving.is_facilitator:
        raise HandoverError(
            _("%(name)s facilitates this group already.") % {"name": to.display_name},
            code="already",
        )
    if series is not None and series.lead_id == to.pk:
        raise HandoverError(
            _("%(name)s leads this meeting already.") % {"name": to.display_name}, code="already"
        )
    handover = Handover(
        group=group,
        series=series,
        offered_by=by,
        offered_to=to,
        stay_on=stay_on if series is None else True,
        message=message.strip(),
        created_at=now,
        expires_at=now + OFFER_OPEN_FOR,
    )
    try:
        with transaction.atomic():
            handovers_expire(now=now, group=group)  # a lapsed offer makes room for a new one
            handover.save()
            _audit(
                Action.HANDOVER_OFFERED,
                subject=to,
                actor=by,
                group=group.pk,
                series=series.pk if series else None,
                handover=handover.pk,
            )
            with in_language_of(to):
                _tell(
                    to,
                    template="handover_offered",
                    # Translators: an e-mail's subject; %(name)s is a facilitator's name.
                    subject=_("%(group)s: %(name)s offers to hand over to you")
                    % {"group": group.name, "name": by.display_name},
                    discreet=_("Someone offers to hand something over to you"),
                    context={
                        "handover": handover,
                        "who": by.display_name,
                        "what": _what(handover),
                        "expires": format_instant(handover.expires_at, to.time_zone),
                        "answer_url": handover_url(handover),
                    },
                )
    except IntegrityError:
        raise HandoverError(
            _("An offer is open already. Withdraw it first, or wait for the answer."),
            code="open",
        ) from None
    return handover


def _open_handover(handover: Handover, now: datetime) -> Handover:
    handover = (
        Handover.objects.select_for_update(of=("self",))
        .select_related("group", "series", "offered_by", "offered_to")
        .get(pk=handover.pk)
    )
    if not handover.is_open(now=now):
        raise HandoverError(
            _("This offer is no longer open: it was answered, withdrawn or has expired."),
            code="closed",
        )
    return handover


@dataclass(frozen=True)
class Accepted:
    handover: Handover
    # Whether the one who offered stays a facilitator.
    stayed_on: bool


@transaction.atomic
def handover_accept(*, handover: Handover, by: User, now: datetime | None = None) -> Accepted:
    """`by`, to whom it was offered, takes the group or the series over (see the rules)."""
    now = now or timezone.now()
    handover = _open_handover(handover, now)
    group = handover.group
    if by.pk != handover.offered_to_id:
        raise HandoverError(_("This offer was made to someone else."), code="not_yours")
    receiving = _membership(group, by)
    if receiving is None or not group.is_active:
        raise HandoverError(
            _("Only an active member of the group can take it over."), code="not_a_member"
        )
    # A facilitator of this group, as a co-facilitator made on the member list is (not an
    # approved facilitator of the platform, who may start groups: that is the admins' call).
    if receiving.role != Role.FACILITATOR:
        receiving.role = Role.FACILITATOR
        receiving.save(update_fields=["role", "updated_at"])
    giver = handover.offered_by
    stayed_on = True
    if handover.series_id is not None:
        MeetingSeries.objects.filter(pk=handover.series_id).update(lead=by)
    elif not handover.stay_on and giver is not None:
        giving = _membership(group, giver)
        if giving is not None and giving.role == Role.FACILITATOR:
            giving.role = Role.MEMBER
            giving.term_ends_on = None
            giving.save(update_fields=["role", "term_ends_on", "updated_at"])
            stayed_on = False
    handover.state = Handover.State.ACCEPTED
    handover.decided_at = now
    handover.save(update_fields=["state", "decided_at"])
    _audit(
        Action.HANDOVER_ACCEPTED,
        subject=by,
        actor=by,
        group=group.pk,
        handover=handover.pk,
        stayed_on=stayed_on,
    )
    if giver is not None:
        with in_language_of(giver):
            _tell(
                giver,
                template="handover_answered",
                # Translators: an e-mail's subject; %(name)s is a member's name.
                subject=_("%(group)s: %(name)s accepted your handover")
                % {"group": group.name, "name": by.display_name},
                discreet=_("Your offer was answered"),
                context={
                    "accepted": True,
                    "who": by.display_name,
                    "what": _what(handover),
                    "stayed_on": stayed_on,
                    "group_url": _group_url(group),
                },
            )
    return Accepted(handover=handover, stayed_on=stayed_on)


@transaction.atomic
def handover_decline(*, handover: Handover, by: User, now: datetime | None = None) -> Handover:
    """`by`, to whom it was offered, says no: nothing changes, the offerer is told."""
    now = now or timezone.now()
    handover = _open_handover(handover, now)
    if by.pk != handover.offered_to_id:
        raise HandoverError(_("This offer was made to someone else."), code="not_yours")
    _close(handover, Handover.State.DECLINED, Action.HANDOVER_DECLINED, actor=by, now=now)
    giver = handover.offered_by
    if giver is not None:
        with in_language_of(giver):
            _tell(
                giver,
                template="handover_answered",
                # Translators: an e-mail's subject; %(name)s is a member's name.
                subject=_("%(group)s: %(name)s declined your handover")
                % {"group": handover.group.name, "name": by.display_name},
                discreet=_("Your offer was answered"),
                context={
                    "accepted": False,
                    "who": by.display_name,
                    "what": _what(handover),
                    "group_url": _group_url(handover.group),
                },
            )
    return handover


@transaction.atomic
def handover_withdraw(*, handover: Handover, by: User, now: datetime | None = None) -> Handover:
    """A facilitator of the group takes the offer back; the member it was made to is told."""
    now = now or timezone.now()
    handover = _open_handover(handover, now)
    _require_facilitator(handover.group, by)
    _close(handover, Handover.State.WITHDRAWN, Action.HANDOVER_WITHDRAWN, actor=by, now=now)
    to = handover.offered_to
    with in_language_of(to):
        _tell(
            to,
            template="handover_closed",
            # Translators: an e-mail's subject; %(group)s is the group's name.
            subject=_("%(group)s: an offer to hand over to you was withdrawn")
            % {"group": handover.group.name},
            discreet=_("An offer to you was withdrawn"),
            context={"withdrawn": True, "what": _what(handover), "who": by.display_name},
        )
    return handover


def _close(
    handover: Handover, state: str, action: AuditEvent.Action, *, actor: User | None, now: datetime
) -> None:
    handover.state = state
    handover.decided_at = now
    handover.save(update_fields=["state", "decided_at"])
    audit_record(
        action=action,
        subject=handover.offered_to,
        actor=actor,
        details={"group": handover.group_id, "handover": handover.pk},
    )


def handovers_expire(*, now: datetime | None = None, group: SupportGroup | None = None) -> int:
    """Close the offers open past their time (hourly, and before a new offer is made): the
    one who offered and the one it was made to are told. Returns how many."""
    now = now or timezone.now()
    lapsed = Handover.objects.filter(state=Handover.State.OFFERED, expires_at__lte=now)
    if group is not None:
        lapsed = lapsed.filter(group=group)
    count = 0
    for handover in lapsed.select_related("group", "series", "offered_by", "offered_to"):
        with transaction.atomic():
            _close(handover, Handover.State.EXPIRED, Action.HANDOVER_EXPIRED, actor=None, now=now)
            for person in filter(None, (handover.offered_by, handover.offered_to)):
                with in_language_of(person):
                    _tell(
                        person,
                        template="handover_closed",
                        # Translators: an e-mail's subject; %(group)s is the group's name.
                        subject=_("%(group)s: an offer to hand over has expired")
                        % {"group": handover.group.name},
                        discreet=_("An offer has expired"),
                        context={
                            "withdrawn": False,
                            "what": _what(handover),
                            "mine": person.pk == handover.offered_by_id,
                            "group_url": _group_url(handover.group),
                        },
                    )
        count += 1
    return count


def handovers_open_for(*, user: User, group: SupportGroup | None = None) -> QuerySet[Handover]:
    """The offers waiting for `user`'s answer (in `group`)."""
    offers = Handover.objects.filter(
        offered_to=user, state=Handover.State.OFFERED, expires_at__gt=timezone.now()
    ).select_related("group", "series", "offered_by")
    return offers.filter(group=group) if group is not None else offers


def handovers_open_in(group: SupportGroup) -> list[Handover]:
    """The group's open offers, for its facilitators' page."""
    return list(
        Handover.objects.filter(
            group=group, state=Handover.State.OFFERED, expires_at__gt=timezone.now()
        ).select_related("series", "offered_by", "offered_to")
    )


# --- service terms ---------------------------------------------------------------------------


@transaction.atomic
def term_set(
    *, group: SupportGroup, user: User, ends_on: date | None, now: datetime | None = None
) -> Membership:
    """A facilitator sets (or renews, or clears: None) the end of their own service term."""
    now = now or timezone.now()
    membership = _require_facilitator(group, user)
    if ends_on is not None and ends_on <= timezone.localdate(now, ZoneInfo(user.time_zone)):
        raise HandoverError(_("Choose a day after today."), code="past")
    membership.term_ends_on = ends_on
    membership.save(update_fields=["term_ends_on", "updated_at"])
    _audit(
        Action.TERM_SET,
        subject=user,
        actor=user,
        group=group.pk,
        ends_on=ends_on.isoformat() if ends_on else None,
    )
    return membership


def term_reminder_due(ends_on: date, zone: str) -> datetime:
    """When the reminder of a term ending on `ends_on` goes: 09:00 in the person's zone,
    TERM_REMINDER_BEFORE before."""
    day = ends_on - TERM_REMINDER_BEFORE
    return datetime.combine(day, TERM_REMINDER_AT, tzinfo=ZoneInfo(zone))


@outbox_planner("service-terms")
def term_reminders_plan(*, now: datetime) -> int:
    """Add to the outbox the reminder of each term ending within TERM_REMINDER_BEFORE and a
    day (each once per end date: its variant is the date's ordinal). One query, then one
    insert."""
    soon = (now + TERM_REMINDER_BEFORE + timedelta(days=1)).date()
    terms = Membership.objects.filter(
        state=ACTIVE,
        role=Role.FACILITATOR,
        term_ends_on__isnull=False,
        term_ends_on__lte=soon,
        term_ends_on__gt=now.date(),
        user__is_active=True,
        group__state=SupportGroup.State.ACTIVE,
    ).values_list("pk", "user_id", "term_ends_on", "user__time_zone")
    rows = []
    for membership_id, user_id, ends_on, zone in terms:
        due_at = term_reminder_due(cast(date, ends_on), zone)  # not null: filtered
        if due_at <= now + timedelta(days=1):
            rows.append(
                OutboxMessage(
                    kind=TERM_REMINDER,
                    category=ACCOUNT,
                    user_id=user_id,
                    target_id=membership_id,
                    variant=cast(date, ends_on).toordinal(),
                    due_at=due_at,
                )
            )
    outbox_plan(rows)
    return len(rows)


@outbox_builder(TERM_REMINDER)
def term_reminder_build(row: OutboxMessage, now: datetime, batch: object) -> EmailMultiAlternatives:
    """Written when it is sent: not if the term was changed or cleared, or the person no
    longer facilitates the group."""
    membership = (
        Membership.objects.select_related("group", "user")
        .filter(pk=cast(int, row.target_id))
        .first()
    )
    if (
        membership is None
        or not membership.is_facilitator
        or not membership.group.is_active
        or membership.term_ends_on is None
        or membership.term_ends_on.toordinal() != row.variant
    ):
        raise NotToBeSent(OutboxMessage.State.CANCELLED, "the term changed")
    group, user = membership.group, membership.user
    ends_on = date_format(membership.term_ends_on, "DATE_FORMAT")
    return member_email(
        user=user,
        template="term_reminder",
        # Translators: an e-mail's subject; %(group)s is the group's name.
        subject=_("%(group)s: your service term ends on %(day)s")
        % {"group": group.name, "day": ends_on},
        # Translators: the subject in discreet mode, on a phone's lock screen.
        discreet_subject=_("Your service term ends on %(day)s") % {"day": ends_on},
        context={
            "group": group,
            "ends_on": ends_on,
            "handover_url": absolute_reverse("groups:handover", args=[group.slug]),
        },
    )

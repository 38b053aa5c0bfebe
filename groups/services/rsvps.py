"""RSVPs with a waiting list.

Every answer to one meeting locks that meeting's row first, so answers are counted one after
the other: with many people answering at the same moment, no more are "going" than the series
has places, and the waiting list keeps the order in which people asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, User
from accounts.services.audit import audit_record
from groups import emails
from groups.meetings.rsvp_links import undo_url
from groups.models import Meeting, MeetingSeries, Membership, Rsvp, SupportGroup
from groups.reminders import reminders_cancel_for_member, reminders_restore_for_member
from groups.services.errors import MeetingError

Answer = Rsvp.Answer


def _ensure_can_answer(*, user: User, meeting: Meeting, now: datetime) -> None:
    if meeting.is_cancelled:
        raise MeetingError(_("This meeting is cancelled."), code="cancelled")
    if meeting.has_started(now=now):
        raise MeetingError(_("This meeting has already started."), code="past")
    if meeting.group.state != SupportGroup.State.ACTIVE:
        raise MeetingError(_("This group has closed."), code="group_archived")
    is_member = Membership.objects.filter(
        user=user, group_id=meeting.group_id, state=Membership.State.ACTIVE
    ).exists()
    if not is_member:
        raise MeetingError(
            _("Only the group's members can answer for its meetings. Join the group first."),
            code="not_member",
        )


def _going_count(meeting: Meeting) -> int:
    return Rsvp.objects.filter(meeting=meeting, answer=Answer.GOING).count()


@transaction.atomic
def rsvp_answer(*, user: User, meeting: Meeting, going: bool, now: datetime | None = None) -> Rsvp:
    """Say going or not going. "Going" to a full meeting puts the person on the waiting list
    (keeping their place if they were already on it); "not going" from someone who was going
    frees a place for the first person waiting, who is told."""
    now = now or timezone.now()
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("series", "group")
        .get(pk=meeting.pk)
    )
    _ensure_can_answer(user=user, meeting=meeting, now=now)
    rsvp = Rsvp.objects.filter(meeting=meeting, user=user).first() or Rsvp(
        meeting=meeting, user=user
    )
    before = rsvp.answer if rsvp.pk else None
    if going:
        if before in {Answer.GOING, Answer.WAITLISTED}:
            return rsvp  # asking twice keeps the place (or the place in the queue)
        limit = meeting.series.rsvp_limit
        if limit is not None and _going_count(meeting) >= limit:
            rsvp.answer = Answer.WAITLISTED
            rsvp.waitlisted_at = now
        else:
            rsvp.answer = Answer.GOING
            rsvp.waitlisted_at = None
    else:
        rsvp.answer = Answer.NOT_GOING
        rsvp.waitlisted_at = None
    rsvp.save()
    _follow_answer(rsvp, now=now)
    if before == Answer.GOING and rsvp.answer != Answer.GOING:
        _promote_waiting(meeting)
    return rsvp


def _follow_answer(rsvp: Rsvp, *, now: datetime) -> None:
    """A member who can't come gets no reminder for the meeting; one who changes their mind
    gets back the ones that were called off."""
    if rsvp.answer == Answer.NOT_GOING:
        reminders_cancel_for_member(user_id=rsvp.user_id, meeting_id=rsvp.meeting_id, now=now)
    else:
        reminders_restore_for_member(user_id=rsvp.user_id, meeting_id=rsvp.meeting_id)


@dataclass(frozen=True)
class CantMakeIt:
    """What "I can't make it" changed, so that it can be undone: the answer before it."""

    rsvp: Rsvp
    previous: str | None
    waitlisted_at: datetime | None


def rsvp_cant_make_it(*, user: User, meeting: Meeting, now: datetime | None = None) -> CantMakeIt:
    """The reminder's one tap: not going, the place to the first person waiting (who is
    told, through the outbox), the member's waiting reminders for it called off, and a
    confirmation with the undo sent the way they chose. Saying it twice changes nothing
    more."""
    now = now or timezone.now()
    with transaction.atomic():
        before = Rsvp.objects.filter(meeting=meeting, user=user).first()
        previous = before.answer if before is not None else None
        waitlisted_at = before.waitlisted_at if before is not None else None
        rsvp = rsvp_answer(user=user, meeting=meeting, going=False, now=now)
        if previous != Answer.NOT_GOING:
            audit_record(
                action=AuditEvent.Action.CANT_MAKE_IT,
                subject=user,
                details={"group": meeting.group_id, "meeting": meeting.pk},
            )
            emails.cant_make_it_confirmed_later(
                meeting=meeting,
                user=user,
                undo_url=undo_url(
                    user=user, meeting=meeting, previous=previous, waitlisted_at=waitlisted_at
                ),
            )
    return CantMakeIt(
        rsvp=rsvp,
        previous=None if previous == Answer.NOT_GOING else previous,
        waitlisted_at=waitlisted_at,
    )


@transaction.atomic
def rsvp_cant_make_it_undo(
    *,
    user: User,
    meeting: Meeting,
    previous: str | None,
    waitlisted_at: datetime | None,
    now: datetime | None = None,
) -> Rsvp | None:
    """Take "I can't make it" back, until the meeting starts: the member's answer as it was
    (going, or waiting with their old place in the queue, or no answer), and their
    reminders. Refused (MeetingError "place_taken") when they were going and the place they
    freed has since gone to someone waiting; then they may join the waiting list. Undoing
    twice, or after answering again, changes nothing."""
    now = now or timezone.now()
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("series", "group")
        .get(pk=meeting.pk)
    )
    _ensure_can_answer(user=user, meeting=meeting, now=now)
    rsvp = Rsvp.objects.filter(meeting=meeting, user=user).first()
    if rsvp is None or rsvp.answer != Answer.NOT_GOING:
        return rsvp  # nothing to take back: answered since, or undone already
    if previous == Answer.GOING:
        limit = meeting.series.rsvp_limit
        if limit is not None and _going_count(meeting) >= limit:
            raise MeetingError(
                _("Your place has gone to someone who was waiting for one."), code="place_taken"
            )
        rsvp.answer, rsvp.waitlisted_at = Answer.GOING, None
    elif previous == Answer.WAITLISTED:
        rsvp.answer, rsvp.waitlisted_at = Answer.WAITLISTED, waitlisted_at or now
    else:
        rsvp.delete()
        reminders_restore_for_member(user_id=user.pk, meeting_id=meeting.pk)
        rsvp = None
    if rsvp is not None:
        rsvp.save()
        _follow_answer(rsvp, now=now)
        if rsvp.answer == Answer.WAITLISTED:
            _promote_waiting(meeting)  # a place may have opened meanwhile
            rsvp.refresh_from_db()
    audit_record(
        action=AuditEvent.Action.CANT_MAKE_IT_UNDONE,
        subject=user,
        details={"group": meeting.group_id, "meeting": meeting.pk},
    )
    return rsvp


def _promote_waiting(meeting: Meeting) -> None:
    """Fill free places from the waiting list, first come first served."""
    limit = meeting.series.rsvp_limit
    free = None if limit is None else limit - _going_count(meeting)
    waiting = Rsvp.objects.filter(meeting=meeting, answer=Answer.WAITLISTED).order_by(
        "waitlisted_at", "pk"
    )
    if free is not None:
        waiting = waiting[: max(free, 0)]
    for rsvp in waiting:
        rsvp.answer = Answer.GOING
        rsvp.waitlisted_at = None
        rsvp.save(update_fields=["answer", "waitlisted_at", "updated_at"])
        emails.waitlist_promoted_later(rsvp)


def rsvp_release_for_membership(*, membership: Membership, now: datetime | None = None) -> None:
    """Someone leaves (or is removed from) a group: their places at its future meetings go
    to the people waiting."""
    now = now or timezone.now()
    upcoming = Rsvp.objects.filter(
        user_id=membership.user_id,
        meeting__group_id=membership.group_id,
        meeting__starts_at__gt=now,
        answer__in=[Answer.GOING, Answer.WAITLISTED],
    ).values_list("meeting_id", flat=True)
    for meeting_id in list(upcoming):
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("series")
            .get(pk=meeting_id)
        )
        rsvp = Rsvp.objects.get(meeting=meeting, user_id=membership.user_id)
        was_going = rsvp.answer == Answer.GOING
        rsvp.delete()
        if was_going:
            _promote_waiting(meeting)


def rsvp_fill_free_places(*, series: MeetingSeries, now: datetime | None = None) -> None:
    """After a series' places changed: every coming meeting that now has room takes people
    from its waiting list, in order."""
    now = now or timezone.now()
    waiting = Rsvp.objects.filter(
        meeting__series=series, meeting__starts_at__gt=now, answer=Answer.WAITLISTED
    ).values_list("meeting_id", flat=True)
    for meeting_id in sorted(set(waiting)):
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("series")
            .get(pk=meeting_id)
        )
        _promote_waiting(meeting)

"""A gentle check-in after missed meetings, for the members who asked for it
(accounts.User.check_ins, off by default).

The rules:

- A member is checked in on when the last two meetings of a group that they said they
  were going to have ended, their attendance was taken (someone was marked there), and
  they were not marked there.
- One kind message: no blame, the group's next meeting, and the crisis lines; discreet
  mode's subject names nothing.
- At most once in ONCE_IN (30 days) for a member, whatever the group, and only for misses
  after the last check-in they were sent.
- Never to someone who has left the group (or whose membership ended), checked again
  when the message is written; not if they turned check-ins off meanwhile.

Planned hourly (groups.tasks.check_ins_plan) in three queries, whatever the number of
members: the candidates' recent answers with their attendance, their last check-ins, and
the insert. Sent through the outbox (kind "check-in").
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import cast

from django.core.mail import EmailMultiAlternatives
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from groups.emails import member_email
from groups.meetings.times import format_meeting_time
from groups.models import Attendance, Meeting, Membership, Rsvp, SupportGroup
from lib.urls import absolute_reverse
from notifications.kinds import NotToBeSent, outbox_builder
from notifications.models import OutboxMessage
from notifications.outbox import outbox_plan

CHECK_IN = "check-in"
ONCE_IN = timedelta(days=30)
MISSED_IN_A_ROW = 2
# How far back the answers are read: two missed meetings further back are old news.
LOOK_BACK = timedelta(days=60)


def _missed_in_a_row(now: datetime) -> dict[tuple[int, int], datetime]:
    """(member, group) -> the end of the later of the two meetings they missed in a row."""
    answers = (
        Rsvp.objects.filter(
            answer=Rsvp.Answer.GOING,
            user__check_ins=True,
            user__is_active=True,
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__ends_at__lte=now,
            meeting__ends_at__gt=now - LOOK_BACK,
            meeting__group__state=SupportGroup.State.ACTIVE,
        )
        .filter(
            Exists(
                Membership.objects.filter(
                    user_id=OuterRef("user_id"),
                    group_id=OuterRef("meeting__group_id"),
                    state=Membership.State.ACTIVE,
                )
            )
        )
        .annotate(
            taken=Exists(Attendance.objects.filter(meeting_id=OuterRef("meeting_id"))),
            present=Exists(
                Attendance.objects.filter(
                    meeting_id=OuterRef("meeting_id"), user_id=OuterRef("user_id")
                )
            ),
        )
        .order_by("user_id", "meeting__group_id", "-meeting__ends_at")
        .values_list("user_id", "meeting__group_id", "meeting__ends_at", "taken", "present")
    )
    latest: dict[tuple[int, int], list[tuple[datetime, bool, bool]]] = defaultdict(list)
    for user_id, group_id, ended, taken, present in answers:
        if len(latest[(user_id, group_id)]) < MISSED_IN_A_ROW:
            latest[(user_id, group_id)].append((ended, taken, present))
    return {
        key: last[0][0]
        for key, last in latest.items()
        if len(last) == MISSED_IN_A_ROW and all(taken and not present for _, taken, present in last)
    }


def check_ins_plan(*, now: datetime | None = None) -> int:
    """Add the check-ins that have become due to the outbox; returns how many."""
    now = now or timezone.now()
    missed = _missed_in_a_row(now)
    last_sent = dict(
        OutboxMessage.objects.filter(kind=CHECK_IN, user_id__in={u for u, _ in missed})
        .values("user_id")
        .annotate(last=Max("due_at"))
        .values_list("user_id", "last")
    )
    rows: dict[int, OutboxMessage] = {}
    for (user_id, group_id), ended in sorted(missed.items(), key=lambda item: item[1]):
        last = last_sent.get(user_id)
        if user_id in rows or (last is not None and (last > now - ONCE_IN or ended <= last)):
            continue
        rows[user_id] = OutboxMessage(
            kind=CHECK_IN,
            category=OutboxMessage.Category.UPDATES,
            user_id=user_id,
            target_id=group_id,
            # One a day at most even if planned twice at once (the unique key).
            variant=now.date().toordinal(),
            due_at=now,
            expires_at=now + timedelta(days=7),
        )
    outbox_plan(list(rows.values()))
    return len(rows)


@outbox_builder(CHECK_IN)
def check_in_build(row: OutboxMessage, now: datetime, batch: object) -> EmailMultiAlternatives:
    """Written when it is sent: not to someone who left the group or turned check-ins off."""
    user = cast(User, row.user)
    membership = (
        Membership.objects.select_related("group")
        .filter(user=user, group_id=cast(int, row.target_id), state=Membership.State.ACTIVE)
        .first()
    )
    if membership is None or not user.check_ins or not membership.group.is_active:
        raise NotToBeSent(OutboxMessage.State.CANCELLED, "no longer wanted")
    group = membership.group
    upcoming = (
        Meeting.objects.filter(group=group, status=Meeting.Status.SCHEDULED, starts_at__gt=now)
        .select_related("series")
        .order_by("starts_at")
        .first()
    )
    return member_email(
        user=user,
        template="check_in",
        # Translators: an e-mail's subject; %(group)s is the group's name. Kind, no blame.
        subject=_("%(group)s: thinking of you") % {"group": group.name},
        # Translators: the subject in discreet mode, on a phone's lock screen.
        discreet_subject=_("Thinking of you"),
        context={
            "group": group,
            "next_meeting": upcoming,
            "when": (
                format_meeting_time(
                    upcoming.starts_at,
                    viewer_zone=user.time_zone,
                    meeting_zone=upcoming.series.time_zone,
                )
                if upcoming
                else ""
            ),
            "meeting_url": (
                absolute_reverse("groups:meeting-detail", args=[group.slug, upcoming.pk])
                if upcoming
                else absolute_reverse("groups:group-detail", args=[group.slug])
            ),
        },
    )

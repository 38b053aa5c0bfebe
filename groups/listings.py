"""Listings that stay true: a group that seems to have stopped meeting is asked about, and
leaves the directory and the public feeds (it is not deleted) when nobody answers.

The rules, run hourly by `listings_review` (groups.tasks):

- A group is in question when it has no meeting ahead in its schedule, or when meetings
  were held in the last STALE_AFTER (six weeks) and not one of them has attendance
  recorded. A group is never in question within STALE_AFTER of its creation, or of the
  last time a facilitator confirmed it still meets.
- A group in question is asked once: its facilitators get an e-mail with the question
  (the admins, if it has none), and the dashboard shows it.
- Asked and still without an answer ANSWER_WITHIN (two weeks) later, it is taken out of
  the directory and the feeds (`listing_lapsed_at`), and the admins and facilitators are
  told. Its members keep it, its page stays reachable by link.
- A facilitator's "Yes, it still meets" (`listing_confirm`) answers the question and puts
  a group that was taken out back in. A group that is no longer in question before it is
  taken out (a schedule was added, attendance recorded) stops being asked, as if a
  facilitator had said yes: six weeks of grace from then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.emails import email_send_later
from accounts.models import AuditEvent, User
from accounts.services.audit import audit_record
from groups.emails import member_email
from groups.models import Attendance, Meeting, Membership, SupportGroup
from lib.i18n import in_language_of
from lib.urls import absolute_reverse
from notifications.models import OutboxMessage

STALE_AFTER = timedelta(weeks=6)
ANSWER_WITHIN = timedelta(weeks=2)

ACCOUNT = OutboxMessage.Category.ACCOUNT


@dataclass(frozen=True)
class ReviewReport:
    asked: int
    lapsed: int
    cleared: int


def groups_in_question(*, now: datetime) -> QuerySet[SupportGroup]:
    """Active groups the rules above put in question now (listed by choice or not: an
    unlisted group is asked about too, for its members' sake)."""
    since = now - STALE_AFTER
    scheduled = Meeting.objects.filter(group=OuterRef("pk"), status=Meeting.Status.SCHEDULED)
    ahead = scheduled.filter(starts_at__gt=now)
    held = scheduled.filter(starts_at__gte=since, ends_at__lte=now)
    recorded = Attendance.objects.filter(
        meeting__group=OuterRef("pk"), meeting__starts_at__gte=since
    )
    return (
        SupportGroup.objects.filter(state=SupportGroup.State.ACTIVE)
        # The last confirmation, else the creation (a confirmation is always the later).
        .annotate(settled_at=Coalesce("listing_confirmed_at", "created_at"))
        .filter(settled_at__lte=since)
        .filter(~Exists(ahead) | (Exists(held) & ~Exists(recorded)))
    )


def _facilitators(group: SupportGroup) -> list[User]:
    return list(
        User.objects.filter(
            memberships__group=group,
            memberships__state=Membership.State.ACTIVE,
            memberships__role=Membership.Role.FACILITATOR,
            is_active=True,
        ).order_by("pk")
    )


def _admins() -> list[User]:
    return list(User.objects.filter(is_staff=True, is_active=True).order_by("pk"))


def _tell(
    users: list[User],
    *,
    group: SupportGroup,
    facilitators: list[User],
    template: str,
    lapsed: bool,
) -> None:
    """The question (`lapsed` False) or the news that the group is out of the directory,
    to each of `users` in their language; a facilitator is told how to answer, an admin
    what it means."""
    dashboard_url = absolute_reverse("groups:dashboard")
    group_url = absolute_reverse("groups:group-detail", args=[group.slug])
    for user in users:
        with in_language_of(user):
            if lapsed:
                # Translators: an e-mail's subject; %(group)s is the group's name.
                subject = _("%(group)s is out of the directory until someone confirms it meets")
                # Translators: the subject in discreet mode, on a phone's lock screen.
                discreet = _("A group is out of the directory")
            else:
                # Translators: an e-mail's subject; %(group)s is the group's name.
                subject = _("Is %(group)s still meeting?")
                # Translators: the subject in discreet mode, on a phone's lock screen.
                discreet = _("Is your group still meeting?")
            message = member_email(
                user=user,
                template=template,
                subject=subject % {"group": group.name},
                discreet_subject=discreet,
                context={
                    "group": group,
                    "group_url": group_url,
                    "dashboard_url": dashboard_url,
                    "answer_within_days": ANSWER_WITHIN.days,
                    "stale_weeks": STALE_AFTER.days // 7,
                    "is_facilitator": user in facilitators,
                },
            )
            email_send_later(message, user=user, category=ACCOUNT)


def listings_review(*, now: datetime | None = None) -> ReviewReport:
    """Ask about the groups newly in question, take out those asked ANSWER_WITHIN ago and
    unanswered, and stop asking about those no longer in question."""
    now = now or timezone.now()
    in_question = set(groups_in_question(now=now).values_list("pk", flat=True))
    asked = lapsed = cleared = 0
    with transaction.atomic():
        waiting = SupportGroup.objects.select_for_update().filter(listing_asked_at__isnull=False)
        for group in waiting:
            asked_at = group.listing_asked_at or now  # never None: the filter above
            if group.pk not in in_question and group.listing_lapsed_at is None:
                # Its schedule or its attendance answered for it: as good as a "yes".
                group.listing_asked_at = None
                group.listing_confirmed_at = now
                group.save(update_fields=["listing_asked_at", "listing_confirmed_at", "updated_at"])
                cleared += 1
            elif group.listing_lapsed_at is None and asked_at <= now - ANSWER_WITHIN:
                group.listing_lapsed_at = now
                group.save(update_fields=["listing_lapsed_at", "updated_at"])
                audit_record(
                    action=AuditEvent.Action.LISTING_LAPSED,
                    subject=None,
                    actor=None,
                    details={"group": group.pk},
                )
                facilitators = _facilitators(group)
                people = {user.pk: user for user in [*facilitators, *_admins()]}
                _tell(
                    list(people.values()),
                    group=group,
                    facilitators=facilitators,
                    template="listing_lapsed",
                    lapsed=True,
                )
                lapsed += 1
        newly = SupportGroup.objects.select_for_update().filter(
            pk__in=in_question, listing_asked_at__isnull=True
        )
        for group in newly:
            group.listing_asked_at = now
            group.save(update_fields=["listing_asked_at", "updated_at"])
            facilitators = _facilitators(group)
            _tell(
                facilitators or _admins(),
                group=group,
                facilitators=facilitators,
                template="listing_question",
                lapsed=False,
            )
            asked += 1
    return ReviewReport(asked=asked, lapsed=lapsed, cleared=cleared)


def listing_confirm(*, group: SupportGroup, by: User, now: datetime | None = None) -> bool:
    """A facilitator says the group still meets: the question is answered, and a group taken
    out of the directory goes back in. True if it was out."""
    now = now or timezone.now()
    with transaction.atomic():
        group = SupportGroup.objects.select_for_update().get(pk=group.pk)
        was_out = group.listing_lapsed_at is not None
        group.listing_confirmed_at = now
        group.listing_asked_at = None
        group.listing_lapsed_at = None
        group.save(
            update_fields=[
                "listing_confirmed_at",
                "listing_asked_at",
                "listing_lapsed_at",
                "updated_at",
            ]
        )
        audit_record(
            action=AuditEvent.Action.LISTING_CONFIRMED,
            subject=by,
            actor=by,
            details={"group": group.pk, "was_out": was_out},
        )
    return was_out

"""Joining, leaving and deciding on memberships. Every decision is audited (by group id,
never by name) and the person is told by e-mail once the transaction has committed."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, User
from accounts.services.audit import audit_record
from groups import emails
from groups.models import Invitation, Membership, SupportGroup
from groups.services.groups import invitation_use
from groups.services.rsvps import rsvp_release_for_membership

Action = AuditEvent.Action
State = Membership.State


class MembershipError(ValidationError):
    """A membership change that cannot happen, with a message for the person."""


def _locked_group(group: SupportGroup) -> SupportGroup:
    # Locking the group row serialises every change to its memberships: two people taking
    # the last place at the same moment are counted one after the other.
    return SupportGroup.objects.select_for_update().get(pk=group.pk)


def group_active_member_count(*, group: SupportGroup) -> int:
    return Membership.objects.filter(group=group, state=State.ACTIVE).count()


def _ensure_room(group: SupportGroup) -> None:
    if group.member_limit is not None and group_active_member_count(group=group) >= (
        group.member_limit
    ):
        raise MembershipError(
            _(
                "This group is full at the moment. A place may open up later; you could also "
                "look for another group that meets at a similar time."
            ),
            code="group_full",
        )


def _audit(action: AuditEvent.Action, membership: Membership, *, actor: User) -> None:
    audit_record(
        action=action,
        subject=membership.user,
        actor=actor,
        details={"group": membership.group_id},
    )


@transaction.atomic
def membership_join(
    *,
    user: User,
    group: SupportGroup,
    accept_conduct: bool,
    message: str = "",
    invitation: Invitation | None = None,
) -> Membership:
    """Join an open group, ask to join an approval group, or join by invitation.

    Idempotent: joining a group one already belongs to (or has asked to join) returns that
    membership unchanged."""
    group = _locked_group(group)
    if not group.is_active:
        raise MembershipError(_("This group has closed."), code="group_archived")
    existing = Membership.objects.filter(user=user, group=group).first()
    if existing and existing.state == State.ACTIVE:
        return existing
    if existing and existing.state == State.PENDING and invitation is None:
        return existing  # asked already; an invitation, though, lets them in at once
    if existing and existing.state == State.REMOVED:
        raise MembershipError(
            _(
                "A facilitator removed you from this group, so you cannot rejoin it yourself. "
                "If you think this was a mistake, you can report a concern."
            ),
            code="removed",
        )
    if not accept_conduct:
        raise MembershipError(
            _("Please read the code of conduct and tick the box to accept it."), code="conduct"
        )

    policy = group.join_policy
    if policy == SupportGroup.JoinPolicy.INVITATION and (
        invitation is None or invitation.group_id != group.pk
    ):
        raise MembershipError(
            _("This group is by invitation only. Ask its facilitator for a link."),
            code="invitation_required",
        )
    now = timezone.now()
    if invitation is not None:
        if invitation.group_id != group.pk:
            raise MembershipError(_("This invitation is for another group."), code="other_group")
        # Only someone not yet in gets here (a member who follows the link again returned
        # above), so only they use it up. A refusal below rolls this transaction back, and the
        # use with it.
        if not invitation_use(invitation=invitation, now=now):
            raise MembershipError(
                _(
                    "This invitation has been used up, has expired or was withdrawn. Ask the "
                    "facilitator for a new link."
                ),
                code="invitation_unusable",
            )
    joins_now = policy != SupportGroup.JoinPolicy.APPROVAL or invitation is not None
    if joins_now:
        _ensure_room(group)
    membership = existing or Membership(user=user, group=group)
    membership.role = Membership.Role.MEMBER
    membership.state = State.ACTIVE if joins_now else State.PENDING
    membership.conduct_accepted_at = now
    membership.request_message = "" if joins_now else message.strip()
    membership.decided_by = None
    membership.decided_at = now if joins_now else None
    membership.decision_message = ""
    membership.save()
    action = Action.MEMBERSHIP_JOINED if joins_now else Action.MEMBERSHIP_REQUESTED
    _audit(action, membership, actor=user)
    if joins_now:
        emails.welcome_later(membership, now=now)
    else:
        emails.send_later(emails.join_requested, membership.pk)
        emails.join_request_to_facilitators_later(membership)
    return membership


def _facilitator_count(group: SupportGroup) -> int:
    return Membership.objects.filter(
        group=group, state=State.ACTIVE, role=Membership.Role.FACILITATOR
    ).count()


def _ensure_not_last_facilitator(membership: Membership) -> None:
    if membership.is_facilitator and _facilitator_count(membership.group) <= 1:
        raise MembershipError(
            _(
                "You are this group's only facilitator. Make another member co-facilitator "
                "first, so the group is not left without one."
            ),
            code="last_facilitator",
        )


@transaction.atomic
def membership_leave(*, membership: Membership) -> Membership:
    _locked_group(membership.group)
    membership.refresh_from_db()
    if membership.state not in {State.ACTIVE, State.PENDING}:
        return membership
    _ensure_not_last_facilitator(membership)
    was_active = membership.state == State.ACTIVE
    membership.state = State.LEFT
    membership.role = Membership.Role.MEMBER
    membership.save(update_fields=["state", "role", "updated_at"])
    if was_active:
        rsvp_release_for_membership(membership=membership)
    _audit(Action.MEMBERSHIP_LEFT, membership, actor=membership.user)
    return membership


def _decide(
    membership: Membership,
    *,
    by: User,
    state: str,
    message: str,
    action: AuditEvent.Action,
    notify: Callable[[Membership], EmailMultiAlternatives],
) -> Membership:
    membership.state = state
    membership.decided_by = by
    membership.decided_at = timezone.now()
    membership.decision_message = message.strip()
    membership.save()
    _audit(action, membership, actor=by)
    emails.send_later(notify, membership.pk)
    return membership


@transaction.atomic
def membership_approve(*, membership: Membership, by: User, message: str = "") -> Membership:
    group = _locked_group(membership.group)
    membership.refresh_from_db()
    if membership.state != State.PENDING:
        raise MembershipError(_("This request has already been decided."), code="decided")
    _ensure_room(group)
    return _decide(
        membership,
        by=by,
        state=State.ACTIVE,
        message=message,
        action=Action.MEMBERSHIP_APPROVED,
        notify=emails.request_approved,
    )


@transaction.atomic
def membership_decline(*, membership: Membership, by: User, message: str = "") -> Membership:
    _locked_group(membership.group)
    membership.refresh_from_db()
    if membership.state != State.PENDING:
        raise MembershipError(_("This request has already been decided."), code="decided")
    return _decide(
        membership,
        by=by,
        state=State.DECLINED,
        message=message,
        action=Action.MEMBERSHIP_DECLINED,
        notify=emails.request_declined,
    )


@transaction.atomic
def membership_remove(*, membership: Membership, by: User, message: str = "") -> Membership:
    _locked_group(membership.group)
    membership.refresh_from_db()
    if membership.state != State.ACTIVE:
        raise MembershipError(_("Only active members can be removed."), code="not_active")
    _ensure_not_last_facilitator(membership)
    membership.role = Membership.Role.MEMBER
    rsvp_release_for_membership(membership=membership)
    return _decide(
        membership,
        by=by,
        state=State.REMOVED,
        message=message,
        action=Action.MEMBERSHIP_REMOVED,
        notify=emails.member_removed,
    )


@transaction.atomic
def membership_promote(*, membership: Membership, by: User) -> Membership:
    _locked_group(membership.group)
    membership.refresh_from_db()
    if membership.state != State.ACTIVE:
        raise MembershipError(_("Only active members can become co-facilitators."), code="inactive")
    if membership.role == Membership.Role.FACILITATOR:
        return membership
    membership.role = Membership.Role.FACILITATOR
    return _decide(
        membership,
        by=by,
        state=State.ACTIVE,
        message="",
        action=Action.MEMBERSHIP_PROMOTED,
        notify=emails.member_promoted,
    )


def membership_name_public_set(*, membership: Membership, public: bool) -> Membership:
    """A facilitator's own choice: whether visitors to the group's page read their name or
    "a facilitator" (GroupAccess.facilitator_names). Nobody else makes it for them."""
    if membership.role != Membership.Role.FACILITATOR or membership.state != State.ACTIVE:
        raise MembershipError(
            _("Only the group's facilitators choose this."), code="not_facilitator"
        )
    membership.name_public = public
    membership.save(update_fields=["name_public"])
    return membership

"""Who may do what with a support group: every rule in one place, named after what it allows.

Views build one `GroupAccess` per request (`group_access`, one query for the membership) and
ask it. Groups a person may not see at all answer 404, not 403, so their existence stays
private; an action on a visible group that the person may not take answers 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from accounts.models import User
from groups.models import Membership, SupportGroup


@dataclass(frozen=True)
class GroupAccess:
    user: User | AnonymousUser
    group: SupportGroup
    membership: Membership | None

    @property
    def is_admin(self) -> bool:
        return bool(self.user.is_authenticated and self.user.is_staff)

    @property
    def is_active_member(self) -> bool:
        return self.membership is not None and self.membership.is_active

    @property
    def is_pending(self) -> bool:
        return self.membership is not None and self.membership.state == Membership.State.PENDING

    @property
    def is_facilitator(self) -> bool:
        return self.membership is not None and self.membership.is_facilitator

    @property
    def is_backup(self) -> bool:
        return self.membership is not None and self.membership.is_backup

    # --- seeing -------------------------------------------------------------------------

    @property
    def can_view_group(self) -> bool:
        """Active groups, listed or not (unlisted ones are reached by link); archived groups
        only for their members and admins."""
        if self.group.is_active:
            return True
        return self.is_admin or self.is_active_member

    @property
    def can_see_members_only_details(self) -> bool:
        """Street address, online link, announcements, the group's resources."""
        return self.is_active_member or self.is_admin

    @property
    def can_see_member_list(self) -> bool:
        """The full list with roles and states."""
        return self.is_facilitator or self.is_admin

    @property
    def can_see_visible_members(self) -> bool:
        """Fellow members who chose to be visible (and the facilitators)."""
        return self.is_active_member or self.can_see_member_list

    @property
    def facilitator_names(self) -> list[str]:
        """The group's facilitators as the viewer may know them: by name for its members
        (and its facilitators and admins); for anyone else by name only where the
        facilitator chose to be named publicly (Membership.name_public), otherwise "a
        facilitator". Reads `group.facilitator_memberships` (selectors.group_get_for_page)."""
        memberships = getattr(self.group, "facilitator_memberships", [])
        return [
            membership.user.display_name
            if self.can_see_visible_members or membership.name_public
            # Translators: stands for a facilitator's name that visitors may not see.
            else _("a facilitator")
            for membership in memberships
        ]

    # --- acting ---------------------------------------------------------------------------

    @property
    def can_join(self) -> bool:
        return (
            self.user.is_authenticated
            and self.group.is_active
            and not self.is_active_member
            and not self.is_pending
        )

    @property
    def can_leave(self) -> bool:
        return self.is_active_member or self.is_pending

    @property
    def can_facilitate(self) -> bool:
        """Decide on memberships, invite, post announcements, change settings."""
        return self.group.is_active and (self.is_facilitator or self.is_admin)

    @property
    def can_rsvp(self) -> bool:
        """Answer for the group's meetings (the service also checks the meeting itself)."""
        return self.group.is_active and self.is_active_member

    @property
    def can_manage_meetings(self) -> bool:
        """Schedules, cancelling and moving meetings, taking attendance."""
        return self.can_facilitate

    @property
    def can_run_meetings(self) -> bool:
        """Host a meeting: take its attendance, open and lock its room. A backup may, so that
        a meeting whose facilitator cannot come still takes place."""
        return self.can_manage_meetings or (self.group.is_active and self.is_backup)

    @property
    def can_host(self) -> bool:
        """Say they will host a meeting, or that they cannot (groups.hosting)."""
        return self.group.is_active and (self.is_facilitator or self.is_backup)

    @property
    def can_hand_over(self) -> bool:
        """Offer the group, or one of its series, to another member, and set a service
        term (groups.handovers): the group's own facilitators."""
        return self.group.is_active and self.is_facilitator

    @property
    def can_answer_handover(self) -> bool:
        """Accept or decline an offer made to them: an active member of the group (the
        service checks the offer is theirs and open)."""
        return self.group.is_active and self.is_active_member

    @property
    def can_see_health(self) -> bool:
        """The group's health: attendance over twelve weeks, hosts, open requests, and the
        question whether it still meets (groups.listings)."""
        return self.can_facilitate

    @property
    def can_report(self) -> bool:
        return bool(self.user.is_authenticated) and self.can_view_group

    @property
    def can_archive(self) -> bool:
        return self.is_admin and self.group.is_active


def group_access(*, user: User | AnonymousUser, group: SupportGroup) -> GroupAccess:
    membership = None
    if user.is_authenticated:
        membership = Membership.objects.filter(user=user, group=group).first()
    return GroupAccess(user=user, group=group, membership=membership)


def group_access_by_slug(*, user: User | AnonymousUser, slug: str) -> GroupAccess | None:
    """`group_access` for the group with this slug (None if there is none): a member's
    membership and its group in one query, as every facilitator page asks first."""
    membership = None
    if user.is_authenticated:
        membership = (
            Membership.objects.select_related("group").filter(user=user, group__slug=slug).first()
        )
    if membership is not None:
        return GroupAccess(user=user, group=membership.group, membership=membership)
    group = SupportGroup.objects.filter(slug=slug).first()
    return None if group is None else GroupAccess(user=user, group=group, membership=None)


def user_can_create_groups(user: User | AnonymousUser) -> bool:
    """Only people an admin approved as facilitators (and admins) start groups."""
    return bool(user.is_authenticated and (user.is_facilitator or user.is_staff))

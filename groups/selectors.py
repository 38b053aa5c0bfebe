"""Reads that feed pages: each decides its joins and prefetches here, so a page's query count
stays the same however many groups, topics or members there are."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from groups.models import Announcement, Invitation, Membership, SupportGroup, Topic

ANNOUNCEMENTS_ON_GROUP_PAGE = 10


def group_list_directory(
    *,
    formats: Sequence[str] = (),
    topics: Iterable[Topic] = (),
    audiences: Sequence[str] = (),
    words: Sequence[str] = (),
) -> QuerySet[SupportGroup]:
    """Active, listed groups matching every given filter, by name, with their topics.

    Within one filter any value matches (online or hybrid); between filters all must match.
    A group for both audiences matches either audience. Each word must appear (in any case) in
    the name, the description or the city: plain `icontains`, the same on SQLite and
    PostgreSQL."""
    groups = SupportGroup.objects.filter(
        state=SupportGroup.State.ACTIVE, listed=True
    ).prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("position", "name")))
    if formats:
        groups = groups.filter(format__in=formats)
    topic_ids = [topic.pk for topic in topics]
    if topic_ids:
        # EXISTS rather than a join: a group with two of the chosen topics appears once,
        # without DISTINCT.
        through = SupportGroup.topics.through
        groups = groups.filter(
            Exists(through.objects.filter(supportgroup_id=OuterRef("pk"), topic_id__in=topic_ids))
        )
    if audiences:
        groups = groups.filter(audience__in={*audiences, SupportGroup.Audience.BOTH})
    for word in words:
        groups = groups.filter(
            Q(name__icontains=word) | Q(description__icontains=word) | Q(city__icontains=word)
        )
    return groups.order_by("name", "pk")


def group_get_for_page(*, slug: str) -> SupportGroup:
    """One group (any state: the caller checks access) with its topics, its active
    facilitators (as `facilitator_memberships`) and `active_member_count`; 404 if unknown."""
    facilitators = (
        Membership.objects.filter(state=Membership.State.ACTIVE, role=Membership.Role.FACILITATOR)
        .select_related("user")
        .order_by("created_at", "pk")
    )
    groups = SupportGroup.objects.annotate(
        active_member_count=Count(
            "memberships", filter=Q(memberships__state=Membership.State.ACTIVE)
        )
    ).prefetch_related(
        Prefetch("topics", queryset=Topic.objects.order_by("position", "name")),
        Prefetch("memberships", queryset=facilitators, to_attr="facilitator_memberships"),
    )
    return get_object_or_404(groups, slug=slug)


def announcement_list_for_group(*, group: SupportGroup) -> list[Announcement]:
    return list(
        Announcement.objects.filter(group=group)
        .select_related("author")
        .order_by("-created_at", "-pk")[:ANNOUNCEMENTS_ON_GROUP_PAGE]
    )


def invitation_get_by_token(*, token: str) -> Invitation:
    """The invitation with its group, whatever the state of either; 404 if there is none."""
    return get_object_or_404(Invitation.objects.select_related("group"), token=token)


# --- facilitator side: dashboard, member lists, reports about people ---------------------------


def group_list_facilitated(*, user: User) -> QuerySet[SupportGroup]:
    """Active groups `user` facilitates, by name, each with `pending_count` and
    `active_member_count` (one query, however many groups and members)."""
    mine = Membership.objects.filter(
        user=user, state=Membership.State.ACTIVE, role=Membership.Role.FACILITATOR
    ).values("group_id")
    # The counts run over all memberships of each group: the filter on "mine" is a subquery,
    # not a join, so it does not narrow what Count sees.
    return (
        SupportGroup.objects.filter(pk__in=mine, state=SupportGroup.State.ACTIVE)
        .annotate(
            pending_count=Count(
                "memberships", filter=Q(memberships__state=Membership.State.PENDING)
            ),
            active_member_count=Count(
                "memberships", filter=Q(memberships__state=Membership.State.ACTIVE)
            ),
        )
        .order_by("name", "pk")
    )


# Pending requests first (they wait for an answer), then the people in the group, then the past.
_MEMBER_LIST_ORDER = Case(
    When(state=Membership.State.PENDING, then=Value(0)),
    When(state=Membership.State.ACTIVE, role=Membership.Role.FACILITATOR, then=Value(1)),
    When(state=Membership.State.ACTIVE, then=Value(2)),
    default=Value(3),
)


def membership_list_for_facilitators(*, group: SupportGroup) -> QuerySet[Membership]:
    """Every membership of the group with the person's display name, for the member list.
    Only the fields the page shows are loaded: never the e-mail address."""
    return (
        Membership.objects.filter(group=group)
        .select_related("user")
        .only(
            "role",
            "state",
            "request_message",
            "created_at",
            "decided_at",
            "group_id",
            "user__display_name",
        )
        .annotate(list_order=_MEMBER_LIST_ORDER)
        .order_by("list_order", "user__display_name", "pk")
    )


def membership_list_visible_to_members(*, group: SupportGroup) -> tuple[list[Membership], int]:
    """The active facilitators and the active members who chose to be visible, and how many
    other active members there are (who are not listed at all)."""
    active = Membership.objects.filter(group=group, state=Membership.State.ACTIVE)
    listed = list(
        active.filter(Q(role=Membership.Role.FACILITATOR) | Q(user__name_visible_to_members=True))
        .select_related("user")
        .only("role", "group_id", "user__display_name")
        .annotate(list_order=_MEMBER_LIST_ORDER)
        .order_by("list_order", "user__display_name", "pk")
    )
    return listed, active.count() - len(listed)


def membership_get_in_group(*, group: SupportGroup, membership_id: int) -> Membership:
    """A membership of this group (404 for one of another group)."""
    return get_object_or_404(
        Membership.objects.select_related("user", "group"), pk=membership_id, group=group
    )


def person_get_reportable(*, reporter: User, person_id: int) -> tuple[User, bool]:
    """Someone `reporter` shares an active group with, and whether the reporter may see their
    display name there; 404 for anyone else (so ids reveal nothing)."""
    shared = Membership.objects.filter(
        user_id=person_id,
        state=Membership.State.ACTIVE,
        group__state=SupportGroup.State.ACTIVE,
        group__in=Membership.objects.filter(user=reporter, state=Membership.State.ACTIVE).values(
            "group_id"
        ),
    ).exclude(user=reporter)
    memberships = list(shared.select_related("user"))
    if not memberships:
        raise Http404("No such person among your groups.")
    person = memberships[0].user
    facilitates_shared = Membership.objects.filter(
        user=reporter,
        role=Membership.Role.FACILITATOR,
        state=Membership.State.ACTIVE,
        group_id__in=[m.group_id for m in memberships],
    ).exists()
    name_visible = (
        person.name_visible_to_members
        or facilitates_shared
        or any(m.role == Membership.Role.FACILITATOR for m in memberships)
    )
    return person, name_visible

"""Demo groups for `manage.py seed_demo`: every format and join policy, with members, a
pending request and announcements. Idempotent: groups are found again by slug."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User
from groups.models import Announcement, Membership, SupportGroup, Topic

F, P, A = SupportGroup.Format, SupportGroup.JoinPolicy, SupportGroup.Audience

DEMO_GROUPS = [
    {
        "slug": "ketamine-recovery-tuesday-evenings",
        "name": "Ketamine Recovery: Tuesday Evenings",
        "format": F.ONLINE,
        "join_policy": P.OPEN,
        "audience": A.RECOVERY,
        "topics": ["ketamine"],
        "time_zone": "America/New_York",
        "online_url": "https://meet.example.org/kinship-tuesday",
        "description": (
            "An hour together for anyone stepping away from ketamine, whether you stopped "
            "last week or years ago. We check in, share what is working, and talk about the "
            "hard parts: **cravings**, sleep, and the bladder and stomach pain many of us "
            "know.\n\nCameras optional. You can just listen."
        ),
    },
    {
        "slug": "thursday-morning-circle-chicago",
        "name": "Thursday Morning Circle",
        "format": F.IN_PERSON,
        "join_policy": P.APPROVAL,
        "audience": A.RECOVERY,
        "topics": ["general-recovery", "ketamine"],
        "time_zone": "America/Chicago",
        "street": "1200 W Harrison St, Room 4",
        "city": "Chicago",
        "region": "IL",
        "postal_code": "60607",
        "country": "US",
        "member_limit": 14,
        "description": (
            "A small, steady group that meets before work. Coffee is on us. A facilitator "
            "says hello to each new person before their first meeting."
        ),
    },
    {
        "slug": "family-and-friends-boston",
        "name": "Family and Friends",
        "format": F.HYBRID,
        "join_policy": P.APPROVAL,
        "audience": A.LOVED_ONES,
        "topics": ["family-and-friends"],
        "time_zone": "America/New_York",
        "street": "15 Chestnut Ave",
        "city": "Boston",
        "region": "MA",
        "postal_code": "02130",
        "country": "US",
        "online_url": "https://meet.example.org/kinship-family",
        "description": (
            "For partners, parents, siblings and friends of someone who uses ketamine or "
            "another drug. Learn to spot what is going on, look after yourself, and talk "
            "without a fight."
        ),
    },
    {
        "slug": "weekend-check-in",
        "name": "Weekend Check-in",
        "format": F.ONLINE,
        "join_policy": P.INVITATION,
        "audience": A.RECOVERY,
        "topics": ["stimulants", "ketamine"],
        "time_zone": "Europe/London",
        "online_url": "https://meet.example.org/kinship-weekend",
        "description": "Saturday mornings, for people a facilitator has already met.",
    },
    {
        "slug": "sunday-group-denver",
        "name": "Sunday Group",
        "format": F.IN_PERSON,
        "join_policy": P.OPEN,
        "audience": A.BOTH,
        "topics": ["alcohol", "general-recovery"],
        "time_zone": "America/Denver",
        "street": "2400 E Colfax Ave",
        "city": "Denver",
        "region": "CO",
        "postal_code": "80206",
        "country": "US",
        "description": "People in recovery and the people who love them, in one room.",
    },
    {
        "slug": "facilitators-peer-circle",
        "name": "Facilitators' Peer Circle",
        "format": F.ONLINE,
        "join_policy": P.INVITATION,
        "audience": A.BOTH,
        "topics": ["general-recovery"],
        "listed": False,
        "time_zone": "America/New_York",
        "online_url": "https://meet.example.org/kinship-facilitators",
        "description": "Unlisted: a place for facilitators to support each other.",
    },
]

ANNOUNCEMENT = {
    "title": "No meeting on the last Tuesday of December",
    "body": "We take a week off over the holidays. The crisis lines below stay open.",
}


def demo_groups_seed(*, facilitator: User, member: User, others: list[User]) -> int:
    now = timezone.now()
    for spec in DEMO_GROUPS:
        spec = dict(spec)
        topics = Topic.objects.filter(slug__in=spec.pop("topics"))
        group, _ = SupportGroup.objects.update_or_create(
            slug=spec.pop("slug"), defaults={**spec, "created_by": facilitator}
        )
        group.topics.set(topics)
        _member(group, facilitator, Membership.Role.FACILITATOR, now)
        for other in others:
            _member(group, other, Membership.Role.MEMBER, now)
    open_group = SupportGroup.objects.get(slug="ketamine-recovery-tuesday-evenings")
    _member(open_group, member, Membership.Role.MEMBER, now)
    Announcement.objects.get_or_create(
        group=open_group,
        title=ANNOUNCEMENT["title"],
        defaults={"body": ANNOUNCEMENT["body"], "author": facilitator},
    )
    family = SupportGroup.objects.get(slug="family-and-friends-boston")
    Membership.objects.get_or_create(
        user=member,
        group=family,
        defaults={
            "state": Membership.State.PENDING,
            "conduct_accepted_at": now,
            "request_message": "My brother is struggling and I don't know how to help.",
        },
    )
    return len(DEMO_GROUPS)


def _member(group: SupportGroup, user: User, role: str, now) -> None:
    Membership.objects.update_or_create(
        user=user,
        group=group,
        defaults={"role": role, "state": Membership.State.ACTIVE, "conduct_accepted_at": now},
    )

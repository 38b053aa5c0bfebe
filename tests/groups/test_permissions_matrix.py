"""Who may do what with a group: every role against every action and every members-only
piece of data, asked of GroupAccess directly and then through the pages themselves."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from groups.models import Announcement, Membership, SupportGroup
from groups.permissions import group_access
from tests.factories import (
    MeetingSeriesFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
    activate_totp,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "outsider",
    "pending",
    "member",
    "backup",
    "other_facilitator",
    "facilitator",
    "admin",
]
STREET = "12 Hidden Lane"
LINK = "https://meet.example.org/secret-room"
NEWS = "Room change this week"


def row(*allowed: str) -> dict[str, bool]:
    """A line of the matrix: True for the roles named, False for every other."""
    unknown = set(allowed) - set(ROLES)
    assert not unknown, unknown
    return {role: role in allowed for role in ROLES}


EVERYONE = tuple(ROLES)
INSIDERS = ("member", "backup", "facilitator", "admin")
MEMBERS = ("member", "backup", "facilitator")  # active members of the group

# GroupAccess rule -> roles for which it holds, on an active group (and one archived line).
ACCESS_MATRIX = {
    "can_view_group": row(*EVERYONE),
    "can_see_members_only_details": row(*INSIDERS),
    "can_see_visible_members": row(*INSIDERS),
    "can_see_member_list": row("facilitator", "admin"),
    "can_join": row("outsider", "other_facilitator", "admin"),
    "can_leave": row("pending", *MEMBERS),
    "can_facilitate": row("facilitator", "admin"),
    "can_report": row("outsider", "pending", *MEMBERS, "other_facilitator", "admin"),
    "can_archive": row("admin"),
    # Issue 20: who hosts and runs a meeting, hands the group over, answers an offer.
    "can_run_meetings": row("backup", "facilitator", "admin"),
    "can_host": row("backup", "facilitator"),
    "can_hand_over": row("facilitator"),
    "can_answer_handover": row(*MEMBERS),
    "can_see_health": row("facilitator", "admin"),
}
ARCHIVED_ACCESS_MATRIX = {
    "can_view_group": row(*INSIDERS),
    "can_see_members_only_details": row(*INSIDERS),
    "can_join": row(),
    "can_facilitate": row(),
    "can_archive": row(),
    "can_run_meetings": row(),
    "can_host": row(),
    "can_hand_over": row(),
    "can_answer_handover": row(),
}


@dataclass
class World:
    group: SupportGroup
    other_group: SupportGroup
    users: dict[str, User | None]

    def user(self, role: str) -> User | AnonymousUser:
        return self.users[role] or AnonymousUser()


@pytest.fixture
def world() -> World:
    group = SupportGroupFactory.create(
        name="Saturday room",
        format="hybrid",
        street=STREET,
        city="Austin",
        online_url=LINK,
        join_policy="open",
    )
    Announcement.objects.create(group=group, title=NEWS, body="Room 4.")
    MeetingSeriesFactory.create(group=group, attendance_option="hybrid")  # the group's link
    other_group = SupportGroupFactory.create(name="Elsewhere")
    users: dict[str, User | None] = {"anonymous": None}
    users["outsider"] = UserFactory.create(display_name="Outsider")
    users["pending"] = MembershipFactory.create(group=group, state="pending").user
    users["member"] = MembershipFactory.create(group=group).user
    users["backup"] = MembershipFactory.create(group=group, role="backup").user
    MembershipFactory(group=group, user=UserFactory(display_name="Harper Quietly"))
    users["other_facilitator"] = MembershipFactory.create(
        group=other_group, role="facilitator", user=UserFactory.create(is_facilitator=True)
    ).user
    users["facilitator"] = MembershipFactory.create(
        group=group, role="facilitator", user=UserFactory.create(is_facilitator=True)
    ).user
    users["admin"] = UserFactory.create(is_staff=True, is_superuser=True)
    # Facilitators and admins protect their accounts with a second factor (accounts issue).
    for role in ["backup", "other_facilitator", "facilitator", "admin"]:
        activate_totp(users[role])
    return World(group=group, other_group=other_group, users=users)


def sign_in(client, world: World, role: str):
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


def archive(group: SupportGroup) -> None:
    SupportGroup.objects.filter(pk=group.pk).update(state=SupportGroup.State.ARCHIVED)
    group.refresh_from_db()


# --- the rules themselves -------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("rule", ACCESS_MATRIX)
def test_group_access_rule_for_each_role(world, rule, role):
    access = group_access(user=world.user(role), group=world.group)
    assert getattr(access, rule) is ACCESS_MATRIX[rule][role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("rule", ARCHIVED_ACCESS_MATRIX)
def test_group_access_rule_for_each_role_on_an_archived_group(world, rule, role):
    archive(world.group)
    access = group_access(user=world.user(role), group=world.group)
    assert getattr(access, rule) is ARCHIVED_ACCESS_MATRIX[rule][role]


# --- the same rules, through the pages ---------------------------------------------------------


def page(client, group: SupportGroup):
    return client.get(reverse("groups:group-detail", args=[group.slug]))


@pytest.mark.parametrize("role", ROLES)
def test_a_listed_group_page_is_open_to_every_role(client, world, role):
    assert page(sign_in(client, world, role), world.group).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_an_unlisted_group_page_is_open_to_every_role_by_its_link(client, world, role):
    SupportGroup.objects.filter(pk=world.group.pk).update(listed=False)
    assert page(sign_in(client, world, role), world.group).status_code == 200


ARCHIVED_PAGE = {role: 200 if role in INSIDERS else 404 for role in ROLES}


@pytest.mark.parametrize("role", ROLES)
def test_an_archived_group_page_is_404_for_outsiders(client, world, role):
    archive(world.group)
    assert page(sign_in(client, world, role), world.group).status_code == ARCHIVED_PAGE[role]


SEES_DETAILS = row(*INSIDERS)
# A join address of one's own: only active members have one (groups.meetings.joining).
HAS_JOIN_ADDRESS = row(*MEMBERS)
JOIN_ADDRESS = re.compile(r'href="[^"]*/join/[\w-]{20,}/"')


@pytest.mark.parametrize("role", ROLES)
def test_street_and_announcements_only_for_active_members_and_admins(client, world, role):
    html = page(sign_in(client, world, role), world.group).content.decode()
    for secret in [STREET, NEWS]:
        assert (secret in html) is SEES_DETAILS[role], secret


@pytest.mark.parametrize("role", ROLES)
def test_nobody_sees_the_link_and_members_see_their_own_join_address(client, world, role):
    html = page(sign_in(client, world, role), world.group).content.decode()
    assert LINK not in html
    assert bool(JOIN_ADDRESS.search(html)) is HAS_JOIN_ADDRESS[role]


SEES_JOIN_BUTTON = row("outsider", "other_facilitator", "admin")
SEES_SIGN_IN_TO_JOIN = row("anonymous")
SEES_LEAVE = row("pending", *MEMBERS)


@pytest.mark.parametrize("role", ROLES)
def test_the_join_and_leave_controls_each_role_sees(client, world, role):
    html = page(sign_in(client, world, role), world.group).content.decode()
    join = reverse("groups:group-join", args=[world.group.slug])
    leave = reverse("groups:group-leave", args=[world.group.slug])
    assert (f'href="{join}"' in html) is SEES_JOIN_BUTTON[role]
    assert ("Sign in to join" in html) is SEES_SIGN_IN_TO_JOIN[role]
    assert (leave in html) is SEES_LEAVE[role]


# Joining the open group: the membership state afterwards (None: no membership), and the status.
JOIN_OUTCOME = {
    "anonymous": (302, None),  # to the sign-in page
    "outsider": (302, "active"),
    "pending": (302, "pending"),  # idempotent: the request stays a request
    "member": (302, "active"),
    "backup": (302, "active"),
    "other_facilitator": (302, "active"),
    "facilitator": (302, "active"),
    "admin": (302, "active"),
}


def state_of(world: World, role: str) -> str | None:
    user = world.users[role]
    if user is None:
        return None
    membership = Membership.objects.filter(group=world.group, user=user).first()
    return membership.state if membership else None


@pytest.mark.parametrize("role", ROLES)
def test_joining_as_each_role(client, world, role):
    response = sign_in(client, world, role).post(
        reverse("groups:group-join", args=[world.group.slug]), {"accept_conduct": "on"}
    )
    status, state = JOIN_OUTCOME[role]
    assert response.status_code == status
    if role == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
        assert Membership.objects.filter(group=world.group).count() == 5
    assert state_of(world, role) == state
    if role == "facilitator":
        assert Membership.objects.get(user=world.users[role], group=world.group).is_facilitator


@pytest.mark.parametrize("role", ROLES)
def test_joining_an_archived_group_is_404_for_every_role(client, world, role):
    archive(world.group)
    response = sign_in(client, world, role).post(
        reverse("groups:group-join", args=[world.group.slug]), {"accept_conduct": "on"}
    )
    before = state_of(world, role)
    expected = 302 if role == "anonymous" else (400 if role in INSIDERS else 404)
    assert response.status_code == expected
    assert state_of(world, role) == before


# Leaving: the status, and the state afterwards. The only facilitator is refused.
LEAVE_OUTCOME = {
    "anonymous": (302, None),
    "outsider": (302, None),
    "pending": (302, "left"),
    "member": (302, "left"),
    "backup": (302, "left"),
    "other_facilitator": (302, None),
    "facilitator": (400, "active"),
    "admin": (302, None),
}


@pytest.mark.parametrize("role", ROLES)
def test_leaving_as_each_role(client, world, role):
    response = sign_in(client, world, role).post(
        reverse("groups:group-leave", args=[world.group.slug])
    )
    status, state = LEAVE_OUTCOME[role]
    assert response.status_code == status
    assert state_of(world, role) == state
    if role == "facilitator":
        assert "only facilitator" in response.content.decode()


MEMBER_LIST_STATUS = {
    "anonymous": 302,
    "outsider": 403,
    "pending": 403,
    "member": 403,
    "backup": 403,
    "other_facilitator": 403,
    "facilitator": 200,
    "admin": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_the_member_list_as_each_role(client, world, role):
    response = sign_in(client, world, role).get(
        reverse("groups:member-list", args=[world.group.slug])
    )
    assert response.status_code == MEMBER_LIST_STATUS[role]
    html = response.content.decode()
    assert ("Harper Quietly" in html) is (MEMBER_LIST_STATUS[role] == 200)


@pytest.mark.parametrize("role", ROLES)
def test_the_member_list_of_an_archived_group_is_404_for_outsiders(client, world, role):
    archive(world.group)
    response = sign_in(client, world, role).get(
        reverse("groups:member-list", args=[world.group.slug])
    )
    expected = {"anonymous": 302, "member": 403, "backup": 403, "facilitator": 403, "admin": 403}
    assert response.status_code == expected.get(role, 404)


@pytest.mark.parametrize("role", ROLES)
def test_an_invitation_link_as_each_role(client, world, role):
    """An invitation opens an invitation-only group to whoever holds it and is signed in."""
    SupportGroup.objects.filter(pk=world.group.pk).update(join_policy="invitation")
    invitation = world.group.invitations.create(expires_at=timezone.now() + timedelta(days=1))
    url = reverse("groups:invitation-accept", args=[invitation.token])
    client = sign_in(client, world, role)
    response = client.post(url, {"accept_conduct": "on"})
    assert response.status_code == 302
    expected = {"anonymous": None, "pending": "pending"}.get(role, "active")
    assert state_of(world, role) == expected


# Reporting a person, from where one sees them (302: sent to sign in). A member who shows
# their name is seen by the group's members on its people page; one who hides it only by the
# group's facilitators and the admins, in the member list (with their second factor). Every
# other id answers the same 404.
REPORT_PERSON_STATUS = {
    "visible": {
        "anonymous": 302,
        "outsider": 404,
        "pending": 404,
        "member": 200,
        "backup": 200,
        "other_facilitator": 404,
        "facilitator": 200,
        "admin": 200,
    },
    "hidden": {
        "anonymous": 302,
        "outsider": 404,
        "pending": 404,
        "member": 404,
        "backup": 404,
        "other_facilitator": 404,
        "facilitator": 200,
        "admin": 200,
    },
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("person", REPORT_PERSON_STATUS)
def test_reporting_a_person_as_each_role(client, world, role, person):
    if person == "visible":
        target = MembershipFactory(
            group=world.group,
            user=UserFactory(display_name="Sky Open", name_visible_to_members=True),
        ).user
    else:
        target = User.objects.get(display_name="Harper Quietly")
    url = reverse("groups:report-person", args=[world.group.slug, target.pk])
    response = sign_in(client, world, role).get(url)
    assert response.status_code == REPORT_PERSON_STATUS[person][role]
    assert (target.display_name in response.content.decode()) is (response.status_code == 200)


SUGGEST_STATUS = {
    "anonymous": 302,
    "outsider": 403,
    "pending": 403,
    "member": 403,
    "backup": 403,
    "other_facilitator": 200,
    "facilitator": 200,
    "admin": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_suggesting_a_resource_as_each_role(client, world, role):
    """Approved facilitators and admins, with their second factor (the world gives them one;
    tests/resources/test_library.py covers a facilitator without)."""
    response = sign_in(client, world, role).get(reverse("resources:suggest"))
    assert response.status_code == SUGGEST_STATUS[role]


# Issue 20's pages, for a meeting under way (attendance opens when it starts). 302: sent to
# sign in; a group that someone may not see answers 404 (none here: the group is listed).
MEETING_PAGES = {
    # Who hosts: the facilitators and backups, not the admins (they do not host).
    "meeting-hosting": row("backup", "facilitator"),
    # Running it: whoever may host, and the admins.
    "meeting-attendance": row("backup", "facilitator", "admin"),
}
GROUP_PAGES = {
    # Handing over and the term: the group's own facilitators only.
    "handover": row("facilitator"),
}


def expected_status(role: str, allowed: bool) -> int:
    if role == "anonymous":
        return 302
    return 200 if allowed else 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", MEETING_PAGES)
def test_the_hosting_and_attendance_pages_as_each_role(client, world, role, name):
    from tests.factories import MeetingFactory

    series = world.group.series.get()
    meeting = MeetingFactory(series=series, occurrence_start=timezone.now() - timedelta(minutes=10))
    url = reverse(f"groups:{name}", args=[world.group.slug, meeting.pk])
    response = sign_in(client, world, role).get(url)
    assert response.status_code == expected_status(role, MEETING_PAGES[name][role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", GROUP_PAGES)
def test_the_handover_page_as_each_role(client, world, role, name):
    url = reverse(f"groups:{name}", args=[world.group.slug])
    response = sign_in(client, world, role).get(url)
    assert response.status_code == expected_status(role, GROUP_PAGES[name][role])
    # Nor may anyone else set a term or offer the group (nothing changes).
    post = sign_in(client, world, role).post(
        reverse("groups:term-set", args=[world.group.slug]), {"ends_on": "2099-01-01"}
    )
    assert post.status_code == (302 if role in ("anonymous", "facilitator") else 403)
    terms = Membership.objects.filter(group=world.group, term_ends_on__isnull=False)
    assert terms.exists() is (role == "facilitator")

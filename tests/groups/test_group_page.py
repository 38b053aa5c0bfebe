"""A group's page: what everyone sees, what only members see, and its join/leave control."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import Announcement, Membership, SupportGroup, Topic
from tests.factories import (
    MeetingSeriesFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
)
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

STREET = "12 Hidden Lane"
LINK = "https://meet.example.org/secret-room"


@pytest.fixture
def group():
    group = SupportGroupFactory(
        name="Saturday room",
        description="We meet **weekly**. <script>alert(1)</script>",
        format="hybrid",
        street=STREET,
        city="Austin",
        region="TX",
        country="US",
        online_url=LINK,
        time_zone="America/Chicago",
        topics=[Topic.objects.get(slug="ketamine")],
    )
    MembershipFactory(group=group, role="facilitator", user=UserFactory(display_name="Robin F"))
    Announcement.objects.create(group=group, title="Room change", body="Now in *room 4*.")
    MeetingSeriesFactory(group=group, attendance_option="hybrid")  # with the group's link
    return group


def page(client, group):
    return client.get(reverse("groups:group-detail", args=[group.slug]))


def test_everyone_sees_the_public_facts_but_not_the_members_only_ones(client, group):
    MembershipFactory.create_batch(2, group=group)
    MembershipFactory(group=group, state="pending")
    response = page(client, group)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Saturday room</h1>" in html
    assert "<strong>weekly</strong>" in html
    assert "<script>alert" not in html
    assert "Hybrid" in html
    assert "Ketamine" in html
    assert "Austin, TX, US" in html
    assert "Central Time (Chicago)" in html
    # The facilitator did not choose to be named to visitors (Membership.name_public).
    assert "Robin F" not in html and "a facilitator" in html
    assert "3 active members" in html  # the facilitator and two members, not the request
    assert "Code of conduct" in html
    assert STREET not in html
    assert LINK not in html
    assert "Room change" not in html


@pytest.mark.parametrize(
    ("role", "sees_details"),
    [
        ("outsider", False),
        ("pending", False),
        ("left", False),
        ("member", True),
        ("facilitator", True),
        ("admin", True),
    ],
)
def test_only_active_members_and_admins_see_the_address_and_announcements(
    client, group, role, sees_details
):
    viewer = UserFactory(is_staff=role == "admin")
    states = {"pending": "pending", "left": "left", "member": "active", "facilitator": "active"}
    if role in states:
        MembershipFactory(
            group=group,
            user=viewer,
            state=states[role],
            role="facilitator" if role == "facilitator" else "member",
        )
    client.force_login(viewer)
    html = page(client, group).content.decode()
    for secret in [STREET, "Room change", "Now in <em>room 4</em>."]:
        assert (secret in html) is sees_details, secret
    # The link itself for nobody; a member's own join address (an admin has none).
    assert LINK not in html
    has_address = re.search(r'href="[^"]*/join/[\w-]{20,}/"', html)
    assert bool(has_address) is (role in {"member", "facilitator"})


def test_announcements_show_their_time_in_the_viewers_zone_with_its_name(client, group):
    Announcement.objects.filter(group=group).update(
        created_at=datetime(2026, 3, 2, 18, 30, tzinfo=UTC)
    )
    viewer = UserFactory(time_zone="Asia/Tokyo")
    MembershipFactory(group=group, user=viewer)
    client.force_login(viewer)
    html = page(client, group).content.decode()
    assert "3 Mar 2026, 03:30 Japan Time (Tokyo, JST)" in html
    assert 'datetime="2026-03-02T18:30:00Z"' in html


def test_the_page_shows_the_latest_ten_announcements_newest_first(client, group):
    now = timezone.now()
    Announcement.objects.bulk_create(
        Announcement(group=group, title=f"News {n:02}", body=".", created_at=now) for n in range(12)
    )
    viewer = UserFactory()
    MembershipFactory(group=group, user=viewer)
    client.force_login(viewer)
    html = page(client, group).content.decode()
    assert html.count('class="card announcement"') == 10
    assert "Room change" not in html  # the oldest


def test_an_unlisted_group_is_reachable_by_its_link(client, group):
    SupportGroup.objects.filter(pk=group.pk).update(listed=False)
    assert page(client, group).status_code == 200


def test_an_archived_group_is_404_for_outsiders_and_kept_for_its_members(client, group):
    SupportGroup.objects.filter(pk=group.pk).update(state="archived")
    assert page(client, group).status_code == 404
    client.force_login(UserFactory())
    assert page(client, group).status_code == 404
    member = MembershipFactory(group=group).user
    client.force_login(member)
    response = page(client, group)
    assert response.status_code == 200
    assert "This group has closed" in response.content.decode()


def test_an_unknown_slug_is_404(client):
    assert client.get(reverse("groups:group-detail", args=["no-such-group"])).status_code == 404


def test_a_visitor_is_asked_to_sign_in_to_join_and_comes_back(client, group):
    html = page(client, group).content.decode()
    assert "Sign in to join" in html
    assert f'href="/accounts/login/?next=/groups/{group.slug}/"' in html
    assert "Report a concern" not in html


@pytest.mark.parametrize(
    ("policy", "state", "expected"),
    [
        ("open", None, "Join this group"),
        ("approval", None, "Ask to join"),
        ("approval", "declined", "Ask to join"),
        ("open", "left", "Join this group"),
        ("invitation", None, "This group is by invitation only"),
        ("open", "pending", "Your request is waiting for a facilitator"),
        ("approval", "pending", "Cancel my request"),
        ("open", "active", "You're a member"),
        ("open", "removed", "A facilitator removed you from this group"),
    ],
)
def test_the_join_control_follows_the_viewers_membership(client, policy, state, expected):
    group = SupportGroupFactory(join_policy=policy)
    viewer = UserFactory()
    if state:
        MembershipFactory(group=group, user=viewer, state=state)
    client.force_login(viewer)
    html = page(client, group).content.decode()
    assert expected in html
    join_url = reverse("groups:group-join", args=[group.slug])
    offers_join = expected in {"Join this group", "Ask to join"}
    assert (f'href="{join_url}"' in html) is offers_join
    assert (reverse("groups:group-leave", args=[group.slug]) in html) is (
        state in {"active", "pending"}
    )


def test_a_full_open_group_says_so_instead_of_offering_to_join(client):
    group = SupportGroupFactory(member_limit=2)
    MembershipFactory.create_batch(2, group=group)
    client.force_login(UserFactory())
    html = page(client, group).content.decode()
    assert "This group is full at the moment" in html
    assert reverse("groups:group-join", args=[group.slug]) not in html


def test_facilitators_and_admins_get_the_facilitator_tools_link(client, group, admin_user):
    tools = reverse("groups:member-list", args=[group.slug])
    member = MembershipFactory(group=group).user
    client.force_login(member)
    html = page(client, group).content.decode()
    assert tools not in html
    assert reverse("groups:report-group", args=[group.slug]) in html
    facilitator = Membership.objects.get(group=group, role="facilitator").user
    client.force_login(facilitator)
    assert tools in page(client, group).content.decode()
    client.force_login(admin_user)
    assert tools in page(client, group).content.decode()


def make_big_group(group: SupportGroup, count: int) -> None:
    people = UserFactory._meta.model.objects.bulk_create(
        UserFactory.build(email=f"m{group.pk}-{n}-{count}@example.org") for n in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=person, group=group, state="active", role=["member", "facilitator"][n % 2])
        for n, person in enumerate(people)
    )
    Announcement.objects.bulk_create(
        Announcement(group=group, title=f"N{n}", body="b") for n in range(count)
    )
    SupportGroup.objects.bulk_create(
        SupportGroup(name=f"Other {group.pk}-{n}", slug=f"other-{count}-{n}") for n in range(count)
    )


@pytest.mark.parametrize("viewer", ["anonymous", "outsider", "member"])
def test_group_page_makes_as_many_queries_with_500_groups_and_members_as_with_5(
    client, group, viewer
):
    if viewer != "anonymous":
        person = UserFactory()
        if viewer == "member":
            MembershipFactory(group=group, user=person)
        client.force_login(person)
    url = reverse("groups:group-detail", args=[group.slug])
    make_big_group(group, 5)
    count_queries(client, url)
    few = count_queries(client, url)
    make_big_group(group, 495)
    many = count_queries(client, url)
    assert few == many
    assert many <= 12  # a member's: two more, their join addresses and any offer to take over


def test_the_public_group_pages_are_valid_html(client, group, tmp_path):
    from datetime import timedelta

    from groups.models import Invitation
    from tests.test_html_valid import assert_valid_html

    SupportGroup.objects.bulk_create(
        SupportGroup(name=f"Online {n:02}", slug=f"online-{n:02}") for n in range(25)
    )
    approval = SupportGroupFactory(join_policy="approval")
    invitation = Invitation.objects.create(
        group=SupportGroupFactory(join_policy="invitation"),
        expires_at=timezone.now() + timedelta(days=1),
    )
    revoked = Invitation.objects.create(
        group=group, expires_at=timezone.now() + timedelta(days=1), revoked_at=timezone.now()
    )
    directory = reverse("groups:group-list")
    detail = reverse("groups:group-detail", args=[group.slug])
    pages = {
        "directory": client.get(directory),
        "directory-filtered": client.get(directory, {"format": "online", "q": "online", "page": 2}),
        "directory-empty": client.get(directory, {"q": "nothing-at-all"}),
        "group-anonymous": client.get(detail),
        "invitation-anonymous": client.get(
            reverse("groups:invitation-accept", args=[invitation.token])
        ),
        "invitation-gone": client.get(reverse("groups:invitation-accept", args=[revoked.token])),
    }
    viewer = UserFactory()
    client.force_login(viewer)
    pages["join-open"] = client.get(reverse("groups:group-join", args=[group.slug]))
    pages["join-approval"] = client.get(reverse("groups:group-join", args=[approval.slug]))
    pages["join-refused"] = client.post(reverse("groups:group-join", args=[approval.slug]), {})
    pages["invitation"] = client.get(reverse("groups:invitation-accept", args=[invitation.token]))
    pages["group-outsider"] = client.get(detail)
    MembershipFactory(group=approval, user=viewer, state="pending")
    pages["group-pending"] = client.get(reverse("groups:group-detail", args=[approval.slug]))
    facilitator = Membership.objects.get(group=group, role="facilitator").user
    client.force_login(facilitator)
    pages["group-facilitator"] = client.get(detail)
    pages["leave-confirm"] = client.get(reverse("groups:group-leave", args=[group.slug]))
    pages["leave-refused"] = client.post(reverse("groups:group-leave", args=[group.slug]))
    expected = {"invitation-gone": 410, "join-refused": 400, "leave-refused": 400}
    for name, response in pages.items():
        assert response.status_code == expected.get(name, 200), name
    assert_valid_html({name: r.content.decode() for name, r in pages.items()}, tmp_path)

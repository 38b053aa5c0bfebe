"""The facilitator side: the dashboard, the member list and its decisions, invitations, group
settings and archiving, and who may reach each of them."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from groups.models import Announcement, Invitation, Membership, SupportGroup
from groups.services.groups import group_unique_slug
from tests.factories import (
    MembershipFactory,
    SupportGroupFactory,
    TopicFactory,
    UserFactory,
    activate_totp,
)
from tests.queries import count_queries
from tests.test_html_valid import assert_valid_html

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action
State = Membership.State


@pytest.fixture
def group(facilitator):
    group = SupportGroupFactory(name="Thursday Circle", join_policy="approval")
    MembershipFactory(user=facilitator, group=group, role="facilitator")
    return group


@pytest.fixture
def request_of(group):
    """A pending request to join `group`, with a message to the facilitators."""
    return MembershipFactory(
        group=group,
        user=UserFactory(display_name="Sam", email="sam@example.org"),
        state="pending",
        request_message="I stopped using three weeks ago.",
    )


def decide_url(group, membership, action):
    return reverse("groups:membership-decide", args=[group.slug, membership.pk, action])


def facilitator_urls(group, membership, invitation) -> list[tuple[str, str, dict]]:
    """Every facilitator URL of `group` as (method, url, data)."""
    slug = group.slug
    return [
        ("get", reverse("groups:member-list", args=[slug]), {}),
        ("get", decide_url(group, membership, "remove"), {}),
        ("post", decide_url(group, membership, "approve"), {"message": "hi"}),
        ("post", decide_url(group, membership, "decline"), {}),
        ("post", decide_url(group, membership, "remove"), {}),
        ("post", decide_url(group, membership, "promote"), {}),
        ("get", reverse("groups:invitations", args=[slug]), {}),
        ("post", reverse("groups:invitations", args=[slug]), {}),
        ("post", reverse("groups:invitation-revoke", args=[slug, invitation.pk]), {}),
        ("get", reverse("groups:group-settings", args=[slug]), {}),
        ("post", reverse("groups:group-settings", args=[slug]), {"name": "Taken over"}),
        ("get", reverse("groups:group-archive", args=[slug]), {}),
        ("post", reverse("groups:group-archive", args=[slug]), {}),
        ("get", reverse("groups:announcement-create", args=[slug]), {}),
        (
            "post",
            reverse("groups:announcement-create", args=[slug]),
            {"title": "Hello", "body": "Hi"},
        ),
    ]


def snapshot(group) -> tuple:
    group.refresh_from_db()
    return (
        group.name,
        group.state,
        tuple(group.memberships.order_by("pk").values_list("state", "role")),
        tuple(group.invitations.order_by("pk").values_list("revoked_at", flat=True)),
        group.invitations.count(),
        Announcement.objects.filter(group=group).count(),
    )


# --- decisions --------------------------------------------------------------------------------


def test_approving_a_request_makes_a_member_tells_them_and_is_audited(
    fac_client, facilitator, group, request_of, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = fac_client.post(
            decide_url(group, request_of, "approve"), {"message": "See you Thursday!"}
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("groups:member-list", args=[group.slug])
    request_of.refresh_from_db()
    assert request_of.state == State.ACTIVE
    assert request_of.decided_by == facilitator
    assert request_of.decision_message == "See you Thursday!"
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert "See you Thursday!" in mail.outbox[0].body
    event = AuditEvent.objects.get(action=Action.MEMBERSHIP_APPROVED)
    assert (event.subject, event.actor, event.details) == (
        request_of.user,
        facilitator,
        {"group": group.pk},
    )


def test_declining_a_request_tells_them_with_the_message(
    fac_client, facilitator, group, request_of, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = fac_client.post(
            decide_url(group, request_of, "decline"), {"message": "We are full for now."}
        )

    assert response.status_code == 302
    request_of.refresh_from_db()
    assert request_of.state == State.DECLINED
    assert len(mail.outbox) == 1
    assert "We are full for now." in mail.outbox[0].body
    assert AuditEvent.objects.filter(
        action=Action.MEMBERSHIP_DECLINED, actor=facilitator, subject=request_of.user
    ).exists()


def test_removing_asks_for_confirmation_first_then_removes(
    fac_client, facilitator, group, django_capture_on_commit_callbacks
):
    member = MembershipFactory(group=group, user=UserFactory(display_name="Jo"))
    url = decide_url(group, member, "remove")

    page = fac_client.get(url)
    assert page.status_code == 200
    assert "Remove Jo from the group?" in page.content.decode()
    member.refresh_from_db()
    assert member.state == State.ACTIVE  # looking at the page changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = fac_client.post(url, {"message": "Please talk to us."})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.state == State.REMOVED
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action=Action.MEMBERSHIP_REMOVED, actor=facilitator).exists()


def test_promoting_makes_a_co_facilitator_and_tells_them(
    fac_client, facilitator, group, django_capture_on_commit_callbacks
):
    member = MembershipFactory(group=group)
    with django_capture_on_commit_callbacks(execute=True):
        response = fac_client.post(decide_url(group, member, "promote"))

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_facilitator
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action=Action.MEMBERSHIP_PROMOTED, actor=facilitator).exists()


def test_removing_the_only_facilitator_is_refused_with_the_reason_and_nothing_changes(
    fac_client, facilitator, group
):
    own = Membership.objects.get(user=facilitator, group=group)
    response = fac_client.post(decide_url(group, own, "remove"))

    assert response.status_code == 400
    assert "only facilitator" in response.content.decode()
    own.refresh_from_db()
    assert own.is_facilitator
    assert not AuditEvent.objects.filter(action=Action.MEMBERSHIP_REMOVED).exists()


def test_deciding_twice_shows_the_reason_and_changes_nothing(
    fac_client, group, request_of, django_capture_on_commit_callbacks
):
    fac_client.post(decide_url(group, request_of, "decline"))
    with django_capture_on_commit_callbacks(execute=True):
        response = fac_client.post(decide_url(group, request_of, "approve"), follow=True)

    assert "already been decided" in response.content.decode()
    request_of.refresh_from_db()
    assert request_of.state == State.DECLINED
    assert mail.outbox == []


def test_an_overlong_decision_message_changes_nothing(fac_client, group, request_of):
    response = fac_client.post(
        decide_url(group, request_of, "approve"), {"message": "x" * 1001}, follow=True
    )
    assert "at most 1000 characters" in response.content.decode()
    request_of.refresh_from_db()
    assert request_of.state == State.PENDING


def test_a_membership_of_another_group_or_an_unknown_action_is_not_found(
    fac_client, group, request_of
):
    elsewhere = MembershipFactory(state="pending")
    assert fac_client.post(decide_url(group, elsewhere, "approve")).status_code == 404
    assert fac_client.post(decide_url(group, request_of, "delete")).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.state == State.PENDING


def test_a_decision_needs_a_post(fac_client, group, request_of):
    response = fac_client.get(decide_url(group, request_of, "approve"))
    assert response.status_code == 302
    request_of.refresh_from_db()
    assert request_of.state == State.PENDING


# --- who may reach the facilitator side -----------------------------------------------------


def test_a_facilitator_of_another_group_gets_403_everywhere_and_changes_nothing(client, group):
    pending = MembershipFactory(group=group, state="pending")
    invitation = Invitation.objects.create(
        group=group, expires_at=pending.created_at + Invitation.DEFAULT_LIFETIME
    )
    other = UserFactory(is_facilitator=True)
    MembershipFactory(user=other, role="facilitator")
    activate_totp(other)
    client.force_login(other)
    before = snapshot(group)

    for method, url, data in facilitator_urls(group, pending, invitation):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, (method, url)

    assert snapshot(group) == before
    assert not AuditEvent.objects.filter(action=Action.MEMBER_LIST_VIEWED).exists()


def test_a_group_the_person_cannot_see_answers_404_everywhere(client, facilitator, group):
    pending = MembershipFactory(group=group, state="pending")
    invitation = Invitation.objects.create(
        group=group, expires_at=pending.created_at + Invitation.DEFAULT_LIFETIME
    )
    group.state = SupportGroup.State.ARCHIVED
    group.save()
    other = UserFactory(is_facilitator=True)
    activate_totp(other)
    client.force_login(other)
    before = snapshot(group)

    for method, url, data in facilitator_urls(group, pending, invitation):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url)
    assert client.get(reverse("groups:member-list", args=["no-such-group"])).status_code == 404
    assert snapshot(group) == before


def test_a_member_gets_403_on_every_facilitator_url(client, member, group):
    own = MembershipFactory(user=member, group=group)
    invitation = Invitation.objects.create(
        group=group, expires_at=own.created_at + Invitation.DEFAULT_LIFETIME
    )
    activate_totp(member)
    client.force_login(member)
    before = snapshot(group)

    for method, url, data in facilitator_urls(group, own, invitation):
        assert getattr(client, method)(url, data).status_code == 403, (method, url)
    assert client.get(reverse("groups:dashboard")).status_code == 403
    assert client.get(reverse("groups:group-create")).status_code == 403
    assert snapshot(group) == before


def test_anonymous_visitors_are_sent_to_sign_in(client, group, request_of):
    for url in [
        reverse("groups:dashboard"),
        reverse("groups:group-create"),
        reverse("groups:member-list", args=[group.slug]),
        reverse("groups:visible-members", args=[group.slug]),
        reverse("groups:invitations", args=[group.slug]),
        decide_url(group, request_of, "remove"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_a_facilitator_without_a_second_factor_is_sent_to_set_one_up(
    client, facilitator, group, request_of
):
    client.force_login(facilitator)  # no authenticator app yet
    invitation = Invitation.objects.create(
        group=group, expires_at=request_of.created_at + Invitation.DEFAULT_LIFETIME
    )
    urls = [(m, u, d) for m, u, d in facilitator_urls(group, request_of, invitation)]
    urls += [("get", reverse("groups:dashboard"), {}), ("get", reverse("groups:group-create"), {})]
    before = snapshot(group)

    for method, url, data in urls:
        if "archive" in url:
            continue  # for admins only: a facilitator gets 403 there whatever their factors
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, (method, url)
        assert response["Location"] == reverse("mfa_activate_totp"), (method, url)

    assert snapshot(group) == before
    assert not AuditEvent.objects.filter(action=Action.MEMBER_LIST_VIEWED).exists()


def test_a_member_promoted_to_co_facilitator_needs_a_second_factor_too(client, group):
    co = MembershipFactory(group=group, role="facilitator")
    assert not co.user.is_facilitator  # no site-wide flag: promoted within the group
    client.force_login(co.user)
    response = client.get(reverse("groups:member-list", args=[group.slug]))
    assert response["Location"] == reverse("mfa_activate_totp")

    activate_totp(co.user)
    assert client.get(reverse("groups:member-list", args=[group.slug])).status_code == 200


# --- the member list --------------------------------------------------------------------------


def test_each_view_of_the_member_list_is_audited(fac_client, facilitator, group):
    url = reverse("groups:member-list", args=[group.slug])
    fac_client.get(url)
    fac_client.get(url)

    events = AuditEvent.objects.filter(action=Action.MEMBER_LIST_VIEWED)
    assert events.count() == 2
    event = events.first()
    assert (event.subject, event.actor, event.details) == (None, facilitator, {"group": group.pk})


def test_the_member_list_shows_names_requests_first_and_times_in_the_viewers_zone(
    fac_client, facilitator, group, request_of
):
    MembershipFactory(group=group, user=UserFactory(display_name="Avery", email="avery@x.org"))
    MembershipFactory(group=group, user=UserFactory(display_name="Blake"), state="left")
    facilitator.time_zone = "Asia/Tokyo"
    facilitator.save()

    html = fac_client.get(reverse("groups:member-list", args=[group.slug])).content.decode()

    assert html.index("Sam") < html.index("Avery") < html.index("Blake")
    assert "I stopped using three weeks ago." in html
    assert "Japan Time (Tokyo)" in html
    assert "@" not in html.replace("@example.org", "").split('id="main"')[1]  # no addresses
    assert "sam@example.org" not in html
    assert "avery@x.org" not in html


def test_an_admin_sees_the_member_list_of_any_group(client, admin_user, group, request_of):
    activate_totp(admin_user)
    client.force_login(admin_user)
    response = client.get(reverse("groups:member-list", args=[group.slug]))
    assert response.status_code == 200
    assert "Sam" in response.content.decode()


def _add_members(group, n: int) -> None:
    for i in range(n):
        MembershipFactory(group=group, state="pending" if i % 4 == 0 else "active")


def _query_count(client, url) -> int:
    return count_queries(client, url)  # rendered afresh: the dashboard is kept per person


def test_the_member_list_makes_as_many_queries_with_5_members_as_with_200(fac_client, group):
    url = reverse("groups:member-list", args=[group.slug])
    _add_members(group, 5)
    small = _query_count(fac_client, url)
    _add_members(group, 195)
    assert _query_count(fac_client, url) == small
    assert small <= 10


def test_the_dashboard_makes_as_many_queries_with_5_members_as_with_200(
    fac_client, facilitator, group
):
    url = reverse("groups:dashboard")
    _add_members(group, 5)
    small = _query_count(fac_client, url)
    _add_members(group, 195)
    for _ in range(3):
        another = SupportGroupFactory()
        MembershipFactory(user=facilitator, group=another, role="facilitator")
        _add_members(another, 10)
    assert _query_count(fac_client, url) == small
    assert small <= 8


def test_the_dashboard_lists_my_groups_with_their_waiting_requests(
    fac_client, facilitator, group, request_of
):
    MembershipFactory(group=group)
    SupportGroupFactory(name="Someone else's group")

    response = fac_client.get(reverse("groups:dashboard"))

    assert response.status_code == 200
    groups = response.context["groups"]
    assert [(g.name, g.pending_count, g.active_member_count) for g in groups] == [
        ("Thursday Circle", 1, 2)
    ]
    html = response.content.decode()
    assert "Someone else" not in html
    assert reverse("groups:member-list", args=[group.slug]) in html
    assert "1 request is waiting" in html


def test_an_admin_is_pointed_to_the_admin_on_the_dashboard(client, admin_user):
    SupportGroupFactory(name="Not theirs")
    activate_totp(admin_user)
    client.force_login(admin_user)
    html = client.get(reverse("groups:dashboard")).content.decode()
    assert reverse("admin:support_groups_supportgroup_changelist") in html
    assert "Not theirs" not in html


# --- what members see of each other ---------------------------------------------------------


def test_members_see_only_the_facilitators_and_those_who_chose_to_be_seen(
    client, member, group, facilitator
):
    MembershipFactory(user=member, group=group)
    val = UserFactory(display_name="Visible Val", name_visible_to_members=True)
    MembershipFactory(group=group, user=val)
    MembershipFactory(group=group, user=UserFactory(display_name="Hidden Hal"))
    hidden_pending = UserFactory(display_name="Pending Pat", name_visible_to_members=True)
    MembershipFactory(group=group, user=hidden_pending, state="pending")
    client.force_login(member)

    response = client.get(reverse("groups:visible-members", args=[group.slug]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Robin" in html and "Visible Val" in html
    assert "Hidden Hal" not in html
    assert "Pending Pat" not in html
    # Morgan (the viewer) has not opted in either: two members are not listed.
    assert "2 other members have chosen not to be listed" in html
    assert not AuditEvent.objects.filter(action=Action.MEMBER_LIST_VIEWED).exists()


def test_the_people_page_is_for_active_members(client, member, outsider, group):
    url = reverse("groups:visible-members", args=[group.slug])
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    MembershipFactory(user=member, group=group, state="pending")
    client.force_login(member)
    assert client.get(url).status_code == 403
    group.state = SupportGroup.State.ARCHIVED
    group.save()
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_the_people_page_makes_as_many_queries_with_5_members_as_with_200(client, member, group):
    MembershipFactory(user=member, group=group)
    client.force_login(member)
    url = reverse("groups:visible-members", args=[group.slug])
    _add_members(group, 5)
    small = _query_count(client, url)
    _add_members(group, 195)
    assert _query_count(client, url) == small


# --- invitations ------------------------------------------------------------------------------


def test_invitations_are_created_listed_with_their_link_and_revoked(fac_client, group, settings):
    url = reverse("groups:invitations", args=[group.slug])
    response = fac_client.post(url)
    assert response.status_code == 302
    invitation = Invitation.objects.get(group=group)

    html = fac_client.get(url).content.decode()
    link = settings.SITE_URL + reverse("groups:invitation-accept", args=[invitation.token])
    assert link in html

    response = fac_client.post(
        reverse("groups:invitation-revoke", args=[group.slug, invitation.pk])
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    html = fac_client.get(url).content.decode()
    assert link not in html
    assert "Withdrawn" in html


def test_an_invitation_of_another_group_cannot_be_revoked(fac_client, group):
    elsewhere = SupportGroupFactory()
    invitation = Invitation.objects.create(
        group=elsewhere, expires_at=elsewhere.created_at + Invitation.DEFAULT_LIFETIME
    )
    response = fac_client.post(
        reverse("groups:invitation-revoke", args=[group.slug, invitation.pk])
    )
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# --- creating a group and its settings -------------------------------------------------------


def group_data(**overrides) -> dict:
    data = {
        "name": "Sunday Evening Circle",
        "description": "We listen.",
        "audience": "recovery",
        "format": "online",
        "time_zone": "America/Chicago",
        "online_url": "https://meet.example.org/sunday",
        "join_policy": "approval",
        "listed": "on",
    }
    return {**data, **overrides}


def test_an_approved_facilitator_starts_a_group_and_is_its_first_facilitator(
    fac_client, facilitator
):
    topic = TopicFactory(slug="ketamine", name="Ketamine")
    response = fac_client.post(
        reverse("groups:group-create"), group_data(topics=[topic.pk], member_limit="12")
    )

    group = SupportGroup.objects.get(name="Sunday Evening Circle")
    assert response.status_code == 302
    assert response["Location"] == reverse("groups:group-detail", args=[group.slug])
    assert list(group.topics.all()) == [topic]
    assert group.member_limit == 12
    assert group.created_by == facilitator
    assert Membership.objects.get(group=group, user=facilitator).is_facilitator


def test_only_approved_facilitators_start_groups(client, member):
    activate_totp(member)
    client.force_login(member)
    assert client.get(reverse("groups:group-create")).status_code == 403
    assert client.post(reverse("groups:group-create"), group_data()).status_code == 403
    assert not SupportGroup.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("name", "n" * 81, "at most 80 characters"),
        ("description", "d" * 5001, "at most 5000 characters"),
        ("name", "   ", "This field is required"),
        ("time_zone", "Mars/Olympus", "time zone"),
    ],
)
def test_bad_group_settings_are_form_errors(fac_client, field, value, error):
    response = fac_client.post(reverse("groups:group-create"), group_data(**{field: value}))
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not SupportGroup.objects.exists()


def test_the_description_is_stored_as_written_and_shown_sanitised(fac_client):
    evil = (
        "Hello **friends**\n\n<script>alert('x')</script>\n\n"
        '[click me](javascript:alert(1)) <a href="javascript:alert(2)">there</a>'
        ' <img src=x onerror="alert(3)">'
    )
    fac_client.post(reverse("groups:group-create"), group_data(description=evil))
    group = SupportGroup.objects.get()
    assert group.description == evil

    html = fac_client.get(reverse("groups:group-detail", args=[group.slug])).content.decode()
    assert "<strong>friends</strong>" in html
    assert "<script>alert" not in html
    assert "javascript:" not in html
    assert "onerror" not in html


def test_facilitators_change_the_settings(fac_client, group):
    slug = group.slug
    url = reverse("groups:group-settings", args=[slug])
    assert fac_client.get(url).status_code == 200
    response = fac_client.post(
        url,
        group_data(
            name="Thursday Circle (Chicago)",
            format="hybrid",
            city="Chicago",
            country="us",
            join_policy="open",
        ),
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.format, group.city, group.country, group.join_policy) == (
        "Thursday Circle (Chicago)",
        "hybrid",
        "Chicago",
        "US",
        "open",
    )
    assert group.slug == slug  # the address stays, so shared links keep working


def test_a_rejected_settings_form_changes_nothing(fac_client, group):
    url = reverse("groups:group-settings", args=[group.slug])
    response = fac_client.post(url, group_data(name="x" * 81, city="Nowhere"))
    assert response.status_code == 400
    group.refresh_from_db()
    assert group.name == "Thursday Circle"
    assert group.city == ""


def test_a_group_named_like_a_fixed_path_gets_another_address():
    assert group_unique_slug("New") == "new-2"
    assert group_unique_slug("Invite") == "invite-2"


# --- archiving --------------------------------------------------------------------------------


def test_an_admin_archives_a_group_after_confirming(client, admin_user, group):
    activate_totp(admin_user)
    client.force_login(admin_user)
    url = reverse("groups:group-archive", args=[group.slug])
    assert client.get(url).status_code == 200
    group.refresh_from_db()
    assert group.is_active

    response = client.post(url)
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.state == SupportGroup.State.ARCHIVED
    event = AuditEvent.objects.get(action=Action.GROUP_ARCHIVED)
    assert (event.actor, event.details) == (admin_user, {"group": group.pk})


def test_facilitators_cannot_archive(fac_client, group):
    url = reverse("groups:group-archive", args=[group.slug])
    assert fac_client.get(url).status_code == 403
    assert fac_client.post(url).status_code == 403
    group.refresh_from_db()
    assert group.is_active


# --- valid HTML -------------------------------------------------------------------------------


def test_every_facilitator_page_is_valid_html(fac_client, facilitator, group, request_of, tmp_path):
    MembershipFactory(group=group, user=UserFactory(display_name="Avery"))
    fac_client.post(reverse("groups:invitations", args=[group.slug]))
    slug = group.slug
    pages = {
        "dashboard": reverse("groups:dashboard"),
        "members": reverse("groups:member-list", args=[slug]),
        "remove": decide_url(group, Membership.objects.get(user__display_name="Avery"), "remove"),
        "people": reverse("groups:visible-members", args=[slug]),
        "invitations": reverse("groups:invitations", args=[slug]),
        "settings": reverse("groups:group-settings", args=[slug]),
        "create": reverse("groups:group-create"),
        "announce": reverse("groups:announcement-create", args=[slug]),
        "report-group": reverse("groups:report-group", args=[slug]),
        "handover": reverse("groups:handover", args=[slug]),
    }
    # Issue 20's pages: a meeting's hosting page, and an offer seen by the member it is for.
    from groups.handovers import handover_offer
    from tests.factories import MeetingFactory

    meeting = MeetingFactory(series__group=group)
    pages["hosting"] = reverse("groups:meeting-hosting", args=[slug, meeting.pk])
    avery = Membership.objects.get(user__display_name="Avery").user
    offer = handover_offer(group=group, by=facilitator, to=avery, message="Yours?")
    html = {name: fac_client.get(url).content.decode() for name, url in pages.items()}
    html["handover-refused"] = fac_client.post(
        reverse("groups:handover", args=[slug]), {"to": "", "message": "Kept"}
    ).content.decode()
    offer_client = Client()
    offer_client.force_login(avery)
    html["offer"] = offer_client.get(
        reverse("groups:handover-answer", args=[slug, offer.pk])
    ).content.decode()
    html["create-errors"] = fac_client.post(
        reverse("groups:group-create"), group_data(name="")
    ).content.decode()
    html["report-sent"] = fac_client.post(
        reverse("groups:report-group", args=[slug]), {"reason": "other", "text": "Hm."}
    ).content.decode()
    assert_valid_html(html, tmp_path)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("A" * 80, "This does not read as a name"),
        ("Zzzzzzzz circle", "This does not read as a name"),
        ("12345 !!!", "name needs letters"),
        ("---", "name needs letters"),
    ],
)
def test_a_nonsense_group_name_is_refused_with_a_clear_message(fac_client, name, message):
    response = fac_client.post(reverse("groups:group-create"), group_data(name=name))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "We listen." in page  # nothing typed is lost
    assert not SupportGroup.objects.filter(name=name).exists()


def test_a_group_link_pasted_with_spaces_gets_the_link_without_them(fac_client):
    response = fac_client.post(
        reverse("groups:group-create"), group_data(online_url="https://zoom.us/j/123 456 789")
    )
    assert response.status_code == 400
    assert "the link is https://zoom.us/j/123456789" in response.content.decode()
    assert not SupportGroup.objects.filter(name="Sunday Evening Circle").exists()

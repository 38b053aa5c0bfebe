"""Joining (open, approval, invitation), leaving, and every way it can be refused."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from groups.models import Invitation, Membership
from groups.services.memberships import MembershipError, membership_join
from tests.factories import MembershipFactory, SupportGroupFactory

pytestmark = pytest.mark.django_db

ACCEPT = {"accept_conduct": "on"}


def join_url(group) -> str:
    return reverse("groups:group-join", args=[group.slug])


def leave_url(group) -> str:
    return reverse("groups:group-leave", args=[group.slug])


def detail_url(group) -> str:
    return reverse("groups:group-detail", args=[group.slug])


def invite(group, **kwargs) -> Invitation:
    return Invitation.objects.create(
        group=group, expires_at=timezone.now() + timedelta(days=14), **kwargs
    )


def invite_url(invitation: Invitation) -> str:
    return reverse("groups:invitation-accept", args=[invitation.token])


def text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def signed_in(client, member):
    client.force_login(member)
    return client


# --- joining ----------------------------------------------------------------------------


def test_joining_needs_an_account(client):
    group = SupportGroupFactory()
    response = client.get(join_url(group))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    client.post(join_url(group), ACCEPT)
    assert not Membership.objects.exists()


def test_the_join_page_shows_the_code_of_conduct_and_the_checkbox(signed_in):
    group = SupportGroupFactory(code_of_conduct_extra="Cameras **on**, please.")
    html = text(signed_in.get(join_url(group)))
    assert "Code of conduct" in html
    assert "Cameras <strong>on</strong>, please." in html
    assert "I have read the code of conduct and will keep it" in html
    assert 'name="message"' not in html  # open groups ask nothing more


def test_joining_an_open_group_makes_an_active_member_at_once(
    signed_in, member, django_capture_on_commit_callbacks
):
    group = SupportGroupFactory(name="Open circle", join_policy="open")
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(join_url(group), ACCEPT, follow=True)
    assert response.redirect_chain == [(detail_url(group), 302)]
    membership = Membership.objects.get(user=member, group=group)
    assert membership.state == Membership.State.ACTIVE
    assert membership.role == Membership.Role.MEMBER
    assert membership.conduct_accepted_at is not None
    html = text(response)
    assert "Welcome to Open circle" in html
    assert "You're a member" in html
    assert group.online_url not in html  # members reach it by their own join addresses
    # And a welcome by e-mail: what happens next, how to leave (discreet: a neutral subject).
    [welcome] = mail.outbox
    assert welcome.to == [member.email]
    assert welcome.subject == "Kinship: Welcome: you have joined"
    assert "What happens next" in welcome.body
    assert reverse("groups:group-leave", args=[group.slug]) in welcome.body


def test_asking_to_join_an_approval_group_waits_with_the_message(
    signed_in, member, django_capture_on_commit_callbacks
):
    group = SupportGroupFactory(name="Careful circle", join_policy="approval")
    MembershipFactory(group=group, role="facilitator")
    assert 'name="message"' in text(signed_in.get(join_url(group)))
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            join_url(group), {**ACCEPT, "message": "  I'm two weeks in.  "}, follow=True
        )
    membership = Membership.objects.get(user=member, group=group)
    assert membership.state == Membership.State.PENDING
    assert membership.request_message == "I'm two weeks in."
    html = text(response)
    assert "Your request was sent to the facilitators of Careful circle" in html
    assert "Your request is waiting for a facilitator" in html
    assert group.online_url not in html
    # The member hears that the request was passed on, and the facilitator that it waits.
    assert sorted(message.subject for message in mail.outbox) == [
        "Kinship: Someone asks to join",
        "Kinship: Your request was sent",
    ]


def test_not_accepting_the_code_of_conduct_is_refused_and_changes_nothing(signed_in):
    group = SupportGroupFactory()
    response = signed_in.post(join_url(group), {})
    assert response.status_code == 400
    assert "Please read the code of conduct and tick the box." in text(response)
    assert 'aria-invalid="true"' in text(response)
    assert not Membership.objects.exists()


def test_joining_twice_is_harmless(signed_in, member):
    group = SupportGroupFactory(name="Open circle")
    signed_in.post(join_url(group), ACCEPT)
    first = Membership.objects.get()
    response = signed_in.post(join_url(group), ACCEPT, follow=True)
    assert response.status_code == 200
    assert "You're already a member of Open circle" in text(response)
    again = Membership.objects.get()
    assert (again.pk, again.state, again.conduct_accepted_at) == (
        first.pk,
        first.state,
        first.conduct_accepted_at,
    )


def test_asking_twice_keeps_one_request(signed_in, member):
    group = SupportGroupFactory(join_policy="approval")
    signed_in.post(join_url(group), {**ACCEPT, "message": "first"})
    signed_in.post(join_url(group), {**ACCEPT, "message": "second"})
    membership = Membership.objects.get()
    assert membership.state == Membership.State.PENDING
    assert membership.request_message == "first"


def test_a_member_opening_the_join_page_is_sent_to_the_group_page(signed_in, member):
    group = SupportGroupFactory()
    MembershipFactory(group=group, user=member)
    response = signed_in.get(join_url(group))
    assert response.status_code == 302
    assert response["Location"] == detail_url(group)


def test_joining_a_full_group_says_so_and_changes_nothing(signed_in, member):
    group = SupportGroupFactory(member_limit=2)
    MembershipFactory.create_batch(2, group=group)
    response = signed_in.post(join_url(group), ACCEPT)
    assert response.status_code == 400
    assert "This group is full at the moment" in text(response)
    assert not Membership.objects.filter(user=member).exists()
    assert Membership.objects.filter(group=group, state="active").count() == 2


def test_a_removed_member_cannot_rejoin(signed_in, member):
    group = SupportGroupFactory()
    MembershipFactory(group=group, user=member, state="removed")
    response = signed_in.post(join_url(group), ACCEPT)
    assert response.status_code == 400
    assert "A facilitator removed you from this group" in text(response)
    assert Membership.objects.get(user=member).state == "removed"


def test_an_invitation_only_group_cannot_be_joined_without_an_invitation(signed_in, member):
    group = SupportGroupFactory(join_policy="invitation")
    assert signed_in.get(join_url(group)).status_code == 302  # the group page explains
    response = signed_in.post(join_url(group), ACCEPT)
    assert response.status_code == 400
    assert "This group is by invitation only" in text(response)
    assert not Membership.objects.exists()


def test_nobody_can_join_an_archived_group_nor_learn_it_exists(signed_in):
    group = SupportGroupFactory(state="archived")
    assert signed_in.get(join_url(group)).status_code == 404
    assert signed_in.post(join_url(group), ACCEPT).status_code == 404
    assert not Membership.objects.exists()


def test_a_member_who_left_can_join_an_open_group_again(signed_in, member):
    group = SupportGroupFactory()
    MembershipFactory(group=group, user=member, state="left")
    signed_in.post(join_url(group), ACCEPT)
    assert Membership.objects.get(user=member).state == "active"


# --- invitations --------------------------------------------------------------------------


def test_an_invitation_shows_the_group_and_asks_a_visitor_to_sign_in(client):
    group = SupportGroupFactory(name="Friends only", join_policy="invitation", listed=False)
    invitation = invite(group)
    response = client.get(invite_url(invitation))
    html = text(response)
    assert response.status_code == 200
    assert "Friends only" in html
    assert f"/accounts/login/?next={invite_url(invitation)}" in html
    response = client.post(invite_url(invitation), ACCEPT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Membership.objects.exists()


def test_a_valid_invitation_joins_an_invitation_only_group(signed_in, member):
    group = SupportGroupFactory(name="Friends only", join_policy="invitation")
    invitation = invite(group)
    assert "I have read the code of conduct" in text(signed_in.get(invite_url(invitation)))
    response = signed_in.post(invite_url(invitation), ACCEPT, follow=True)
    assert response.redirect_chain == [(detail_url(group), 302)]
    assert "Welcome to Friends only" in text(response)
    assert Membership.objects.get(user=member, group=group).state == "active"
    invitation.refresh_from_db()
    assert invitation.uses == 1


def test_an_invitation_to_an_approval_group_skips_the_wait(signed_in, member):
    group = SupportGroupFactory(join_policy="approval")
    signed_in.post(invite_url(invite(group)), ACCEPT)
    assert Membership.objects.get(user=member).state == "active"


def test_an_invitation_needs_the_code_of_conduct_accepted(signed_in):
    invitation = invite(SupportGroupFactory(join_policy="invitation"))
    response = signed_in.post(invite_url(invitation), {})
    assert response.status_code == 400
    assert not Membership.objects.exists()


@pytest.mark.parametrize("why", ["expired", "revoked", "archived"])
def test_an_unusable_invitation_gets_a_clear_410_page(signed_in, why):
    group = SupportGroupFactory(name="Friends only", join_policy="invitation")
    invitation = invite(group)
    if why == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    elif why == "revoked":
        Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    else:
        group.state = "archived"
        group.save()
    for response in [
        signed_in.get(invite_url(invitation)),
        signed_in.post(invite_url(invitation), ACCEPT),
    ]:
        assert response.status_code == 410
        html = text(response)
        assert "This invitation can no longer be used" in html
        assert "Friends only" not in html
    assert not Membership.objects.exists()


def test_an_unknown_invitation_token_is_404(signed_in):
    response = signed_in.get(reverse("groups:invitation-accept", args=["not-a-real-token"]))
    assert response.status_code == 404


def test_another_groups_invitation_does_not_open_this_group(signed_in, member):
    closed = SupportGroupFactory(join_policy="invitation")
    other = SupportGroupFactory(join_policy="invitation")
    invitation = invite(other)
    # The token belongs to `other`: it joins that group, never `closed`.
    signed_in.post(invite_url(invitation), ACCEPT)
    assert list(Membership.objects.values_list("group_id", flat=True)) == [other.pk]
    response = signed_in.post(join_url(closed), {**ACCEPT, "invitation": invitation.token})
    assert response.status_code == 400
    # Nor does the service accept it for the wrong group.
    with pytest.raises(MembershipError, match="by invitation only"):
        membership_join(user=member, group=closed, accept_conduct=True, invitation=invitation)
    assert not Membership.objects.filter(group=closed).exists()


def test_a_member_following_an_invitation_again_lands_on_the_group_page(signed_in, member):
    group = SupportGroupFactory(join_policy="invitation")
    MembershipFactory(group=group, user=member)
    invitation = invite(group)
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    response = signed_in.get(invite_url(invitation))
    assert response.status_code == 302
    assert response["Location"] == detail_url(group)


# --- leaving ------------------------------------------------------------------------------


def test_leaving_asks_for_confirmation_first(signed_in, member):
    group = SupportGroupFactory(name="Open circle")
    MembershipFactory(group=group, user=member)
    response = signed_in.get(leave_url(group))
    assert response.status_code == 200
    assert "Leave Open circle?" in text(response)
    assert Membership.objects.get(user=member).state == "active"


def test_a_member_leaves_and_loses_the_members_only_details(signed_in, member):
    group = SupportGroupFactory(name="Open circle")
    MembershipFactory(group=group, user=member)
    response = signed_in.post(leave_url(group), follow=True)
    assert response.redirect_chain == [(detail_url(group), 302)]
    html = text(response)
    assert "You left Open circle" in html
    assert group.online_url not in html
    assert Membership.objects.get(user=member).state == "left"


def test_a_pending_request_can_be_withdrawn(signed_in, member):
    group = SupportGroupFactory(name="Careful circle", join_policy="approval")
    MembershipFactory(group=group, user=member, state="pending")
    response = signed_in.post(leave_url(group), follow=True)
    assert "Your request to join Careful circle is withdrawn" in text(response)
    assert Membership.objects.get(user=member).state == "left"


def test_the_last_facilitator_cannot_leave_and_is_told_why(signed_in, member):
    group = SupportGroupFactory()
    MembershipFactory(group=group, user=member, role="facilitator")
    response = signed_in.post(leave_url(group))
    assert response.status_code == 400
    assert "You are this group's only facilitator" in text(response)
    membership = Membership.objects.get(user=member)
    assert (membership.state, membership.role) == ("active", "facilitator")


def test_a_facilitator_with_a_co_facilitator_can_leave(signed_in, member):
    group = SupportGroupFactory()
    MembershipFactory(group=group, user=member, role="facilitator")
    MembershipFactory(group=group, role="facilitator")
    assert signed_in.post(leave_url(group)).status_code == 302
    assert Membership.objects.get(user=member).state == "left"


def test_someone_not_in_the_group_has_nothing_to_leave(signed_in, member):
    group = SupportGroupFactory()
    response = signed_in.post(leave_url(group))
    assert response.status_code == 302
    assert not Membership.objects.exists()


def test_a_member_can_leave_an_archived_group_and_lands_on_the_directory(signed_in, member):
    group = SupportGroupFactory(state="archived")
    MembershipFactory(group=group, user=member)
    response = signed_in.post(leave_url(group))
    assert response["Location"] == reverse("groups:group-list")
    assert Membership.objects.get(user=member).state == "left"


@pytest.mark.django_db
def test_an_invitation_lets_in_someone_whose_request_was_still_waiting(member, facilitator):
    from groups.models import Membership, SupportGroup
    from groups.services.groups import group_create, invitation_create
    from groups.services.memberships import membership_join

    group = group_create(
        creator=facilitator,
        fields={"name": "Quiet Hour", "join_policy": SupportGroup.JoinPolicy.APPROVAL},
    )
    assert membership_join(user=member, group=group, accept_conduct=True).state == "pending"
    invitation = invitation_create(group=group, by=facilitator)

    membership = membership_join(
        user=member, group=group, accept_conduct=True, invitation=invitation
    )

    assert membership.state == Membership.State.ACTIVE
    assert Membership.objects.filter(user=member, group=group).count() == 1

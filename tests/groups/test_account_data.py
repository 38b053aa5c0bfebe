"""The groups side of an account's export and deletion."""

import json

import pytest
from django.core.exceptions import ValidationError

from accounts.services.exports import export_payload
from accounts.services.users import user_delete, user_deletion_blockers
from groups.models import Membership, SupportGroup
from groups.services.groups import group_create
from groups.services.memberships import membership_join, membership_promote


@pytest.fixture
def group(facilitator):
    return group_create(
        creator=facilitator,
        fields={"name": "Tuesday Evening Circle", "join_policy": SupportGroup.JoinPolicy.OPEN},
    )


@pytest.mark.django_db
def test_the_only_facilitator_is_told_to_hand_over_before_deleting(facilitator, group):
    blockers = user_deletion_blockers(user=facilitator)
    assert len(blockers) == 1
    assert "only facilitator of “Tuesday Evening Circle”" in blockers[0]
    with pytest.raises(ValidationError):
        user_delete(user=facilitator)
    facilitator.refresh_from_db()
    assert facilitator.is_active


@pytest.mark.django_db
def test_with_a_co_facilitator_the_facilitator_may_delete(facilitator, member, group):
    membership = membership_join(user=member, group=group, accept_conduct=True)
    membership_promote(membership=membership, by=facilitator)
    assert user_deletion_blockers(user=facilitator) == []


@pytest.mark.django_db
def test_deleting_an_account_ends_its_memberships_but_keeps_the_groups_history(
    facilitator, member, group
):
    membership_join(user=member, group=group, accept_conduct=True, message="hello")
    user_delete(user=member)

    membership = Membership.objects.get(group=group, user=member)
    assert membership.state == Membership.State.LEFT
    assert membership.user.display_name == "Former member"
    assert group.memberships.filter(state=Membership.State.ACTIVE).count() == 1


@pytest.mark.django_db
def test_the_export_lists_the_persons_memberships(member, group):
    membership_join(user=member, group=group, accept_conduct=True)
    payload = json.loads(json.dumps(export_payload(user=member), default=str))
    assert payload["memberships"][0]["group"] == "Tuesday Evening Circle"
    assert payload["memberships"][0]["state"] == "active"

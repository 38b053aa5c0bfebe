"""The audit trail's address comes from the request being served, whichever service records
the event: services take no request, and events recorded outside a request carry none."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from accounts.services.audit import audit_record
from groups.services.memberships import membership_approve
from tests.factories import MembershipFactory, SupportGroupFactory, UserFactory, activate_totp

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action


@pytest.fixture
def pending(facilitator):
    group = SupportGroupFactory(join_policy="approval")
    MembershipFactory(user=facilitator, group=group, role="facilitator")
    return MembershipFactory(group=group, user=UserFactory(), state="pending")


def test_a_facilitators_decision_is_recorded_with_the_address_it_came_from(
    client, facilitator, pending
):
    activate_totp(facilitator)
    client.force_login(facilitator)
    url = reverse("groups:membership-decide", args=[pending.group.slug, pending.pk, "approve"])
    response = client.post(url, {"message": ""}, REMOTE_ADDR="203.0.113.40")
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=Action.MEMBERSHIP_APPROVED)
    assert (event.actor, event.ip_address) == (facilitator, "203.0.113.40")


def test_an_event_recorded_outside_any_request_has_no_address(facilitator, pending):
    membership_approve(membership=pending, by=facilitator)
    assert AuditEvent.objects.get(action=Action.MEMBERSHIP_APPROVED).ip_address is None


def test_the_address_does_not_outlive_its_request(client, member):
    client.force_login(member)
    client.get(reverse("accounts:profile"), REMOTE_ADDR="203.0.113.41")
    assert audit_record(action=Action.PROFILE_CHANGED, subject=member).ip_address is None

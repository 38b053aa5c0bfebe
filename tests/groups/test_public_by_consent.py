"""What visitors see of a group is what its people chose to show: a facilitator's name only
if that facilitator chose it (asked when promoted), a series' notes only if its facilitators
marked them public; a cancellation's reason is for members."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.urls import reverse

from groups.services.meetings import meeting_cancel, meetings_extend
from groups.services.memberships import membership_promote
from tests.factories import (
    MeetingSeriesFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOTES = "Bring your story of the week; the side door is open after 19:00."
REASON = "Robin is in hospital this week."


@pytest.fixture
def group():
    group = SupportGroupFactory(name="Harbour Circle", city="Austin", region="TX")
    MembershipFactory(group=group, role="facilitator", user=UserFactory(display_name="Robin F"))
    return group


def group_page(client, group) -> str:
    return client.get(reverse("groups:group-detail", args=[group.slug])).content.decode()


def test_a_promoted_member_is_named_to_visitors_only_once_they_choose_it(
    client, group, django_capture_on_commit_callbacks
):
    robin = group.memberships.get(role="facilitator").user
    sam = MembershipFactory(group=group, user=UserFactory(display_name="Sam Quietly")).user
    with django_capture_on_commit_callbacks(execute=True):
        membership_promote(membership=group.memberships.get(user=sam), by=robin)

    assert "Sam Quietly" not in group_page(client, group)
    assert "a facilitator, a facilitator" in " ".join(group_page(client, group).split())
    [promoted] = [m for m in mail.outbox if m.to == [sam.email]]
    assert "Show my name to visitors as a facilitator" in promoted.body
    client.force_login(MembershipFactory(group=group).user)
    assert "Sam Quietly" in group_page(client, group)  # members always see their names

    client.force_login(sam)
    url = reverse("groups:facilitator-name", args=[group.slug])
    response = client.post(url, {"name_public": "on"}, follow=True)
    assert "now see your name" in response.content.decode()
    client.logout()
    assert "Sam Quietly" in group_page(client, group)
    client.force_login(sam)
    client.post(url, {})  # unticked
    client.logout()
    assert "Sam Quietly" not in group_page(client, group)


def test_only_a_facilitator_chooses_for_themselves(client, group):
    url = reverse("groups:facilitator-name", args=[group.slug])
    member = MembershipFactory(group=group).user
    client.force_login(member)
    assert client.post(url, {"name_public": "on"}).status_code == 403
    other = SupportGroupFactory()
    elsewhere = MembershipFactory(group=other, role="facilitator").user
    client.force_login(elsewhere)
    assert client.post(url, {"name_public": "on"}).status_code == 403
    assert not group.memberships.filter(name_public=True).exists()
    client.force_login(group.memberships.get(role="facilitator").user)
    assert client.get(url).status_code == 405
    client.logout()
    assert client.post(url, {"name_public": "on"}).status_code == 302  # to sign in


def test_notes_and_a_cancellations_reason_are_for_members_unless_marked_public(client, group):
    series = MeetingSeriesFactory(group=group, notes=NOTES)
    meetings_extend(series=series)
    first, second = series.meetings.order_by("starts_at")[:2]
    meeting_cancel(meeting=first, reason=REASON)
    pages = [reverse("groups:meeting-detail", args=[group.slug, m.pk]) for m in (first, second)]

    def seen(viewer=None) -> str:
        client.logout()
        if viewer:
            client.force_login(viewer)
        return "".join(client.get(page).content.decode() for page in pages)

    feed = reverse("groups:meeting-guide-feed")
    assert NOTES not in seen() and REASON not in seen()
    assert "notes" not in json.loads(client.get(feed).content)[0]
    member = MembershipFactory(group=group).user
    assert NOTES in seen(member) and REASON in seen(member)

    series.notes_public = True
    series.save()
    assert NOTES in seen() and REASON not in seen()
    assert json.loads(client.get(feed).content)[0]["notes"] == NOTES

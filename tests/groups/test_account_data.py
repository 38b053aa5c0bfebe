"""The groups side of an account's export and deletion."""

import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.services.exports import export_payload
from accounts.services.users import user_delete, user_deletion_blockers
from groups.models import (
    Attendance,
    AttendanceLetter,
    CalendarFeed,
    Membership,
    Rsvp,
    SupportGroup,
)
from groups.services.groups import group_create
from groups.services.memberships import membership_join, membership_promote
from groups.services.rsvps import rsvp_answer
from tests.factories import MeetingFactory, MeetingSeriesFactory


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


@pytest.fixture
def full_meeting(facilitator, group):
    """A meeting with one place: the member has it, another person waits."""
    return MeetingFactory(series=MeetingSeriesFactory(group=group, rsvp_limit=1))


@pytest.mark.django_db
def test_deleting_an_account_gives_its_places_to_the_people_waiting_and_ends_its_letters(
    member, outsider, group, full_meeting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for person in (member, outsider):
            membership_join(user=person, group=group, accept_conduct=True)
            rsvp_answer(user=person, meeting=full_meeting, going=True)
    mail.outbox.clear()  # the welcomes
    address = member.email
    CalendarFeed.objects.create(user=member)
    letter = AttendanceLetter.objects.create(
        user=member,
        display_name="Sam",
        date_from="2026-01-01",
        date_to="2026-02-01",
        time_zone="UTC",
    )
    Attendance.objects.create(meeting=full_meeting, user=member)
    with django_capture_on_commit_callbacks(execute=True):
        user_delete(user=member)
    assert Rsvp.objects.get(meeting=full_meeting, user=outsider).answer == "going"
    assert not Rsvp.objects.filter(user=member).exists()
    # The place goes to the person waiting; the deleted account's address hears it is done.
    assert sorted(m.to for m in mail.outbox) == sorted([[outsider.email], [address]])
    assert not AttendanceLetter.objects.filter(pk=letter.pk).exists()
    assert not CalendarFeed.objects.filter(user=member).exists()
    assert Attendance.objects.filter(meeting=full_meeting).count() == 1  # the group's count


@pytest.mark.django_db
def test_the_export_lists_meeting_answers_attendance_and_letters(member, group, full_meeting):
    membership_join(user=member, group=group, accept_conduct=True)
    rsvp_answer(user=member, meeting=full_meeting, going=True)
    Attendance.objects.create(meeting=full_meeting, user=member)
    AttendanceLetter.objects.create(
        user=member,
        display_name="Sam",
        date_from="2026-01-01",
        date_to="2026-02-01",
        time_zone="UTC",
    )
    payload = json.loads(json.dumps(export_payload(user=member), default=str))
    assert payload["rsvps"][0]["answer"] == "going"
    assert payload["rsvps"][0]["group"] == "Tuesday Evening Circle"
    assert payload["attendance"][0]["group"] == "Tuesday Evening Circle"
    assert payload["attendance_letters"][0]["from"] == "2026-01-01"


@pytest.mark.django_db
def test_saved_resources_are_in_the_export_and_go_with_the_account(member):
    from resources.models import Bookmark, Resource

    resource = Resource.objects.create(
        title="Cravings", slug="cravings", summary="When cravings come.", state="published"
    )
    Bookmark.objects.create(user=member, resource=resource)
    payload = json.loads(json.dumps(export_payload(user=member), default=str))
    assert [b["title"] for b in payload["bookmarks"]] == ["Cravings"]
    user_delete(user=member)
    assert not Bookmark.objects.exists()

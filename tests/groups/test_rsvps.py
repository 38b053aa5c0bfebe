"""Answering for a meeting: places, the waiting list in order, promotion when a place frees
up, and who may answer at all."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from groups.meetings.recurrence import Recurrence
from groups.models import Rsvp
from groups.services.errors import MeetingError
from groups.services.meetings import meeting_cancel, series_update
from groups.services.memberships import membership_leave, membership_remove
from groups.services.rsvps import rsvp_answer
from tests.factories import (
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    """A meeting with two places, a week from now."""
    group = SupportGroupFactory(name="Evening Circle")
    MembershipFactory(group=group, role="facilitator")
    return MeetingFactory(series=MeetingSeriesFactory(group=group, rsvp_limit=2))


def members(meeting, count):
    people = UserFactory.create_batch(count)
    for person in people:
        MembershipFactory(user=person, group=meeting.group)
    return people


def answers(meeting):
    return {rsvp.user_id: rsvp.answer for rsvp in Rsvp.objects.filter(meeting=meeting)}


def test_people_beyond_the_places_join_the_waiting_list_in_order(meeting):
    a, b, c, d = members(meeting, 4)
    for person in (a, b, c, d):
        rsvp_answer(user=person, meeting=meeting, going=True)
    assert answers(meeting) == {
        a.pk: "going",
        b.pk: "going",
        c.pk: "waitlisted",
        d.pk: "waitlisted",
    }


def test_when_someone_cancels_the_first_waiting_person_gets_the_place_and_is_told(
    meeting, django_capture_on_commit_callbacks
):
    a, b, c, d = members(meeting, 4)
    for person in (a, b, c, d):
        rsvp_answer(user=person, meeting=meeting, going=True)
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_answer(user=a, meeting=meeting, going=False)
    assert answers(meeting) == {a.pk: "not_going", b.pk: "going", c.pk: "going", d.pk: "waitlisted"}
    [message] = mail.outbox
    assert message.to == [c.email]
    assert "it is yours" in message.body


def test_saying_going_twice_keeps_the_place_in_the_queue(meeting):
    a, b, c, d = members(meeting, 4)
    for person in (a, b, c, d):
        rsvp_answer(user=person, meeting=meeting, going=True)
    rsvp_answer(user=d, meeting=meeting, going=True)
    rsvp_answer(user=c, meeting=meeting, going=True)
    rsvp_answer(user=b, meeting=meeting, going=False)
    assert answers(meeting)[c.pk] == "going"
    assert answers(meeting)[d.pk] == "waitlisted"


def test_leaving_the_group_frees_the_place_for_the_waiting_list(
    meeting, django_capture_on_commit_callbacks
):
    a, b, c = members(meeting, 3)
    for person in (a, b, c):
        rsvp_answer(user=person, meeting=meeting, going=True)
    with django_capture_on_commit_callbacks(execute=True):
        membership_leave(membership=a.memberships.get())
    assert answers(meeting) == {b.pk: "going", c.pk: "going"}
    assert [m.to for m in mail.outbox] == [[c.email]]


def test_a_removed_member_loses_their_places(meeting):
    facilitator = meeting.group.memberships.get(role="facilitator").user
    a = members(meeting, 2)[0]
    rsvp_answer(user=a, meeting=meeting, going=True)
    membership_remove(membership=a.memberships.get(), by=facilitator)
    assert a.pk not in answers(meeting)


def test_more_places_on_the_series_let_the_waiting_list_in(
    meeting, django_capture_on_commit_callbacks
):
    a, b, c, d = members(meeting, 4)
    for person in (a, b, c, d):
        rsvp_answer(user=person, meeting=meeting, going=True)
    series = meeting.series
    with django_capture_on_commit_callbacks(execute=True):
        series_update(
            series=series,
            recurrence=Recurrence.from_rrule(series.rrule, time_zone=series.time_zone),
            start=series.start_date,
            fields={"rsvp_limit": 3},
        )
    assert answers(meeting) == {a.pk: "going", b.pk: "going", c.pk: "going", d.pk: "waitlisted"}
    assert [m.to for m in mail.outbox] == [[c.email]]


def test_a_meeting_without_a_limit_has_no_waiting_list():
    meeting = MeetingFactory()
    people = members(meeting, 5)
    for person in people:
        rsvp_answer(user=person, meeting=meeting, going=True)
    assert set(answers(meeting).values()) == {"going"}


@pytest.mark.parametrize("who", ["outsider", "pending", "left"])
def test_only_active_members_can_answer(meeting, who):
    person = UserFactory()
    if who != "outsider":
        MembershipFactory(user=person, group=meeting.group, state=who)
    with pytest.raises(MeetingError) as refused:
        rsvp_answer(user=person, meeting=meeting, going=True)
    assert refused.value.code == "not_member"
    assert answers(meeting) == {}


def test_no_answer_to_a_cancelled_meeting(meeting):
    [person] = members(meeting, 1)
    meeting_cancel(meeting=meeting, reason="Snow")
    with pytest.raises(MeetingError) as refused:
        rsvp_answer(user=person, meeting=meeting, going=True)
    assert refused.value.code == "cancelled"


def test_no_answer_to_a_meeting_that_has_started(meeting):
    [person] = members(meeting, 1)
    with pytest.raises(MeetingError) as refused:
        rsvp_answer(user=person, meeting=meeting, going=True, now=meeting.starts_at)
    assert refused.value.code == "past"
    assert answers(meeting) == {}


# --- through the web ---------------------------------------------------------------------------


def rsvp_url(meeting):
    return reverse("groups:meeting-rsvp", args=[meeting.group.slug, meeting.pk])


def test_a_member_answers_from_the_meeting_page(client, meeting):
    [person] = members(meeting, 1)
    client.force_login(person)
    response = client.post(rsvp_url(meeting), {"answer": "going"}, follow=True)
    assert "You're going" in response.content.decode()
    assert answers(meeting) == {person.pk: "going"}


def test_a_non_member_answering_gets_403_and_nothing_changes(client, meeting):
    outsider = UserFactory()
    client.force_login(outsider)
    response = client.post(rsvp_url(meeting), {"answer": "going"})
    assert response.status_code == 403
    assert answers(meeting) == {}


def test_answering_for_a_cancelled_meeting_gives_400_with_the_reason(client, meeting):
    [person] = members(meeting, 1)
    meeting_cancel(meeting=meeting, reason="Snow")
    client.force_login(person)
    response = client.post(rsvp_url(meeting), {"answer": "going"})
    assert response.status_code == 400
    assert "This meeting is cancelled." in response.content.decode()
    assert answers(meeting) == {}


def test_answering_for_a_past_meeting_gives_400(client):
    meeting = MeetingFactory(occurrence_start=timezone.now() - timedelta(days=2))
    [person] = members(meeting, 1)
    client.force_login(person)
    response = client.post(rsvp_url(meeting), {"answer": "going"})
    assert response.status_code == 400
    assert answers(meeting) == {}


def test_an_unknown_answer_gives_400(client, meeting):
    [person] = members(meeting, 1)
    client.force_login(person)
    response = client.post(rsvp_url(meeting), {"answer": "maybe"})
    assert response.status_code == 400
    assert answers(meeting) == {}


def test_a_meeting_of_another_group_is_404(client, meeting):
    [person] = members(meeting, 1)
    other = SupportGroupFactory()
    client.force_login(person)
    url = reverse("groups:meeting-rsvp", args=[other.slug, meeting.pk])
    assert client.post(url, {"answer": "going"}).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_many_people_answering_at_once_never_overbook_the_meeting():
    if connection.vendor != "postgresql":
        # SQLite serialises every write; the row lock that decides the race is PostgreSQL's.
        pytest.skip("the race needs PostgreSQL's row locks (DATABASE_URL=postgres://…)")
    group = SupportGroupFactory()
    meeting = MeetingFactory(series=MeetingSeriesFactory(group=group, rsvp_limit=3))
    people = UserFactory.create_batch(8)
    for person in people:
        MembershipFactory(user=person, group=group)
    barrier = threading.Barrier(len(people), timeout=10)
    outcomes: dict[int, str] = {}

    def answer(person) -> None:
        try:
            barrier.wait()
            outcomes[person.pk] = rsvp_answer(user=person, meeting=meeting, going=True).answer
        except Exception as error:  # reported by the assertion below
            outcomes[person.pk] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)

    assert sorted(outcomes.values()) == ["going"] * 3 + ["waitlisted"] * 5, outcomes
    assert Rsvp.objects.filter(meeting=meeting, answer="going").count() == 3
    waiting = Rsvp.objects.filter(meeting=meeting, answer="waitlisted")
    assert waiting.values("waitlisted_at").distinct().count() >= 1

"""What people see of meetings: the meeting page (place and link for members only), "My
meetings" in the member's own zone, the group page's schedule, and fixed query counts."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse

from groups.meetings.joining import join_address_url
from groups.models import JoinAddress
from groups.services.meetings import meeting_cancel, meetings_extend
from tests.factories import (
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
)
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

WINTER = datetime(2026, 11, 26, 12, tzinfo=UTC)


@pytest.fixture
def group():
    return SupportGroupFactory(
        name="Harbour Circle",
        format="hybrid",
        street="12 Quay Street",
        city="Bristol",
        postal_code="BS1 4DJ",
        time_zone="Europe/London",
        online_url="https://meet.example.org/harbour-secret",
    )


@pytest.fixture
def meeting(group):
    series = MeetingSeriesFactory(
        group=group,
        title="Wednesday sharing",
        attendance_option="hybrid",
        dial_in="+44 20 7946 0000",
        location="Harbour Hall",
    )
    return MeetingFactory(series=series)


def page(client, meeting) -> tuple[int, str]:
    response = client.get(reverse("groups:meeting-detail", args=[meeting.group.slug, meeting.pk]))
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "outsider", "pending"])
def test_people_outside_the_group_see_the_time_and_city_but_never_the_street_or_link(
    client, meeting, who
):
    if who != "anonymous":
        person = UserFactory()
        if who == "pending":
            MembershipFactory(user=person, group=meeting.group, state="pending")
        client.force_login(person)
    status, html = page(client, meeting)
    assert status == 200
    assert "Wednesday sharing" in html and "Bristol" in html
    for secret in ("12 Quay Street", "harbour-secret", "7946", "meeting.ics"):
        assert secret not in html


def test_members_see_the_street_their_join_address_the_dial_in_and_the_calendar_download(
    client, meeting
):
    person = UserFactory()
    MembershipFactory(user=person, group=meeting.group)
    client.force_login(person)
    status, html = page(client, meeting)
    assert status == 200
    for detail in ("Harbour Hall, 12 Quay Street", "+44 20 7946 0000"):
        assert detail in html
    address = JoinAddress.objects.get(user=person, series=meeting.series)
    assert join_address_url(address) in html
    assert "harbour-secret" not in html  # the link itself only behind the join address
    assert reverse("groups:meeting-ics", args=[meeting.group.slug, meeting.pk]) in html


def test_a_meeting_of_an_unlisted_group_is_reachable_but_of_an_archived_one_404(client, meeting):
    group = meeting.group
    group.listed = False
    group.save()
    assert page(client, meeting)[0] == 200
    group.state = "archived"
    group.save()
    assert page(client, meeting)[0] == 404


def test_a_meeting_id_under_another_groups_slug_is_404(client, meeting):
    other = SupportGroupFactory()
    url = reverse("groups:meeting-detail", args=[other.slug, meeting.pk])
    assert client.get(url).status_code == 404


@time_machine.travel(WINTER, tick=False)
def test_my_meetings_shows_my_zone_with_its_abbreviation_and_the_groups_when_it_differs(client):
    london = SupportGroupFactory(name="London circle", time_zone="Europe/London")
    chicago = SupportGroupFactory(name="Chicago circle", time_zone="America/Chicago")
    for group in (london, chicago):
        meetings_extend(series=MeetingSeriesFactory(group=group, start_time=time(19)))
    person = UserFactory(time_zone="America/Chicago")
    MembershipFactory(user=person, group=london)
    MembershipFactory(user=person, group=chicago)
    MembershipFactory(user=person, group=SupportGroupFactory(name="Left"), state="left")
    client.force_login(person)
    html = client.get(reverse("groups:my-meetings")).content.decode()
    assert "Tuesday 1 December 2026, 13:00 CST (19:00 GMT where the group meets)" in html
    assert "Tuesday 1 December 2026, 19:00 CST</time>" in html  # same zone: said once
    assert "Left" not in html
    assert html.count("Not answered") == 16  # eight weeks of two weekly meetings


def test_my_meetings_marks_a_cancelled_meeting_and_shows_my_answer(client, meeting):
    person = UserFactory()
    MembershipFactory(user=person, group=meeting.group)
    other = MeetingFactory(
        series=meeting.series, occurrence_start=meeting.occurrence_start + timedelta(weeks=1)
    )
    other.rsvps.create(user=person, answer="going")
    meeting_cancel(meeting=meeting, reason="The hall floods in winter.")
    client.force_login(person)
    html = client.get(reverse("groups:my-meetings")).content.decode()
    assert "Cancelled" in html and "The hall floods in winter." in html
    assert "You're going" in html


def test_the_group_page_shows_the_schedule_in_words_and_the_next_meetings(client, meeting):
    response = client.get(reverse("groups:group-detail", args=[meeting.group.slug]))
    html = " ".join(response.content.decode().split())
    assert (
        "Wednesday sharing</strong>: Every week on Tuesday, 19:00 United Kingdom Time (London)"
        in html
    )
    assert reverse("groups:meeting-detail", args=[meeting.group.slug, meeting.pk]) in html
    assert reverse("groups:group-calendar", args=[meeting.group.slug]) in html


def _count(client, url) -> int:
    return count_queries(client, url)


def _grow(groups, series_per_group):
    for group in groups:
        for n in range(series_per_group):
            meetings_extend(
                series=MeetingSeriesFactory(group=group, start_time=time(8 + n), title=f"S{n}")
            )


def test_my_meetings_makes_the_same_queries_with_few_or_many_meetings(client):
    person = UserFactory()
    groups = SupportGroupFactory.create_batch(2)
    for group in groups:
        MembershipFactory(user=person, group=group)
    _grow(groups, 1)
    client.force_login(person)
    url = reverse("groups:my-meetings")
    _count(client, url)
    few = _count(client, url)
    more = SupportGroupFactory.create_batch(4)
    for group in more:
        MembershipFactory(user=person, group=group)
    _grow(groups + more, 2)
    _count(client, url)  # the first look gives the new series' join addresses (three queries)
    assert _count(client, url) == few


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_group_and_meeting_pages_make_the_same_queries_with_few_or_many_meetings(
    client, group, signed_in
):
    if signed_in:
        person = UserFactory()
        MembershipFactory(user=person, group=group)
        client.force_login(person)
    _grow([group], 1)
    meeting = group.meetings.first()
    group_url = reverse("groups:group-detail", args=[group.slug])
    meeting_url = reverse("groups:meeting-detail", args=[group.slug, meeting.pk])
    _count(client, group_url)
    few = (_count(client, group_url), _count(client, meeting_url))
    _grow([group], 6)
    for other in UserFactory.create_batch(5):
        MembershipFactory(user=other, group=group)
        meeting.rsvps.create(user=other, answer="going")
    _count(client, group_url)  # a member's first look gives the new series' join addresses
    assert (_count(client, group_url), _count(client, meeting_url)) == few

"""Every page and feed kept rendered (lib.fragments) shows a change on the very next request,
and what only time changes (the next meeting once one has started) as soon as it happens.

Each test reads the page first, so that it is kept, then changes something the way people
do (through the services or a form), then reads it again."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from groups.models import CalendarFeed, Meeting, Membership
from groups.services.meetings import meeting_cancel, meetings_extend
from resources.models import Resource
from tests.factories import (
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    RsvpFactory,
    SupportGroupFactory,
    UserFactory,
)
from tests.resources.conftest import ResourceFactory

pytestmark = pytest.mark.django_db


def text(client, url: str, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code)
    return " ".join(response.content.decode().split())


@pytest.fixture
def group():
    return SupportGroupFactory(name="Harbour Circle", time_zone="Europe/London", city="Bristol")


@pytest.fixture
def series(group):
    one = MeetingSeriesFactory(group=group, title="Wednesday sharing")
    meetings_extend(series=one)
    return one


def test_the_directory_shows_a_renamed_and_a_new_group_at_once(client, group):
    url = reverse("groups:group-list")
    assert "Harbour Circle" in text(client, url)
    group.name = "Lighthouse Circle"
    group.save()
    SupportGroupFactory(name="Anchor Circle")
    page = text(client, url)
    assert "Lighthouse Circle" in page and "Anchor Circle" in page
    assert "Harbour Circle" not in page


def test_the_directory_filters_are_kept_apart(client, group):
    """Two searches never share a kept page, nor do a visitor and a member."""
    SupportGroupFactory(name="Anchor Circle")
    url = reverse("groups:group-list")
    assert "Anchor Circle" not in text(client, url + "?q=Harbour")
    assert "Harbour Circle" not in text(client, url + "?q=Anchor")
    MembershipFactory(group=group, user=(person := UserFactory()))
    client.force_login(person)
    assert "You're a member" in text(client, url + "?q=Harbour")


def shown_times(page: str) -> set[datetime]:
    """The instants of the page's <time datetime="..."> elements."""
    return {
        datetime.fromisoformat(value) for value in re.findall(r'<time datetime="([^"]+)"', page)
    }


def test_the_next_meeting_moves_on_when_it_starts(client, series):
    first, second = Meeting.objects.filter(series=series).order_by("starts_at")[:2]
    url = reverse("groups:group-list")
    group_url = reverse("groups:group-detail", args=[series.group.slug])
    with time_machine.travel(first.starts_at - timedelta(minutes=5), tick=False):
        assert first.starts_at in shown_times(text(client, url))
        assert first.starts_at in shown_times(text(client, group_url))
    with time_machine.travel(first.starts_at + timedelta(minutes=1), tick=False):
        assert shown_times(text(client, url)) == {second.starts_at}  # the next to start
    with time_machine.travel(first.ends_at + timedelta(minutes=1), tick=False):
        assert first.starts_at not in shown_times(text(client, group_url))  # it is over
        assert second.starts_at in shown_times(text(client, group_url))


def test_a_cancelled_meeting_shows_at_once_on_the_group_page(client, series, group):
    url = reverse("groups:group-detail", args=[group.slug])
    first = Meeting.objects.filter(series=series).order_by("starts_at").first()
    assert "Cancelled" not in text(client, url)
    meeting_cancel(meeting=first, reason="The hall is closed.")
    assert "Cancelled" in text(client, url)


def test_the_group_page_of_a_group_made_private_is_gone_at_once(client, group):
    url = reverse("groups:group-detail", args=[group.slug])
    text(client, url)
    group.state = "archived"
    group.save()
    assert client.get(url).status_code == 404


def test_the_library_and_a_resource_page_show_an_edit_at_once(client):
    resource = ResourceFactory(title="Sleeping again after stopping")
    library, page = (
        reverse("resources:resource-list"),
        reverse("resources:resource-detail", args=[resource.slug]),
    )
    assert resource.title in text(client, library + "?q=" + resource.title.split()[0])
    assert resource.title in text(client, page)
    Resource.objects.filter(pk=resource.pk).update(
        title="A title nobody had seen", body="Words written just now."
    )
    assert "A title nobody had seen" in text(client, library)
    detail = text(client, page)
    assert "A title nobody had seen" in detail and "Words written just now." in detail
    Resource.objects.filter(pk=resource.pk).update(state="draft")
    assert client.get(page).status_code == 404


def test_my_meetings_shows_my_answer_at_once(client, series, group):
    person = MembershipFactory(group=group).user
    client.force_login(person)
    url = reverse("groups:my-meetings")
    assert "You're going" not in text(client, url)
    text(client, url)  # kept now, with the CSRF cookie the first answer set
    first = Meeting.objects.filter(series=series).order_by("starts_at").first()
    rsvp = reverse("groups:meeting-rsvp", args=[group.slug, first.pk])
    assert client.post(rsvp, {"answer": "going"}).status_code == 302
    assert "You're going" in text(client, url)


def test_my_meetings_is_mine_alone(client, series, group):
    """Two members never share a kept page: their answers differ."""
    first = Meeting.objects.filter(series=series).order_by("starts_at").first()
    going, other = MembershipFactory(group=group).user, MembershipFactory(group=group).user
    RsvpFactory(meeting=first, user=going)
    client.force_login(going)
    text(client, reverse("groups:my-meetings"))
    assert "You're going" in text(client, reverse("groups:my-meetings"))
    client.force_login(other)
    text(client, reverse("groups:my-meetings"))
    assert "You're going" not in text(client, reverse("groups:my-meetings"))


def test_the_meeting_page_shows_another_members_answer_at_once(client, group):
    series = MeetingSeriesFactory(group=group, rsvp_limit=3)
    meeting = MeetingFactory(series=series)
    person = MembershipFactory(group=group).user
    client.force_login(person)
    url = reverse("groups:meeting-detail", args=[group.slug, meeting.pk])
    text(client, url)
    assert "3 places left" in text(client, url)
    RsvpFactory(meeting=meeting, user=MembershipFactory(group=group).user)
    assert "2 places left" in text(client, url)


@pytest.fixture
def runs_group(facilitator, group):
    MembershipFactory(group=group, user=facilitator, role="facilitator")


def test_the_dashboard_shows_a_new_request_at_once(fac_client, group, runs_group):
    client = fac_client
    url = reverse("groups:dashboard")
    text(client, url)
    assert "1 request is waiting for an answer" not in text(client, url)
    MembershipFactory(group=group, state="pending")
    assert "1 request is waiting for an answer" in text(client, url)


def test_the_check_in_list_shows_a_new_answer_at_once(fac_client, group, runs_group):
    client = fac_client
    meeting = MeetingFactory(
        series=MeetingSeriesFactory(group=group),
        occurrence_start=timezone.now() - timedelta(minutes=30),
    )
    late = MembershipFactory(
        group=group,
        user=UserFactory(display_name="Sam Late"),
        created_at=timezone.now() - timedelta(days=30),
    ).user
    url = reverse("groups:meeting-attendance", args=[group.slug, meeting.pk])
    text(client, url)
    assert "Said they&#x27;re coming" not in text(client, url)
    RsvpFactory(meeting=meeting, user=late)
    page = text(client, url)
    assert "Said they&#x27;re coming (1)" in page and "Sam Late" in page


def test_the_feeds_show_a_new_meeting_and_a_cancellation_at_once(client, series, group):
    person = MembershipFactory(group=group, user=UserFactory(discreet_mode=False)).user
    feed = CalendarFeed.objects.create(user=person)
    personal = reverse("groups:personal-calendar", args=[feed.token])
    public = reverse("groups:group-calendar", args=[group.slug])
    guide = reverse("groups:meeting-guide-feed")
    for url in (personal, public, guide):
        client.get(url)
    other = MeetingSeriesFactory(group=group, title="Saturday circle", rrule="FREQ=WEEKLY;BYDAY=SA")
    meetings_extend(series=other)
    assert "Saturday circle" in client.get(personal).content.decode()
    assert "Saturday circle" in client.get(public).content.decode()
    names = [meeting["name"] for meeting in json.loads(client.get(guide).content)]
    assert "Saturday circle" in names
    first = Meeting.objects.filter(series=other).order_by("starts_at").first()
    meeting_cancel(meeting=first, reason="Closed.")
    assert "STATUS:CANCELLED" in client.get(personal).content.decode()


def test_a_member_who_leaves_loses_the_kept_pages_at_once(client, series, group):
    person = MembershipFactory(group=group, user=UserFactory(discreet_mode=False)).user
    feed = CalendarFeed.objects.create(user=person)
    client.force_login(person)
    personal = reverse("groups:personal-calendar", args=[feed.token])
    assert "Wednesday sharing" in client.get(personal).content.decode()
    text(client, reverse("groups:my-meetings"))
    assert "Wednesday sharing" in text(client, reverse("groups:my-meetings"))
    Membership.objects.filter(user=person, group=group).update(state="left")
    assert "Wednesday sharing" not in client.get(personal).content.decode()
    assert "Wednesday sharing" not in text(client, reverse("groups:my-meetings"))


def test_the_check_in_list_opens_an_hour_before_though_the_closed_page_was_kept(
    fac_client, facilitator, group, runs_group
):
    client = fac_client
    meeting = MeetingFactory(series=MeetingSeriesFactory(group=group))
    url = reverse("groups:meeting-attendance", args=[group.slug, meeting.pk])
    with time_machine.travel(meeting.starts_at - timedelta(hours=2), tick=False):
        client.force_login(facilitator)  # the meeting is a week away: signed in then
        text(client, url)
        assert "opens an hour before" in text(client, url)
    with time_machine.travel(meeting.starts_at - timedelta(minutes=59), tick=False):
        assert "Tick everyone who came" in text(client, url)

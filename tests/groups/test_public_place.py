"""What anyone may know of where a group meets is one rule (series_public_place): the public
Meeting Guide feed says it, the group's public page shows it, and neither says more. A group
that keeps its address private publishes neither the street nor the venue's name; one that
publishes its street has it on its page too."""

from __future__ import annotations

import json
from itertools import product

import pytest
from django.urls import reverse

from tests.factories import MeetingSeriesFactory, SupportGroupFactory

pytestmark = pytest.mark.django_db

FEED = reverse("groups:meeting-guide-feed")
VENUE = "Community Health Center"
STREET = "1200 W Harrison St"
NOTES = "Upstairs, room 4"
LINK = "https://meet.example.org/harbour-circle"
PLACE_KEYS = ["location", "address", "city", "state", "postal_code", "country", "conference_url"]


def a_group(*, attendance: str, publish_address: bool, publish_link: bool, city="Chicago"):
    group = SupportGroupFactory(
        name="Harbour Circle",
        format={"in_person": "in_person", "online": "online", "hybrid": "hybrid"}[attendance],
        street=STREET,
        city=city,
        region="IL",
        postal_code="60607",
        country="US",
        online_url=LINK,
        publish_address=publish_address,
        publish_online_link=publish_link,
    )
    MeetingSeriesFactory(
        group=group,
        attendance_option=attendance,
        location=VENUE if attendance != "online" else "",
        location_notes=NOTES if attendance != "online" else "",
    )
    return group


def published(client) -> dict:
    """The group's one meeting in the feed; {} where it is not listed (a meeting in a room
    whose street is private: finders would show it as closed)."""
    meetings = json.loads(client.get(FEED).content)
    assert len(meetings) <= 1
    return meetings[0] if meetings else {}


def public_page(client, group) -> str:
    response = client.get(reverse("groups:group-detail", args=[group.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_private_address_publishes_neither_the_street_nor_the_venue(client):
    group = a_group(attendance="hybrid", publish_address=False, publish_link=False)
    meeting = published(client)
    assert "location" not in meeting and "address" not in meeting
    assert meeting["city"] == "Chicago" and meeting["approximate"] == "yes"
    page = public_page(client, group)
    assert VENUE not in page and STREET not in page and "Chicago" in page


def test_a_published_street_is_on_the_public_page_too(client):
    group = a_group(attendance="in_person", publish_address=True, publish_link=False)
    meeting = published(client)
    assert (meeting["location"], meeting["address"]) == (VENUE, STREET)
    page = public_page(client, group)
    assert VENUE in page and STREET in page
    assert NOTES not in page and NOTES not in json.dumps(meeting)


def test_markup_in_a_city_is_not_passed_on(client):
    a_group(
        attendance="hybrid",
        publish_address=False,
        publish_link=False,
        city="<b>Chi</b>cago<script>x()</script>",
    )
    assert published(client)["city"] == "Chicagox()"


@pytest.mark.parametrize(
    ("attendance", "publish_address", "publish_link"),
    list(product(["in_person", "online", "hybrid"], [False, True], [False, True])),
)
def test_whatever_the_feed_says_of_the_place_the_public_page_shows_and_no_more(
    client, attendance, publish_address, publish_link
):
    group = a_group(
        attendance=attendance, publish_address=publish_address, publish_link=publish_link
    )
    meeting = published(client)
    assert bool(meeting) is (attendance != "in_person" or publish_address)
    page = public_page(client, group)
    for key in PLACE_KEYS:
        if key in meeting:
            assert str(meeting[key]) in page, key
    # And what the feed keeps back, the page keeps back from visitors too.
    feed_text = json.dumps(meeting)
    for private in (VENUE, STREET, "60607", LINK, NOTES):
        assert (private in page) is (private in feed_text), private

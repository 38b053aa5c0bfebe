"""A group says which language its meetings are held in: the directory filters by it, and a
new series starts in it, which the Meeting Guide feed says with its type code (S for
Spanish)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from groups.forms import SeriesForm
from groups.meeting_guide import meeting_guide_meetings, meeting_guide_series
from tests.factories import MeetingSeriesFactory, SupportGroupFactory
from tests.groups.test_directory import listed_names

pytestmark = pytest.mark.django_db
URL = reverse("groups:group-list")


@pytest.fixture
def groups():
    where = {"city": "Portland", "region": "OR", "country": "US"}  # a place the feed lists
    return (
        SupportGroupFactory(name="Harbour Circle", meeting_language="en", **where),
        SupportGroupFactory(name="Círculo del Puerto", meeting_language="es", **where),
    )


def test_the_directory_filters_by_the_language_meetings_are_held_in(client, groups):
    assert listed_names(client.get(URL, {"language": "es"})) == ["Círculo del Puerto"]
    assert listed_names(client.get(URL, {"language": "en"})) == ["Harbour Circle"]
    assert sorted(listed_names(client.get(URL, {"language": ["en", "es"]}))) == [
        "Círculo del Puerto",
        "Harbour Circle",
    ]


def test_a_language_we_do_not_have_is_dropped_like_any_bad_filter(client, groups):
    response = client.get(URL, {"language": "xx"})
    assert response.status_code == 200
    assert sorted(listed_names(response)) == ["Círculo del Puerto", "Harbour Circle"]


def test_a_new_series_starts_in_its_groups_language_and_the_feed_says_spanish(groups):
    spanish = groups[1]
    form = SeriesForm(group=spanish, today=date(2026, 12, 2))
    assert form.initial["language"] == "es"

    MeetingSeriesFactory(group=spanish, language="es")
    MeetingSeriesFactory(group=groups[0], language="en")
    by_group = {
        meeting["group"]: meeting["types"]
        for listing in meeting_guide_series()
        for meeting in meeting_guide_meetings(listing)
    }
    assert "S" in by_group["Círculo del Puerto"]
    assert "S" not in by_group["Harbour Circle"]

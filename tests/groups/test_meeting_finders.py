"""Our Meeting Guide feed as two real meeting finders load it (TSML UI in the browser, the 12
Step Meeting List plugin's import), through the re-implementation of their loaders'
rules in tests/groups/meeting_finders.py: every meeting loads, on each of its weekdays, under
a slug of its own, with the types we meant, and is listed as active wherever it can be.

An area as finders meet it: two series on two weekdays each; an online group, an in-person
group and a hybrid group that keep their link and street private (the defaults); a hybrid
group that publishes both."""

from __future__ import annotations

import json
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from groups.models import SupportGroup, Topic
from tests.factories import MeetingSeriesFactory, SupportGroupFactory
from tests.groups.meeting_finders import (
    CONFERENCE_PROVIDERS,
    FinderLoad,
    tsml_import,
    tsml_ui_load,
)
from tests.groups.meeting_guide_spec import validate_feed

pytestmark = pytest.mark.django_db

FEED = reverse("groups:meeting-guide-feed")


def place(city: str, region: str, postal_code: str, street: str) -> dict[str, str]:
    return {
        "street": street,
        "city": city,
        "region": region,
        "postal_code": postal_code,
        "country": "US",
    }


@pytest.fixture
def area():
    ketamine = Topic.objects.get(slug="ketamine")
    # Two series on two weekdays each: what made TSML UI fail to load the feed at all.
    MeetingSeriesFactory(
        group=SupportGroupFactory(
            name="Aspen Online",
            city="Portland",
            region="OR",
            country="US",
            time_zone="America/Los_Angeles",
            online_url="https://zoom.us/j/5550100",
            publish_online_link=True,
            topics=[ketamine],
        ),
        slug="aspen-mon-thu",
        title="Evening check-in",
        rrule="FREQ=WEEKLY;BYDAY=MO,TH",
    )
    MeetingSeriesFactory(
        group=SupportGroupFactory(
            name="Birch Room",
            format="in_person",
            online_url="",
            **place("Chicago", "IL", "60607", "1200 W Harrison St"),
            publish_address=True,
        ),
        slug="birch-tue-sat",
        title="Morning circle",
        rrule="FREQ=WEEKLY;BYDAY=TU,SA",
        attendance_option="in_person",
        openness="open",
        wheelchair_access=True,
        language="es",
    )
    # The defaults: link and street private.
    MeetingSeriesFactory(
        group=SupportGroupFactory(
            name="Cedar Online",
            city="Denver",
            region="CO",
            country="US",
            time_zone="America/Denver",
            online_url="https://zoom.us/j/cedar-secret",
        ),
        slug="cedar-wednesday",
        title="Midweek",
        rrule="FREQ=WEEKLY;BYDAY=WE",
    )
    MeetingSeriesFactory(
        group=SupportGroupFactory(
            name="Dogwood Room",
            format="in_person",
            online_url="",
            **place("Boston", "MA", "02130", "15 Chestnut Ave"),
            time_zone="America/New_York",
        ),
        slug="dogwood-friday",
        title="Friday night",
        rrule="FREQ=WEEKLY;BYDAY=FR",
        attendance_option="in_person",
        wheelchair_access=True,
    )
    MeetingSeriesFactory(
        group=SupportGroupFactory(
            name="Elm Hybrid",
            format="hybrid",
            **place("Austin", "TX", "78701", "200 Congress Ave"),
            online_url="https://meet.google.com/elm-secret",
        ),
        slug="elm-sunday",
        title="Sunday reading",
        rrule="FREQ=WEEKLY;BYDAY=SU",
        attendance_option="hybrid",
        wheelchair_access=True,
    )
    # Street and link published.
    MeetingSeriesFactory(
        group=SupportGroupFactory(
            name="Fir Hybrid",
            format="hybrid",
            **place("Madison", "WI", "53703", "10 E Main St"),
            latitude=Decimal("43.07396"),
            longitude=Decimal("-89.38325"),
            online_url="https://meet.google.com/fir-open",
            publish_address=True,
            publish_online_link=True,
        ),
        slug="fir-saturday",
        title="Saturday share",
        rrule="FREQ=WEEKLY;BYDAY=SA",
        attendance_option="hybrid",
        openness="open",
        wheelchair_access=True,
    )


# (group, meeting) -> the weekdays it meets on, 0 = Sunday.
WEEKDAYS = {
    ("Aspen Online", "Evening check-in"): {1, 4},
    ("Birch Room", "Morning circle"): {2, 6},
    ("Cedar Online", "Midweek"): {3},
    ("Elm Hybrid", "Sunday reading"): {0},
    ("Fir Hybrid", "Saturday share"): {6},
}
SLUGS = {
    "aspen-mon-thu-1", "aspen-mon-thu-4", "birch-tue-sat-2", "birch-tue-sat-6",
    "cedar-wednesday", "elm-sunday", "fir-saturday",
}  # fmt: skip

# The types each finder keeps, by slug (both days of a series alike). Neither keeps our custom
# KETAMINE (TUI knows only labelled codes, TSML only its program's); TUI leaves out ONL (it
# has its own "online") and room types (X) of a meeting it does not call in person.
TUI_TYPES = {
    "aspen-mon-thu": {"C", "BE", "EN"},
    "birch-tue-sat": {"O", "BE", "X", "S"},
    "cedar-wednesday": {"C", "BE", "EN"},
    "elm-sunday": {"C", "BE", "EN"},
    "fir-saturday": {"O", "BE", "X", "EN"},
}
TSML_TYPES = {
    "aspen-mon-thu": {"C", "BE", "ONL", "EN"},
    "birch-tue-sat": {"O", "BE", "X", "S"},
    "cedar-wednesday": {"C", "BE", "ONL", "EN"},
    "elm-sunday": {"C", "BE", "X", "ONL", "EN"},
    "fir-saturday": {"O", "BE", "X", "ONL", "EN"},
}
# (in person, online) as each finder lists the meeting.
TUI_MODES = {
    "aspen-mon-thu": (False, True),
    "birch-tue-sat": (True, False),
    "cedar-wednesday": (False, True),
    "elm-sunday": (False, True),
    "fir-saturday": (True, True),
}
TSML_MODES = TUI_MODES  # online, in_person, online, online, hybrid: the same in both


def feed(client) -> list[dict]:
    return json.loads(client.get(FEED).content)


def series_slug(slug: str) -> str:
    return slug.rsplit("-", 1)[0] if slug[-2:-1] == "-" and slug[-1].isdigit() else slug


@pytest.fixture(autouse=True)
def _public_address(settings):
    # TUI compares the host with its port ("127.0.0.1:8000"), TSML without: a real address.
    settings.SITE_URL = "https://kinship.example.org"


@pytest.fixture
def our_domain() -> dict[str, str]:
    """The providers of a finder whose operator lists this site (tsml_react_config's
    `conference_providers`, or `$tsml_conference_providers` in the WordPress theme): the
    only way a join page counts as a way in, as it is no conference provider's address."""
    return CONFERENCE_PROVIDERS | {"kinship.example.org": "Kinship"}


def loaded_weekdays(load: FinderLoad) -> dict[tuple[str, str], set[int | None]]:
    days: dict[tuple[str, str], set[int | None]] = {}
    for meeting in load.meetings:
        days.setdefault((meeting.group, meeting.name), set()).add(meeting.day)
    return days


LOADERS = {"tsml-ui": tsml_ui_load, "12-step-meeting-list": tsml_import}


# --- every meeting, every weekday -------------------------------------------------------------


def test_the_feed_passes_the_spec_checks_with_one_meeting_per_weekday(client, area):
    meetings = feed(client)
    assert validate_feed(meetings) == []
    assert {meeting["slug"] for meeting in meetings} == SLUGS
    assert all(isinstance(meeting["day"], int) for meeting in meetings)


@pytest.mark.parametrize("loader", LOADERS)
def test_a_finder_loads_every_meeting_on_each_of_its_weekdays(client, area, our_domain, loader):
    load = LOADERS[loader](feed(client), conference_providers=our_domain)
    assert load.error == ""
    assert load.warnings == []
    assert load.renamed == []
    assert loaded_weekdays(load) == WEEKDAYS  # none dropped, none by appointment
    assert {meeting.slug for meeting in load.meetings} == SLUGS


@pytest.mark.parametrize(
    ("loader", "expected"), [("tsml-ui", TUI_TYPES), ("12-step-meeting-list", TSML_TYPES)]
)
def test_a_finder_keeps_the_types_we_meant(client, area, our_domain, loader, expected):
    load = LOADERS[loader](feed(client), conference_providers=our_domain)
    assert {meeting.slug: set(meeting.types) for meeting in load.meetings} == {
        slug: expected[series_slug(slug)] for slug in SLUGS
    }


# --- active or not ----------------------------------------------------------------------------


@pytest.mark.parametrize("loader", LOADERS)
def test_meetings_with_a_published_street_a_published_link_or_a_join_page_are_active(
    client, area, our_domain, loader
):
    load = LOADERS[loader](feed(client), conference_providers=our_domain)
    modes = {meeting.slug: (meeting.in_person, meeting.online) for meeting in load.meetings}
    expected = TUI_MODES if loader == "tsml-ui" else TSML_MODES
    assert modes == {slug: expected[series_slug(slug)] for slug in SLUGS}
    assert load.inactive == []


def test_a_meeting_in_a_room_whose_street_is_private_stays_out_of_the_feed(client, area):
    """Finders would list it as closed (TUI: approximate, so not in person; TSML geocodes the
    city as approximate), which tells someone looking for help there is none. It is not in
    the feed; the group's page is in our directory, and the feed takes the meeting in as soon
    as the group publishes its street."""
    assert "dogwood-friday" not in {meeting["slug"] for meeting in feed(client)}
    group = SupportGroup.objects.get(name="Dogwood Room")
    assert group.name in client.get(reverse("groups:group-list")).content.decode()
    group.publish_address = True
    group.save()
    [listed] = [meeting for meeting in feed(client) if meeting["slug"] == "dogwood-friday"]
    assert listed["address"] == "15 Chestnut Ave" and listed["approximate"] == "no"
    for load in (tsml_ui_load([listed]), tsml_import([listed])):
        assert [(m.active, m.in_person) for m in load.meetings] == [(True, True)]


@pytest.mark.parametrize("loader", LOADERS)
def test_a_join_page_counts_only_where_the_finder_lists_our_domain(client, area, loader):
    # By default neither finder accepts an address that is not a conference provider's:
    # TUI warns and ignores it, TSML drops it and the ONL type.
    load = LOADERS[loader](feed(client))
    assert sorted(load.inactive) == ["cedar-wednesday", "elm-sunday"]
    assert loaded_weekdays(load) == WEEKDAYS


def test_the_join_page_is_the_feed_s_conference_url_for_a_private_link(client, area, settings):
    by_slug = {meeting["slug"]: meeting for meeting in feed(client)}
    for slug in ("cedar-wednesday", "elm-sunday"):
        join = by_slug[slug]["conference_url"]
        assert join.startswith(settings.SITE_URL) and join.endswith(f"/meetings/{slug}/join/")
        assert client.get(urlsplit(join).path).status_code == 200
    assert "secret" not in json.dumps(by_slug)
    assert "conference_url" not in by_slug["birch-tue-sat-2"]  # in person only


# --- the shape the feed had, and what it did to finders ----------------------------------------


def with_day_lists(meetings: list[dict]) -> list[dict]:
    """The feed as it was: one object per series, `day` a list for several weekdays."""
    series: dict[str, dict] = {}
    for meeting in meetings:
        slug = series_slug(meeting["slug"])
        if slug in series:
            series[slug]["day"] = [*series[slug]["day"], meeting["day"]]
        else:
            several = slug != meeting["slug"]
            series[slug] = meeting | {
                "slug": slug,
                "day": [meeting["day"]] if several else meeting["day"],
            }
    return list(series.values())


def test_two_series_with_day_lists_made_tsml_ui_load_nothing(client, area, our_domain):
    old = with_day_lists(feed(client))
    assert [meeting["day"] for meeting in old if isinstance(meeting["day"], list)] == [
        [1, 4],
        [2, 6],
    ]
    load = tsml_ui_load(old, conference_providers=our_domain)
    # Removing Aspen's list shifted Birch's removal onto Cedar: Birch's list stayed, and threw.
    assert load.error == "Loading error: Invalid unit value 2,6"
    assert load.meetings == []


def test_each_day_keeps_the_slug_finders_gave_it_from_a_day_list(client, area, our_domain):
    # Links into TSML UI (`?meeting=<slug>`) and meetings TSML imported carry over.
    new = feed(client)
    old = with_day_lists(new)
    imported = {
        meeting.slug for meeting in tsml_import(old, conference_providers=our_domain).meetings
    }
    assert imported == {
        meeting.slug for meeting in tsml_import(new, conference_providers=our_domain).meetings
    }
    one_list = [
        meeting for meeting in old if meeting["slug"] != "birch-tue-sat"
    ]  # TUI copes with one
    shown = {
        meeting.slug for meeting in tsml_ui_load(one_list, conference_providers=our_domain).meetings
    }
    assert shown == SLUGS - {"birch-tue-sat-2", "birch-tue-sat-6"}


# --- the loaders' rules themselves ----------------------------------------------------------


GOOD = {
    "name": "Sunday Serenity",
    "slug": "sunday-serenity",
    "day": 0,
    "time": "18:00",
    "timezone": "America/Los_Angeles",
    "group": "Serenity",
    "types": ["O", "X", "KETAMINE"],
    "address": "4772 Hollywood Blvd",
    "city": "Los Angeles",
    "state": "CA",
    "postal_code": "90027",
    "country": "US",
    "approximate": "no",
}


def test_tsml_ui_rules_on_a_plain_meeting():
    [meeting] = tsml_ui_load([GOOD]).meetings
    assert (meeting.day, meeting.active, meeting.in_person, meeting.online) == (
        0,
        True,
        True,
        False,
    )
    assert meeting.types == {"O", "X"}
    approximate = GOOD | {"approximate": "yes"}
    [meeting] = tsml_ui_load([approximate]).meetings
    assert not meeting.active and meeting.types == {"O"}  # room types go with the room
    online = approximate | {"conference_url": "https://zoom.us/j/1", "types": ["C", "ONL"]}
    [meeting] = tsml_ui_load([online]).meetings
    assert (meeting.active, meeting.online, meeting.types) == (True, True, {"C"})
    unknown = online | {"conference_url": "https://example.org/join"}
    load = tsml_ui_load([unknown])
    assert not load.meetings[0].active and load.warnings == [
        "unknown conference_url: sunday-serenity"
    ]


def test_tsml_ui_skips_repeated_slugs_and_meetings_without_an_address():
    nowhere = {
        key: value
        for key, value in GOOD.items()
        if key not in {"address", "city", "state", "postal_code", "country"}
    }
    load = tsml_ui_load([GOOD, GOOD, nowhere | {"slug": "nowhere"}])
    assert [meeting.slug for meeting in load.meetings] == ["sunday-serenity"]
    assert load.warnings == ["duplicate slug: sunday-serenity", "no address information: nowhere"]


def test_tsml_ui_with_two_day_lists_loses_a_meeting_and_then_fails():
    feed = [
        GOOD | {"slug": "a", "day": [1, 4]},
        GOOD | {"slug": "b", "day": [2, 5]},
        GOOD | {"slug": "c"},
    ]
    assert tsml_ui_load(feed).error == "Loading error: Invalid unit value 2,5"
    # One day list alone loads (its removal takes the right object).
    load = tsml_ui_load([GOOD | {"slug": "a", "day": [1, 4]}, GOOD | {"slug": "c"}])
    assert sorted((meeting.slug, meeting.day) for meeting in load.meetings) == [
        ("a-1", 1),
        ("a-4", 4),
        ("c", 0),
    ]


def test_tsml_import_rules_on_a_plain_meeting():
    [meeting] = tsml_import([GOOD | {"types": ["O", "C", "X", "ONL", "KETAMINE"]}]).meetings
    assert (meeting.day, meeting.active, meeting.in_person, meeting.online) == (
        0,
        True,
        True,
        False,
    )
    assert meeting.types == {"C", "X"}  # open and closed is closed; ONL needs a link
    city = {key: value for key, value in GOOD.items() if key != "address"}
    assert tsml_import([city]).inactive == ["sunday-serenity"]  # the feed's "no" is not read
    online = city | {"conference_url": "https://zoom.us/j/1"}
    [meeting] = tsml_import([online]).meetings
    assert (meeting.active, meeting.online, "ONL" in meeting.types) == (True, True, True)
    assert tsml_import([online | {"conference_url": "https://example.org/j"}]).inactive == [
        "sunday-serenity"
    ]
    assert (
        tsml_import(
            [online | {"conference_url": "https://example.org/j"}], conference_providers=None
        ).inactive
        == []
    )
    load = tsml_import([GOOD, GOOD, GOOD | {"day": [1, 4], "slug": "list"}])
    assert [meeting.slug for meeting in load.meetings] == [
        "sunday-serenity",
        "sunday-serenity-1",
        "list-1",
        "list-4",
    ]
    assert load.renamed == ["sunday-serenity"]

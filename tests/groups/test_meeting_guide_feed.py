"""The public Meeting Guide feed: which series it publishes, how each becomes a meeting object,
that it passes the spec's checks, keeps private things private, and costs a fixed number of
queries."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from groups.meeting_guide import CUSTOM_TYPES, JOIN_NOTES, TOPIC_TYPES
from groups.meetings.recurrence import Recurrence
from groups.models import MeetingSeries, SupportGroup, Topic
from groups.services.meetings import series_update
from tests.factories import MeetingSeriesFactory, MembershipFactory, SupportGroupFactory
from tests.groups.meeting_guide_spec import (
    KNOWN_TYPES,
    PROPOSED_TYPES,
    RESERVED_TYPES,
    custom_type_problems,
    validate_feed,
)

pytestmark = pytest.mark.django_db

URL = reverse("groups:meeting-guide-feed")


def feed(client) -> list[dict]:
    response = client.get(URL)
    assert response.status_code == 200
    return json.loads(response.content)


def by_slug(client) -> dict[str, dict]:
    return {meeting["slug"]: meeting for meeting in feed(client)}


def in_person_group(**fields) -> SupportGroup:
    return SupportGroupFactory.create(
        **{
            "format": "in_person",
            "online_url": "",
            "street": "1200 W Harrison St",
            "city": "Chicago",
            "region": "IL",
            "postal_code": "60607",
            "country": "US",
            # Finders list a meeting in a room only with its street (groups.meeting_guide).
            "publish_address": True,
            **fields,
        }
    )


def online_group(**fields) -> SupportGroup:
    return SupportGroupFactory.create(
        **{"city": "Portland", "region": "OR", "country": "US", "time_zone": "America/Los_Angeles"}
        | fields
    )


@pytest.fixture
def realistic():
    """A week of meetings as a real area would have them, and series that must stay out."""
    room = in_person_group(
        name="Anchor Room",
        latitude=Decimal("41.87456"),
        longitude=Decimal("-87.65432"),
        publish_address=True,
    )
    online = online_group(name="Bridge Online")
    hybrid = SupportGroupFactory(
        name="Crossroads Hybrid",
        format="hybrid",
        street="15 Chestnut Ave",
        city="Boston",
        region="MA",
        postal_code="02130",
        country="US",
        time_zone="America/New_York",
        online_url="https://meet.example.org/crossroads",
        publish_online_link=True,
        publish_address=True,
    )
    series = {
        "room": MeetingSeriesFactory(
            group=room,
            slug="anchor-thursday",
            title="Thursday morning",
            rrule="FREQ=WEEKLY;BYDAY=TH",
            start_time=time(7, 30),
            duration_minutes=60,
            attendance_option="in_person",
            location="St Anne's Hall",
            openness="open",
            wheelchair_access=True,
            language="es",
        ),
        "online": MeetingSeriesFactory(
            group=online,
            slug="bridge-tuesday",
            title="Tuesday evening",
            online_url="https://meet.example.org/bridge-secret",
            online_notes="Passcode 4321",
            dial_in="+1 555 0100,,4321#",
        ),
        "hybrid": MeetingSeriesFactory(
            group=hybrid,
            slug="crossroads-mon-thu",
            title="Early evening",
            rrule="FREQ=WEEKLY;BYDAY=MO,TH",
            start_time=time(18, 0),
            attendance_option="hybrid",
            online_notes="Passcode 12*34*5",
            dial_in="+1 555 0199,,987#",
            dial_in_notes="Press # twice",
        ),
        # Not weekly, or not every week: the spec cannot say them, so they stay out.
        "monthly": MeetingSeriesFactory(
            group=room, slug="anchor-monthly", rrule="FREQ=MONTHLY;BYDAY=1MO"
        ),
        "one-off": MeetingSeriesFactory(group=room, slug="anchor-once", rrule=""),
        "fortnightly": MeetingSeriesFactory(
            group=room, slug="anchor-fortnightly", rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
        ),
        # Groups the public directory does not show.
        "unlisted": MeetingSeriesFactory(group=online_group(listed=False), slug="quiet-tuesday"),
        "archived": MeetingSeriesFactory(
            group=online_group(state=SupportGroup.State.ARCHIVED), slug="closed-tuesday"
        ),
    }
    return series


# A series on two weekdays is one meeting per day, its slug followed by the day.
PUBLISHED = {"anchor-thursday", "bridge-tuesday", "crossroads-mon-thu-1", "crossroads-mon-thu-4"}


# --- what is published --------------------------------------------------------------------


def test_feed_lists_weekly_series_of_listed_active_groups_only(client, realistic):
    assert set(by_slug(client)) == PUBLISHED


def test_feed_passes_the_meeting_guide_spec_checks(client, realistic):
    assert validate_feed(feed(client)) == []


def test_feed_is_ordered_by_group_name_then_time(client):
    later = online_group(name="Aspen")
    MeetingSeriesFactory(group=later, slug="aspen-late", start_time=time(20, 0))
    MeetingSeriesFactory(group=later, slug="aspen-early", start_time=time(8, 0))
    MeetingSeriesFactory(group=online_group(name="Birch"), slug="birch", start_time=time(6, 0))
    assert [meeting["slug"] for meeting in feed(client)] == ["aspen-early", "aspen-late", "birch"]


def test_ended_schedules_are_left_out_and_running_ones_kept(client):
    group = online_group()
    long_ago = date(2020, 1, 7)  # a Tuesday
    MeetingSeriesFactory(
        group=group,
        slug="until-passed",
        start_date=long_ago,
        rrule="FREQ=WEEKLY;BYDAY=TU;UNTIL=20200301T055959Z",
    )
    MeetingSeriesFactory(
        group=group, slug="count-used-up", start_date=long_ago, rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=3"
    )
    MeetingSeriesFactory(group=group, slug="count-left", rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=5")
    MeetingSeriesFactory(
        group=group, slug="until-ahead", rrule="FREQ=WEEKLY;BYDAY=TU;UNTIL=20991231T055959Z"
    )
    MeetingSeriesFactory(group=group, slug="started-long-ago", start_date=long_ago)
    assert set(by_slug(client)) == {"count-left", "until-ahead", "started-long-ago"}


def test_an_online_series_of_a_group_without_a_home_city_is_left_out(client):
    # The importer refuses a meeting with no geographic information at all.
    MeetingSeriesFactory(group=SupportGroupFactory(city=""), slug="nowhere")
    assert feed(client) == []


# --- one meeting object ---------------------------------------------------------------------


def test_in_person_series_gives_its_street_address_and_coordinates(client, realistic, settings):
    meeting = by_slug(client)["anchor-thursday"]
    group = realistic["room"].group
    assert meeting == {
        "name": "Thursday morning",
        "slug": "anchor-thursday",
        "day": 4,
        "time": "07:30",
        "end_time": "08:30",
        "timezone": "America/Chicago",
        "types": ["O", "BE", "X", "S"],
        "group": "Anchor Room",
        "group_notes": "A peer group. We listen and share.",
        "url": f"{settings.SITE_URL}/groups/{group.slug}/",
        "updated": meeting["updated"],
        "location": "St Anne's Hall",
        "address": "1200 W Harrison St",
        "city": "Chicago",
        "state": "IL",
        "postal_code": "60607",
        "country": "US",
        "approximate": "no",
        "latitude": 41.87456,
        "longitude": -87.65432,
    }


def test_the_street_stays_private_unless_the_group_publishes_it(client, realistic):
    group = realistic["room"].group
    group.publish_address = False
    group.save()
    response = client.get(URL)
    # A meeting in a room is listed with its street or not at all (finders would show it as
    # closed): see tests/groups/test_meeting_finders.py.
    assert "anchor-thursday" not in by_slug(client)
    assert b"Harrison" not in response.content
    assert b"60607" not in response.content
    assert b"St Anne" not in response.content


def test_online_link_and_phone_stay_private_unless_the_group_publishes_them(
    client, realistic, settings
):
    response = client.get(URL)
    meeting = by_slug(client)["bridge-tuesday"]
    group = realistic["online"].group
    # Finders get the series' join page, which says how to join; members see the link there.
    assert meeting["conference_url"] == (
        f"{settings.SITE_URL}/groups/{group.slug}/meetings/bridge-tuesday/join/"
    )
    assert meeting["conference_url_notes"] == JOIN_NOTES
    assert not {"conference_phone", "conference_phone_notes"} & set(meeting)
    assert "ONL" in meeting["types"]
    assert b"bridge-secret" not in response.content
    assert b"0100" not in response.content
    assert b"4321" not in response.content
    assert meeting["url"].endswith(f"/groups/{group.slug}/")


def test_online_only_series_gives_the_home_city_as_an_approximate_place(client, realistic):
    meeting = by_slug(client)["bridge-tuesday"]
    assert meeting["approximate"] == "yes"
    assert (meeting["city"], meeting["state"], meeting["country"]) == ("Portland", "OR", "US")
    assert not {"address", "postal_code", "latitude", "longitude", "location"} & set(meeting)
    assert meeting["timezone"] == "America/Los_Angeles"


def test_published_online_link_appears_with_the_online_type(client, realistic):
    meeting = by_slug(client)["crossroads-mon-thu-1"]
    assert meeting["conference_url"] == "https://meet.example.org/crossroads"
    assert meeting["conference_url_notes"] == "Passcode 12*34*5"
    assert meeting["conference_phone"] == "+15550199,,987#"
    assert meeting["conference_phone_notes"] == "Press # twice"
    assert "ONL" in meeting["types"]
    # Hybrid: a specific address too, so TSML calls it "In-person and Online".
    assert (meeting["address"], meeting["approximate"]) == ("15 Chestnut Ave", "no")


def test_series_on_two_weekdays_gives_one_meeting_per_day_slugged_with_the_day(client, realistic):
    # TSML UI's loader fails on two `"day": [..]` objects; one object per day it reads, and
    # `<slug>-<day>` is the slug TSML UI and TSML gave each day of a day list themselves.
    meetings = by_slug(client)
    monday, thursday = meetings["crossroads-mon-thu-1"], meetings["crossroads-mon-thu-4"]
    assert (monday["day"], thursday["day"]) == (1, 4)
    assert {key: value for key, value in monday.items() if key not in {"slug", "day"}} == {
        key: value for key, value in thursday.items() if key not in {"slug", "day"}
    }
    assert "crossroads-mon-thu" not in meetings
    assert not any(isinstance(meeting["day"], list) for meeting in meetings.values())


@pytest.mark.parametrize(
    ("byday", "days"),
    [
        ("SU", {"s": 0}),
        ("MO", {"s": 1}),
        ("WE", {"s": 3}),
        ("SA", {"s": 6}),
        ("SA,SU", {"s-0": 0, "s-6": 6}),
        ("SU,MO,FR", {"s-0": 0, "s-1": 1, "s-5": 5}),
    ],
)
def test_days_count_from_sunday_as_zero(client, byday, days):
    MeetingSeriesFactory(group=online_group(), slug="s", rrule=f"FREQ=WEEKLY;BYDAY={byday}")
    assert {meeting["slug"]: meeting["day"] for meeting in feed(client)} == days


def test_meeting_ending_after_midnight_wraps_its_end_time(client):
    MeetingSeriesFactory(group=online_group(), start_time=time(23, 30), duration_minutes=60)
    assert (feed(client)[0]["time"], feed(client)[0]["end_time"]) == ("23:30", "00:30")


def test_slug_stays_the_same_after_the_title_changes(client):
    series = MeetingSeriesFactory(group=online_group(), slug="bridge-tuesday-x7k2mq")
    series_update(
        series=series,
        recurrence=Recurrence.from_rrule(series.rrule, time_zone=series.time_zone),
        start=series.start_date,
        fields={"title": "Tuesday night check-in"},
    )
    [meeting] = feed(client)
    assert (meeting["slug"], meeting["name"]) == ("bridge-tuesday-x7k2mq", "Tuesday night check-in")


def test_markdown_and_html_in_notes_come_out_as_plain_text(client):
    MeetingSeriesFactory(
        group=online_group(description="We **listen**.\n\n<em>Cameras</em> optional."),
        notes=(
            "**Bring** a friend & a mug.\nDoors open 15 minutes early.\n\n"
            "* first point\n* second point\n\n"
            "Read [our guide](https://example.org/guide) before. <script>alert(1)</script>"
            "<b>Really</b> a < b."
        ),
        notes_public=True,
    )
    [meeting] = feed(client)
    assert meeting["notes"] == (
        "Bring a friend & a mug.\nDoors open 15 minutes early.\n\n"
        "- first point\n- second point\n\n"
        "Read our guide (https://example.org/guide) before. Really a < b."
    )
    assert meeting["group_notes"] == "We listen.\n\nCameras optional."
    assert validate_feed([meeting]) == []


def test_types_map_attributes_to_reserved_codes_and_topics_to_custom_ones(client):
    ketamine = Topic.objects.get(slug="ketamine")
    general = Topic.objects.get(slug="general-recovery")
    group = online_group(topics=[ketamine, general], publish_online_link=True)
    MeetingSeriesFactory(
        group=group,
        slug="women",
        gender="women",
        lgbtq=True,
        dual_diagnosis=True,
        sign_language=True,
        proof_of_attendance=True,
        newcomer_friendly=False,
        language="fr",
        # Room attributes mean nothing for a meeting held online only.
        wheelchair_access=True,
        accessible_bathroom=True,
        fragrance_free=True,
    )
    MeetingSeriesFactory(group=group, slug="men", gender="men", language="pt-BR")
    MeetingSeriesFactory(group=group, slug="unknown-language", language="xx")
    MeetingSeriesFactory(
        group=in_person_group(),
        slug="room",
        attendance_option="in_person",
        accessible_bathroom=True,
        fragrance_free=True,
        language="en",
    )
    meetings = by_slug(client)
    assert meetings["women"]["types"] == [
        "C", "DD", "W", "LGBTQ", "ASL", "POA", "ONL", "FR", "KETAMINE",
    ]  # fmt: skip
    assert meetings["men"]["types"] == ["C", "BE", "M", "ONL", "POR", "KETAMINE"]
    assert meetings["unknown-language"]["types"] == ["C", "BE", "ONL", "KETAMINE"]
    assert meetings["room"]["types"] == ["C", "BE", "XB", "FF", "EN"]
    assert validate_feed(list(meetings.values())) == []


def test_updated_is_the_later_change_of_series_or_group_in_utc(client):
    series = MeetingSeriesFactory(group=online_group(time_zone="Asia/Tokyo"))
    series_changed = datetime(2026, 3, 1, 12, 0, 5, tzinfo=UTC)
    group_changed = datetime(2026, 3, 2, 23, 59, 59, tzinfo=UTC)
    MeetingSeries.objects.filter(pk=series.pk).update(updated_at=series_changed)
    SupportGroup.objects.filter(pk=series.group_id).update(updated_at=group_changed)
    assert feed(client)[0]["updated"] == "2026-03-02 23:59:59"
    MeetingSeries.objects.filter(pk=series.pk).update(updated_at=group_changed + timedelta(days=1))
    assert feed(client)[0]["updated"] == "2026-03-03 23:59:59"


def test_feed_never_shows_people(client, realistic):
    people = [
        MembershipFactory(group=series.group, role=role).user
        for series in realistic.values()
        for role in ("member", "facilitator")
    ]
    body = client.get(URL).content.decode()
    for person in people:
        assert person.display_name not in body
        assert person.email not in body
    assert "@" not in body


# --- the response -----------------------------------------------------------------------------


def test_feed_is_public_cacheable_json_for_any_origin(client, realistic):
    response = client.get(URL)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert set(response["Cache-Control"].split(", ")) == {"public", "no-cache"}
    assert response["Access-Control-Allow-Origin"] == "*"
    assert isinstance(json.loads(response.content), list)


def test_a_new_series_is_in_the_feed_at_once_and_an_unchanged_feed_answers_304(client, realistic):
    """A facilitator who adds a weekly series and opens the feed again sees it: browsers must
    ask again (no-cache), and are told 304 only while nothing changed."""
    first = client.get(URL)
    unchanged = client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert unchanged.status_code == 304 and unchanged.content == b""
    MeetingSeriesFactory(group=realistic["online"].group, slug="friday-new")

    again = client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200 and again["ETag"] != first["ETag"]
    assert "friday-new" in {meeting["slug"] for meeting in json.loads(again.content)}


def test_feed_is_an_empty_list_when_nothing_is_published(client):
    assert feed(client) == []


def test_feed_refuses_writes(client):
    assert client.post(URL).status_code == 405
    assert client.head(URL).status_code == 200


def _add_groups(count: int, *, first: int) -> None:
    topics = list(Topic.objects.all())
    for n in range(first, first + count):
        group = online_group(name=f"Group {n:03}", publish_online_link=n % 2 == 0, topics=topics)
        MeetingSeriesFactory(group=group, slug=f"g{n}-a")
        MeetingSeriesFactory(group=group, slug=f"g{n}-b", rrule="FREQ=WEEKLY;BYDAY=MO,WE;COUNT=50")
        MeetingSeriesFactory(
            group=in_person_group(name=f"Room {n:03}", topics=topics[:2]),
            slug=f"r{n}",
            attendance_option="in_person",
        )


def test_query_count_does_not_grow_with_series_or_groups(client, django_assert_num_queries):
    _add_groups(1, first=0)
    # The groups, their topics, then the series. Four meetings a group: g-a, g-b on Monday
    # and on Wednesday, r.
    with django_assert_num_queries(3):
        assert len(feed(client)) == 4
    _add_groups(12, first=1)
    with django_assert_num_queries(3):
        assert len(feed(client)) == 52
    with django_assert_num_queries(0):  # unchanged since: the kept body
        assert len(feed(client)) == 52


def test_a_change_to_a_series_or_its_group_shows_at_once_despite_the_cache(client, realistic):
    assert by_slug(client)["anchor-thursday"]["name"] == "Thursday morning"
    series = realistic["room"]
    series.title = "Thursday sunrise"
    series.save()
    assert by_slug(client)["anchor-thursday"]["name"] == "Thursday sunrise"
    group = series.group
    group.name = "Anchor Hall"
    group.save()
    assert by_slug(client)["anchor-thursday"]["group"] == "Anchor Hall"
    group.listed = False
    group.save()
    assert "anchor-thursday" not in by_slug(client)


# --- the page head ----------------------------------------------------------------------------


def test_home_page_links_to_the_meeting_feed(client):
    html = client.get(reverse("home")).content.decode()
    assert 'rel="alternate"' in html
    assert 'type="application/json"' in html
    assert 'title="Meetings Feed"' in html
    assert 'href="/feeds/meetings.json"' in html


# --- our type codes and the spec checks themselves ------------------------------------------


def test_custom_codes_are_documented_and_collide_with_no_reserved_or_proposed_code():
    assert set(TOPIC_TYPES.values()) <= set(CUSTOM_TYPES)
    assert custom_type_problems(CUSTOM_TYPES) == []
    assert not set(CUSTOM_TYPES) & KNOWN_TYPES


def test_spec_lists_87_reserved_codes_and_5_proposed_ones():
    assert len(RESERVED_TYPES) == 87
    assert len(PROPOSED_TYPES) == 5


GOOD = {
    "name": "Sunday Serenity",
    "slug": "sunday-serenity-14",
    "day": 0,
    "time": "18:00",
    "end_time": "19:30",
    "timezone": "America/Los_Angeles",
    "location": "Alano Club",
    "group": "The Serenity Group",
    "notes": "Ring buzzer.\nGroup meets in the basement.",
    "updated": "2014-05-31 14:32:23",
    "url": "https://example.org/meetings/sunday-serenity",
    "types": ["O", "T", "LGBTQ"],
    "address": "4772 Hollywood Blvd",
    "city": "Los Angeles",
    "state": "CA",
    "postal_code": "90027",
    "country": "US",
    "approximate": "no",
    "latitude": 34.10171,
    "longitude": -118.29583,
    "entity": "Central Service Office",
    "entity_url": "https://example.org",
}


def test_spec_validator_accepts_the_spec_example():
    assert validate_feed([GOOD]) == []
    assert validate_feed([GOOD | {"day": [0, 6], "slug": 14}]) == []
    online = {key: value for key, value in GOOD.items() if key not in {"address", "postal_code"}}
    online |= {"types": ["C", "ONL"], "approximate": "yes", "conference_phone": "+15550100,,1#"}
    assert validate_feed([online]) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"name": None}, "name is required"),
        ({"name": "x" * 256}, "name is longer than 255"),
        ({"slug": "sunday serenity"}, "not URL-safe"),
        ({"slug": "s" * 65}, "not URL-safe"),
        ({"day": 7}, "day must be"),
        ({"day": []}, "day must be"),
        ({"day": "0"}, "day must be"),
        ({"day": True}, "day must be"),
        ({"day": None}, "day must be"),
        ({"time": "6:00 PM"}, "time must be HH:MM"),
        ({"time": "24:00"}, "time must be HH:MM"),
        ({"end_time": "19:60"}, "end_time must be HH:MM"),
        ({"timezone": "Pacific Time"}, "is not an IANA zone"),
        ({"types": ["O", "XYZ"]}, "neither reserved nor one of our custom codes"),
        ({"types": "O"}, "types must be a list of strings"),
        ({"types": ["O", "C"]}, "both open (O) and closed (C)"),
        ({"conference_url": "https://x.org/j", "conference_phone": "(555) 0100"}, "only digits"),
        ({"approximate": True}, "approximate must be 'yes' or 'no'"),
        ({"updated": "2014-05-31T14:32:23Z"}, "updated must be"),
        ({"updated": "2014-13-31 14:32:23"}, "updated must be"),
        ({"latitude": 34.101712}, "more than 5 decimals"),
        ({"latitude": "34.10171"}, "latitude must be a number"),
        ({"longitude": 190.0}, "out of range"),
        ({"entity": None}, "entity is required"),
        ({"url": "/meetings/sunday-serenity"}, "absolute http(s) URL"),
        ({"notes": "Ring <b>buzzer</b>."}, "notes holds HTML"),
        ({"group": "Tom &amp; Jerry"}, "group holds HTML"),
        ({"members": ["Sam"]}, "members is not a field of the spec"),
        ({"address": None}, "needs a street address"),
        ({"address": None, "city": None}, "no geographic information"),
        ({"types": ["O", "ONL"]}, "ONL without conference_url"),
    ],
)
def test_spec_validator_catches_a_broken_meeting(change, problem):
    meeting = {key: value for key, value in (GOOD | change).items() if value is not None}
    problems = validate_feed([meeting])
    assert any(problem in found for found in problems), problems


def test_spec_validator_catches_a_body_that_is_not_a_list_and_repeated_slugs():
    assert validate_feed({"meetings": [GOOD]}) == ["the body must be a JSON array, not dict"]
    assert any("slug repeats" in problem for problem in validate_feed([GOOD, GOOD]))
    assert any("is not an object" in problem for problem in validate_feed(["GOOD"]))


def test_spec_validator_rejects_custom_codes_that_take_reserved_or_language_codes():
    assert custom_type_problems({"KET": "Ketamine"}) == [
        "custom type 'KET' looks like an ISO 639 language code"
    ]
    assert any("collides" in problem for problem in custom_type_problems({"BV-I": "x"}))
    assert any("collides" in problem for problem in custom_type_problems({"ONL": "x"}))
    problems = validate_feed([GOOD | {"types": ["O", "D"]}], custom_types={"D": "Drugs"})
    assert any("collides" in problem for problem in problems)

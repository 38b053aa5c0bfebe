"""Calendars (RFC 5545): a subscribed calendar shows exactly the meetings in our database, and
each feed shows what its reader may see. Expansion by `recurring-ical-events`, an independent
reader, is the judge of "exactly"."""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

import pytest
import recurring_ical_events  # type: ignore[import-untyped]  # it ships no type hints
import time_machine
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from icalendar import Calendar

from config.logs import RedactSecretPaths
from groups.calendars.feeds import calendar_feed_get_or_create, calendar_feed_reset
from groups.calendars.ics import (
    PAST_WINDOW,
    Window,
    calendar_feed_links,
    group_calendar_build,
    personal_calendar_build,
)
from groups.meetings.joining import join_address_url, join_addresses_for
from groups.meetings.recurrence import Frequency, Recurrence
from groups.models import CalendarFeed, JoinAddress, Meeting, MeetingSeries
from groups.services.meetings import (
    meeting_cancel,
    meeting_move,
    meetings_extend,
    series_create,
    series_update,
)
from tests.factories import MembershipFactory, SupportGroupFactory, UserFactory

NEW_YORK = "America/New_York"
LONDON = "Europe/London"
# The clock of the exactness scenario. Its window (90 days back, the 13-week horizon ahead)
# holds both daylight-saving changes of both zones: London 25 Oct 2026 and 28 Mar 2027,
# New York 1 Nov 2026 and 14 Mar 2027.
CREATED = datetime(2026, 9, 14, 12, tzinfo=UTC)
NOW = datetime(2027, 1, 1, 12, tzinfo=UTC)
WINDOW = Window.around(NOW)

REVEALING = re.compile(
    r"recover|ketamine|substance|addict|alcohol|stimulant|sober|relapse|craving|"
    r"support group|family and friends|loved one",
    re.IGNORECASE,
)
GROUP_NAME = "Ketamine Recovery Circle"


# --- helpers -----------------------------------------------------------------------------------


def parse(body: bytes) -> Calendar:
    """Parse a feed and check what every calendar we write must have."""
    calendar = Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert calendar["X-WR-CALNAME"]
    zones = {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")}
    used = set()
    for event in calendar.walk("VEVENT"):
        assert event["UID"] and event["DTSTAMP"] and "SEQUENCE" in event
        for name in ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE"):
            values = event.get(name)
            for value in values if isinstance(values, list) else [values]:
                if value is not None and "TZID" in value.params:
                    used.add(value.params["TZID"])
    assert used <= zones, f"no VTIMEZONE for {used - zones}"
    return calendar


def expand(calendar: Calendar, start: datetime, end: datetime) -> dict[str, list]:
    """What a subscribed calendar shows between `start` and `end`: (start, end) UTC instants
    of every meeting that is not cancelled, by UID."""
    shown: dict[str, list] = defaultdict(list)
    for event in recurring_ical_events.of(calendar).between(start, end):
        if str(event.get("STATUS", "")) == "CANCELLED":
            continue
        begins = event["DTSTART"].dt.astimezone(UTC)
        shown[str(event["UID"])].append((begins, event["DTEND"].dt.astimezone(UTC)))
    return {uid: sorted(times) for uid, times in shown.items()}


def stored(series_list, window: Window = WINDOW) -> dict[str, list]:
    """The database's scheduled meetings of the window, by the series' UID."""
    meetings = Meeting.objects.filter(
        series__in=series_list,
        status=Meeting.Status.SCHEDULED,
        occurrence_start__gte=window.start,
        starts_at__lt=window.end,
    )
    by_uid: dict[str, list] = defaultdict(list)
    for meeting in meetings:
        by_uid[f"series-{meeting.series_id}@testserver"].append(
            (meeting.starts_at, meeting.ends_at)
        )
    return {uid: sorted(times) for uid, times in by_uid.items()}


def by_series(shown: dict[str, list], series_list) -> dict[str, list]:
    """A meeting the rule does not show as it is (cancelled, moved, of an earlier schedule,
    across a daylight-saving change) is an event of its own, with its own UID, and so is
    every meeting of a series that starts in a skipped or repeated hour: count each with
    its series."""
    series_of = {
        f"meeting-{pk}@testserver": f"series-{series_id}@testserver"
        for pk, series_id in Meeting.objects.filter(series__in=series_list).values_list(
            "pk", "series_id"
        )
    }
    merged: dict[str, list] = defaultdict(list)
    for uid, times in shown.items():
        if coming := re.fullmatch(r"series-(\d+)-\d{8}T\d{6}Z@testserver", uid):
            uid = f"series-{coming[1]}@testserver"  # a meeting of the rule not stored yet
        merged[series_of.get(uid, uid)] += times
    return {uid: sorted(times) for uid, times in merged.items()}


def assert_exact(body: bytes, series_list, window: Window = WINDOW) -> Calendar:
    calendar = parse(body)
    expected = stored(series_list, window)
    shown = by_series(expand(calendar, window.start, window.end), series_list)
    for uid in expected.keys() | shown.keys():
        assert shown.get(uid, []) == expected.get(uid, []), uid
    assert sum(map(len, shown.values())) == sum(map(len, expected.values()))
    return calendar


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def weekly(*days: int, **kwargs) -> Recurrence:
    return Recurrence(frequency=Frequency.WEEKLY, weekdays=days, **kwargs)


def make_series(group, *, recurrence, start, at, zone, minutes=90, now=CREATED, **fields):
    facilitator = UserFactory(is_facilitator=True)
    values = {
        "title": fields.pop("title", "Sunday night meeting"),
        "start_time": at,
        "duration_minutes": minutes,
        "time_zone": zone,
        "attendance_option": fields.pop("attendance_option", "online"),
        **fields,
    }
    return series_create(
        group=group, actor=facilitator, recurrence=recurrence, start=start, fields=values, now=now
    )


def keep_horizon_filled(series_list, *, since: datetime, until: datetime) -> None:
    """The periodic task, run daily from `since` to `until`."""
    moment = since
    while moment <= until:
        for series in series_list:
            meetings_extend(series=series, now=moment)
        moment += timedelta(days=1)


def meeting_on(series, day: date) -> Meeting:
    zone = series.zone
    return next(
        meeting
        for meeting in series.meetings.order_by("occurrence_start")
        if meeting.occurrence_start.astimezone(zone).date() == day
    )


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def scenario(db):
    """Two groups, New York and London, with every kind of schedule and change."""
    new_york = SupportGroupFactory(
        name=GROUP_NAME,
        time_zone=NEW_YORK,
        format="hybrid",
        street="12 Hidden Street",
        city="Brooklyn",
        region="NY",
        postal_code="11201",
        online_url="https://meet.example.org/secret-room",
    )
    london = SupportGroupFactory(name="Thursday Friends", time_zone=LONDON, city="London")
    series = {}
    # Daylight-saving edge times: 02:30 on New York's spring-forward Sunday does not exist,
    # 01:30 on its fall-back Sunday happens twice; in London 01:30 is both.
    series["ny_0230"] = make_series(
        new_york, recurrence=weekly(6), start=date(2026, 9, 20), at=time(2, 30), zone=NEW_YORK
    )
    series["ny_0130"] = make_series(
        new_york, recurrence=weekly(6), start=date(2026, 9, 20), at=time(1, 30), zone=NEW_YORK
    )
    series["ldn_0130"] = make_series(
        london, recurrence=weekly(6), start=date(2026, 9, 20), at=time(1, 30), zone=LONDON
    )
    # An ordinary evening meeting, with one cancelled and one moved (time and place).
    series["ny_tuesday"] = make_series(
        new_york,
        recurrence=weekly(1),
        start=date(2026, 9, 15),
        at=time(19),
        zone=NEW_YORK,
        title="Tuesday evening",
        attendance_option="hybrid",
        dial_in="+1 555 0100",
    )
    # Fortnightly, then edited after it began: other weekday and time, kept its first date,
    # so the new rule has past instances that were never stored (EXDATE) and the old
    # schedule's past meetings are off the new rule (RDATE).
    series["ldn_edited"] = make_series(
        london,
        recurrence=weekly(3, interval=2),
        start=date(2026, 9, 17),
        at=time(18, 30),
        zone=LONDON,
        title="Thursday circle",
    )
    # Monthly, edited to a new first date and a longer meeting: past meetings keep their
    # length, and the rule's DTSTART lies after them.
    series["ny_monthly"] = make_series(
        new_york,
        recurrence=Recurrence(frequency=Frequency.MONTHLY, weekdays=(0,), month_week=1),
        start=date(2026, 9, 15),
        at=time(12),
        zone=NEW_YORK,
        minutes=60,
        title="First Monday lunch",
    )
    # Counted: began before the window, so its COUNT is shortened with its DTSTART.
    series["ldn_counted"] = make_series(
        london,
        recurrence=weekly(0, count=20),
        start=date(2026, 9, 14),
        at=time(20),
        zone=LONDON,
        title="Twenty Mondays",
    )
    series["ny_one_off"] = make_series(
        new_york,
        recurrence=Recurrence(frequency=Frequency.ONCE),
        start=date(2027, 1, 20),
        at=time(18),
        zone=NEW_YORK,
        minutes=120,
        title="New year social",
        now=NOW - timedelta(days=3),
    )
    edit_day = datetime(2026, 12, 1, 12, tzinfo=UTC)
    keep_horizon_filled(series.values(), since=CREATED, until=edit_day)
    tuesday = series["ny_tuesday"]
    meeting_cancel(meeting=meeting_on(tuesday, date(2026, 11, 24)), reason="Holiday", now=CREATED)
    meeting_move(
        meeting=meeting_on(tuesday, date(2026, 12, 8)),
        day=date(2026, 12, 9),
        at=time(18, 15),
        place="Library, room 2, 40 Other Road",
        now=CREATED,
    )
    # A future meeting of the 01:30 series too: its override must keep the move.
    meeting_cancel(
        meeting=meeting_on(series["ny_0130"], date(2027, 1, 10)), reason="Snow", now=CREATED
    )
    edited = series["ldn_edited"]
    series["ldn_edited"] = series_update(
        series=edited,
        recurrence=weekly(2),
        start=edited.start_date,
        fields={"start_time": time(19)},
        now=edit_day,
    )
    series["ny_monthly"] = series_update(
        series=series["ny_monthly"],
        recurrence=Recurrence(frequency=Frequency.MONTHLY, weekdays=(2,), month_week=1),
        start=date(2026, 12, 2),
        fields={"duration_minutes": 75},
        now=edit_day,
    )
    keep_horizon_filled(series.values(), since=edit_day, until=NOW)
    member = UserFactory(discreet_mode=False)
    for group in (new_york, london):
        MembershipFactory(user=member, group=group)
    return {"series": series, "new_york": new_york, "london": london, "member": member}


# --- exactness ---------------------------------------------------------------------------------


def test_personal_feed_expands_to_exactly_the_stored_meetings(scenario):
    body = personal_calendar_build(user=scenario["member"], now=NOW)
    calendar = assert_exact(body, scenario["series"].values())
    assert {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")} == {NEW_YORK, LONDON}


def test_public_feed_expands_to_exactly_the_stored_meetings(scenario):
    for group in (scenario["new_york"], scenario["london"]):
        body = group_calendar_build(group=group, now=NOW)
        assert_exact(body, MeetingSeries.objects.filter(group=group))


def test_feeds_stay_exact_as_the_clock_moves_on(scenario):
    """A week later the window has moved (older meetings leave it) and the horizon grew."""
    later = NOW + timedelta(days=40)
    keep_horizon_filled(scenario["series"].values(), since=NOW, until=later)
    window = Window.around(later)
    body = personal_calendar_build(user=scenario["member"], now=later)
    assert_exact(body, scenario["series"].values(), window)


def test_a_cancelled_meeting_leaves_its_series_and_is_an_event_marked_cancelled(scenario):
    tuesday = scenario["series"]["ny_tuesday"]
    cancelled = meeting_on(tuesday, date(2026, 11, 24))
    calendar = parse(personal_calendar_build(user=scenario["member"], now=NOW))
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    master = events[f"series-{tuesday.pk}@testserver"]
    exdates = master.get("EXDATE")
    excluded = {
        value.dt.astimezone(UTC)
        for line in (exdates if isinstance(exdates, list) else [exdates])
        for value in line.dts
    }
    assert cancelled.occurrence_start in excluded
    event = events[f"meeting-{cancelled.pk}@testserver"]
    assert "RECURRENCE-ID" not in event
    assert event["STATUS"] == "CANCELLED"
    assert event["DTSTART"].dt == cancelled.starts_at
    assert event["SEQUENCE"] == tuesday.sequence + cancelled.sequence
    assert event["SEQUENCE"] > 0
    assert "Holiday" in event["DESCRIPTION"]


def test_a_moved_meeting_has_its_new_time_and_place(scenario):
    tuesday = scenario["series"]["ny_tuesday"]
    moved = meeting_on(tuesday, date(2026, 12, 8))
    calendar = parse(personal_calendar_build(user=scenario["member"], now=NOW))
    [event] = [e for e in calendar.walk("VEVENT") if e["UID"] == f"meeting-{moved.pk}@testserver"]
    assert event["DTSTART"].dt == datetime(2026, 12, 9, 23, 15, tzinfo=UTC)
    assert event["DTSTART"].params["TZID"] == NEW_YORK
    assert event["DTEND"].dt == datetime(2026, 12, 10, 0, 45, tzinfo=UTC)
    assert event["LOCATION"] == "Library, room 2, 40 Other Road"
    assert event["SEQUENCE"] == 1
    assert event["STATUS"] == "CONFIRMED"


def test_an_edited_schedule_keeps_past_meetings_and_excludes_unstored_rule_instances(scenario):
    edited = scenario["series"]["ldn_edited"]
    calendar = parse(personal_calendar_build(user=scenario["member"], now=NOW))
    master = next(
        event
        for event in calendar.walk("VEVENT")
        if event["UID"] == f"series-{edited.pk}@testserver" and "RECURRENCE-ID" not in event
    )
    assert str(master["RRULE"].to_ical(), "ascii") == "FREQ=WEEKLY;BYDAY=WE"
    assert master["SEQUENCE"] == 1
    exdates = [p.dt for exdate in _as_list(master.get("EXDATE")) for p in exdate.dts]
    # Old Thursdays 18:30 that happened in the window: events of their own, not RDATEs
    # (node-ical would drop them, libical move them); new Wednesdays before the edit: EXDATEs.
    assert "RDATE" not in master
    old_meetings = [
        event["DTSTART"].dt
        for event in calendar.walk("VEVENT")
        if str(event["UID"]).startswith("meeting-")
        and Meeting.objects.get(pk=int(str(event["UID"]).split("-")[1].split("@")[0])).series
        == edited
    ]
    assert old_meetings and all(d.weekday() == 3 and d.time() == time(18, 30) for d in old_meetings)
    assert exdates and all(d.weekday() == 2 and d.time() == time(19) for d in exdates)


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def test_window_start_moves_dtstart_and_shortens_the_count(scenario):
    counted = scenario["series"]["ldn_counted"]
    calendar = parse(personal_calendar_build(user=scenario["member"], now=NOW))
    master = next(
        event
        for event in calendar.walk("VEVENT")
        if event["UID"] == f"series-{counted.pk}@testserver" and "RECURRENCE-ID" not in event
    )
    # Mondays from 14 Sep 2026; the window opens on 3 Oct, after three of them.
    assert WINDOW.start.date() == date(2026, 10, 3)
    assert master["DTSTART"].dt.date() == date(2026, 10, 5)
    assert master["RRULE"]["COUNT"] == [17]
    last = sorted(stored([counted])[f"series-{counted.pk}@testserver"])[-1]
    assert last[0].astimezone(counted.zone).date() == date(2027, 1, 25)
    assert WINDOW.start == NOW - PAST_WINDOW


@pytest.mark.parametrize(
    ("key", "day", "starts_utc", "ends_utc"),
    [
        # 02:30 does not exist on 14 Mar 2027 in New York: 03:30 EDT, for 90 minutes.
        ("ny_0230", date(2027, 3, 14), utc(2027, 3, 14, 7, 30), utc(2027, 3, 14, 9)),
        # 01:30 happens twice on 1 Nov 2026 in New York: the first, 01:30 EDT.
        ("ny_0130", date(2026, 11, 1), utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 7)),
        # 01:30 EST on 14 Mar 2027, ninety real minutes across the jump.
        ("ny_0130", date(2027, 3, 14), utc(2027, 3, 14, 6, 30), utc(2027, 3, 14, 8)),
        # London: 01:30 twice on 25 Oct 2026 (the first is BST), none on 28 Mar 2027.
        ("ldn_0130", date(2026, 10, 25), utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 2)),
        ("ldn_0130", date(2027, 3, 28), utc(2027, 3, 28, 1, 30), utc(2027, 3, 28, 3)),
    ],
)
def test_meetings_on_daylight_saving_days_show_at_their_stored_instants(
    scenario, key, day, starts_utc, ends_utc
):
    series = scenario["series"][key]
    meeting = meeting_on(series, day)
    assert (meeting.starts_at, meeting.ends_at) == (starts_utc, ends_utc)
    calendar = parse(personal_calendar_build(user=scenario["member"], now=NOW))
    shown = by_series(expand(calendar, WINDOW.start, WINDOW.end), [series])
    assert (meeting.starts_at, meeting.ends_at) in shown[f"series-{series.pk}@testserver"]


def test_an_end_at_the_repeated_hour_is_written_in_utc(db):
    """01:00 EDT for an hour on the fall-back night ends at the second 01:00 (EST): as a local
    time it would read back as the first one, an hour early."""
    group = SupportGroupFactory(time_zone=NEW_YORK)
    now = datetime(2026, 10, 20, tzinfo=UTC)
    series = make_series(
        group,
        recurrence=weekly(6),
        start=date(2026, 10, 25),
        at=time(1),
        zone=NEW_YORK,
        minutes=60,
        now=now,
    )
    meeting = meeting_on(series, date(2026, 11, 1))
    assert meeting.ends_at == datetime(2026, 11, 1, 6, tzinfo=UTC)
    calendar = assert_exact(
        group_calendar_build(group=group, now=now),
        [series],
        Window.around(now),
    )
    # 01:00 is in the repeated hour: the series is one event a meeting, no RRULE, and the
    # times of that night in UTC.
    events = calendar.walk("VEVENT")
    assert not any("RRULE" in event or "RECURRENCE-ID" in event for event in events)
    [night] = [e for e in events if e["UID"] == f"meeting-{meeting.pk}@testserver"]
    assert (night["DTSTART"].dt, night["DTEND"].dt) == (meeting.starts_at, meeting.ends_at)
    assert "TZID" not in night["DTSTART"].params and "TZID" not in night["DTEND"].params
    week_before = meeting_on(series, date(2026, 10, 25))
    [calm] = [e for e in events if e["UID"] == f"meeting-{week_before.pk}@testserver"]
    assert calm["DTSTART"].params["TZID"] == NEW_YORK


def test_stored_meetings_show_when_the_rule_has_nothing_left_in_the_window(db):
    """Meetings whose rule no longer produces anything in the window (here a rule rewritten
    to a single long-past instance) are the whole set: each an event of its own, no RRULE."""
    group = SupportGroupFactory(time_zone=LONDON)
    series = make_series(
        group, recurrence=weekly(1), start=date(2027, 1, 5), at=time(19), zone=LONDON, now=NOW
    )
    MeetingSeries.objects.filter(pk=series.pk).update(
        rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=1", start_date=date(2025, 1, 7)
    )
    series.refresh_from_db()
    calendar = assert_exact(group_calendar_build(group=group, now=NOW), [series])
    events = calendar.walk("VEVENT")
    assert not any("RRULE" in e or "RDATE" in e for e in events)
    assert sorted(e["DTSTART"].dt for e in events) == [
        m.starts_at for m in series.meetings.order_by("starts_at")
    ]


def test_sequence_rises_on_every_change(db):
    group = SupportGroupFactory(time_zone=NEW_YORK)
    MembershipFactory(group=group)
    series = make_series(
        group, recurrence=weekly(1), start=date(2027, 1, 5), at=time(19), zone=NEW_YORK, now=NOW
    )
    meeting = series.meetings.order_by("occurrence_start")[1]

    def sequences() -> dict:
        calendar = parse(group_calendar_build(group=group, now=NOW))
        return {str(event["UID"]): event["SEQUENCE"] for event in calendar.walk("VEVENT")}

    first = sequences()
    meeting_move(meeting=meeting, day=date(2027, 1, 13), at=time(19), now=NOW)
    moved = sequences()
    meeting_move(meeting=meeting, day=date(2027, 1, 14), at=time(19), now=NOW)
    moved_again = sequences()
    override = f"meeting-{meeting.pk}@testserver"
    assert moved[override] < moved_again[override]
    series_update(
        series=series,
        recurrence=weekly(1),
        start=series.start_date,
        fields={"title": "Tuesday evening, renamed"},
        now=NOW,
    )
    renamed = sequences()
    master = f"series-{series.pk}@testserver"
    assert first[master] < renamed[master]
    assert moved_again[override] < renamed[override]


# --- what each reader sees ---------------------------------------------------------------------


def _event_texts(calendar: Calendar) -> str:
    return "\n".join(
        str(event.get(name, ""))
        for event in calendar.walk("VEVENT")
        for name in ("SUMMARY", "DESCRIPTION", "LOCATION", "URL")
    )


def test_public_group_feed_shows_the_city_but_no_street_link_or_dial_in(client, scenario):
    group = scenario["new_york"]
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("groups:group-calendar", kwargs={"slug": group.slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "public" in response["Cache-Control"]
    assert "max-age=900" in response["Cache-Control"]
    body = response.content.decode()
    for secret in ("Hidden Street", "11201", "secret-room", "555 0100", "Other Road", "Library"):
        assert secret not in body
    calendar = parse(response.content)
    assert "METHOD" not in calendar  # no ORGANIZER, so no PUBLISH (RFC 5546 3.2.1)
    events = calendar.walk("VEVENT")
    in_person = [e for e in events if "Tuesday evening" in str(e["SUMMARY"])]
    assert {str(e["LOCATION"]) for e in in_person} == {"Brooklyn, NY"}
    assert all("http://testserver/groups/" in str(e["DESCRIPTION"]) for e in events)
    assert str(events[0]["SUMMARY"]).endswith(f"· {GROUP_NAME}")


def test_unlisted_or_archived_group_has_no_public_feed(client, db):
    unlisted = SupportGroupFactory(listed=False)
    archived = SupportGroupFactory(state="archived")
    for group in (unlisted, archived):
        response = client.get(reverse("groups:group-calendar", kwargs={"slug": group.slug}))
        assert response.status_code == 404
    response = client.get(reverse("groups:group-calendar", kwargs={"slug": "no-such-group"}))
    assert response.status_code == 404


def test_personal_feed_has_full_places_and_links_for_members(client, scenario):
    member = scenario["member"]
    feed = calendar_feed_get_or_create(user=member)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("groups:personal-calendar", kwargs={"token": feed.token}))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    calendar = parse(response.content)
    texts = _event_texts(calendar)
    for detail in ("12 Hidden Street", "+1 555 0100", "Library, room 2"):
        assert detail in texts
    assert f"Tuesday evening · {GROUP_NAME}" in texts
    # The way in is the member's own join address, never the link itself.
    addresses = JoinAddress.objects.filter(user=member)
    assert addresses and all(f"Join: {join_address_url(a)}" in texts for a in addresses)
    assert "secret-room" not in texts


def test_personal_feed_holds_only_active_memberships_of_active_groups(db):
    member = UserFactory()
    kept = SupportGroupFactory()
    MembershipFactory(user=member, group=kept)
    for state, group in (
        ("left", SupportGroupFactory()),
        ("pending", SupportGroupFactory()),
        ("active", SupportGroupFactory(state="archived")),
    ):
        MembershipFactory(user=member, group=group, state=state)
        make_series(group, recurrence=weekly(1), start=date(2027, 1, 5), at=time(19), zone=LONDON)
    wanted = make_series(
        kept, recurrence=weekly(1), start=date(2027, 1, 5), at=time(19), zone=LONDON, now=NOW
    )
    calendar = parse(personal_calendar_build(user=member, now=NOW))
    assert {str(e["UID"]) for e in calendar.walk("VEVENT")} == {f"series-{wanted.pk}@testserver"}


def test_discreet_personal_feed_names_no_group_and_nothing_about_recovery(scenario):
    member = scenario["member"]
    member.discreet_mode = True
    member.save()
    calendar = parse(personal_calendar_build(user=member, now=NOW))
    assert not REVEALING.search(str(calendar["X-WR-CALNAME"]))
    for event in calendar.walk("VEVENT"):
        assert str(event["SUMMARY"]) in {"Appointment", "Cancelled: Appointment"}
        for name in ("SUMMARY", "DESCRIPTION"):
            text = str(event[name])
            assert not REVEALING.search(text.replace(scenario["new_york"].slug, ""))
            assert GROUP_NAME not in text and "Thursday Friends" not in text
            assert "Holiday" not in text  # a cancellation's reason may say too much
        assert str(event["DESCRIPTION"]).startswith("Details: http://testserver/")


def test_unknown_token_is_a_plain_404(client, db):
    for token in ("nope", "x" * 200, CalendarFeed._meta.get_field("token").default()):
        response = client.get(reverse("groups:personal-calendar", kwargs={"token": token}))
        assert response.status_code == 404
        assert token not in response.content.decode()


def test_reset_token_kills_the_old_address_and_the_new_one_works(client, db):
    member = UserFactory()
    old = calendar_feed_get_or_create(user=member).token
    new = calendar_feed_reset(user=member).token
    assert new != old
    assert calendar_feed_get_or_create(user=member).token == new
    old_url = reverse("groups:personal-calendar", kwargs={"token": old})
    new_url = reverse("groups:personal-calendar", kwargs={"token": new})
    assert client.get(old_url).status_code == 404
    assert client.get(new_url).status_code == 200


def test_personal_feed_of_a_deactivated_account_is_404(client, db):
    member = UserFactory(is_active=False)
    feed = calendar_feed_get_or_create(user=member)
    response = client.get(reverse("groups:personal-calendar", kwargs={"token": feed.token}))
    assert response.status_code == 404


def test_the_token_is_redacted_from_request_logs(db):
    token = calendar_feed_get_or_create(user=UserFactory()).token
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Not Found: %s",
        (f"/calendar/{token}.ics",),
        None,
    )
    RedactSecretPaths().filter(record)
    assert token not in record.getMessage()


# --- one meeting as a download -----------------------------------------------------------------


@pytest.fixture
def one_meeting(db):
    group = SupportGroupFactory(
        name=GROUP_NAME,
        time_zone=NEW_YORK,
        format="in_person",
        street="12 Hidden Street",
        city="Brooklyn",
        postal_code="11201",
    )
    series = make_series(
        group,
        recurrence=weekly(1),
        start=date(2027, 1, 5),
        at=time(19),
        zone=NEW_YORK,
        now=NOW,
        title="Tuesday evening",
        attendance_option="in_person",
    )
    return series.meetings.order_by("occurrence_start").first()


def _meeting_url(meeting) -> str:
    return reverse(
        "groups:meeting-ics", kwargs={"slug": meeting.group.slug, "meeting_id": meeting.pk}
    )


def test_member_downloads_one_meeting_with_its_place(client, one_meeting):
    member = UserFactory(discreet_mode=False)
    MembershipFactory(user=member, group=one_meeting.group)
    client.force_login(member)
    response = client.get(_meeting_url(one_meeting))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="meeting.ics"'
    assert "no-store" in response["Cache-Control"]
    calendar = parse(response.content)
    (event,) = calendar.walk("VEVENT")
    assert event["SUMMARY"] == f"Tuesday evening · {GROUP_NAME}"
    assert "12 Hidden Street" in event["LOCATION"]
    assert event["DTSTART"].dt == one_meeting.starts_at
    assert event["DTSTART"].params["TZID"] == NEW_YORK
    assert event["DTEND"].dt == one_meeting.ends_at
    assert "RRULE" not in event


def test_discreet_download_has_a_neutral_title_and_only_a_link(client, one_meeting):
    member = UserFactory()  # discreet mode is on by default
    MembershipFactory(user=member, group=one_meeting.group)
    client.force_login(member)
    calendar = parse(client.get(_meeting_url(one_meeting)).content)
    (event,) = calendar.walk("VEVENT")
    assert event["SUMMARY"] == "Appointment"
    # Not the meeting's page: its address carries the group's slug.
    assert event["DESCRIPTION"] == f"Details: http://testserver{reverse('groups:my-meetings')}"
    assert one_meeting.group.slug not in calendar.to_ical().decode()
    assert not REVEALING.search(str(calendar["X-WR-CALNAME"]))


def test_outsider_cannot_download_a_meeting(client, one_meeting, outsider):
    client.force_login(outsider)
    assert client.get(_meeting_url(one_meeting)).status_code == 403
    pending = UserFactory()
    MembershipFactory(user=pending, group=one_meeting.group, state="pending")
    client.force_login(pending)
    assert client.get(_meeting_url(one_meeting)).status_code == 403


def test_anonymous_visitor_is_asked_to_sign_in(client, one_meeting):
    response = client.get(_meeting_url(one_meeting))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_meeting_of_an_archived_group_is_404_for_an_outsider(client, one_meeting, outsider):
    group = one_meeting.group
    group.state = "archived"
    group.save()
    client.force_login(outsider)
    assert client.get(_meeting_url(one_meeting)).status_code == 404


def test_meeting_of_another_group_is_404(client, one_meeting):
    other = SupportGroupFactory()
    member = UserFactory()
    MembershipFactory(user=member, group=other)
    client.force_login(member)
    url = reverse("groups:meeting-ics", kwargs={"slug": other.slug, "meeting_id": one_meeting.pk})
    assert client.get(url).status_code == 404


# --- resetting the address ---------------------------------------------------------------------


def test_reset_needs_a_signed_in_member(client, db):
    url = reverse("groups:personal-calendar-reset")
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_reset_asks_for_confirmation_first(client, member):
    old = calendar_feed_get_or_create(user=member).token
    client.force_login(member)
    response = client.get(reverse("groups:personal-calendar-reset"))
    assert response.status_code == 200
    assert b"stops working" in response.content
    assert calendar_feed_get_or_create(user=member).token == old


def test_reset_changes_the_address_and_returns_to_my_meetings(client, member):
    old = calendar_feed_get_or_create(user=member).token
    client.force_login(member)
    response = client.post(reverse("groups:personal-calendar-reset"), follow=False)
    assert response.status_code == 302
    assert response["Location"] == reverse("groups:my-meetings")
    assert calendar_feed_get_or_create(user=member).token != old
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages[0].startswith("Your calendar address has changed.")


def test_reset_returns_to_a_safe_next_page_only(client, member):
    client.force_login(member)
    url = reverse("groups:personal-calendar-reset")
    response = client.post(url, {"next": "/accounts/profile/"})
    assert response["Location"] == "/accounts/profile/"
    response = client.post(url, {"next": "https://elsewhere.example/"})
    assert response["Location"] == reverse("groups:my-meetings")


def test_feed_section_shows_the_address_and_a_reset_form(member):
    feed = calendar_feed_get_or_create(user=member)
    request = RequestFactory().get("/meetings/")
    request.user = member
    html = render_to_string(
        "groups/fragments/_calendar_feed.html", calendar_feed_links(feed=feed), request=request
    )
    address = f"http://testserver/calendar/{feed.token}.ics"
    assert re.search(rf'value="{re.escape(address)}"\s+readonly', html)
    assert f"webcal://testserver/calendar/{feed.token}.ics" in html
    assert 'action="/calendar/reset/"' in html
    assert 'name="next" value="/meetings/"' in html
    assert "<details" in html and "stops working" in html


# --- query counts ------------------------------------------------------------------------------


def _member_with_series(count: int):
    """A member of `count` groups (London and New York alternately), each with a weekly
    series whose meetings are stored, one cancelled and one moved."""
    member = UserFactory()
    for number in range(count):
        zone = (LONDON, NEW_YORK)[number % 2]
        group = SupportGroupFactory(time_zone=zone)
        MembershipFactory(user=member, group=group)
        series = make_series(
            group, recurrence=weekly(number % 7), start=date(2026, 12, 1), at=time(19), zone=zone
        )
        keep_horizon_filled([series], since=CREATED, until=NOW)
        meetings = list(series.meetings.filter(starts_at__gt=NOW).order_by("starts_at")[:2])
        meeting_cancel(meeting=meetings[0], reason="Holiday", now=NOW)
        day = meetings[1].starts_at.astimezone(series.zone).date()
        meeting_move(meeting=meetings[1], day=day, at=time(20), place="Elsewhere", now=NOW)
    return member


@pytest.mark.parametrize("count", [2, 30])
def test_personal_feed_takes_four_queries_however_many_series(
    client, db, django_assert_num_queries, count
):
    member = _member_with_series(count)
    # The member's join addresses exist (the first build makes any missing: two more).
    join_addresses_for(user=member, series=list(MeetingSeries.objects.all()))
    token = calendar_feed_get_or_create(user=member).token
    url = reverse("groups:personal-calendar", kwargs={"token": token})
    with time_machine.travel(NOW, tick=False), django_assert_num_queries(4):
        response = client.get(url)
    calendar = parse(response.content)
    assert len([e for e in calendar.walk("VEVENT") if "RRULE" in e]) == count


@pytest.mark.parametrize("count", [2, 30])
def test_group_feed_takes_three_queries_however_many_series(
    client, db, django_assert_num_queries, count
):
    group = SupportGroupFactory(time_zone=LONDON)
    for number in range(count):
        series = make_series(
            group, recurrence=weekly(number % 7), start=date(2026, 12, 1), at=time(19), zone=LONDON
        )
        keep_horizon_filled([series], since=CREATED, until=NOW)
        meeting_cancel(
            meeting=series.meetings.filter(starts_at__gt=NOW).first(), reason="x", now=NOW
        )
    url = reverse("groups:group-calendar", kwargs={"slug": group.slug})
    with time_machine.travel(NOW, tick=False), django_assert_num_queries(3):
        response = client.get(url)
    assert_exact(response.content, MeetingSeries.objects.filter(group=group))

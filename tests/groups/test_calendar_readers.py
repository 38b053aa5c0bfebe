"""Our calendars as the software people use reads them: ical.js (Mozilla's parser, inside
Thunderbird and many web calendars), node-ical (MagicMirror's and many Node apps'), libical
(Evolution's, through ctypes) and recurring-ical-events (Python's) expand the personal feed, a
group's feed and a single meeting's file of a stress calendar built through our own services:
series in New York, London and Auckland across every daylight-saving change of 2027 (a
meeting in New York's spring-forward gap, cancelled meetings in London's and Auckland's
autumn overlaps), a cancelled and a moved meeting, two weekdays in one series, a monthly
second Tuesday, a series of six, a schedule edited after it began, and titles and notes with
`, ; \\`, newlines, emoji and CJK. Every instant each reads, in UTC, its cancellations and its
texts must be the database's. And the zones we write must be tzdata's, hour by hour."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events  # type: ignore[import-untyped]  # it ships no type hints
import time_machine
from django.urls import reverse
from icalendar import Calendar

from groups.calendars.feeds import calendar_feed_get_or_create
from groups.calendars.zones import vtimezone
from groups.meetings.recurrence import Recurrence
from groups.models import Meeting
from groups.services.meetings import (
    meeting_cancel,
    meeting_move,
    meetings_extend,
    series_create,
    series_update,
)
from tests.conftest import skip_or_fail
from tests.consumers import libical
from tests.factories import MembershipFactory, SupportGroupFactory, UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
NODE_READERS = {
    "ical.js": ROOT / "tests" / "consumers" / "icaljs_expand.mjs",
    "node-ical": ROOT / "tests" / "consumers" / "nodeical_expand.mjs",
}
READERS = [*NODE_READERS, "libical", "recurring-ical-events"]
NOW = datetime(2027, 2, 20, 12, tzinfo=UTC)
# The periodic task stores 13 weeks ahead; stored as it will have by late November (see
# world), the feed's meetings reach February 2028, past every change of 2027 in the zones.
ZONES = ["America/New_York", "Europe/London", "Pacific/Auckland"]
REASON = "The hall is closed; sorry, truly \\ 会 ☕"


def expand(reader: str, body: bytes, tmp_path: Path, until: datetime) -> list[dict]:
    """[{uid, start (UTC, ISO), status, summary, description}] of every occurrence."""
    if reader == "libical":
        lib = libical.load()
        if lib is None:
            skip_or_fail("libical is not installed (Debian: libical3; .ci/run installs it)")
        return libical.expand(lib, body, until)
    if reader == "recurring-ical-events":
        return [
            {
                "uid": str(event["UID"]),
                "start": event["DTSTART"].dt.astimezone(UTC).isoformat(),
                "status": str(event.get("STATUS", "")),
                "summary": str(event.get("SUMMARY", "")),
                "description": str(event.get("DESCRIPTION", "")),
            }
            for event in recurring_ical_events.of(Calendar.from_ical(body)).between(
                datetime(1970, 1, 1, tzinfo=UTC), until
            )
        ]
    if not shutil.which("node") or not (ROOT / "node_modules" / reader).exists():
        skip_or_fail(f"{reader} needs node and `npm ci` (package.json pins it)")
    path = tmp_path / "calendar.ics"
    path.write_bytes(body)
    run = subprocess.run(
        ["node", str(NODE_READERS[reader]), str(path), until.isoformat()],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


# zone, rule, time, what it is there for
SCHEDULES = [
    ("America/New_York", "FREQ=WEEKLY;BYDAY=SU", time(2, 30)),  # 14 March: no 02:30
    ("America/New_York", "FREQ=WEEKLY;BYDAY=TU", time(19)),  # a cancelled and a moved one
    ("America/New_York", "FREQ=WEEKLY;BYDAY=MO,TH", time(12, 15)),  # two weekdays
    ("Europe/London", "FREQ=WEEKLY;BYDAY=WE", time(18, 30)),  # edited from today on
    ("Europe/London", "FREQ=WEEKLY;BYDAY=SU", time(1, 30)),  # 31 October: 01:30 twice
    ("Europe/London", "FREQ=MONTHLY;BYDAY=2TU", time(19)),  # the second Tuesday
    ("Pacific/Auckland", "FREQ=WEEKLY;BYDAY=SU", time(2, 30)),  # 4 April: 02:30 twice
    ("Pacific/Auckland", "FREQ=WEEKLY;BYDAY=MO;COUNT=6", time(7)),  # six meetings
]


def _local_day(meeting: Meeting) -> date:
    return meeting.starts_at.astimezone(meeting.series.zone).date()


@pytest.fixture
def world():
    with time_machine.travel(NOW, tick=False):
        member = UserFactory(discreet_mode=False)
        facilitator = UserFactory(is_facilitator=True)
        groups, series = [], []
        for index, (zone, rule, at) in enumerate(SCHEDULES):
            group = SupportGroupFactory(time_zone=zone, name=f"Circle {index}, {zone}")
            MembershipFactory(group=group, user=member)
            MembershipFactory(group=group, user=facilitator, role="facilitator")
            groups.append(group)
            one = series_create(
                group=group,
                actor=facilitator,
                recurrence=Recurrence.from_rrule(rule, time_zone=zone),
                start=NOW.date(),
                fields={
                    "title": f"Evening {index}, {zone}; \\ ☕ 会",
                    "start_time": at,
                    "duration_minutes": 90,
                    "time_zone": zone,
                },
                now=NOW,
            )
            series.append(one)
        # London's Wednesdays began four weeks ago and are edited from today: its past
        # meetings keep their 18:30 (the feed carries them as events the new rule does not make).
        london = series[3]
        earlier = NOW - timedelta(weeks=4)
        london.meetings.all().delete()
        london.start_date = earlier.date()
        london.save()
        meetings_extend(series=london, now=earlier)
        series[3] = series_update(
            series=london,
            recurrence=Recurrence.from_rrule(london.rrule, time_zone=london.time_zone),
            start=earlier.date(),
            fields={"start_time": time(19, 15)},
            now=NOW,
        )
        for weeks in (13, 26, 39):
            for one in series:
                meetings_extend(series=one, now=NOW + timedelta(weeks=weeks))
        tuesday = series[1].meetings.order_by("starts_at")
        meeting_cancel(meeting=tuesday[2], reason=REASON)
        moved = tuesday[5]
        meeting_move(meeting=moved, day=_local_day(moved) + timedelta(days=1), at=time(18))
        # The meetings in the autumn overlaps, whose RECURRENCE-ID is a repeated wall time.
        for one, day in [(series[4], date(2027, 10, 31)), (series[6], date(2027, 4, 4))]:
            [overlap] = [m for m in one.meetings.all() if _local_day(m) == day]
            meeting_cancel(meeting=overlap, reason=REASON)
        yield member, groups, series, Meeting.objects.get(pk=moved.pk)


def database(series_list) -> tuple[set[str], set[str]]:
    meetings = Meeting.objects.filter(series__in=series_list)
    held = {m.starts_at.astimezone(UTC).isoformat() for m in meetings if not m.is_cancelled}
    cancelled = {m.starts_at.astimezone(UTC).isoformat() for m in meetings if m.is_cancelled}
    return held, cancelled


def read(occurrences: list[dict], last: datetime) -> tuple[set[str], set[str]]:
    def iso(text: str) -> str:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()

    shown = [o for o in occurrences if datetime.fromisoformat(o["start"]) <= last]
    held = [iso(o["start"]) for o in shown if o["status"] != "CANCELLED"]
    cancelled = [iso(o["start"]) for o in shown if o["status"] == "CANCELLED"]
    # Each meeting once: a reader that kept an instance beside its override shows it twice.
    twice = [at for at, times in Counter(held + cancelled).items() if times > 1]
    assert twice == [], [o for o in shown if iso(o["start"]) in twice]
    return set(held), set(cancelled)


@pytest.mark.parametrize("reader", READERS)
def test_every_meeting_is_read_at_its_instant_in_every_feed(client, world, tmp_path, reader):
    member, groups, series, moved = world
    last = max(m.starts_at for m in Meeting.objects.filter(series__in=series))
    assert last > datetime(2027, 11, 8, tzinfo=UTC)  # past New York's autumn change
    until = last + timedelta(minutes=1)
    client.force_login(member)
    with time_machine.travel(NOW, tick=False):
        feed = calendar_feed_get_or_create(user=member)
        personal = client.get(reverse("groups:personal-calendar", args=[feed.token])).content
        group_feeds = [
            client.get(reverse("groups:group-calendar", args=[group.slug])).content
            for group in groups
        ]
    compared = 0

    occurrences = expand(reader, personal, tmp_path, until)
    held, cancelled = read(occurrences, last)
    expected_held, expected_cancelled = database(series)
    assert held - expected_held == set() and expected_held - held == set()
    assert cancelled == expected_cancelled
    compared += len(held) + len(cancelled)
    # The texts as we wrote them, escaping and all: titles and a reason with `, ; \\`,
    # emoji and CJK, a description of several lines.
    titles = {f"{one.title} · {one.group.name}" for one in series}
    assert {o["summary"] for o in occurrences if o["status"] != "CANCELLED"} == titles
    for o in occurrences:
        if o["status"] == "CANCELLED":
            assert o["summary"].removeprefix("Cancelled: ") in titles
            assert o["description"].startswith(f"Cancelled: {REASON}\n")
    # A series at 02:30 has no RRULE (see groups.calendars.ics): its meetings go on past
    # the stored ones, every week of the year after them, at the rule's instants.
    rule = Recurrence.from_rrule(series[0].rrule, time_zone=series[0].time_zone)
    later = {
        datetime.fromisoformat(o["start"].replace("Z", "+00:00"))
        for o in expand(reader, personal, tmp_path, last + timedelta(weeks=52))
        if o["uid"].startswith(f"series-{series[0].pk}-")
    }
    assert len(later) >= 50 and all(
        instant.astimezone(series[0].zone).time() in {time(2, 30), time(3, 30)}
        and instant.astimezone(series[0].zone).weekday() == rule.weekdays[0]
        for instant in later
    )
    for body, one in zip(group_feeds, series, strict=True):
        held, cancelled = read(expand(reader, body, tmp_path, until), last)
        assert (held, cancelled) == database([one])
        compared += len(held) + len(cancelled)
    # One meeting's own file: the moved one, and the one on New York's missing 02:30.
    gap = next(m for m in series[0].meetings.all() if _local_day(m) == date(2027, 3, 14))
    for meeting in [gap, moved]:
        body = client.get(
            reverse("groups:meeting-ics", args=[meeting.series.group.slug, meeting.pk])
        ).content
        [only] = expand(reader, body, tmp_path, until)
        assert datetime.fromisoformat(only["start"].replace("Z", "+00:00")) == meeting.starts_at
        compared += 1
    assert compared > 700


@pytest.mark.parametrize("tzid", [*ZONES, "Asia/Tokyo", "Asia/Kolkata", "Australia/Lord_Howe"])
def test_our_zones_are_tzdatas_at_every_hour_for_years(tzid):
    """Read the VTIMEZONE as RFC 5545 says (the sub-component with the latest start at or
    before an instant gives its offset; its DTSTART is wall-clock time in TZOFFSETFROM) and
    compare with zoneinfo every hour of 2026 to 2031."""
    [zone] = Calendar.from_ical(
        b"BEGIN:VCALENDAR\r\n" + vtimezone(tzid, first_year=2026) + b"END:VCALENDAR\r\n"
    ).walk("VTIMEZONE")
    starts = []
    for part in zone.subcomponents:
        wall = part.decoded("DTSTART")
        offset_from = part.decoded("TZOFFSETFROM")
        starts.append(((wall - offset_from).replace(tzinfo=UTC), part.decoded("TZOFFSETTO")))
    starts.sort()
    assert "RDATE" not in zone.to_ical().decode() and "COMMENT" not in zone.to_ical().decode()
    real = ZoneInfo(tzid)
    at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=1)
    while at < datetime(2032, 1, 1, tzinfo=UTC):
        offset = [to for start, to in starts if start <= at][-1]
        assert offset == at.astimezone(real).utcoffset(), at
        at += timedelta(hours=1)
    if tzid == "America/New_York":  # the review's example: spring 2027 at 07:00 UTC
        assert (datetime(2027, 3, 14, 7, tzinfo=UTC), timedelta(hours=-4)) in starts


def test_libicals_validator_finds_nothing_wrong_in_any_calendar(client, world):
    """Evolution's library, as its icalvalidate runs it: no METHOD without an ORGANIZER
    (RFC 5546 3.2.1), nothing a VTIMEZONE may not hold, every property where it belongs."""
    lib = libical.load()
    if lib is None:
        skip_or_fail("libical is not installed (Debian: libical3; .ci/run installs it)")
    member, groups, _, moved = world
    client.force_login(member)
    with time_machine.travel(NOW, tick=False):
        feed = calendar_feed_get_or_create(user=member)
        bodies = {
            "personal": client.get(reverse("groups:personal-calendar", args=[feed.token])),
            "group": client.get(reverse("groups:group-calendar", args=[groups[1].slug])),
            "meeting": client.get(reverse("groups:meeting-ics", args=[groups[1].slug, moved.pk])),
        }
    for name, response in bodies.items():
        assert response.status_code == 200, name
        assert libical.problems(lib, response.content) == [], name

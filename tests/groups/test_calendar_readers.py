"""Our calendars as the software people use reads them: ical.js (Mozilla's parser, inside
Thunderbird and many web calendars) and node-ical (MagicMirror's and many Node apps') expand
the personal feed, a group's feed and a single meeting's file of series in New York, London
and Auckland across the 2027 daylight-saving changes (a meeting at 02:30 on New York's
spring-forward day too), with a cancelled and a moved meeting and a schedule edited after
it began; every instant each reads, in UTC, must be the database's. And the zones we write
must be tzdata's, hour by hour."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
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
READERS = {
    "ical.js": ROOT / "tests" / "consumers" / "icaljs_expand.mjs",
    "node-ical": ROOT / "tests" / "consumers" / "nodeical_expand.mjs",
}
NOW = datetime(2027, 2, 20, 12, tzinfo=UTC)  # the stored horizon (13 weeks) spans every change
ZONES = ["America/New_York", "Europe/London", "Pacific/Auckland"]


def expand(reader: str, body: bytes, tmp_path: Path, until: datetime) -> list[dict]:
    if not shutil.which("node") or not (ROOT / "node_modules" / reader).exists():
        skip_or_fail(f"{reader} needs node and `npm ci` (package.json pins it)")
    path = tmp_path / "calendar.ics"
    path.write_bytes(body)
    run = subprocess.run(
        ["node", str(READERS[reader]), str(path), until.isoformat()],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def weekly(group, actor, *, title: str, zone: str, weekday: str, at: time, start: date):
    return series_create(
        group=group,
        actor=actor,
        recurrence=Recurrence.from_rrule(f"FREQ=WEEKLY;BYDAY={weekday}", time_zone=zone),
        start=start,
        fields={"title": title, "start_time": at, "duration_minutes": 90, "time_zone": zone},
        now=NOW,
    )


@pytest.fixture
def world():
    with time_machine.travel(NOW, tick=False):
        member = UserFactory(discreet_mode=False)
        facilitator = UserFactory(is_facilitator=True)
        groups, series = [], []
        for zone, weekday, at in [
            ("America/New_York", "SU", time(2, 30)),  # 14 March 2027: 02:30 does not exist
            ("America/New_York", "TU", time(19)),
            ("Europe/London", "WE", time(18, 30)),
            ("Pacific/Auckland", "TH", time(19)),
        ]:
            group = SupportGroupFactory(time_zone=zone, name=f"Circle {zone} {weekday}")
            MembershipFactory(group=group, user=member)
            MembershipFactory(group=group, user=facilitator, role="facilitator")
            groups.append(group)
            series.append(
                weekly(
                    group,
                    facilitator,
                    title=f"Evening, {zone}; {weekday} \\ ☕ 会",
                    zone=zone,
                    weekday=weekday,
                    at=at,
                    start=NOW.date(),
                )
            )
        # London's schedule began four weeks ago and is edited from today: its past meetings
        # keep their 18:30 (the feed carries them as instances the new rule does not make).
        london = series[2]
        earlier = NOW - timedelta(weeks=4)
        london.meetings.all().delete()
        london.start_date = earlier.date()
        london.save()
        meetings_extend(series=london, now=earlier)
        series[2] = series_update(
            series=london,
            recurrence=Recurrence.from_rrule(london.rrule, time_zone=london.time_zone),
            start=earlier.date(),
            fields={"start_time": time(19, 15)},
            now=NOW,
        )
        tuesday = series[1].meetings.order_by("starts_at")
        meeting_cancel(meeting=tuesday[2], reason="The hall is closed.")
        moved = tuesday[5]
        meeting_move(
            meeting=moved,
            day=moved.starts_at.astimezone(ZoneInfo("America/New_York")).date() + timedelta(days=1),
            at=time(18),
        )
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
    held = {iso(o["start"]) for o in shown if o["status"] != "CANCELLED"}
    cancelled = {iso(o["start"]) for o in shown if o["status"] == "CANCELLED"}
    return held, cancelled


@pytest.mark.parametrize("reader", READERS)
def test_every_meeting_is_read_at_its_instant_in_every_feed(client, world, tmp_path, reader):
    member, groups, series, moved = world
    last = max(m.starts_at for m in Meeting.objects.filter(series__in=series))
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

    held, cancelled = read(expand(reader, personal, tmp_path, until), last)
    expected_held, expected_cancelled = database(series)
    assert held == expected_held
    assert cancelled == expected_cancelled
    compared += len(held) + len(cancelled)
    for body, one in zip(group_feeds, series, strict=True):
        held, cancelled = read(expand(reader, body, tmp_path, until), last)
        assert (held, cancelled) == database([one])
        compared += len(held)
    # One meeting's own file: the moved one, and the one on New York's missing 02:30.
    gap = next(
        m
        for m in series[0].meetings.all()
        if m.starts_at.astimezone(ZoneInfo("America/New_York")).date() == date(2027, 3, 14)
    )
    for meeting in [gap, moved]:
        body = client.get(
            reverse("groups:meeting-ics", args=[meeting.series.group.slug, meeting.pk])
        ).content
        [only] = expand(reader, body, tmp_path, until)
        assert datetime.fromisoformat(only["start"]) == meeting.starts_at
    assert compared > 100


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

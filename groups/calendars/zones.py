"""VTIMEZONE definitions written from tzdata itself (Python's zoneinfo), for the readers
people use: Thunderbird's ical.js reads only the first value of a comma-separated RDATE,
node-ical never expands RDATE, and icalendar's own definitions (Timezone.from_tzid) both
start each daylight-saving period an hour late and stop in 2038.

Every transition of the zone from the first year a calendar needs to ZONE_YEARS_AHEAD years
from now is a STANDARD or DAYLIGHT sub-component of its own, with one DTSTART: the wall-clock
time it happens at in the offset in force before it (RFC 5545 3.6.5: 02:00 for New York's
spring change, 07:00 UTC). A first sub-component gives the offset in force at the start, so
a reader finds one for every instant in the range. Nothing is written that a reader could
drop: no RDATE, no RRULE, no COMMENT."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.utils import timezone

# Far enough ahead for any schedule a calendar subscribes to; a feed is read again every
# few hours, and each reading carries the years from then on.
ZONE_YEARS_AHEAD = 15


def vtimezone(tzid: str, *, first_year: int, last_year: int | None = None) -> bytes:
    """The zone's VTIMEZONE from 1 January of `first_year` to the end of `last_year`
    (at least ZONE_YEARS_AHEAD years from now), CRLF-terminated lines."""
    last_year = max(last_year or 0, timezone.now().year + ZONE_YEARS_AHEAD)
    return _vtimezone(tzid, first_year, last_year)


@lru_cache(maxsize=256)
def _vtimezone(tzid: str, first_year: int, last_year: int) -> bytes:
    zone = ZoneInfo(tzid)
    start = datetime(first_year, 1, 1, tzinfo=zone).astimezone(UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{tzid}"]
    lines += _component(start, start, zone)  # the offset in force when the range begins
    for instant in _transitions(zone, start, end):
        lines += _component(instant, instant - timedelta(microseconds=1), zone)
    lines.append("END:VTIMEZONE")
    return ("\r\n".join(lines) + "\r\n").encode()


@lru_cache(maxsize=1024)
def unclear_wall_times(tzid: str, year: int) -> tuple[tuple[datetime, datetime], ...]:
    """The stretches of wall-clock time (naive, [from, to)) that are not one instant in the
    zone in `year`: the hour the clock skips when it goes forward and the hour it repeats
    when it goes back (02:00-03:00 and 01:00-02:00 on New York's two days)."""
    zone = ZoneInfo(tzid)
    start = datetime(year, 1, 1, tzinfo=UTC) - timedelta(days=1)
    stretches = []
    for instant in _transitions(zone, start, datetime(year + 1, 1, 1, tzinfo=UTC)):
        before = (instant - timedelta(microseconds=1)).astimezone(zone).utcoffset()
        after = instant.astimezone(zone).utcoffset()
        if before is None or after is None or before == after:
            continue  # only the abbreviation changed
        walls = sorted((instant + offset).replace(tzinfo=None) for offset in (before, after))
        stretches.append((walls[0], walls[1]))
    return tuple(stretches)


def _transitions(zone: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """The UTC instants at which the zone's offset or abbreviation changes, to the second:
    a day's steps, then halving the day that holds a change."""
    found = []
    day = timedelta(days=1)
    at, before = start, _state(start, zone)
    while at < end:
        after = _state(at + day, zone)
        if after != before:
            low, high = at, at + day
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if _state(middle, zone) == before:
                    low = middle
                else:
                    high = middle
            found.append(high.replace(microsecond=0))
        at, before = at + day, after
    return found


def _state(instant: datetime, zone: ZoneInfo) -> tuple[timedelta | None, str | None]:
    local = instant.astimezone(zone)
    return local.utcoffset(), local.tzname()


def _component(instant: datetime, just_before: datetime, zone: ZoneInfo) -> list[str]:
    before = just_before.astimezone(zone).utcoffset() or timedelta(0)
    local = instant.astimezone(zone)
    after = local.utcoffset() or timedelta(0)
    kind = "DAYLIGHT" if local.dst() else "STANDARD"
    wall = (instant + before).replace(tzinfo=None)
    return [
        f"BEGIN:{kind}",
        f"DTSTART:{wall:%Y%m%dT%H%M%S}",
        f"TZOFFSETFROM:{_offset(before)}",
        f"TZOFFSETTO:{_offset(after)}",
        f"TZNAME:{local.tzname()}",
        f"END:{kind}",
    ]


def _offset(offset: timedelta) -> str:
    seconds = int(offset.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{seconds:02d}" if seconds else "")

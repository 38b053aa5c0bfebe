"""How a meeting's time is written for a person: in their zone, always with the zone's
abbreviation, and with the meeting's own zone beside it when that differs."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from django.utils import formats
from django.utils.translation import gettext as _

from accounts import zones
from lib.i18n import format_clock, format_day


def zone_abbreviation(instant: datetime, zone_name: str) -> str:
    """ "EST"; "UTC+11" for a zone whose tzdata abbreviation is only a number ("+11")."""
    return zones.zone_abbreviation(zone_name, instant)


def format_instant(instant: datetime, zone_name: str, *, with_date: bool = True) -> str:
    """ "Tuesday 1 December 2026, 19:00 EST" (or "19:00 EST")."""
    local = instant.astimezone(ZoneInfo(zone_name))
    clock = f"{format_clock(local)} {zone_abbreviation(instant, zone_name)}"
    if not with_date:
        return clock
    # Translators: a day and a time, "Tuesday 1 December 2026, 19:00 EST".
    return _("%(day)s, %(time)s") % {"day": format_day(local), "time": clock}


def format_meeting_time(
    starts_at: datetime, *, viewer_zone: str, meeting_zone: str, with_date: bool = True
) -> str:
    """The viewer's local time, then the meeting's own when its zone is another clock:
    "Tuesday 1 December 2026, 00:00 GMT (19:00 EST where the group meets)"."""
    text = format_instant(starts_at, viewer_zone, with_date=with_date)
    viewer = starts_at.astimezone(ZoneInfo(viewer_zone))
    local = starts_at.astimezone(ZoneInfo(meeting_zone))
    if (viewer.utcoffset(), viewer.tzname()) != (local.utcoffset(), local.tzname()):
        there = f"{format_clock(local)} {zone_abbreviation(starts_at, meeting_zone)}"
        # Translators: the time in the reader's zone, then in the group's own zone.
        text = _("%(time)s (%(there)s where the group meets)") % {"time": text, "there": there}
    return text


def zone_place_name(zone_name: str) -> str:
    """ "America/New_York" → "New York": the city a zone is named after, as people say it."""
    return zone_name.rsplit("/", 1)[-1].replace("_", " ")


def clock_change_note(day: date, at: time, zone_name: str) -> str:
    """What a facilitator should know when `at` on `day` is not an ordinary time in the zone
    (groups.meetings.recurrence reads such times as RFC 5545 does), or "":

    "02:30 does not exist on 14 March 2027 in New York (the clocks go forward): the meeting
    will start at 03:30 EDT", and for a time the clocks pass twice, which of the two it is."""
    zone = ZoneInfo(zone_name)
    local = datetime.combine(day, at, tzinfo=zone)
    real = local.astimezone(UTC).astimezone(zone)
    words = {
        "time": f"{at:%H:%M}",
        "date": formats.date_format(day, "DATE_FORMAT"),
        "place": zone_place_name(zone_name),
    }
    if real.replace(tzinfo=None) != local.replace(tzinfo=None):
        return _(
            "%(time)s does not exist on %(date)s in %(place)s (the clocks go forward): the "
            "meeting will start at %(real)s"
        ) % {**words, "real": f"{real:%H:%M %Z}"}
    second = local.replace(fold=1)
    if second.utcoffset() != local.utcoffset():
        return _(
            "%(time)s happens twice on %(date)s in %(place)s (the clocks go back): the "
            "meeting will start at the first %(time)s, %(first)s, not at %(second)s an hour "
            "later"
        ) % {**words, "first": f"{local:%H:%M %Z}", "second": f"{second:%H:%M %Z}"}
    return ""

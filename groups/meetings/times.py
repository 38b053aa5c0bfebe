"""How a meeting's time is written for a person: in their zone, always with the zone's
abbreviation, and with the meeting's own zone beside it when that differs."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def zone_abbreviation(instant: datetime, zone_name: str) -> str:
    return instant.astimezone(ZoneInfo(zone_name)).strftime("%Z")


def format_instant(instant: datetime, zone_name: str, *, with_date: bool = True) -> str:
    """ "Tuesday 1 December 2026, 19:00 EST" (or "19:00 EST")."""
    local = instant.astimezone(ZoneInfo(zone_name))
    clock = f"{local:%H:%M %Z}"
    return f"{local:%A} {local.day} {local:%B %Y}, {clock}" if with_date else clock


def format_meeting_time(
    starts_at: datetime, *, viewer_zone: str, meeting_zone: str, with_date: bool = True
) -> str:
    """The viewer's local time, then the meeting's own when its zone is another clock:
    "Tuesday 1 December 2026, 00:00 GMT (19:00 EST where the group meets)"."""
    text = format_instant(starts_at, viewer_zone, with_date=with_date)
    viewer = starts_at.astimezone(ZoneInfo(viewer_zone))
    local = starts_at.astimezone(ZoneInfo(meeting_zone))
    if (viewer.utcoffset(), viewer.tzname()) != (local.utcoffset(), local.tzname()):
        text += f" ({local:%H:%M %Z} where the group meets)"
    return text

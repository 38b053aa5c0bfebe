"""Mail that respects people's evenings: a member's quiet hours, and when their digest of
group news goes.

- Quiet hours are a member's own (accounts.User.quiet_from and quiet_until, off while
  either is empty), read on the wall clock of their zone, across midnight when the end is
  earlier than the start (22:00 to 08:00). During them, group news (announcements) waits
  until they end; reminders, changes to meetings and anything else time-critical never
  waits.
- A digest goes at DIGEST_AT in the member's zone: every day, or on Mondays for a weekly
  one; if that falls in their quiet hours, when those end.

Everything is computed on wall clocks with zoneinfo, so 08:00 stays 08:00 across a
daylight-saving change.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

DIGEST_AT = time(8, 0)
MONDAY = 0


def _at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """That wall-clock time in `zone`, as a UTC instant (a time skipped by a clock change
    reads as the offset before it, so 02:30 on the morning clocks go forward is 03:30)."""
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def quiet_end(
    instant: datetime, *, zone: str, start: time | None, end: time | None
) -> datetime | None:
    """When the quiet hours that `instant` falls in end, or None if it falls in none (or
    the member has none)."""
    if start is None or end is None or start == end:
        return None
    tz = ZoneInfo(zone)
    local = instant.astimezone(tz)
    clock, today = local.time(), local.date()
    if start < end:
        return _at(today, end, tz) if start <= clock < end else None
    if clock >= start:
        return _at(today + timedelta(days=1), end, tz)
    if clock < end:
        return _at(today, end, tz)
    return None


def news_due(instant: datetime, user: Any) -> datetime:
    """When news recorded at `instant` may go to `user`: now, or when their quiet hours end."""
    return (
        quiet_end(instant, zone=user.time_zone, start=user.quiet_from, end=user.quiet_until)
        or instant
    )


def digest_due(instant: datetime, user: Any, *, weekly: bool) -> datetime:
    """The next digest after `instant` for `user`: DIGEST_AT in their zone, the next day it
    comes (the next Monday for a weekly one), moved to the end of their quiet hours."""
    tz = ZoneInfo(user.time_zone)
    day = instant.astimezone(tz).date()
    while True:
        due = _at(day, DIGEST_AT, tz)
        if due > instant and (not weekly or day.weekday() == MONDAY):
            return news_due(due, user)
        day += timedelta(days=1)

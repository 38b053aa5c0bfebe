"""Meeting schedules as RFC 5545 recurrence rules, and their expansion into UTC instants.

Facilitators never type RRULE text: the series form fills a `Recurrence` (one-off, every N
weeks on chosen weekdays, or monthly on the Nth weekday), which becomes the stored rule. The
rule is expanded by python-dateutil in the series' own zone, so a 19:00 meeting stays at 19:00
local time across daylight-saving changes.

Local times that do not exist or occur twice on a change day follow RFC 5545 (3.3.5), which is
also what PEP 495's `fold=0` gives: a time in the spring-forward gap is read with the offset
before the gap (02:30 in New York on the change day is 03:30 daylight time), and a time that
occurs twice means its first occurrence (01:30 daylight time, not standard time).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.utils import formats
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from groups.meetings.times import clock_change_note

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # Python's weekday() order
WEEKDAY_NAMES = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)
# Which week of the month a monthly series meets in (1 to 4, or -1 for the last), as the
# series form offers it.
ORDINALS = {1: _("First"), 2: _("Second"), 3: _("Third"), 4: _("Fourth"), -1: _("Last")}
# A monthly series in words, by the week of the month.
MONTHLY_DESCRIPTIONS = {
    # Translators: a monthly meeting's schedule; the placeholder is a weekday ("Monday").
    1: _("First %(weekday)s of the month"),
    # Translators: a monthly meeting's schedule; the placeholder is a weekday ("Monday").
    2: _("Second %(weekday)s of the month"),
    # Translators: a monthly meeting's schedule; the placeholder is a weekday ("Monday").
    3: _("Third %(weekday)s of the month"),
    # Translators: a monthly meeting's schedule; the placeholder is a weekday ("Monday").
    4: _("Fourth %(weekday)s of the month"),
    # Translators: a monthly meeting's schedule; the placeholder is a weekday ("Monday").
    -1: _("Last %(weekday)s of the month"),
}

# A rule is expanded at most this far: the horizon of stored meetings is far shorter, and a
# rule with neither end nor count must not run forever.
MAX_OCCURRENCES = 2000


class Frequency:
    ONCE = "once"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


@dataclass(frozen=True)
class Recurrence:
    """The schedules a facilitator can build with the series form.

    `weekdays` are Python weekday numbers (Monday is 0). For a monthly rule, `weekdays` holds
    the one weekday and `month_week` which one of the month (1 to 4, or -1 for the last)."""

    frequency: str
    interval: int = 1
    weekdays: tuple[int, ...] = field(default_factory=tuple)
    month_week: int | None = None
    until: date | None = None
    count: int | None = None

    def to_rrule(self, *, time_zone: str, start_time: time) -> str:
        """The RRULE value (without the "RRULE:" name), or "" for a one-off.

        UNTIL is a UTC instant, as RFC 5545 requires beside a DTSTART with a zone: the end
        of the last day, in the series' zone."""
        if self.frequency == Frequency.ONCE:
            return ""
        parts = []
        if self.frequency == Frequency.WEEKLY:
            parts.append("FREQ=WEEKLY")
            if self.interval > 1:
                parts.append(f"INTERVAL={self.interval}")
            days = ",".join(WEEKDAY_CODES[day] for day in sorted(set(self.weekdays)))
            parts.append(f"BYDAY={days}")
        else:
            parts.append("FREQ=MONTHLY")
            parts.append(f"BYDAY={self.month_week}{WEEKDAY_CODES[self.weekdays[0]]}")
        if self.until is not None:
            zone = ZoneInfo(time_zone)
            last = datetime.combine(self.until, start_time, tzinfo=zone)
            end_of_day = last.replace(hour=23, minute=59, second=59).astimezone(UTC)
            parts.append(f"UNTIL={end_of_day:%Y%m%dT%H%M%SZ}")
        elif self.count is not None:
            parts.append(f"COUNT={self.count}")
        return ";".join(parts)

    @classmethod
    def from_rrule(cls, rule: str, *, time_zone: str) -> Recurrence:
        """Read back a rule this module wrote (for the edit form)."""
        if not rule:
            return cls(frequency=Frequency.ONCE)
        values = dict(part.split("=", 1) for part in rule.split(";"))
        until = None
        if "UNTIL" in values:
            instant = datetime.strptime(values["UNTIL"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            until = instant.astimezone(ZoneInfo(time_zone)).date()
        count = int(values["COUNT"]) if "COUNT" in values else None
        days = values.get("BYDAY", "").split(",")
        if values["FREQ"] == "MONTHLY":
            day = days[0]
            return cls(
                frequency=Frequency.MONTHLY,
                weekdays=(WEEKDAY_CODES.index(day[-2:]),),
                month_week=int(day[:-2]),
                until=until,
                count=count,
            )
        return cls(
            frequency=Frequency.WEEKLY,
            interval=int(values.get("INTERVAL", 1)),
            weekdays=tuple(WEEKDAY_CODES.index(day) for day in days),
            until=until,
            count=count,
        )

    def describe(self) -> str:
        """In words, for pages: "Every week on Monday and Thursday", "First Monday of the
        month"."""
        if self.frequency == Frequency.ONCE:
            # Translators: the schedule of a one-off meeting.
            return gettext("Once")
        if self.frequency == Frequency.MONTHLY:
            weekday = str(WEEKDAY_NAMES[self.weekdays[0]])
            text = str(MONTHLY_DESCRIPTIONS[self.month_week or 1]) % {"weekday": weekday}
        else:
            names = [str(WEEKDAY_NAMES[day]) for day in sorted(set(self.weekdays))]
            if len(names) == 1:
                days = names[0]
            else:
                # Translators: a list of weekdays, "Monday, Tuesday and Thursday".
                days = gettext("%(first)s and %(last)s") % {
                    "first": ", ".join(names[:-1]),
                    "last": names[-1],
                }
            if self.interval == 1:
                # Translators: a weekly schedule; the placeholder is one or more weekdays.
                text = gettext("Every week on %(days)s") % {"days": days}
            else:
                text = ngettext(
                    # Translators: a schedule of every few weeks (never 1: "Every week on").
                    "Every %(interval)d week on %(days)s",
                    "Every %(interval)d weeks on %(days)s",
                    self.interval,
                ) % {"interval": self.interval, "days": days}
        if self.until is not None:
            # Translators: a schedule ("Every week on Monday") and the date of its last meeting.
            text = gettext("%(schedule)s, until %(date)s") % {
                "schedule": text,
                "date": formats.date_format(self.until, "DATE_FORMAT"),
            }
        elif self.count is not None:
            text = ngettext(
                # Translators: a schedule ("Every week on Monday") and how many meetings it has.
                "%(schedule)s, %(count)d meeting",
                "%(schedule)s, %(count)d meetings",
                self.count,
            ) % {"schedule": text, "count": self.count}
        return text


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """`day` at `at` in `zone`, as RFC 5545 reads it (see the module's docstring)."""
    return datetime.combine(day, at, tzinfo=zone)  # fold=0: before the gap, first of two


def first_date(*, recurrence: Recurrence, start: date) -> date:
    """The first day on or after `start` that the rule meets on. DTSTART is always the first
    instance in RFC 5545, so a series starts on a day that matches its own rule."""
    if recurrence.frequency == Frequency.ONCE:
        return start
    rule = recurrence.to_rrule(time_zone="UTC", start_time=time(0)).split(";")
    kept = [part for part in rule if not part.startswith(("UNTIL=", "COUNT=", "INTERVAL="))]
    probe = rrulestr(";".join(kept), dtstart=datetime.combine(start, time(0)))
    following = probe.after(datetime.combine(start, time(0)), inc=True)
    return following.date() if following else start


def occurrences(
    *,
    rule: str,
    start_date: date,
    start_time: time,
    time_zone: str,
    until: datetime,
    since: datetime | None = None,
) -> Iterator[datetime]:
    """The series' starts as UTC instants, from `since` (or its first) up to `until`.

    A one-off (empty rule) has one occurrence: its start."""
    zone = ZoneInfo(time_zone)
    first = local_instant(start_date, start_time, zone)
    if not rule:
        starts: Iterator[datetime] = iter([first])
    else:
        starts = iter(rrulestr(rule, dtstart=first))
    for produced, start in enumerate(starts):
        if produced >= MAX_OCCURRENCES:
            return
        # dateutil steps in wall time with the zone attached; re-attaching normalises the fold.
        instant = local_instant(start.date(), start_time, zone).astimezone(UTC)
        if instant > until:
            return
        if since is None or instant >= since:
            yield instant


def clock_change_notes(
    *,
    rule: str,
    start_date: date,
    start_time: time,
    time_zone: str,
    since: datetime,
    limit: int = 3,
) -> list[str]:
    """Notes on the days of the coming year (or the one day of a one-off) whose start time
    does not exist or happens twice in the zone, as groups.meetings.times.clock_change_note
    words them: what a facilitator should see before saving such a schedule."""
    notes: list[str] = []
    zone = ZoneInfo(time_zone)
    until = since + timedelta(days=366) if rule else datetime.max.replace(tzinfo=UTC)
    for instant in occurrences(
        rule=rule,
        start_date=start_date,
        start_time=start_time,
        time_zone=time_zone,
        since=since,
        until=until,
    ):
        # A start in the spring-forward gap lands later on the same day: the instant's day in
        # the zone is the day it was planned for.
        note = clock_change_note(instant.astimezone(zone).date(), start_time, time_zone)
        if note and note not in notes:
            notes.append(note)
            if len(notes) >= limit:
                break
    return notes

"""Schedules expand to the right instants: local times hold across daylight-saving changes,
and times that do not exist or occur twice on a change day follow RFC 5545."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from groups.meetings.recurrence import Frequency, Recurrence, first_date, occurrences

NEW_YORK = "America/New_York"
LONDON = "Europe/London"


def _expand(rule, start, at, zone, until):
    return list(
        occurrences(rule=rule, start_date=start, start_time=at, time_zone=zone, until=until)
    )


@pytest.mark.parametrize(
    ("zone", "start", "until", "utc_hours"),
    [
        # New York: daylight time ends 1 Nov 2026, begins 14 Mar 2027.
        (NEW_YORK, date(2026, 10, 20), datetime(2026, 11, 11, tzinfo=UTC), [23, 23, 0, 0]),
        (NEW_YORK, date(2027, 3, 2), datetime(2027, 3, 24, tzinfo=UTC), [0, 0, 23, 23]),
        # London: summer time ends 25 Oct 2026, begins 28 Mar 2027.
        (LONDON, date(2026, 10, 13), datetime(2026, 11, 4, tzinfo=UTC), [18, 18, 19, 19]),
        (LONDON, date(2027, 3, 16), datetime(2027, 4, 7, tzinfo=UTC), [19, 19, 18, 18]),
    ],
)
def test_weekly_meeting_keeps_its_local_time_across_daylight_saving_changes(
    zone, start, until, utc_hours
):
    recurrence = Recurrence(frequency=Frequency.WEEKLY, weekdays=(1,))  # Tuesdays
    rule = recurrence.to_rrule(time_zone=zone, start_time=time(19))
    starts = _expand(rule, first_date(recurrence=recurrence, start=start), time(19), zone, until)
    assert [s.astimezone(ZoneInfo(zone)).time() for s in starts] == [time(19)] * 4
    assert [s.hour for s in starts] == utc_hours


def test_a_time_in_the_spring_forward_gap_is_read_with_the_offset_before_the_gap():
    # 02:30 does not exist in New York on 14 March 2027: RFC 5545 makes it 03:30 EDT.
    rule = "FREQ=WEEKLY;BYDAY=SU;COUNT=3"
    starts = _expand(
        rule, date(2027, 3, 7), time(2, 30), NEW_YORK, datetime(2028, 1, 1, tzinfo=UTC)
    )
    local = [s.astimezone(ZoneInfo(NEW_YORK)) for s in starts]
    assert [(d.day, d.hour, d.minute) for d in local] == [(7, 2, 30), (14, 3, 30), (21, 2, 30)]
    assert starts[1] == datetime(2027, 3, 14, 7, 30, tzinfo=UTC)


def test_a_time_that_occurs_twice_means_the_first_one():
    # 01:30 happens twice in London on 25 October 2026: the first is 01:30 BST (00:30 UTC).
    rule = "FREQ=WEEKLY;BYDAY=SU;COUNT=2"
    starts = _expand(
        rule, date(2026, 10, 25), time(1, 30), LONDON, datetime(2028, 1, 1, tzinfo=UTC)
    )
    assert starts == [
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        datetime(2026, 11, 1, 1, 30, tzinfo=UTC),
    ]


def test_fortnightly_on_two_weekdays_until_a_date():
    recurrence = Recurrence(
        frequency=Frequency.WEEKLY, interval=2, weekdays=(0, 3), until=date(2027, 1, 21)
    )
    rule = recurrence.to_rrule(time_zone=LONDON, start_time=time(18))
    assert rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;UNTIL=20270121T235959Z"
    starts = _expand(rule, date(2026, 12, 28), time(18), LONDON, datetime(2028, 1, 1, tzinfo=UTC))
    assert [s.date() for s in starts] == [
        date(2026, 12, 28),
        date(2026, 12, 31),
        date(2027, 1, 11),
        date(2027, 1, 14),
    ]


def test_monthly_on_the_first_monday_starts_on_a_matching_day():
    recurrence = Recurrence(frequency=Frequency.MONTHLY, weekdays=(0,), month_week=1, count=3)
    assert first_date(recurrence=recurrence, start=date(2026, 11, 24)) == date(2026, 12, 7)
    rule = recurrence.to_rrule(time_zone=NEW_YORK, start_time=time(10))
    assert rule == "FREQ=MONTHLY;BYDAY=1MO;COUNT=3"
    starts = _expand(rule, date(2026, 12, 7), time(10), NEW_YORK, datetime(2028, 1, 1, tzinfo=UTC))
    assert [s.date() for s in starts] == [date(2026, 12, 7), date(2027, 1, 4), date(2027, 2, 1)]


def test_last_friday_of_the_month_is_described_in_words():
    recurrence = Recurrence(frequency=Frequency.MONTHLY, weekdays=(4,), month_week=-1)
    assert recurrence.describe() == "Last Friday of the month"
    weekly = Recurrence(frequency=Frequency.WEEKLY, interval=2, weekdays=(3, 0))
    assert weekly.describe() == "Every 2 weeks on Monday and Thursday"


def test_a_schedule_with_a_number_of_meetings_says_how_many():
    weekly = Recurrence(frequency=Frequency.WEEKLY, weekdays=(0,), count=1)
    assert weekly.describe() == "Every week on Monday, 1 meeting"
    assert replace(weekly, count=10).describe() == "Every week on Monday, 10 meetings"


@pytest.mark.parametrize(
    "recurrence",
    [
        Recurrence(frequency=Frequency.ONCE),
        Recurrence(frequency=Frequency.WEEKLY, weekdays=(2,)),
        Recurrence(frequency=Frequency.WEEKLY, interval=3, weekdays=(1, 5), count=10),
        Recurrence(
            frequency=Frequency.MONTHLY, weekdays=(6,), month_week=-1, until=date(2027, 6, 30)
        ),
    ],
)
def test_a_rule_reads_back_as_the_schedule_it_was_built_from(recurrence):
    rule = recurrence.to_rrule(time_zone=NEW_YORK, start_time=time(20, 30))
    assert Recurrence.from_rrule(rule, time_zone=NEW_YORK) == recurrence


def test_a_one_off_has_exactly_one_occurrence():
    starts = _expand("", date(2026, 12, 24), time(17), LONDON, datetime(2028, 1, 1, tzinfo=UTC))
    assert starts == [datetime(2026, 12, 24, 17, tzinfo=UTC)]

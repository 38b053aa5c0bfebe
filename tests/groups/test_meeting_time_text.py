"""How a meeting's time reads for a person: always with its zone, and a zone that tzdata
names only by a number ("+04", "-03") is written as an offset people can read."""

from __future__ import annotations

from datetime import UTC, datetime

from groups.meetings.times import format_meeting_time


def test_a_zone_without_letters_is_written_as_an_offset_from_utc():
    text = format_meeting_time(
        datetime(2027, 1, 5, 15, tzinfo=UTC),
        viewer_zone="Asia/Dubai",
        meeting_zone="America/Sao_Paulo",
    )
    assert text == "Tuesday 5 January 2027, 19:00 UTC+4 (12:00 UTC-3 where the group meets)"
    assert "+04" not in text and "-03" not in text


def test_a_zone_with_letters_keeps_its_abbreviation():
    text = format_meeting_time(
        datetime(2027, 1, 5, 15, tzinfo=UTC),
        viewer_zone="Asia/Kolkata",
        meeting_zone="America/New_York",
    )
    assert text == "Tuesday 5 January 2027, 20:30 IST (10:00 EST where the group meets)"

"""`{% meeting_time meeting.starts_at viewer_zone meeting_zone %}`: see groups.meetings.times."""

from __future__ import annotations

from datetime import datetime

from django import template

from groups.meetings.times import format_instant, format_meeting_time

register = template.Library()


@register.simple_tag
def meeting_time(starts_at: datetime, viewer_zone: str, meeting_zone: str) -> str:
    return format_meeting_time(starts_at, viewer_zone=viewer_zone, meeting_zone=meeting_zone)


@register.simple_tag
def clock_time(instant: datetime, zone: str) -> str:
    """ "19:00 EST": the end of a meeting, beside its start."""
    return format_instant(instant, zone, with_date=False)

"""The groups app's part of pages other apps own."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from accounts.panels import profile_panel
from groups.calendars.ics import calendar_feed_links
from groups.selectors import calendar_feed_for


@profile_panel("calendar-feed")
def personal_calendar_address(user: User) -> dict[str, Any]:
    """The member's personal calendar address, and how to reset it."""
    return calendar_feed_links(feed=calendar_feed_for(user=user))

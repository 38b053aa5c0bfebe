"""Every calendar property is escaped as TEXT: a name stored with a line break, a comma or a
semicolon (before names were kept on one line) still gives a feed that calendars read."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from icalendar import Calendar

from groups.models import MeetingSeries, SupportGroup
from groups.services.meetings import meetings_extend
from tests.factories import MeetingSeriesFactory, SupportGroupFactory

pytestmark = pytest.mark.django_db

AWKWARD = "Tuesdays\nBcc; evenings, late\\night"


def unescape_text(raw: str) -> str:
    """RFC 5545 3.3.11: a TEXT value's \\\\, \\; \\, and \\n, read in one pass."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], raw)


def test_a_group_name_and_title_with_line_breaks_give_a_readable_feed(client):
    group = SupportGroupFactory()
    series = MeetingSeriesFactory(group=group)
    meetings_extend(series=series)
    # As they could be stored before: save() keeps them on one line now.
    SupportGroup.objects.filter(pk=group.pk).update(name=AWKWARD)
    MeetingSeries.objects.filter(pk=series.pk).update(title=AWKWARD)

    response = client.get(reverse("groups:group-calendar", kwargs={"slug": group.slug}))

    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    # icalendar parses an X- property it does not know as it comes; read it as TEXT, as
    # calendars do.
    assert AWKWARD in unescape_text(str(calendar["X-WR-CALNAME"]))
    events = calendar.walk("VEVENT")
    assert events
    assert all(AWKWARD in str(event["SUMMARY"]) for event in events)
    for line in response.content.decode().splitlines():
        assert not line.startswith(("Bcc", "evenings")), line  # no property was split off

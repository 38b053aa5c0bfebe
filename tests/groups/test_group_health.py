"""A group's health on the facilitator dashboard (groups.health): each meeting of the last
twelve weeks as a bar and as a row of a table, cancelled ones said so, the coming meetings
that have a host, all in the same number of queries for two meetings or a hundred."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from groups.models import Attendance, HostingAnswer
from tests.factories import (
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
)
from tests.queries import count_queries

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 1, 18, tzinfo=UTC)


@pytest.fixture
def group(facilitator):
    group = SupportGroupFactory(name="Harbour Circle", created_at=NOW - timedelta(weeks=30))
    MembershipFactory(user=facilitator, group=group, role="facilitator")
    return group


def held(group, *, weeks_ago, present, status="scheduled"):
    meeting = MeetingFactory(
        series=MeetingSeriesFactory(group=group),
        occurrence_start=NOW - timedelta(weeks=weeks_ago),
        status=status,
    )
    for _ in range(present):
        Attendance.objects.create(meeting=meeting, user=UserFactory())
    return meeting


def dashboard(fac_client) -> str:
    with time_machine.travel(NOW, tick=False):
        return fac_client.get(reverse("groups:dashboard")).content.decode()


def table_rows(html: str) -> list[str]:
    body = html.split('<table class="table">', 1)[1].split("</table>", 1)[0]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in body.split("<tr>")[2:]
    ]


def test_the_last_twelve_weeks_of_attendance_as_bars_and_a_table(fac_client, group):
    held(group, weeks_ago=13, present=9)  # too long ago
    held(group, weeks_ago=3, present=4)
    held(group, weeks_ago=2, present=0, status="cancelled")
    held(group, weeks_ago=1, present=8)

    html = dashboard(fac_client)

    assert "3 meetings, 12 attendances in all, at most 8 at one." in html
    bars = re.findall(
        r'<rect class="health__bar( health__bar--cancelled)?"[^>]*height="([\d.]+)"', html
    )
    # Scaled to the best-attended: 8 fills the 60-unit box, 4 half of it, a cancelled one a line.
    assert bars == [("", "30.0"), (" health__bar--cancelled", "2"), ("", "60.0")]
    rows = table_rows(html)
    assert len(rows) == 3
    assert rows[0].endswith(" 4") and rows[1].endswith("Cancelled") and rows[2].endswith(" 8")
    assert "CST" in rows[0]  # times with their zone


def test_coming_meetings_with_a_host_are_counted(fac_client, group, facilitator):
    series = MeetingSeriesFactory(group=group)
    hosted = MeetingFactory(series=series, occurrence_start=NOW + timedelta(days=2))
    MeetingFactory(series=series, occurrence_start=NOW + timedelta(days=9))
    MeetingFactory(series=series, occurrence_start=NOW + timedelta(days=30))  # not in 2 weeks
    HostingAnswer.objects.create(meeting=hosted, user=facilitator, answer="will_host")

    html = dashboard(fac_client)

    assert "1 of 2 in the next two weeks" in html
    assert "No meetings in the last 12 weeks yet." in html  # a new group's empty state


def test_the_dashboard_makes_the_same_queries_for_few_meetings_or_many(
    fac_client, facilitator, group
):
    other = SupportGroupFactory(created_at=NOW - timedelta(weeks=30))
    MembershipFactory(user=facilitator, group=other, role="facilitator")
    for one in (group, other):
        held(one, weeks_ago=1, present=1)
        MeetingFactory(
            series=MeetingSeriesFactory(group=one), occurrence_start=NOW + timedelta(days=1)
        )

    def queries() -> int:
        with time_machine.travel(NOW, tick=False):
            return count_queries(fac_client, reverse("groups:dashboard"))

    few = queries()
    for one in (group, other):
        for weeks_ago in range(2, 12):
            held(one, weeks_ago=weeks_ago, present=3)
        series = MeetingSeriesFactory(group=one)
        for day in range(2, 14):
            meeting = MeetingFactory(series=series, occurrence_start=NOW + timedelta(days=day))
            HostingAnswer.objects.create(meeting=meeting, user=facilitator, answer="will_host")

    assert queries() == few

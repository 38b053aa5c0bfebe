"""Meeting lengths are real time, and the forms say when a start time does not exist or
happens twice (issue 15, item 2): America/New_York, 14 March 2027 (clocks go forward at 02:00)
and 7 November 2027 (clocks go back at 02:00)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from groups.meetings.times import clock_change_note
from groups.models import MeetingSeries
from groups.services.meetings import meeting_move, meetings_extend
from tests.factories import (
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    SupportGroupFactory,
)

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)
HOUR = timedelta(minutes=60)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def group(facilitator):
    group = SupportGroupFactory(name="Sunday Circle", time_zone="America/New_York")
    MembershipFactory(user=facilitator, group=group, role="facilitator")
    return group


@pytest.fixture
def fac_client(fac_client, facilitator):
    facilitator.time_zone = "America/New_York"
    facilitator.save(update_fields=["time_zone"])
    return fac_client


def an_hour_long_meeting(group):
    series = MeetingSeriesFactory(group=group, duration_minutes=60)
    start = datetime(2027, 3, 9, 23, tzinfo=UTC)
    return MeetingFactory(series=series, occurrence_start=start, ends_at=start + HOUR)


@pytest.mark.parametrize(
    ("day", "at", "starts"),
    [
        (date(2027, 3, 14), time(2, 30), "03:30 EDT"),  # 02:30 does not exist that night
        (date(2027, 11, 7), time(1, 30), "01:30 EDT"),  # 01:30 happens twice: the first
        (date(2027, 11, 7), time(0, 30), "00:30 EDT"),  # an hour before the change
    ],
)
def test_a_moved_meeting_lasts_its_length_in_real_time_across_the_clock_change(
    group, day, at, starts
):
    meeting = meeting_move(meeting=an_hour_long_meeting(group), day=day, at=at, now=NOW)
    meeting.refresh_from_db()
    assert meeting.ends_at - meeting.starts_at == HOUR
    assert f"{meeting.starts_at.astimezone(NEW_YORK):%H:%M %Z}" == starts


def test_a_weekly_series_over_both_changes_keeps_every_meeting_an_hour_long(group):
    series = MeetingSeriesFactory(
        group=group,
        rrule="FREQ=WEEKLY;BYDAY=SU",
        weekdays="SU",
        start_date=date(2027, 3, 7),
        start_time=time(1, 30),
        duration_minutes=60,
    )
    meetings_extend(series=series, now=datetime(2027, 3, 1, tzinfo=UTC))
    meetings_extend(series=series, now=datetime(2027, 10, 25, tzinfo=UTC))
    lengths = {m.ends_at - m.starts_at for m in series.meetings.all()}
    assert lengths == {HOUR}


def test_the_clock_change_notes_say_what_time_it_will_be():
    assert clock_change_note(date(2027, 3, 14), time(2, 30), "America/New_York") == (
        "02:30 does not exist on 14 March 2027 in New York (the clocks go forward): the "
        "meeting will start at 03:30 EDT"
    )
    assert clock_change_note(date(2027, 11, 7), time(1, 30), "America/New_York") == (
        "01:30 happens twice on 7 November 2027 in New York (the clocks go back): the meeting "
        "will start at the first 01:30, 01:30 EDT, not at 01:30 EST an hour later"
    )
    assert clock_change_note(date(2027, 3, 15), time(2, 30), "America/New_York") == ""


def test_the_move_form_warns_about_a_time_that_does_not_exist_and_asks_first(fac_client, group):
    meeting = an_hour_long_meeting(group)
    url = reverse("groups:meeting-move", args=[group.slug, meeting.pk])
    asked = fac_client.post(url, {"day": "2027-03-14", "at": "02:30"})
    assert asked.status_code == 400
    page = asked.content.decode()
    assert (
        "02:30 does not exist on 14 March 2027 in New York (the clocks go forward): the "
        "meeting will start at 03:30 EDT" in page
    )
    assert 'name="clock_change_ok"' in page and 'value="02:30"' in page
    meeting.refresh_from_db()
    assert not meeting.is_moved
    fac_client.post(url, {"day": "2027-03-14", "at": "02:30", "clock_change_ok": "on"})
    meeting.refresh_from_db()
    assert f"{meeting.starts_at.astimezone(NEW_YORK):%H:%M %Z}" == "03:30 EDT"
    assert meeting.ends_at - meeting.starts_at == HOUR


def test_the_move_form_warns_about_a_time_that_happens_twice(fac_client, group):
    meeting = an_hour_long_meeting(group)
    url = reverse("groups:meeting-move", args=[group.slug, meeting.pk])
    page = fac_client.post(url, {"day": "2027-11-07", "at": "01:30"}).content.decode()
    assert "01:30 happens twice on 7 November 2027 in New York" in page
    assert "the first 01:30, 01:30 EDT" in page


def test_the_series_form_warns_about_a_start_the_clocks_skip(fac_client, group):
    url = reverse("groups:series-create", args=[group.slug])
    data = {
        "title": "Night owls",
        "frequency": "weekly",
        "start": "2027-03-07",
        "start_time": "02:30",
        "duration_minutes": "60",
        "time_zone": "America/New_York",
        "interval": "1",
        "weekdays": ["6"],
        "month_week": "1",
        "month_weekday": "0",
        "ends": "never",
        "attendance_option": "online",
        "openness": "closed",
        "language": "en",
    }
    asked = fac_client.post(url, data)
    assert asked.status_code == 400
    page = asked.content.decode()
    assert "02:30 does not exist on 14 March 2027 in New York" in page
    assert "the meeting will start at 03:30 EDT" in page
    assert "Night owls" in page  # nothing typed is lost
    assert not MeetingSeries.objects.exists()
    fac_client.post(url, {**data, "clock_change_ok": "on"})
    series = MeetingSeries.objects.get()
    assert {m.ends_at - m.starts_at for m in series.meetings.all()} == {HOUR}

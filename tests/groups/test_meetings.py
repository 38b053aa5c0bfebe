"""Schedules and their meetings: the rolling horizon, editing a series, cancelling and moving
one meeting, and who is told. Services are called with an explicit `now`."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from groups.meetings.recurrence import Frequency, Recurrence
from groups.models import HORIZON, Rsvp
from groups.services.errors import MeetingError
from groups.services.meetings import (
    meeting_cancel,
    meeting_move,
    meetings_extend,
    series_create,
    series_update,
)
from groups.tasks import meetings_extend_horizon
from tests.factories import MembershipFactory, SupportGroupFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 10, 1, 12, tzinfo=UTC)  # a Thursday; New York is on daylight time
TUESDAYS = Recurrence(frequency=Frequency.WEEKLY, weekdays=(1,))


@pytest.fixture(autouse=True)
def _clock():
    """The services take NOW explicitly; the outbox that carries their messages reads the
    clock, so it is set to NOW too (news of a meeting that is over would expire unsent)."""
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def group():
    group = SupportGroupFactory(time_zone="America/New_York", name="Tuesday Circle")
    MembershipFactory(group=group, role="facilitator")
    return group


def make_series(group, *, recurrence=TUESDAYS, start=date(2026, 10, 6), now=NOW, **fields):
    defaults = {
        "title": "Evening sharing",
        "start_time": time(19),
        "duration_minutes": 90,
        "time_zone": "",
        "attendance_option": "online",
    }
    return series_create(
        group=group,
        actor=None,
        recurrence=recurrence,
        start=start,
        fields={**defaults, **fields},
        now=now,
    )


def going(meeting, *people):
    for person in people:
        MembershipFactory(user=person, group=meeting.group)
        Rsvp.objects.create(meeting=meeting, user=person, answer="going")


def test_a_new_weekly_series_stores_thirteen_weeks_of_meetings_at_19_local():
    group = SupportGroupFactory(time_zone="America/New_York")
    series = make_series(group)
    meetings = list(series.meetings.order_by("starts_at"))
    assert len(meetings) == 13
    assert all(m.starts_at < NOW + HORIZON for m in meetings)
    local = [m.starts_at.astimezone(NEW_YORK) for m in meetings]
    assert {(d.weekday(), d.hour, d.minute) for d in local} == {(1, 19, 0)}
    # Across the change of 1 November the UTC instant moves, the local time does not.
    assert meetings[0].starts_at.hour == 23 and meetings[-1].starts_at.hour == 0
    assert all(m.ends_at - m.starts_at == timedelta(minutes=90) for m in meetings)
    assert series.time_zone == "America/New_York"  # the group's by default


def test_the_series_starts_on_the_first_day_its_rule_meets():
    group = SupportGroupFactory(time_zone="Europe/London")
    first_monday = Recurrence(frequency=Frequency.MONTHLY, weekdays=(0,), month_week=1)
    series = make_series(group, recurrence=first_monday, start=date(2026, 10, 14))
    assert series.start_date == date(2026, 11, 2)
    assert series.weekdays == "MO"
    days = [m.starts_at.date() for m in series.meetings.order_by("starts_at")]
    assert days == [date(2026, 11, 2), date(2026, 12, 7)]


def test_extending_the_horizon_twice_stores_each_meeting_once(group):
    series = make_series(group)
    assert meetings_extend(now=NOW) == 0
    assert meetings_extend(now=NOW) == 0
    with time_machine.travel(NOW + timedelta(weeks=3), tick=False):
        added = meetings_extend_horizon.delay().get()
        assert added == 3
        assert meetings_extend_horizon.delay().get() == 0
    assert series.meetings.count() == 16
    assert series.meetings.values("occurrence_start").distinct().count() == 16


def test_archived_groups_get_no_new_meetings(group):
    series = make_series(group)
    group.state = "archived"
    group.save()
    assert meetings_extend(now=NOW + timedelta(weeks=4)) == 0
    assert series.meetings.count() == 13


def test_cancelling_tells_everyone_who_said_they_would_come(
    group, django_capture_on_commit_callbacks
):
    series = make_series(group)
    meeting = series.meetings.order_by("starts_at")[1]
    sam, alex, kim = UserFactory.create_batch(3)
    going(meeting, sam, alex)
    MembershipFactory(user=kim, group=group)
    Rsvp.objects.create(meeting=meeting, user=kim, answer="not_going")
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=meeting, reason="The hall is closed for the holiday.", now=NOW)
    meeting.refresh_from_db()
    assert meeting.is_cancelled and meeting.sequence == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([sam.email, alex.email])
    assert "The hall is closed for the holiday." in mail.outbox[0].body
    assert "Tuesday 13 October 2026" in mail.outbox[0].body


def test_cancelling_a_meeting_twice_is_refused_and_tells_no_one_again(group):
    meeting = make_series(group).meetings.first()
    going(meeting, UserFactory())
    meeting_cancel(meeting=meeting, reason="Snow", now=NOW)
    mail.outbox.clear()
    with pytest.raises(MeetingError) as refused:
        meeting_cancel(meeting=meeting, reason="Snow again", now=NOW)
    assert refused.value.code == "already_cancelled"
    meeting.refresh_from_db()
    assert meeting.cancel_reason == "Snow" and meeting.sequence == 1
    assert mail.outbox == []


def test_a_cancellation_needs_a_reason(group):
    meeting = make_series(group).meetings.first()
    with pytest.raises(MeetingError):
        meeting_cancel(meeting=meeting, reason="   ", now=NOW)
    meeting.refresh_from_db()
    assert not meeting.is_cancelled


def test_moving_a_meeting_keeps_the_rsvps_and_tells_people_the_new_time_and_place(
    group, django_capture_on_commit_callbacks
):
    meeting = make_series(group).meetings.order_by("starts_at")[0]
    sam = UserFactory(time_zone="Europe/London")
    going(meeting, sam)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_move(
            meeting=meeting,
            day=date(2026, 10, 8),
            at=time(18, 30),
            place="Room 4, Library",
            now=NOW,
        )
    meeting.refresh_from_db()
    assert meeting.starts_at == datetime(2026, 10, 8, 22, 30, tzinfo=UTC)
    assert meeting.ends_at == meeting.starts_at + timedelta(minutes=90)
    assert meeting.occurrence_start == datetime(2026, 10, 6, 23, tzinfo=UTC)
    assert meeting.is_moved and meeting.sequence == 1
    assert Rsvp.objects.get(meeting=meeting, user=sam).answer == "going"
    [message] = mail.outbox
    # In Sam's zone, with the group's own beside it.
    assert "Thursday 8 October 2026, 23:30 BST (18:30 EDT where the group meets)" in message.body
    assert "Room 4, Library" in message.body


def test_moving_a_meeting_into_the_past_is_refused(group):
    meeting = make_series(group).meetings.first()
    with pytest.raises(MeetingError) as refused:
        meeting_move(meeting=meeting, day=date(2026, 9, 30), at=time(19), now=NOW)
    assert refused.value.code == "past"
    meeting.refresh_from_db()
    assert not meeting.is_moved


def test_a_cancelled_meeting_cannot_be_moved(group):
    meeting = make_series(group).meetings.first()
    meeting_cancel(meeting=meeting, reason="Snow", now=NOW)
    with pytest.raises(MeetingError):
        meeting_move(meeting=meeting, day=date(2026, 10, 9), at=time(19), now=NOW)


def test_editing_a_series_keeps_past_meetings_and_the_rsvps_of_unchanged_ones(
    group, django_capture_on_commit_callbacks
):
    series = make_series(group, now=NOW - timedelta(weeks=2), start=date(2026, 9, 15))
    past = series.meetings.filter(starts_at__lt=NOW).order_by("starts_at").first()
    tuesday = series.meetings.filter(starts_at__gt=NOW).order_by("starts_at").first()
    sam, alex = UserFactory.create_batch(2)
    going(past, sam)
    going(tuesday, alex)
    past_start = past.starts_at
    # Now Tuesdays and Thursdays: the Tuesdays stay as they are.
    both = Recurrence(frequency=Frequency.WEEKLY, weekdays=(1, 3))
    with django_capture_on_commit_callbacks(execute=True):
        series_update(series=series, recurrence=both, start=date(2026, 9, 15), fields={}, now=NOW)
    past.refresh_from_db()
    assert past.starts_at == past_start
    assert Rsvp.objects.filter(meeting=past, user=sam).exists()
    assert Rsvp.objects.filter(meeting=tuesday, user=alex, answer="going").exists()
    future_days = {
        m.starts_at.astimezone(NEW_YORK).weekday()
        for m in series.meetings.filter(starts_at__gt=NOW)
    }
    assert future_days == {1, 3}
    assert mail.outbox == []  # nobody's meeting went away
    series.refresh_from_db()
    assert series.sequence == 1


def test_moving_the_time_of_a_series_takes_each_meeting_and_its_answers_along(
    group, django_capture_on_commit_callbacks
):
    series = make_series(group)
    first = series.meetings.order_by("starts_at").first()
    sam = UserFactory()
    going(first, sam)
    with django_capture_on_commit_callbacks(execute=True):
        series_update(
            series=series,
            recurrence=TUESDAYS,
            start=date(2026, 10, 6),
            fields={"start_time": time(18)},
            now=NOW,
        )
    first.refresh_from_db()
    assert first.starts_at.astimezone(NEW_YORK) == datetime(2026, 10, 6, 18, tzinfo=NEW_YORK)
    assert Rsvp.objects.filter(meeting=first, user=sam, answer="going").exists()
    local = {m.starts_at.astimezone(NEW_YORK).time() for m in series.meetings.all()}
    assert local == {time(18)}
    assert series.meetings.count() == 13  # the same meetings, none removed or doubled
    [message] = mail.outbox
    assert message.to == [sam.email]
    assert "It was planned for" in message.body and "19:00 EDT" in message.body
    assert "It now takes place on" in message.body and "18:00 EDT" in message.body
    assert "Your answer still stands" in message.body


def test_changing_only_the_length_keeps_every_meeting_and_its_rsvps(group):
    series = make_series(group)
    meeting = series.meetings.order_by("starts_at").first()
    going(meeting, UserFactory())
    series_update(
        series=series,
        recurrence=TUESDAYS,
        start=date(2026, 10, 6),
        fields={"duration_minutes": 60},
        now=NOW,
    )
    meeting.refresh_from_db()
    assert meeting.ends_at - meeting.starts_at == timedelta(minutes=60)
    assert meeting.rsvps.count() == 1
    assert series.meetings.count() == 13

"""Editing a series never loses what facilitators and members did (issue 15, item 1): a
cancelled meeting stays cancelled, a moved one stays where it was moved, answers follow their
meeting to its new time, and the facilitator sees all of it before anything is saved."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.meetings.recurrence import Frequency, Recurrence
from groups.models import Meeting, MeetingSeries, Rsvp
from groups.services.meetings import (
    meeting_cancel,
    meeting_move,
    series_change_preview,
    series_create,
)
from tests.factories import MembershipFactory, SupportGroupFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)  # a Tuesday
WEDNESDAYS = Recurrence(frequency=Frequency.WEEKLY, weekdays=(2,))


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def group(facilitator):
    group = SupportGroupFactory(name="Wednesday Circle", time_zone="America/New_York")
    MembershipFactory(user=facilitator, group=group, role="facilitator")
    return group


@pytest.fixture
def fac_client(fac_client, facilitator):
    facilitator.time_zone = "America/New_York"
    facilitator.save(update_fields=["time_zone"])
    return fac_client


def local(meeting: Meeting) -> datetime:
    return meeting.starts_at.astimezone(NEW_YORK)


def on(series: MeetingSeries, day: date) -> Meeting:
    return next(
        m for m in series.meetings.all() if m.occurrence_start.astimezone(NEW_YORK).date() == day
    )


def member(group, name: str):
    person = UserFactory(display_name=name, time_zone="America/New_York")
    MembershipFactory(user=person, group=group)
    return person


def answer(meeting, person, value="going"):
    return Rsvp.objects.create(meeting=meeting, user=person, answer=value)


@pytest.fixture
def december(group):
    """Wednesdays at 21:00 in New York; 16 December cancelled, 23 December moved to the 24th
    at 19:00, answers on the 9th, the 16th and the moved meeting."""
    series = series_create(
        group=group,
        actor=None,
        recurrence=WEDNESDAYS,
        start=date(2026, 12, 2),
        fields={
            "title": "Evening sharing",
            "start_time": time(21),
            "duration_minutes": 60,
            "time_zone": "America/New_York",
            "attendance_option": "online",
        },
        now=NOW,
    )
    people = {name: member(group, name) for name in ("Sam", "Alex", "Jo", "Kim")}
    answer(on(series, date(2026, 12, 9)), people["Sam"])
    answer(on(series, date(2026, 12, 9)), people["Kim"], "not_going")
    answer(on(series, date(2026, 12, 16)), people["Alex"])
    answer(on(series, date(2026, 12, 23)), people["Jo"])
    meeting_cancel(meeting=on(series, date(2026, 12, 16)), reason="The hall is closed.", now=NOW)
    meeting_move(
        meeting=on(series, date(2026, 12, 23)), day=date(2026, 12, 24), at=time(19), now=NOW
    )
    return series, people


def form_data(series: MeetingSeries, **changes) -> dict[str, object]:
    data = {
        "title": series.title,
        "frequency": "weekly",
        "start": series.start_date.isoformat(),
        "start_time": "21:00",
        "duration_minutes": "60",
        "time_zone": "America/New_York",
        "interval": "1",
        "weekdays": ["2"],
        "month_week": "1",
        "month_weekday": "0",
        "ends": "never",
        "attendance_option": "online",
        "use_group_address": "on",
        "openness": "closed",
        "gender": "",
        "language": "en",
    }
    data.update(changes)
    return data


def test_changing_the_time_shows_what_happens_before_saving_anything(fac_client, december):
    series, _ = december
    before = list(Meeting.objects.order_by("pk").values_list("starts_at", "status"))
    url = reverse("groups:series-edit", args=[series.group.slug, series.pk])
    response = fac_client.post(url, form_data(series, start_time="21:30"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Check the changes to “Evening sharing”" in page
    # 13 meetings from 2 December: one cancelled and one moved keep their state, 11 follow.
    assert (
        "11 meetings change time, 1 cancelled meeting stays cancelled, 1 moved meeting stays "
        "where it was moved, 2 answers follow, 1 person will be told." in page
    )
    assert "Wednesday 9 December 2026, 21:00 EST" in page  # the old time, then the new one
    assert "Wednesday 9 December 2026, 21:30 EST" in page
    assert 'name="start_time" value="21:30"' in page  # what was typed goes with the button
    assert list(Meeting.objects.order_by("pk").values_list("starts_at", "status")) == before
    assert mail.outbox == []


def test_a_saved_time_change_keeps_cancellations_moves_and_answers(
    fac_client, december, django_capture_on_commit_callbacks
):
    series, people = december
    url = reverse("groups:series-edit", args=[series.group.slug, series.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = fac_client.post(
            url, {**form_data(series, start_time="21:30"), "confirm": "1"}, follow=True
        )
    assert "The schedule is saved. 11 meetings change time" in response.content.decode()
    ninth, sixteenth, moved = (on(series, date(2026, 12, d)) for d in (9, 16, 23))
    assert local(ninth) == datetime(2026, 12, 9, 21, 30, tzinfo=NEW_YORK)
    assert ninth.rsvps.count() == 2  # Sam's and Kim's answers came along
    assert sixteenth.is_cancelled and local(sixteenth).time() == time(21, 30)
    assert sixteenth.cancel_reason == "The hall is closed."
    assert local(moved) == datetime(2026, 12, 24, 19, tzinfo=NEW_YORK)  # still where it went
    assert Rsvp.objects.filter(meeting=moved, user=people["Jo"]).exists()
    assert series.meetings.filter(status="scheduled", starts_at__gt=NOW).count() == 12
    assert all(m.ends_at - m.starts_at == timedelta(minutes=60) for m in series.meetings.all())
    # Sam was going to a meeting that changed time (the others are the cancellation's and the
    # move's notices, sent when the fixture's outbox rows went out).
    [notice] = [m for m in mail.outbox if "time has changed" in m.subject]
    assert notice.to == [people["Sam"].email]
    assert "It was planned for Wednesday 9 December 2026, 21:00 EST" in notice.body
    assert "It now takes place on Wednesday 9 December 2026, 21:30 EST" in notice.body
    assert "Your answer still stands" in notice.body


def test_change_it_goes_back_to_the_form_with_what_was_typed(fac_client, december):
    series, _ = december
    url = reverse("groups:series-edit", args=[series.group.slug, series.pk])
    response = fac_client.post(
        url, {**form_data(series, start_time="21:30", title="Late sharing"), "back": "1"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Late sharing"' in page and 'value="21:30"' in page
    series.refresh_from_db()
    assert series.title == "Evening sharing" and series.start_time == time(21)


def test_an_edit_that_changes_no_meeting_saves_at_once(fac_client, december):
    series, _ = december
    url = reverse("groups:series-edit", args=[series.group.slug, series.pk])
    response = fac_client.post(url, form_data(series, title="Wednesday sharing"), follow=True)
    assert "The schedule is saved." in response.content.decode()
    series.refresh_from_db()
    assert series.title == "Wednesday sharing"


def test_a_day_the_new_schedule_no_longer_has_is_removed_and_said(fac_client, december):
    series, _ = december
    url = reverse("groups:series-edit", args=[series.group.slug, series.pk])
    page = fac_client.post(url, form_data(series, weekdays=["3"])).content.decode()
    assert "13 meetings no longer take place, 13 new meetings are added" in page
    assert "2 people will be told" in page  # Sam (9th) and Jo (moved 23rd); Alex's is cancelled


def test_the_preview_makes_the_same_queries_however_many_answers(
    group, december, django_assert_num_queries
):
    series, _ = december
    fields = {"start_time": time(21, 30)}
    arguments = {"series": series, "recurrence": WEDNESDAYS, "start": series.start_date}
    with CaptureQueriesContext(connection) as few:
        series_change_preview(**arguments, fields=fields, now=NOW)
    for meeting in series.meetings.all():
        for _ in range(3):
            answer(meeting, member(group, "Someone"))
    with django_assert_num_queries(len(few.captured_queries)):
        change = series_change_preview(**arguments, fields=fields, now=NOW)
    assert change.answers_follow == 2 + 11 * 3


def test_the_preview_and_the_form_pages_are_valid_html(fac_client, december, tmp_path):
    from tests.test_html_valid import assert_valid_html

    series, _ = december
    url = reverse("groups:series-edit", args=[series.group.slug, series.pk])
    pages = {
        "preview": fac_client.post(url, form_data(series, start_time="21:30")).content.decode(),
        "back": fac_client.post(
            url, {**form_data(series, start_time="21:30"), "back": "1"}
        ).content.decode(),
        "clock": fac_client.post(
            reverse(
                "groups:meeting-move", args=[series.group.slug, on(series, date(2026, 12, 9)).pk]
            ),
            {"day": "2027-03-14", "at": "02:30"},
        ).content.decode(),
    }
    assert_valid_html(pages, tmp_path)

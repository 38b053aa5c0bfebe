"""The facilitator's schedule pages: building a series with the plain form (and every way it
can be filled in wrong), cancelling and moving one meeting, and who may reach them."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from groups.models import Meeting, MeetingSeries
from groups.services.meetings import meetings_extend
from tests.factories import (
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
    activate_totp,
)
from tests.test_html_valid import assert_valid_html

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(facilitator):
    group = SupportGroupFactory(name="Thursday Circle", time_zone="Europe/London")
    MembershipFactory(user=facilitator, group=group, role="facilitator")
    return group


def weekly_form(**changes) -> dict[str, object]:
    start = timezone.localdate() + timedelta(days=3)
    data = {
        "title": "Thursday evening sharing",
        "frequency": "weekly",
        "start": start.isoformat(),
        "start_time": "19:00",
        "duration_minutes": "90",
        "time_zone": "Europe/London",
        "interval": "1",
        "weekdays": ["3"],
        "month_week": "1",
        "month_weekday": "0",
        "ends": "never",
        "attendance_option": "online",
        "use_group_address": "on",
        "openness": "closed",
        "gender": "",
        "language": "en",
        "newcomer_friendly": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_facilitator_builds_a_weekly_series_without_typing_a_rule(fac_client, group):
    url = reverse("groups:series-create", args=[group.slug])
    assert fac_client.get(url).status_code == 200
    response = fac_client.post(url, weekly_form(weekdays=["0", "3"], interval="2"), follow=True)
    series = MeetingSeries.objects.get(group=group)
    assert series.rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH"
    assert series.meetings.count() > 0
    assert "is on the schedule" in response.content.decode()
    assert "Every 2 weeks on Monday and Thursday" in response.content.decode()


def test_a_one_off_meeting_has_no_rule_and_one_meeting(fac_client, group):
    url = reverse("groups:series-create", args=[group.slug])
    fac_client.post(url, weekly_form(frequency="once", weekdays=None))
    series = MeetingSeries.objects.get(group=group)
    assert series.rrule == ""
    assert series.meetings.count() == 1


def test_monthly_on_the_last_friday(fac_client, group):
    url = reverse("groups:series-create", args=[group.slug])
    fac_client.post(
        url, weekly_form(frequency="monthly", weekdays=None, month_week="-1", month_weekday="4")
    )
    series = MeetingSeries.objects.get(group=group)
    assert series.rrule == "FREQ=MONTHLY;BYDAY=-1FR"
    assert {m.starts_at.weekday() for m in series.meetings.all()} == {4}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"weekdays": None}, "weekdays", "Choose at least one day of the week."),
        (
            {"ends": "on_date", "until": "2020-01-01"},
            "until",
            "The last date is before the first meeting.",
        ),
        ({"duration_minutes": "0"}, "duration_minutes", "A meeting lasts at least a minute."),
        ({"duration_minutes": "721"}, "duration_minutes", "at most 12 hours"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "is not a time zone we know"),
        ({"start": "2020-01-01"}, "start", "The first meeting cannot be in the past."),
        ({"ends": "after", "count": ""}, "count", "Give the number of meetings."),
        ({"start_time": "25:00"}, "start_time", "Enter a valid time."),
    ],
)
def test_a_schedule_filled_in_wrong_says_why_keeps_the_input_and_saves_nothing(
    fac_client, group, changes, field, message
):
    url = reverse("groups:series-create", args=[group.slug])
    response = fac_client.post(url, weekly_form(**changes))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert "Thursday evening sharing" in response.content.decode()  # nothing typed is lost
    assert not MeetingSeries.objects.exists()
    assert not Meeting.objects.exists()


def test_editing_shows_the_schedule_as_it_was_built(fac_client, group):
    url = reverse("groups:series-create", args=[group.slug])
    fac_client.post(url, weekly_form(weekdays=["1", "4"], ends="after", count="10"))
    series = MeetingSeries.objects.get(group=group)
    edit = fac_client.get(reverse("groups:series-edit", args=[group.slug, series.pk]))
    form = edit.context["form"]
    assert form.initial["weekdays"] == ["1", "4"]
    assert form.initial["ends"] == "after" and form.initial["count"] == 10
    url = reverse("groups:series-edit", args=[group.slug, series.pk])
    edited = weekly_form(weekdays=["1"], title="Tuesday sharing")
    preview = fac_client.post(url, edited)  # the Fridays go: first what that does
    assert "meetings no longer take place" in preview.content.decode()
    response = fac_client.post(url, {**edited, "confirm": "1"}, follow=True)
    series.refresh_from_db()
    assert series.title == "Tuesday sharing" and series.rrule == "FREQ=WEEKLY;BYDAY=TU"
    assert "The schedule is saved" in response.content.decode()


def test_cancelling_from_the_page_asks_for_a_reason_first(fac_client, group):
    meeting = MeetingFactory(series=MeetingSeriesFactory(group=group))
    url = reverse("groups:meeting-cancel", args=[group.slug, meeting.pk])
    assert fac_client.get(url).status_code == 200
    meeting.refresh_from_db()
    assert not meeting.is_cancelled  # the GET only asks
    assert fac_client.post(url, {"reason": ""}).status_code == 400
    response = fac_client.post(url, {"reason": "The hall is closed."}, follow=True)
    assert "The meeting is cancelled" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.is_cancelled
    again = fac_client.post(url, {"reason": "Again"})
    assert again.status_code == 400
    assert "already cancelled" in again.content.decode()


def test_moving_into_the_past_from_the_page_is_refused(fac_client, group):
    meeting = MeetingFactory(series=MeetingSeriesFactory(group=group))
    url = reverse("groups:meeting-move", args=[group.slug, meeting.pk])
    yesterday = timezone.localdate() - timedelta(days=1)
    response = fac_client.post(url, {"day": yesterday.isoformat(), "at": "19:00"})
    assert response.status_code == 400
    assert "The new time is in the past" in response.content.decode()
    meeting.refresh_from_db()
    assert not meeting.is_moved


def test_moving_from_the_page(fac_client, group):
    meeting = MeetingFactory(series=MeetingSeriesFactory(group=group))
    url = reverse("groups:meeting-move", args=[group.slug, meeting.pk])
    day = timezone.localdate() + timedelta(days=10)
    fac_client.post(url, {"day": day.isoformat(), "at": "18:15", "place": "Room 2"})
    meeting.refresh_from_db()
    local = meeting.starts_at.astimezone(meeting.series.zone)
    assert (local.date(), local.hour, local.minute) == (day, 18, 15)
    assert meeting.place_override == "Room 2"


@pytest.mark.parametrize("who", ["member", "other_facilitator"])
def test_people_who_do_not_facilitate_the_group_cannot_change_its_schedule(client, group, who):
    meeting = MeetingFactory(series=MeetingSeriesFactory(group=group))
    person = UserFactory(is_facilitator=who == "other_facilitator")
    activate_totp(person)
    if who == "member":
        MembershipFactory(user=person, group=group)
    else:
        MembershipFactory(user=person, role="facilitator")
    client.force_login(person)
    slug = group.slug
    urls = [
        reverse("groups:schedule", args=[slug]),
        reverse("groups:series-create", args=[slug]),
        reverse("groups:series-edit", args=[slug, meeting.series.pk]),
        reverse("groups:meeting-cancel", args=[slug, meeting.pk]),
        reverse("groups:meeting-move", args=[slug, meeting.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    for url in urls[1:]:  # the schedule page itself only answers GET
        assert client.post(url, {"reason": "x"}).status_code == 403, url
    meeting.refresh_from_db()
    assert not meeting.is_cancelled


def test_a_facilitator_cannot_reach_a_meeting_of_another_group_through_their_own(fac_client, group):
    other_meeting = MeetingFactory()
    url = reverse("groups:meeting-cancel", args=[group.slug, other_meeting.pk])
    assert fac_client.post(url, {"reason": "x"}).status_code == 404
    other_meeting.refresh_from_db()
    assert not other_meeting.is_cancelled


def _add_series(group, count):
    for _ in range(count):
        series = MeetingSeriesFactory(group=group)
        meetings_extend(series=series)


def test_the_schedule_page_makes_the_same_queries_however_many_meetings(
    fac_client, group, django_assert_num_queries
):
    url = reverse("groups:schedule", args=[group.slug])
    _add_series(group, 1)
    fac_client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert fac_client.get(url).status_code == 200
    _add_series(group, 8)
    with django_assert_num_queries(len(small.captured_queries)):
        fac_client.get(url)


def test_the_dashboard_lists_the_next_meetings_of_my_groups(fac_client, group):
    with time_machine.travel(timezone.now(), tick=False):
        meeting = MeetingFactory(
            series=MeetingSeriesFactory(group=group, title="Thursday sharing"),
            occurrence_start=timezone.now() + timedelta(days=2),
        )
        page = fac_client.get(reverse("groups:dashboard")).content.decode()
    assert "Thursday sharing, Thursday Circle" in page
    assert reverse("groups:meeting-detail", args=[group.slug, meeting.pk]) in page


def test_the_meeting_pages_are_valid_html(fac_client, group, facilitator, tmp_path):
    meeting = MeetingFactory(series=MeetingSeriesFactory(group=group, rsvp_limit=5))
    slug = group.slug
    names = {
        "schedule": reverse("groups:schedule", args=[slug]),
        "series-create": reverse("groups:series-create", args=[slug]),
        "series-edit": reverse("groups:series-edit", args=[slug, meeting.series.pk]),
        "meeting-cancel": reverse("groups:meeting-cancel", args=[slug, meeting.pk]),
        "meeting-move": reverse("groups:meeting-move", args=[slug, meeting.pk]),
        "meeting-detail": reverse("groups:meeting-detail", args=[slug, meeting.pk]),
        "my-meetings": reverse("groups:my-meetings"),
        "group-detail": reverse("groups:group-detail", args=[slug]),
        "dashboard": reverse("groups:dashboard"),
    }
    pages = {}
    for name, url in names.items():
        response = fac_client.get(url)
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    assert_valid_html(pages, tmp_path)

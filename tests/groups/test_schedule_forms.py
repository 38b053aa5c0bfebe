"""The "Add a meeting" form and the move form (issue 15, items 3, 9 and 14): only what applies
is open, a link pasted with spaces gets a helpful message, a one-off far ahead is stored and
said, and a move that changes nothing says so."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from groups.models import MeetingSeries
from tests.factories import (
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    RsvpFactory,
    SupportGroupFactory,
)
from tests.groups.test_schedule import weekly_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(facilitator):
    group = SupportGroupFactory(name="Thursday Circle", time_zone="Europe/London")
    MembershipFactory(user=facilitator, group=group, role="facilitator")
    return group


@pytest.fixture
def fac_client(fac_client, facilitator):
    facilitator.time_zone = "Europe/London"
    facilitator.save(update_fields=["time_zone"])
    return fac_client


def opened_parts(page: str) -> dict[str, bool]:
    """Each foldable part of the form by its summary: open or not."""
    parts = re.findall(r"<details([^>]*)>\s*<summary[^>]*>([^<]+)</summary>", page)
    return {summary.strip(): " open" in attributes for attributes, summary in parts}


def test_the_form_opens_only_the_parts_that_apply(fac_client, group):
    page = fac_client.get(reverse("groups:series-create", args=[group.slug])).content.decode()
    assert opened_parts(page) == {
        "Weekly meetings: days and how often": True,
        "Monthly meetings: which day of the month": False,
        "End of the schedule": True,
        "The address, for meeting in person": False,  # the group meets online
        "The link and phone line, for meeting online": True,
        "For meeting finder apps (optional)": False,
    }
    assert 'src="/static/js/disclosure.js"' in page or "disclosure" in page


def test_a_monthly_in_person_meeting_opens_its_own_parts_after_a_failed_submit(fac_client, group):
    url = reverse("groups:series-create", args=[group.slug])
    response = fac_client.post(
        url,
        weekly_form(
            frequency="monthly", attendance_option="in_person", use_group_address=None, title=""
        ),
    )
    assert response.status_code == 400
    parts = opened_parts(response.content.decode())
    assert parts["Monthly meetings: which day of the month"]
    assert not parts["Weekly meetings: days and how often"]
    assert parts["The address, for meeting in person"]
    assert not parts["The link and phone line, for meeting online"]


def test_a_one_off_link_with_spaces_gets_the_link_without_them(fac_client, group):
    url = reverse("groups:series-create", args=[group.slug])
    response = fac_client.post(
        url, weekly_form(frequency="once", online_url="https://zoom.us/j/123 456 789")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "A link has no spaces" in page
    assert "the link is https://zoom.us/j/123456789" in page
    assert "Enter a valid URL." not in page
    assert 'value="https://zoom.us/j/123 456 789"' in page  # what was typed stays
    assert not MeetingSeries.objects.exists()


def test_a_link_with_spaces_elsewhere_says_to_copy_it_again(fac_client, group):
    url = reverse("groups:series-create", args=[group.slug])
    response = fac_client.post(url, weekly_form(online_url="https://meet.example.org/my room"))
    assert "copy the link again" in response.content.decode()


def test_a_one_off_beyond_the_planning_window_is_stored_and_its_date_said(fac_client, group):
    with time_machine.travel(timezone.now(), tick=False):
        day = timezone.localdate() + timedelta(weeks=20)
        response = fac_client.post(
            reverse("groups:series-create", args=[group.slug]),
            weekly_form(frequency="once", start=day.isoformat(), weekdays=None),
            follow=True,
        )
    page = response.content.decode()
    series = MeetingSeries.objects.get()
    [meeting] = series.meetings.all()
    assert meeting.starts_at.astimezone(series.zone).date() == day
    assert f"one meeting, on {day:%A} {day.day} {day:%B %Y}, 19:00" in page
    assert "0 meetings planned" not in page
    assert f"{day:%A} {day.day} {day:%B %Y}" in page  # on the schedule's "Coming up"


def test_moving_a_meeting_without_changing_anything_says_so(
    fac_client, group, django_capture_on_commit_callbacks
):
    start = (timezone.now() + timedelta(days=7)).replace(second=0, microsecond=0)
    meeting = MeetingFactory(series=MeetingSeriesFactory(group=group), occurrence_start=start)
    RsvpFactory(meeting=meeting)
    local = meeting.starts_at.astimezone(meeting.series.zone)
    url = reverse("groups:meeting-move", args=[group.slug, meeting.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = fac_client.post(
            url, {"day": local.date().isoformat(), "at": f"{local:%H:%M}"}, follow=True
        )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing has changed" in page
    assert "The meeting is moved" not in page
    assert mail.outbox == []
    meeting.refresh_from_db()
    assert meeting.sequence == 0

"""Listings that stay true (groups.listings): a group with nothing ahead in its schedule, or
with meetings but no attendance recorded for six weeks, asks its facilitators whether it
still meets; unanswered for two weeks, it leaves the directory and the Meeting Guide feed
(not deleted) and the admins are told; a facilitator's "Yes, it still meets" lists it again.
Every rule on a controlled clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from groups.listings import ANSWER_WITHIN, STALE_AFTER, listings_review
from groups.models import Attendance, SupportGroup
from notifications.outbox import outbox_dispatch, outbox_send
from tests.factories import (
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
    activate_totp,
)

pytestmark = pytest.mark.django_db
START = datetime(2026, 9, 1, 12, tzinfo=UTC)


def run(at: datetime) -> None:
    outbox_send(outbox_dispatch(now=at).claimed, now=lambda: at)


def review(at: datetime, capture) -> None:
    with time_machine.travel(at, tick=False), capture(execute=True):
        listings_review(now=at)
    run(at)


@pytest.fixture
def group():
    return SupportGroupFactory(name="Harbour Circle", created_at=START)


@pytest.fixture
def facilitator(group):
    user = UserFactory(email="fac@example.org", discreet_mode=False, is_facilitator=True)
    MembershipFactory(user=user, group=group, role="facilitator")
    activate_totp(user)  # facilitator pages ask for a second factor
    return user


@pytest.fixture
def admin():
    return UserFactory(email="admin@example.org", is_staff=True, discreet_mode=False)


def weekly_meetings(group, *, first: datetime, count: int) -> list:
    series = MeetingSeriesFactory(group=group)
    return [
        MeetingFactory(series=series, occurrence_start=first + timedelta(weeks=week))
        for week in range(count)
    ]


def in_directory(group) -> bool:
    client = Client()
    page = client.get(reverse("groups:group-list")).content.decode()
    return group.name in page


def subjects_to(address):
    return [message.subject for message in mail.outbox if message.to == [address]]


def test_a_group_with_nothing_ahead_is_asked_once_then_unlisted_after_two_weeks(
    group, facilitator, admin, django_capture_on_commit_callbacks
):
    weekly_meetings(group, first=START, count=4)  # the last on 22 September
    asked_at = START + STALE_AFTER + timedelta(days=1)  # nothing ahead, six weeks on

    review(asked_at - timedelta(days=2), django_capture_on_commit_callbacks)
    assert mail.outbox == []  # within six weeks of its creation: not in question

    review(asked_at, django_capture_on_commit_callbacks)
    assert subjects_to(facilitator.email) == ["Kinship: Is Harbour Circle still meeting?"]
    assert subjects_to(admin.email) == []  # the group has a facilitator: it is theirs to say
    review(asked_at + timedelta(hours=1), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1  # asked once

    review(asked_at + ANSWER_WITHIN - timedelta(hours=1), django_capture_on_commit_callbacks)
    assert in_directory(group)
    review(asked_at + ANSWER_WITHIN, django_capture_on_commit_callbacks)

    group.refresh_from_db()
    assert group.listing_lapsed_at == asked_at + ANSWER_WITHIN
    assert not in_directory(group)
    assert SupportGroup.objects.filter(pk=group.pk, state="active").exists()  # not deleted
    out = "Kinship: Harbour Circle is out of the directory until someone confirms it meets"
    assert subjects_to(admin.email) == [out]
    assert subjects_to(facilitator.email)[-1] == out
    assert AuditEvent.objects.filter(action="listing_lapsed").count() == 1
    review(asked_at + ANSWER_WITHIN + timedelta(days=1), django_capture_on_commit_callbacks)
    assert len(subjects_to(admin.email)) == 1  # told once


def test_meetings_without_attendance_for_six_weeks_put_a_group_in_question(
    group, facilitator, django_capture_on_commit_callbacks
):
    meetings = weekly_meetings(group, first=START, count=12)
    seven_weeks_on = START + timedelta(weeks=7)

    Attendance.objects.create(meeting=meetings[0], user=facilitator)  # week 1 only
    review(seven_weeks_on, django_capture_on_commit_callbacks)
    assert subjects_to(facilitator.email) == ["Kinship: Is Harbour Circle still meeting?"]


def test_attendance_in_the_last_six_weeks_keeps_a_group_out_of_question(
    group, facilitator, django_capture_on_commit_callbacks
):
    meetings = weekly_meetings(group, first=START, count=12)
    Attendance.objects.create(meeting=meetings[5], user=facilitator)  # in week 6
    review(START + timedelta(weeks=7), django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_yes_it_still_meets_answers_and_lists_a_group_again(
    group, facilitator, django_capture_on_commit_callbacks
):
    weekly_meetings(group, first=START, count=2)
    asked_at = START + STALE_AFTER + timedelta(days=1)
    review(asked_at, django_capture_on_commit_callbacks)
    lapsed_at = asked_at + ANSWER_WITHIN
    review(lapsed_at, django_capture_on_commit_callbacks)
    assert not in_directory(group)

    answered_at = lapsed_at + timedelta(days=1)
    with time_machine.travel(answered_at, tick=False):
        client = Client()
        client.force_login(facilitator)
        dashboard = client.get(reverse("groups:dashboard")).content.decode()
        assert "This group is out of the directory" in dashboard
        response = client.post(reverse("groups:listing-confirm", args=[group.slug]), follow=True)

    assert "Harbour Circle is back in the directory" in response.content.decode()
    group.refresh_from_db()
    assert (group.listing_lapsed_at, group.listing_asked_at) == (None, None)
    assert group.listing_confirmed_at == answered_at
    assert in_directory(group)
    # Six weeks of grace from the answer, then the same question again.
    mail.outbox.clear()
    review(answered_at + STALE_AFTER - timedelta(hours=1), django_capture_on_commit_callbacks)
    assert mail.outbox == []
    review(answered_at + STALE_AFTER + timedelta(hours=1), django_capture_on_commit_callbacks)
    assert subjects_to(facilitator.email) == ["Kinship: Is Harbour Circle still meeting?"]


def test_a_group_that_schedules_again_stops_being_asked(
    group, facilitator, django_capture_on_commit_callbacks
):
    weekly_meetings(group, first=START, count=1)  # held six weeks ago, nothing since
    asked_at = START + STALE_AFTER + timedelta(days=1)
    review(asked_at, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    weekly_meetings(group, first=asked_at + timedelta(days=3), count=4)  # a new schedule

    review(asked_at + timedelta(days=1), django_capture_on_commit_callbacks)
    review(asked_at + ANSWER_WITHIN + timedelta(days=1), django_capture_on_commit_callbacks)

    group.refresh_from_db()
    assert group.listing_asked_at is None and group.listing_lapsed_at is None
    assert in_directory(group)


def test_an_unlisted_group_leaves_the_meeting_guide_feed_and_comes_back(
    group, facilitator, django_capture_on_commit_callbacks
):
    group.city, group.publish_online_link = "Boston", True  # what a finder needs to list it
    group.save()
    meetings = weekly_meetings(group, first=START, count=12)  # none with attendance
    series = meetings[0].series
    asked_at = START + timedelta(weeks=7)

    def feed_slugs(at: datetime) -> set[str]:
        with time_machine.travel(at, tick=False):
            feed = Client().get(reverse("groups:meeting-guide-feed")).json()
        return {entry["slug"] for entry in feed}

    review(asked_at, django_capture_on_commit_callbacks)
    assert series.slug in feed_slugs(asked_at)  # asked, still listed
    review(asked_at + ANSWER_WITHIN, django_capture_on_commit_callbacks)
    assert series.slug not in feed_slugs(asked_at + ANSWER_WITHIN)
    answered_at = asked_at + ANSWER_WITHIN + timedelta(hours=1)
    with time_machine.travel(answered_at, tick=False):
        client = Client()
        client.force_login(facilitator)
        with django_capture_on_commit_callbacks(execute=True):  # the cached feed is renewed
            response = client.post(reverse("groups:listing-confirm", args=[group.slug]))
    assert response.status_code == 302
    assert series.slug in feed_slugs(answered_at)


def test_a_group_without_facilitators_asks_the_admins(admin, django_capture_on_commit_callbacks):
    orphan = SupportGroupFactory(name="Quiet Circle", created_at=START)
    review(START + STALE_AFTER + timedelta(days=1), django_capture_on_commit_callbacks)
    assert subjects_to(admin.email) == ["Kinship: Is Quiet Circle still meeting?"]
    [message] = mail.outbox
    assert "has no facilitator" in message.body
    assert orphan.name in message.body


def test_only_the_groups_facilitators_may_say_it_still_meets(group, facilitator):
    member = UserFactory()
    MembershipFactory(user=member, group=group)
    client = Client()
    client.force_login(member)
    url = reverse("groups:listing-confirm", args=[group.slug])
    assert client.post(url).status_code == 403
    assert client.get(url).status_code in {403, 405}
    client.force_login(facilitator)
    assert client.get(url).status_code == 405  # a change is a POST
    group.refresh_from_db()
    assert group.listing_confirmed_at is None

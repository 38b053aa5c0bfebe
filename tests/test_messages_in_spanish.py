"""Every kind of message we send a Spanish-speaking member is in Spanish, subject included,
in discreet mode too, whatever language the person who caused it reads: a facilitator
reading English cancels a meeting, a Spanish-speaking member is told in Spanish.

What is Spanish is read from the catalogue itself (the msgid's translation), so the test
follows the translators' wording and fails when a message is built in the sender's
language or a string has no translation."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import translation

from groups.emails import DISCREET_OPENING
from groups.meetings.rsvp_links import cant_make_it_url
from groups.services.groups import announcement_post
from groups.services.meetings import meeting_cancel
from groups.services.memberships import membership_approve, membership_join
from groups.services.rsvps import rsvp_answer
from notifications.outbox import outbox_dispatch, outbox_send
from tests.conftest import phone_of
from tests.factories import (
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    RsvpFactory,
    SupportGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
START = datetime(2026, 12, 3, 0, 0, tzinfo=UTC)
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")


def spanish(msgid: str) -> str:
    """The longest stretch of the msgid's Spanish translation that holds no placeholder."""
    with translation.override("es"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no Spanish for {msgid!r}"
    return max(PLACEHOLDER.split(text), key=len).strip()


def english(msgid: str) -> str:
    return max(PLACEHOLDER.split(msgid), key=len).strip()


def assert_in_spanish(text: str, msgid: str) -> None:
    assert spanish(msgid) in text, (msgid, text)
    assert english(msgid) not in text, (msgid, text)


@pytest.fixture
def meeting():
    group = SupportGroupFactory(name="Harbour Circle", time_zone="America/New_York")
    series = MeetingSeriesFactory(group=group, title="Evening sharing", rsvp_limit=1)
    return MeetingFactory(series=series, occurrence_start=START)


@pytest.fixture
def ana(meeting):
    """Reads Kinship in Spanish; discreet mode on, as by default."""
    user = UserFactory(language="es", reminder_lead_minutes=[60], time_zone="America/New_York")
    MembershipFactory(user=user, group=meeting.group)
    return user


def run(at: datetime) -> None:
    outbox_send(outbox_dispatch(now=at).claimed, now=lambda: at)


def to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


def test_a_reminder_by_email_and_by_push_is_in_spanish(meeting, ana, vapid, push_service):
    RsvpFactory(meeting=meeting, user=ana, answer="going")
    ana.reminders_by = "both"
    ana.save()
    phone, _ = phone_of(ana, push_service, vapid)

    run(START - timedelta(hours=1))

    [message] = to(ana)
    assert_in_spanish(message.subject, "A reminder: your appointment %(starts)s")
    with translation.override("es"):
        opening = str(DISCREET_OPENING).format(site="Kinship")
    assert opening in message.body.replace("\n", " ")  # the discreet opening, in Spanish
    [shown] = push_service.delivered(phone)
    assert_in_spanish(shown["title"], "Appointment at %(time)s")
    assert "Harbour" not in shown["title"] + shown["body"]


def test_a_cancellation_by_a_facilitator_reading_english_reaches_her_in_spanish(
    meeting, ana, vapid, push_service, django_capture_on_commit_callbacks
):
    RsvpFactory(meeting=meeting, user=ana, answer="going")
    phone, _ = phone_of(ana, push_service, vapid)
    ana.changes_by = "both"
    ana.save()
    now = START - timedelta(days=1)
    with time_machine.travel(now, tick=False), translation.override("en"):
        with django_capture_on_commit_callbacks(execute=True):
            meeting_cancel(meeting=meeting, reason="The room is closed.")
        run(now)

    [message] = to(ana)
    assert_in_spanish(message.subject, "A meeting was cancelled")
    [shown] = push_service.delivered(phone)
    assert_in_spanish(shown["title"], "An appointment is cancelled")


def test_a_place_from_the_waiting_list_and_i_cant_make_it_are_in_spanish(
    meeting, ana, django_capture_on_commit_callbacks
):
    holder = UserFactory(language="es")
    MembershipFactory(user=holder, group=meeting.group)
    RsvpFactory(meeting=meeting, user=holder, answer="going")
    now = START - timedelta(hours=3)
    with time_machine.travel(now, tick=False), translation.override("en"):
        rsvp_answer(user=ana, meeting=meeting, going=True)  # full: waiting
        with django_capture_on_commit_callbacks(execute=True):
            Client().post(cant_make_it_url(user=holder, meeting=meeting))
        run(now)

    [place] = to(ana)
    assert_in_spanish(place.subject, "A place is yours")
    [noted] = to(holder)
    assert_in_spanish(noted.subject, "Noted: you can't make it")


def test_joining_approval_and_an_announcement_are_in_spanish(
    meeting, django_capture_on_commit_callbacks
):
    facilitator = UserFactory(language="en")
    group = SupportGroupFactory(name="Tide Circle", join_policy="approval")
    MembershipFactory(user=facilitator, group=group, role="facilitator")
    luz = UserFactory(language="es")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        membership = membership_join(user=luz, group=group, accept_conduct=True)
        membership_approve(membership=membership, by=facilitator)
        announcement_post(group=group, author=facilitator, title="Summer", body="Hello")
    run(datetime.now(tz=UTC) + timedelta(seconds=5))

    subjects = [message.subject for message in to(luz)]
    assert len(subjects) == 3, subjects
    for subject, msgid in zip(
        subjects,
        ["Your request was sent", "Your request was answered", "A new announcement"],
        strict=True,
    ):
        assert_in_spanish(subject, msgid)
    [told] = [m for m in mail.outbox if m.to == [facilitator.email]]
    assert "Someone asks to join" in told.subject  # the facilitator reads English

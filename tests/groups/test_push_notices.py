"""Meeting news by push: reminders, changes and cancellations, a place from the waiting list,
and the confirmation of "I can't make it", each by the way the member chose (push, e-mail or
both; push by default once a device has it on). Read as the phone reads it, through the
loopback push service that decrypts our messages (tests/notifications/push_service.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from groups.meetings.joining import join_address_url, room_opens_at
from groups.meetings.rsvp_links import cant_make_it_url
from groups.models import JoinAddress
from groups.services.meetings import meeting_cancel, meeting_move
from groups.services.rsvps import rsvp_answer
from notifications.models import OutboxMessage
from notifications.outbox import outbox_dispatch, outbox_send
from tests.conftest import phone_of
from tests.factories import (
    HostedMeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    RsvpFactory,
    SupportGroupFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
State = OutboxMessage.State
Channel = OutboxMessage.Channel
START = datetime(2026, 12, 3, 0, 0, tzinfo=UTC)  # 19:00 in New York on Wednesday 2 December
REAL_LINK = "https://meet.example.org/harbour-secret"


@pytest.fixture
def meeting():
    group = SupportGroupFactory(
        name="Harbour Ketamine Recovery Circle",
        time_zone="America/New_York",
        online_url=REAL_LINK,
    )
    group.topics.add(TopicFactory(name="Ketamine"))
    series = MeetingSeriesFactory(group=group, title="Evening sharing", rsvp_limit=1)
    return HostedMeetingFactory(series=series, occurrence_start=START)


def member(meeting, *, answer="going", **prefs):
    user = UserFactory(**{"time_zone": "America/New_York", "reminder_lead_minutes": [15], **prefs})
    MembershipFactory(user=user, group=meeting.group)
    if answer:
        RsvpFactory(meeting=meeting, user=user, answer=answer)
    return user


def run(at: datetime) -> dict[str, int]:
    return outbox_send(outbox_dispatch(now=at).claimed, now=lambda: at)


def channels_of(user, kind: str = "reminder") -> list[str]:
    return sorted(
        OutboxMessage.objects.filter(user=user, kind=kind).values_list("channel", flat=True)
    )


# What a lock screen must never show for a discreet member: the group, its topic, the series.
NAMES = ("Harbour", "Ketamine", "ketamine", "Evening sharing", "Recovery")


def neutral(shown: dict) -> bool:
    return not any(name in shown["title"] + shown["body"] for name in NAMES)


# --- reminders --------------------------------------------------------------------------


def test_a_member_with_push_on_gets_a_discreet_reminder_on_the_phone_once(
    meeting, vapid, push_service
):
    sam = member(meeting)
    phone, _ = phone_of(sam, push_service, vapid)
    due = START - timedelta(minutes=15)

    run(due)
    run(due + timedelta(minutes=1))

    assert channels_of(sam) == [Channel.PUSH] and mail.outbox == []
    [shown] = push_service.delivered(phone)
    assert shown["title"] == "Appointment at 19:00 EST"
    assert shown["body"] == "Starts in 15 minutes, at 19:00 EST. Tap to join when the room opens."
    assert neutral(shown)
    assert shown["url"] == f"/groups/{meeting.group.slug}/meetings/{meeting.pk}/"
    address = JoinAddress.objects.get(user=sam, series=meeting.series)
    assert shown["join"] == {
        "url": f"/join/{address.token}/",
        "from": room_opens_at(meeting).isoformat(),
        "until": meeting.ends_at.isoformat(),
    }
    assert join_address_url(address).endswith(shown["join"]["url"])
    assert REAL_LINK not in str(push_service.received[0].payload)
    [received] = push_service.received
    assert (received.ttl, received.urgency) == (15 * 60, "high")


def test_without_discreet_mode_the_reminder_names_the_meeting(meeting, vapid, push_service):
    sam = member(meeting, discreet_mode=False)
    phone, _ = phone_of(sam, push_service, vapid)

    run(START - timedelta(minutes=15))

    [shown] = push_service.delivered(phone)
    assert shown["title"] == "Evening sharing at 19:00 EST"
    assert shown["body"].startswith("Harbour Ketamine Recovery Circle: starts in 15 minutes")


def test_a_day_ahead_reminder_is_sent_with_a_day_to_live_and_normal_urgency(
    meeting, vapid, push_service
):
    sam = member(meeting, reminder_lead_minutes=[1440])
    phone_of(sam, push_service, vapid)

    run(START - timedelta(hours=24))

    [received] = push_service.received
    assert (received.ttl, received.urgency) == (24 * 3600, "normal")
    assert received.payload["body"].startswith("Starts tomorrow at 19:00 EST.")


@pytest.mark.parametrize(
    ("choice", "with_device", "expected"),
    [
        ("push", True, [Channel.PUSH]),
        ("push", False, [Channel.EMAIL]),
        ("email", True, [Channel.EMAIL]),
        ("both", True, [Channel.EMAIL, Channel.PUSH]),
        ("both", False, [Channel.EMAIL]),
    ],
)
def test_each_reminder_goes_the_way_the_member_chose(
    meeting, vapid, push_service, choice, with_device, expected
):
    sam = member(meeting, reminders_by=choice)
    phone = phone_of(sam, push_service, vapid)[0] if with_device else None

    run(START - timedelta(minutes=15))
    run(START - timedelta(minutes=14))

    assert channels_of(sam) == expected
    assert len(mail.outbox) == (Channel.EMAIL in expected)
    if phone is not None:
        assert len(push_service.delivered(phone)) == (Channel.PUSH in expected)
    assert set(OutboxMessage.objects.filter(user=sam).values_list("state", flat=True)) == {
        State.SENT
    }


def test_a_reminder_whose_only_device_dropped_push_comes_by_email(meeting, vapid, push_service):
    sam = member(meeting)
    phone, _ = phone_of(sam, push_service, vapid)
    push_service.answer(phone, 410)
    due = START - timedelta(minutes=15)

    run(due)
    run(due + timedelta(seconds=20))

    [message] = mail.outbox
    assert message.to == [sam.email] and "your appointment" in message.subject
    assert OutboxMessage.objects.get(user=sam).state == State.SENT


def test_a_reminder_for_a_cancelled_meeting_is_not_pushed(meeting, vapid, push_service):
    sam = member(meeting)
    phone, _ = phone_of(sam, push_service, vapid)
    due = START - timedelta(minutes=15)
    outbox_dispatch(now=due)  # claimed, its task waits in the broker
    meeting.status = meeting.Status.CANCELLED
    meeting.save()

    outbox_send(list(OutboxMessage.objects.values_list("pk", flat=True)), now=lambda: due)

    assert push_service.delivered(phone) == []
    assert OutboxMessage.objects.get(user=sam, kind="reminder").state == State.CANCELLED


# --- changes, a place, "I can't make it" ------------------------------------------------


def test_a_cancellation_is_pushed_discreetly_and_mailed_with_its_calendar_when_both(
    meeting, vapid, push_service, django_capture_on_commit_callbacks
):
    pat = member(meeting, changes_by="both")
    phone, _ = phone_of(pat, push_service, vapid)
    now = START - timedelta(days=1)
    with time_machine.travel(now, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            meeting_cancel(meeting=meeting, reason="The room is closed.")
        run(now)

    [shown] = push_service.delivered(phone)
    assert shown["title"] == "An appointment is cancelled"
    assert shown["body"] == "Your appointment on Wed 2 Dec, 19:00 EST will not take place."
    assert neutral(shown) and "join" not in shown
    [message] = mail.outbox
    assert [name for name, *_ in message.attachments] == ["meeting.ics"]


def test_a_move_is_pushed_with_the_old_and_new_time(
    meeting, vapid, push_service, django_capture_on_commit_callbacks
):
    pat = member(meeting, discreet_mode=False)
    phone, _ = phone_of(pat, push_service, vapid)
    now = START - timedelta(days=1)
    with time_machine.travel(now, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            meeting_move(meeting=meeting, day=date(2026, 12, 2), at=time(20, 0))
        run(now)

    [shown] = push_service.delivered(phone)
    assert shown["title"] == "Moved: Evening sharing"
    assert "instead of Wed 2 Dec, 19:00 EST" in shown["body"]
    assert mail.outbox == []


def test_a_place_from_the_waiting_list_is_pushed(
    meeting, vapid, push_service, django_capture_on_commit_callbacks
):
    holder = member(meeting)
    waiting = member(meeting, answer=None)
    phone, _ = phone_of(waiting, push_service, vapid)
    now = START - timedelta(hours=3)
    with time_machine.travel(now, tick=False):
        rsvp_answer(user=waiting, meeting=meeting, going=True)  # full: on the waiting list
        with django_capture_on_commit_callbacks(execute=True):
            rsvp_answer(user=holder, meeting=meeting, going=False)
        run(now)

    [shown] = push_service.delivered(phone)
    assert shown["title"] == "A place is yours" and neutral(shown)
    assert push_service.received[0].urgency == "normal"


def test_i_cant_make_it_is_confirmed_on_the_phone_and_its_tap_opens_the_undo(
    meeting, vapid, push_service, django_capture_on_commit_callbacks
):
    sam = member(meeting)
    phone, _ = phone_of(sam, push_service, vapid)
    now = START - timedelta(minutes=15)
    with time_machine.travel(now, tick=False):
        link = cant_make_it_url(user=sam, meeting=meeting)
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post(link)
        run(now)

    assert response.status_code == 200
    [shown] = push_service.delivered(phone)
    assert shown["title"] == "Noted: you can't make it" and neutral(shown)
    assert shown["url"].startswith("/meetings/cant-make-it/") and shown["url"].endswith("/undo/")
    with time_machine.travel(now, tick=False):
        undo = Client().get(shown["url"])
    assert undo.status_code == 200 and b"Yes, put my answer back" in undo.content


def test_i_cant_make_it_is_confirmed_by_email_with_the_undo_when_chosen(
    meeting, django_capture_on_commit_callbacks
):
    sam = member(meeting, cant_make_it_by="email", discreet_mode=False)
    now = START - timedelta(minutes=15)
    with time_machine.travel(now, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            Client().post(cant_make_it_url(user=sam, meeting=meeting))
            Client().post(cant_make_it_url(user=sam, meeting=meeting))  # twice: told once
        run(now)

    [message] = mail.outbox
    assert message.subject == "Kinship: Harbour Ketamine Recovery Circle: you can't make it, noted"
    text = message.body
    assert "/meetings/cant-make-it/" in text and "/undo/" in text


def test_the_profile_offers_each_choice_and_keeps_it(client, meeting, vapid, push_service):
    sam = member(meeting)
    phone_of(sam, push_service, vapid)
    client.force_login(sam)
    page = client.get(reverse("accounts:profile"))
    assert b"Push goes to your 1 device with push notifications on." in page.content
    data = {
        "display_name": sam.display_name,
        "time_zone": sam.time_zone,
        "language": "en",
        "reminder_lead_minutes": ["15"],
        "reminder_scope": "going",
        "discreet_mode": "on",
        "reminders_by": "both",
        "changes_by": "email",
        "waitlist_by": "push",
        "cant_make_it_by": "email",
    }
    assert client.post(reverse("accounts:profile"), data).status_code == 302
    sam.refresh_from_db()
    assert (sam.reminders_by, sam.changes_by, sam.cant_make_it_by) == ("both", "email", "email")

    refused = client.post(reverse("accounts:profile"), {**data, "reminders_by": "pigeon"})
    assert refused.status_code == 400
    sam.refresh_from_db()
    assert sam.reminders_by == "both"

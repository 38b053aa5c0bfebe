"""The outbox's push channel, read where a phone reads it: the loopback push service
(tests/notifications/push_service.py) checks our VAPID signature and decrypts each message
with the subscription's own keys. What a member would notice is asserted: a message arrives
once on each device, a device that dropped push is forgotten and the message comes by
e-mail instead, a push service that asks us to wait is obeyed, and a worker stopped half-way
through a member's devices repeats nothing that arrived."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMessage

from notifications import outbox
from notifications.email import email_to_payload
from notifications.models import OutboxMessage, PushSubscription
from notifications.outbox import outbox_dispatch, outbox_send, retry_delay
from notifications.push import PushMessage, Urgency
from notifications.services import outbox_record
from tests.conftest import phone_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
State = OutboxMessage.State
Channel = OutboxMessage.Channel
NOW = datetime(2026, 12, 2, 18, 0, tzinfo=UTC)


def run(at: datetime) -> dict[str, int]:
    """One dispatcher run at `at`, and the worker sending what it claimed."""
    return outbox_send(outbox_dispatch(now=at).claimed, now=lambda: at)


def news(user, *, channels=(Channel.PUSH,), useful_for=timedelta(hours=2), **push):
    message = EmailMessage("Kinship: a place is yours", "A place is yours.", to=[user.email])
    return outbox_record(
        payload=email_to_payload(message),
        channels=list(channels),
        push=PushMessage(
            **{
                "title": "A place is yours",
                "body": "For your appointment on Wed 2 Dec, 19:00 EST.",
                "url": "/groups/harbour/meetings/7/",
                "useful_until": NOW + useful_for,
                "urgency": Urgency.HIGH,
                "tag": "meeting-7",
                **push,
            }
        ),
        user=user,
        category=OutboxMessage.Category.UPDATES,
        expires_at=NOW + useful_for,
        now=NOW,
    )


@pytest.fixture
def member(db):
    return UserFactory()


def test_a_message_reaches_each_device_once_with_its_ttl_and_urgency(member, vapid, push_service):
    phone, _ = phone_of(member, push_service, vapid)
    laptop, _ = phone_of(member, push_service, vapid, name="Laptop")
    [row] = news(member, useful_for=timedelta(minutes=50))

    assert run(NOW) == {State.SENT: 1}
    run(NOW + timedelta(minutes=1))  # a second run sends nothing again

    for device in (phone, laptop):
        assert push_service.delivered(device) == [
            {
                "id": row.pk,
                "title": "A place is yours",
                "body": "For your appointment on Wed 2 Dec, 19:00 EST.",
                "url": "/groups/harbour/meetings/7/",
                "tag": "meeting-7",
            }
        ]
    assert {(r.ttl, r.urgency) for r in push_service.received} == {(50 * 60, "high")}
    assert mail.outbox == []
    row.refresh_from_db()
    assert row.state == State.SENT
    assert all(d.last_used_at == NOW for d in PushSubscription.objects.filter(user=member))


def test_a_device_that_dropped_push_is_forgotten_and_the_others_still_get_it(
    member, vapid, push_service
):
    phone, phone_row = phone_of(member, push_service, vapid)
    tablet, _ = phone_of(member, push_service, vapid, name="Tablet")
    push_service.answer(phone, 410)
    news(member)

    assert run(NOW) == {State.SENT: 1}

    assert not PushSubscription.objects.filter(pk=phone_row.pk).exists()
    assert len(push_service.delivered(tablet)) == 1 and push_service.delivered(phone) == []
    assert mail.outbox == []


@pytest.mark.parametrize("status", [404, 410])
def test_a_member_whose_only_device_dropped_push_gets_the_message_by_email(
    member, vapid, push_service, status
):
    phone, _ = phone_of(member, push_service, vapid)
    push_service.answer(phone, status)
    [row] = news(member)

    run(NOW)
    assert not PushSubscription.objects.filter(user=member).exists()
    row.refresh_from_db()
    assert (row.channel, row.state) == (Channel.EMAIL, State.SCHEDULED)

    run(NOW + timedelta(seconds=5))
    assert [m.subject for m in mail.outbox] == ["Kinship: a place is yours"]
    row.refresh_from_db()
    assert row.state == State.SENT


def test_with_both_chosen_a_dropped_device_does_not_bring_a_second_email(
    member, vapid, push_service
):
    phone, _ = phone_of(member, push_service, vapid)
    push_service.answer(phone, 410)
    _email_row, push_row = news(member, channels=(Channel.EMAIL, Channel.PUSH))

    run(NOW)
    run(NOW + timedelta(minutes=1))

    assert len(mail.outbox) == 1
    push_row.refresh_from_db()
    assert push_row.state == State.CANCELLED


def test_a_member_who_removed_every_device_since_gets_it_by_email(member, vapid, push_service):
    _, phone_row = phone_of(member, push_service, vapid)
    news(member)
    phone_row.delete()

    run(NOW)
    run(NOW + timedelta(seconds=5))

    assert len(mail.outbox) == 1 and push_service.received == []


def test_429_with_retry_after_is_tried_again_after_the_pause_and_arrives_once(
    member, vapid, push_service
):
    phone, _ = phone_of(member, push_service, vapid)
    push_service.answer(phone, 429, Retry_After="120")
    [row] = news(member)

    assert run(NOW) == {"deferred": 1}
    row.refresh_from_db()
    assert (row.state, row.due_at) == (State.SCHEDULED, NOW + timedelta(seconds=120))
    assert row.last_error == "push 429"

    run(NOW + timedelta(seconds=60))  # still inside the pause the service asked for
    assert push_service.delivered(phone) == []
    run(NOW + timedelta(seconds=121))
    assert len(push_service.delivered(phone)) == 1
    assert [r.status for r in push_service.received] == [429, 201]


def test_a_push_service_error_is_retried_with_backoff_then_given_up(member, vapid, push_service):
    phone, _ = phone_of(member, push_service, vapid)
    [row] = news(member, useful_for=timedelta(days=1))
    at = NOW
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        push_service.answer(phone, 503)
        run(at)
        row.refresh_from_db()
        if attempt < outbox.MAX_ATTEMPTS:
            assert row.due_at == at + retry_delay(attempt)
            at = row.due_at
    assert row.state == State.FAILED and row.last_error == "push 503"
    assert push_service.delivered(phone) == []


def test_a_refusal_that_is_our_fault_fails_the_row_without_repeating_it(
    member, vapid, push_service
):
    phone, _ = phone_of(member, push_service, vapid)
    push_service.answer(phone, 400)
    [row] = news(member)

    assert run(NOW) == {State.FAILED: 1}
    run(NOW + timedelta(hours=1))
    assert len(push_service.received) == 1
    row.refresh_from_db()
    assert row.last_error == "push refused 400"
    assert PushSubscription.objects.filter(user=member).exists()


def test_a_retry_for_one_device_does_not_send_again_to_the_one_that_has_it(
    member, vapid, push_service
):
    phone, _ = phone_of(member, push_service, vapid)
    laptop, _ = phone_of(member, push_service, vapid, name="Laptop")
    push_service.answer(laptop, 503)
    news(member)

    run(NOW)
    run(NOW + timedelta(minutes=5))

    assert len(push_service.delivered(phone)) == 1
    assert len(push_service.delivered(laptop)) == 1


def test_a_worker_stopped_between_two_devices_repeats_neither(member, vapid, push_service):
    phone, _ = phone_of(member, push_service, vapid)
    laptop, _ = phone_of(member, push_service, vapid, name="Laptop")
    news(member)
    real_send = outbox.push_send
    sent = []

    def killed_after_first(**kwargs):
        if sent:
            raise KeyboardInterrupt  # stands in for the worker's death mid-batch
        sent.append(kwargs["endpoint"])
        return real_send(**kwargs)

    with (
        mock.patch.object(outbox, "push_send", killed_after_first),
        pytest.raises(KeyboardInterrupt),
    ):
        run(NOW)
    # The dispatcher takes the row back once its lease has run out; the phone has it.
    run(NOW + outbox.LEASE + timedelta(seconds=1))

    assert len(push_service.delivered(phone)) == 1
    assert len(push_service.delivered(laptop)) == 1
    assert OutboxMessage.objects.get().state == State.SENT


def test_a_push_too_late_to_be_useful_is_not_sent(member, vapid, push_service):
    phone_of(member, push_service, vapid)
    [row] = news(member, useful_for=timedelta(minutes=10))

    run(NOW + timedelta(minutes=11))

    row.refresh_from_db()
    assert row.state == State.EXPIRED and push_service.received == []


def test_the_tap_of_an_online_meeting_carries_its_window(member, vapid, push_service):
    phone, _ = phone_of(member, push_service, vapid)
    opens, ends = NOW + timedelta(minutes=45), NOW + timedelta(hours=2)
    news(member, join_url="/join/abc/", join_from=opens, join_until=ends)

    run(NOW)

    [shown] = push_service.delivered(phone)
    assert shown["join"] == {
        "url": "/join/abc/",
        "from": opens.isoformat(),
        "until": ends.isoformat(),
    }

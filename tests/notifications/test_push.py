"""One push message, as a push service and then a phone read it (the loopback service in
tests/notifications/push_service.py checks the VAPID signature and decrypts the payload):
what arrives, and what each answer of the service means for the subscription and the
message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from notifications.push import MAX_TTL, Urgency, push_send
from notifications.vapid import vapid_pair_new

NOW = datetime(2026, 12, 2, 18, 0, tzinfo=UTC)


@pytest.fixture
def service(push_service):
    return push_service


def _send(subscription, payload, **kwargs):
    return push_send(
        endpoint=subscription.endpoint,
        p256dh=subscription.p256dh,
        auth=subscription.auth_b64,
        payload=payload,
        **{"ttl": 600, "now": NOW, **kwargs},
    )


def test_a_message_arrives_signed_with_our_key_and_readable_only_by_the_phone(vapid, service):
    phone = service.subscribe(vapid["public_key"])
    outcome = _send(
        phone, {"title": "Appointment at 19:00", "url": "/meetings/"}, ttl=900, urgency=Urgency.HIGH
    )
    assert outcome.delivered
    assert service.delivered(phone) == [{"title": "Appointment at 19:00", "url": "/meetings/"}]
    [received] = service.received
    assert (received.ttl, received.urgency) == (900, "high")
    assert received.claims["sub"] == "mailto:ops@example.org"
    assert received.claims["aud"] == service.origin


def test_a_subscription_made_with_another_key_refuses_our_message(vapid, service):
    other = service.subscribe(vapid_pair_new()["public_key"])
    outcome = _send(other, {"title": "x"})
    assert outcome.status == 400 and not outcome.delivered and not outcome.worth_retrying
    assert "another key" in service.received[0].problem


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_subscription_is_said_to_be_gone(vapid, service, status):
    phone = service.subscribe(vapid["public_key"])
    service.answer(phone, status)
    outcome = _send(phone, {"title": "x"})
    assert outcome.subscription_gone and not outcome.worth_retrying


def test_too_many_requests_says_when_to_come_back(vapid, service):
    phone = service.subscribe(vapid["public_key"])
    service.answer(phone, 429, Retry_After="120")
    outcome = _send(phone, {"title": "x"})
    assert outcome.worth_retrying and not outcome.subscription_gone
    assert outcome.retry_after == NOW + timedelta(seconds=120)
    service.answer(phone, 503, Retry_After="Wed, 02 Dec 2026 18:05:00 GMT")
    outcome = _send(phone, {"title": "x"})
    assert outcome.worth_retrying
    assert outcome.retry_after == datetime(2026, 12, 2, 18, 5, tzinfo=UTC)


def test_an_unreachable_service_is_worth_retrying(vapid, service):
    phone = service.subscribe(vapid["public_key"])
    service.close()
    outcome = _send(phone, {"title": "x"})
    assert outcome.status == 0 and outcome.worth_retrying


def test_the_ttl_never_exceeds_a_day(vapid, service):
    phone = service.subscribe(vapid["public_key"])
    _send(phone, {"title": "x"}, ttl=10 * MAX_TTL)
    assert service.received[0].ttl == MAX_TTL

"""The outbox: every message is a ledger row, claimed once, sent once, retried as a row with
growing pauses, expired when too late, put back when its task or worker was lost. Services
are called with an explicit clock; Celery runs eagerly here (tests/integration has the real
worker)."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.emails import email_send_later
from accounts.services.unsubscribe import unsubscribe_token
from notifications import outbox, services
from notifications.models import OutboxMessage
from notifications.outbox import MAX_ATTEMPTS, outbox_dispatch, outbox_send, retry_delay
from notifications.services import outbox_enqueue, outbox_retry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
State = OutboxMessage.State
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def note(to: str = "sam@example.org", subject: str = "Hello") -> EmailMessage:
    return EmailMessage(subject=subject, body="Plain words.\nSee https://example.org/x", to=[to])


def record(**kwargs) -> OutboxMessage:
    """A row as outbox_enqueue makes it, without its after-commit dispatch."""
    with mock.patch.object(services, "dispatch_after_commit"):
        return outbox_enqueue(note(), now=NOW, **kwargs)


def dispatch_and_send(now=NOW) -> list[int]:
    report = outbox_dispatch(now=now)
    outbox_send(report.claimed, now=lambda: now)
    return report.claimed


def state_of(row) -> str:
    row.refresh_from_db()
    return row.state


def test_a_message_recorded_in_a_transaction_that_rolls_back_is_never_sent():
    with pytest.raises(RuntimeError), transaction.atomic():
        record()
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()
    dispatch_and_send()
    assert mail.outbox == []


def test_running_the_dispatcher_twice_sends_each_message_once():
    row = record()
    dispatch_and_send()
    dispatch_and_send()
    outbox_send([row.pk], now=lambda: NOW)  # a redelivered task
    assert len(mail.outbox) == 1
    assert state_of(row) == State.SENT


def test_every_message_has_a_text_and_an_html_part_and_a_stable_message_id(settings):
    settings.SITE_URL = "https://kinship.example"
    row = record(user=UserFactory())
    dispatch_and_send()
    [message] = mail.outbox
    assert message.body.startswith("Plain words.")
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert '<a href="https://example.org/x"' in html
    assert "<img" not in html  # no tracking pixel, no remote image
    assert message.extra_headers["Message-ID"] == f"<outbox-{row.pk}@kinship.example>"


def test_a_members_message_offers_one_click_unsubscribe(settings):
    settings.SITE_URL = "https://kinship.example"
    user = UserFactory()
    record(user=user, category=OutboxMessage.Category.UPDATES)
    # The token is signed with the time: the same second for the mail and the expectation.
    with time_machine.travel(NOW, tick=False):
        dispatch_and_send()
        token = unsubscribe_token(user_id=user.pk, category="updates")
    headers = mail.outbox[0].extra_headers
    url = "https://kinship.example" + reverse("accounts:unsubscribe", args=[token])
    assert headers["List-Unsubscribe"] == f"<{url}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_news_from_groups_is_not_recorded_for_a_member_who_turned_it_off():
    user = UserFactory(group_update_emails=False)
    with mock.patch.object(services, "dispatch_after_commit"):
        assert email_send_later(note(), user=user, category=OutboxMessage.Category.UPDATES) is None
        assert email_send_later(note(), user=user, category=OutboxMessage.Category.ACCOUNT)


def test_a_message_past_its_expiry_is_marked_expired_not_sent():
    row = record(expires_at=NOW - timedelta(minutes=1))
    dispatch_and_send()
    assert mail.outbox == []
    assert state_of(row) == State.EXPIRED


def test_a_message_whose_task_was_lost_is_put_back_after_the_lease_and_sent_once(settings):
    row = record()
    claimed = outbox_dispatch(now=NOW).claimed  # queued; the task never arrives
    assert claimed == [row.pk]
    assert outbox_dispatch(now=NOW + timedelta(seconds=30)).claimed == []  # still in its lease
    later = NOW + outbox.LEASE + timedelta(seconds=1)
    assert dispatch_and_send(now=later) == [row.pk]
    assert len(mail.outbox) == 1
    assert state_of(row) == State.SENT


def test_a_message_whose_worker_died_while_sending_is_sent_again_after_the_lease():
    row = record()
    outbox_dispatch(now=NOW)
    OutboxMessage.objects.filter(pk=row.pk).update(state=State.SENDING, claimed_at=NOW)
    assert dispatch_and_send(now=NOW + timedelta(seconds=60)) == []
    dispatch_and_send(now=NOW + outbox.LEASE + timedelta(seconds=1))
    assert len(mail.outbox) == 1


class RefusingBackend:
    """An SMTP connection that refuses every message, and records that it was reset."""

    closed = 0
    opened = 0

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        RefusingBackend.opened += 1

    def close(self):
        RefusingBackend.closed += 1

    def send_messages(self, messages):
        raise smtplib.SMTPDataError(451, b"Try again later")


def test_a_refusing_mail_server_defers_with_growing_pauses_then_fails(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.RefusingBackend"
    row = record()
    now = NOW
    due_times = []
    for _ in range(MAX_ATTEMPTS):
        dispatch_and_send(now=now)
        row.refresh_from_db()
        if row.state == State.FAILED:
            break
        assert row.state == State.SCHEDULED
        assert row.last_error == "SMTPDataError 451"
        due_times.append(row.due_at - now)
        now = row.due_at
    assert row.state == State.FAILED and row.attempts == MAX_ATTEMPTS
    assert due_times[:3] == [retry_delay(1), retry_delay(2), retry_delay(3)]
    assert due_times == sorted(due_times)
    assert RefusingBackend.closed >= MAX_ATTEMPTS  # reset after every error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_retry(ids=[row.pk], now=now) == 1
    dispatch_and_send(now=now)
    assert len(mail.outbox) == 1
    assert state_of(row) == State.SENT


def test_retry_leaves_sent_messages_alone():
    row = record()
    dispatch_and_send()
    assert outbox_retry(ids=[row.pk]) == 0
    assert len(mail.outbox) == 1


def test_the_dispatcher_makes_the_same_queries_for_one_or_many_due_messages():
    record()
    with CaptureQueriesContext(connection) as one:
        assert len(outbox_dispatch(now=NOW).claimed) == 1
    for _ in range(200):
        record()
    with CaptureQueriesContext(connection) as many:
        assert len(outbox_dispatch(now=NOW).claimed) == 200
    assert len(many) == len(one)


def test_a_request_that_records_many_messages_queues_one_task_after_commit(
    client, django_capture_on_commit_callbacks
):
    from groups.models import Membership
    from tests.factories import MembershipFactory, SupportGroupFactory, activate_totp

    facilitator = UserFactory(is_facilitator=True)
    activate_totp(facilitator)
    group = SupportGroupFactory()
    MembershipFactory(user=facilitator, group=group, role=Membership.Role.FACILITATOR)
    for _ in range(12):
        MembershipFactory(group=group)
    client.force_login(facilitator)
    url = reverse("groups:announcement-create", args=[group.slug])
    with mock.patch("notifications.tasks.outbox_dispatch.apply_async") as queued:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = client.post(url, {"title": "Room change", "body": "Room 4 now."})
            assert response.status_code == 302
        assert queued.call_count == 0  # nothing before the commit
        for callback in callbacks:
            callback()
    assert len(callbacks) == 1
    assert queued.call_count == 1
    assert OutboxMessage.objects.count() == 12

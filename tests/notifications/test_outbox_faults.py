"""One bad message, one broken planner or preparer, one lost worker: each is held to its own
row, and everything else still goes out. The log says what failed and where, never what the
message was about."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMessage

from lib.registries import Registry
from notifications import kinds, outbox, services
from notifications.models import OutboxMessage
from notifications.outbox import MAX_ATTEMPTS, outbox_dispatch, outbox_send
from notifications.services import outbox_enqueue, outbox_retry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
State = OutboxMessage.State
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
SECRET = "Ketamine Recovery Tuesdays"  # what must never reach the log or the stored reason


def record(subject: str = "Hello", to: str = "sam@example.org") -> OutboxMessage:
    with mock.patch.object(services, "dispatch_after_commit"):
        return outbox_enqueue(EmailMessage(subject=subject, body="Words.", to=[to]), now=NOW)


def dispatch_and_send(now=NOW) -> list[int]:
    report = outbox_dispatch(now=now)
    outbox_send(report.claimed, now=lambda: now)
    return report.claimed


def test_a_message_that_cannot_be_built_fails_alone_and_the_rest_of_the_batch_is_sent(caplog):
    good = [record(to=f"m{i}@example.org") for i in range(4)]
    # A line break in a header: Django refuses to build it (BadHeaderError).
    bad = record(subject=f"A reminder: {SECRET}\nBcc: all@example.org")
    caplog.set_level(logging.INFO)

    claimed = dispatch_and_send()

    assert sorted(claimed) == sorted(row.pk for row in [*good, bad])
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"m{i}@example.org" for i in range(4))
    bad.refresh_from_db()
    assert bad.state == State.FAILED
    assert bad.last_error.startswith("BadHeaderError at ")
    assert SECRET not in bad.last_error and "example.org" not in bad.last_error
    assert f"outbox message {bad.pk} failed" in caplog.text
    assert SECRET not in caplog.text and "all@example.org" not in caplog.text
    for row in good:
        row.refresh_from_db()
        assert row.state == State.SENT


def test_a_builder_that_raises_fails_its_row_and_an_admins_retry_sends_it_once_fixed(
    monkeypatch, caplog
):
    broken = {"yes": True}

    def build(row, now, prepared):
        if broken["yes"]:
            raise KeyError(SECRET)
        return EmailMessage(subject="Built", body="Fine now.", to=[row.user.email])

    monkeypatch.setitem(kinds.OUTBOX_BUILDERS, "test-kind", build)
    member = UserFactory(email="kim@example.org")
    row = OutboxMessage.objects.create(kind="test-kind", user=member, due_at=NOW)
    other = record()

    dispatch_and_send()

    row.refresh_from_db()
    assert row.state == State.FAILED and row.last_error.startswith("KeyError at ")
    assert [m.subject for m in mail.outbox] == ["Hello"]  # the other row was sent
    assert OutboxMessage.objects.get(pk=other.pk).state == State.SENT
    assert SECRET not in caplog.text

    broken["yes"] = False  # the cause is fixed
    assert outbox_retry(ids=[row.pk], now=NOW) == 1
    dispatch_and_send()
    assert [m.subject for m in mail.outbox] == ["Hello", "Built"]
    assert OutboxMessage.objects.get(pk=row.pk).state == State.SENT


def test_a_row_that_breaks_its_kinds_preparer_fails_alone(monkeypatch):
    def prepare(rows):
        if any(row.variant == 13 for row in rows):
            raise ValueError("unlucky")
        return {row.pk: f"for {row.user.email}" for row in rows}

    def build(row, now, prepared):
        return EmailMessage(subject=prepared[row.pk], body=".", to=[row.user.email])

    monkeypatch.setitem(kinds.OUTBOX_PREPARERS, "test-kind", prepare)
    monkeypatch.setitem(kinds.OUTBOX_BUILDERS, "test-kind", build)
    rows = [
        OutboxMessage.objects.create(
            kind="test-kind", user=UserFactory(), target_id=1, variant=variant, due_at=NOW
        )
        for variant in (12, 13, 14)
    ]

    dispatch_and_send()

    states = [OutboxMessage.objects.get(pk=row.pk).state for row in rows]
    assert states == [State.SENT, State.FAILED, State.SENT]
    assert sorted(m.subject for m in mail.outbox) == sorted(
        f"for {row.user.email}" for row in (rows[0], rows[2])
    )


def test_a_planner_that_raises_holds_back_neither_the_other_planners_nor_the_claim(
    monkeypatch, caplog
):
    planned = []

    def broken(*, now):
        raise RuntimeError(SECRET)

    def working(*, now):
        planned.append(now)
        return 0

    monkeypatch.setattr(outbox, "OUTBOX_PLANNERS", Registry(broken=broken, working=working))
    reset = record(subject="Reset your password")

    claimed = dispatch_and_send()

    assert claimed == [reset.pk]
    assert planned == [NOW]
    assert [m.subject for m in mail.outbox] == ["Reset your password"]
    assert "outbox planner broken failed: RuntimeError at " in caplog.text
    assert SECRET not in caplog.text


def test_a_row_whose_sending_never_finishes_is_given_up_after_the_last_attempt():
    # A worker that dies on this message every time: it must not take a slot down forever.
    row = record()
    OutboxMessage.objects.filter(pk=row.pk).update(
        state=State.SENDING, claimed_at=NOW, attempts=MAX_ATTEMPTS
    )
    dispatch_and_send(now=NOW + outbox.LEASE + timedelta(seconds=1))
    row.refresh_from_db()
    assert row.state == State.FAILED
    assert row.last_error == "its sending never finished"
    assert mail.outbox == []

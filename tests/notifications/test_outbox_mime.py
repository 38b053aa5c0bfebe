"""The outbox flattens messages with less work than Django's default (boundaries chosen up
front, short headers written as they are: notifications.email.OutboxEmail). What a mail
server and a mail client receive must not change: the same bytes as Python's default policy
writes, for every kind of message we send, and parts a client reads back as they were."""

from __future__ import annotations

import email
import email.policy
import random
import string
from datetime import UTC, datetime, timedelta
from email._policybase import compat32
from email.generator import BytesGenerator
from io import BytesIO

import pytest
from django.core import mail

from notifications.email import SHORT_HEADERS_AS_THEY_ARE, OutboxEmail
from notifications.outbox import outbox_dispatch, outbox_send
from tests.factories import (
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
)
from tests.test_discreet_mode import every_message_for

pytestmark = pytest.mark.django_db
START = datetime(2026, 12, 2, 0, 0, tzinfo=UTC)


def as_python_writes_it(mime) -> bytes:
    """The message flattened with Python's default policy, as Django's own send would."""
    out = BytesIO()
    BytesGenerator(out, mangle_from_=False, policy=compat32).flatten(mime, linesep="\r\n")
    return out.getvalue()


def a_reminder() -> OutboxEmail:
    group = SupportGroupFactory(name="Harbour Circle", online_url="https://meet.example.org/h")
    series = MeetingSeriesFactory(group=group, title="Évening sharing, with a title long enough")
    MeetingFactory(series=series, occurrence_start=START)
    user = UserFactory(
        reminder_lead_minutes=[60], reminder_scope="all", discreet_mode=False, display_name="Zoë"
    )
    MembershipFactory(user=user, group=group)
    at = START - timedelta(minutes=60)
    mail.outbox.clear()
    outbox_send(outbox_dispatch(now=at).claimed, now=lambda: at)
    [message] = mail.outbox
    assert isinstance(message, OutboxEmail)
    return message


def test_every_message_we_send_leaves_as_the_bytes_pythons_default_policy_writes(
    client, django_capture_on_commit_callbacks
):
    member = UserFactory(display_name="Morgan", discreet_mode=False)
    messages = [
        *every_message_for(client, member, django_capture_on_commit_callbacks),
        a_reminder(),
    ]
    assert len(messages) >= 15
    encoded = 0
    for message in messages:
        assert isinstance(message, OutboxEmail), message.subject
        mime = message.message()
        sent = mime.as_bytes(linesep="\r\n")  # what Django's SMTP backend hands to smtplib
        assert sent == as_python_writes_it(mime), message.subject
        encoded += b"=?utf-8?" in sent
    # Headers that need encoding or folding took the usual way, and were compared too.
    assert encoded >= 1


def test_short_plain_headers_are_written_exactly_as_the_default_policy_writes_them():
    rng = random.Random(2026)
    alphabet = string.ascii_letters + string.digits + string.punctuation + "  \t"
    names = ["Subject", "To", "From", "Reply-To", "List-Unsubscribe", "X-A"]
    for policy in (compat32, compat32.clone(linesep="\r\n")):
        ours = SHORT_HEADERS_AS_THEY_ARE.clone(linesep=policy.linesep)
        for _ in range(5000):
            name = rng.choice(names)
            value = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 90)))
            assert ours.fold_binary(name, value) == policy.fold_binary(name, value), value
            assert ours.fold(name, value) == policy.fold(name, value), value
        # Not short, not plain: the usual way, to the byte.
        for value in ["x" * 200, "Café des amis", "two\r\n lines", "a " * 60]:
            assert ours.fold_binary("Subject", value) == policy.fold_binary("Subject", value)


def test_a_mail_client_reads_back_every_part_and_each_message_has_boundaries_of_its_own():
    message = a_reminder()
    first, second = message.message(), message.message()
    parsed = email.message_from_bytes(first.as_bytes(linesep="\r\n"), policy=email.policy.default)

    # (A long encoded subject starts on the line after "Subject:", as Django writes it: the
    # reader keeps the fold's space, which clients trim.)
    assert parsed["Subject"].strip() == message.subject
    assert parsed["To"] == message.to[0]
    text = parsed.get_body(preferencelist=("plain",)).get_content()
    assert text.replace("\r\n", "\n") == message.body
    assert "Zoë" in parsed.get_body(preferencelist=("html",)).get_content()
    [attachment] = list(parsed.iter_attachments())
    [(name, content, _)] = message.attachments
    assert attachment.get_filename() == name
    assert attachment.get_content().replace("\r\n", "\n") == content.replace("\r\n", "\n")

    boundaries = [part.get_boundary() for part in first.walk() if part.is_multipart()]
    again = [part.get_boundary() for part in second.walk() if part.is_multipart()]
    assert len(boundaries) == 2 and len(set(boundaries + again)) == 4

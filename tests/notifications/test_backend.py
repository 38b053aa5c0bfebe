"""Production's SMTP backend (notifications.backends.EmailBackend) is Django's with each
address checked once per process: the server must see the same envelope and message as
Django's own backend sends, and an odd address fares as it does there."""

from __future__ import annotations

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db

BACKENDS = ["django.core.mail.backends.smtp.EmailBackend", "notifications.backends.EmailBackend"]


def send_with(backend: str, smtp_inbox) -> dict[str, str]:
    smtp_inbox.clear()
    message = mail.EmailMultiAlternatives(
        subject="Réunion de ce soir",
        body="À tout à l'heure.",
        from_email="Kinship Équipe <no-reply@example.org>",
        to=["Zoë Martin <zoe@example.org>", "sam@example.org"],
        connection=mail.get_connection(backend),
    )
    message.attach_alternative("<p>À tout à l'heure.</p>", "text/html")
    assert message.send() == 1
    [received] = smtp_inbox.messages
    return {
        name: received[name]
        for name in ["From", "To", "Subject", "X-Envelope-To", "Content-Type", "MIME-Version"]
    } | {"Content-Type": received.get_content_type()}


def test_the_server_receives_what_djangos_own_backend_sends(smtp_inbox):
    django_sends, we_send = (send_with(backend, smtp_inbox) for backend in BACKENDS)
    assert we_send == django_sends
    assert we_send["X-Envelope-To"] == "zoe@example.org, sam@example.org"
    # A second message to the same people, from the cache, is the same again.
    assert send_with(BACKENDS[1], smtp_inbox) == django_sends


def outcome(backend: str, smtp_inbox, address: str) -> object:
    smtp_inbox.clear()
    message = mail.EmailMessage(
        subject="Hello", body="Hi", to=[address], connection=mail.get_connection(backend)
    )
    try:
        message.send()
    except ValueError as refused:
        return type(refused)
    return [received["X-Envelope-To"] for received in smtp_inbox.messages]


@pytest.mark.parametrize(
    "address", ["zoe@exa\nmple.org", "not an address", "zoe@example.org, x@y", "zoë@exämple.org"]
)
def test_an_odd_address_fares_as_with_djangos_backend_each_time(smtp_inbox, address):
    django_fares = outcome(BACKENDS[0], smtp_inbox, address)
    assert outcome(BACKENDS[1], smtp_inbox, address) == django_fares
    assert outcome(BACKENDS[1], smtp_inbox, address) == django_fares  # the second time too
    if address == "zoe@example.org, x@y":  # one Django refuses: nothing went
        assert django_fares is ValueError and smtp_inbox.messages == []

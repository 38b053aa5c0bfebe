"""Outgoing mail: messages are built in the web process and recorded in the outbox, from
which a worker sends them (accounts.services.outbox)."""

from __future__ import annotations

from django.core.mail import EmailMessage, EmailMultiAlternatives


def email_to_payload(message: EmailMessage) -> dict[str, object]:
    """A JSON-safe copy of a message, so the broker can carry it to a worker."""
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [
            [alt.content, alt.mimetype] for alt in getattr(message, "alternatives", [])
        ],
    }


def email_from_payload(payload: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        reply_to=payload.get("reply_to") or None,
        headers=payload.get("headers") or None,
    )
    for content, mimetype in payload.get("alternatives", []):
        message.attach_alternative(content, mimetype)
    return message


def email_send_later(
    message: EmailMessage, *, user=None, category: str = "account", expires_at=None
) -> None:
    """Record the message in the outbox; it goes out once the current transaction commits
    (at once outside one). See accounts.services.outbox."""
    from accounts.services.outbox import outbox_enqueue

    outbox_enqueue(message, user=user, category=category, expires_at=expires_at)

"""The e-mail channel: a message kept as JSON in the ledger, and what every message gets
before it leaves."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string

from lib.urls import site_host
from notifications.kinds import OUTBOX_HEADERS
from notifications.models import OutboxMessage


def email_to_payload(message: EmailMessage) -> dict[str, Any]:
    """A JSON-safe copy of a message, so the ledger can carry it to a worker."""
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


def email_from_payload(payload: dict[str, Any]) -> EmailMultiAlternatives:
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


def message_id(row: OutboxMessage) -> str:
    """Stable per row and generation: a duplicate (see notifications.outbox) carries the same
    one; a row planned again after it was sent (a moved meeting's reminder) a new one."""
    generation = f".{row.generation}" if row.generation else ""
    return f"<outbox-{row.pk}{generation}@{site_host()}>"


def finalise(message: EmailMessage, row: OutboxMessage) -> EmailMultiAlternatives:
    """What every message gets: an HTML part (from the text where the message has none), its
    Message-ID, and for a member the headers other apps provide (accounts: a List-Unsubscribe
    link with one-click unsubscribe, RFC 8058). No tracking: no pixels, no rewritten links."""
    if not isinstance(message, EmailMultiAlternatives):
        message = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body,
            from_email=message.from_email,
            to=message.to,
            reply_to=message.reply_to,
            headers=message.extra_headers,
            attachments=message.attachments,
        )
    if not any(mimetype == "text/html" for _, mimetype in message.alternatives):
        html = render_to_string(
            "emails/_message.html",
            {"subject": message.subject, "body": message.body, "site_name": settings.SITE_NAME},
        )
        message.attach_alternative(html, "text/html")
    message.extra_headers["Message-ID"] = message_id(row)
    message.extra_headers["Auto-Submitted"] = "auto-generated"
    if row.user_id is not None:
        for provide in OUTBOX_HEADERS.values():
            message.extra_headers.update(provide(row.user_id, row.category))
    return message

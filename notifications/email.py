"""The e-mail channel: a message kept as JSON in the ledger, and what every message gets
before it leaves."""

from __future__ import annotations

import secrets
from email import charset as mime_charset
from email._policybase import Compat32
from email.message import Message
from email.mime.base import MIMEBase
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.message import SafeMIMEText
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


def email_from_payload(payload: dict[str, Any]) -> OutboxEmail:
    message = OutboxEmail(
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


class _ShortHeadersAsTheyAre(Compat32):
    """Python's default policy (compat32, which Django's messages use), except that a header
    that needs no folding or encoding (ASCII, no line break, short enough for one line) is
    written as it is instead of through email.header.Header, whose output for such a value
    is that same line: a fifth of the time a reminder took to flatten. Any other header goes
    the usual way. tests/notifications/test_outbox_mime.py compares the two on every kind of
    message we send."""

    def _as_it_is(self, name: str, value: object) -> str | None:
        if (
            isinstance(value, str)
            and value.isascii()
            and len(name) + 2 + len(value) <= (self.max_line_length or 78)
            and "\n" not in value
            and "\r" not in value
        ):
            return f"{name}: {value}{self.linesep}"
        return None

    def fold(self, name: str, value: str) -> str:
        return self._as_it_is(name, value) or super().fold(name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        line = self._as_it_is(name, value)
        return line.encode("ascii") if line else super().fold_binary(name, value)


SHORT_HEADERS_AS_THEY_ARE = _ShortHeadersAsTheyAre()


def mime_boundary() -> str:
    """A multipart boundary chosen before the parts are written, so that the generator need
    not search the text for one that does not occur in it (it compiles a new regular
    expression per part to do so: a third of a reminder's flattening). 80 random bits do not
    occur in a message by chance, and the header stays short enough for one line."""
    return f"=_{secrets.token_hex(10)}"


# Every text part is quoted-printable, so every line of a message is 7-bit ASCII: a relay
# without 8BITMIME has nothing to convert (converting would break the DKIM signature), and
# no line can grow past SMTP's 998 octets. (Django writes utf-8 text as 8bit unless a line
# is too long.) The charset parameter stays "utf-8".
UTF8_QUOTED_PRINTABLE = mime_charset.Charset("utf-8")
UTF8_QUOTED_PRINTABLE.body_encoding = mime_charset.QP


def text_part(content: str, mimetype: str) -> SafeMIMEText:
    """A quoted-printable text part with the parameters its type names ("text/calendar;
    method=PUBLISH") and one charset, utf-8. (Django writes the type as given and adds its
    own charset, so a type that names one had two.)"""
    subtype, params = _subtype_and_params(mimetype)
    # Django's stubs say a name; a Charset is what email.mime.text takes as well.
    part = SafeMIMEText(content, subtype, UTF8_QUOTED_PRINTABLE)  # type: ignore[arg-type]
    for name, value in params:
        part.set_param(name, value, requote=False)
    return part


@lru_cache(maxsize=32)
def _subtype_and_params(mimetype: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A type's subtype and its parameters but the charset, read once per type: every part of
    every message asks (the same few types)."""
    parsed = Message()
    parsed["Content-Type"] = mimetype
    params = tuple(
        (name, value)
        for name, value in (parsed.get_params() or [])[1:]
        if name.lower() != "charset"
    )
    return parsed.get_content_subtype(), params


@lru_cache(maxsize=32)
def _shared_attachment(filename: str, content: str | bytes, mimetype: str | None) -> MIMEBase:
    # Django's own (private, so not in its type stubs), with our text parts.
    part: MIMEBase = OutboxEmail()._create_attachment(filename, content, mimetype, shared=False)
    return part


class OutboxEmail(EmailMultiAlternatives):
    """The message as the outbox sends it: Django's, flattened to the same bytes with less
    work (boundaries chosen up front, short headers written as they are, and an attachment
    that a batch's messages share, a meeting's .ics, made into its MIME part once: a part is
    not changed once made, a message only adds it to its own), with every text part
    quoted-printable (text_part)."""

    def _create_message(self, msg: Any) -> Any:
        # Django has just made the body's part, 8bit; ours replaces it.
        if self.encoding is None:
            msg = text_part(str(self.body), f"text/{self.content_subtype}")
        return super()._create_message(msg)  # type: ignore[misc]

    def _create_attachment(
        self, filename: Any, content: Any, mimetype: Any = None, *, shared: bool = True
    ) -> Any:
        if (
            shared
            and self.encoding is None
            and isinstance(filename, str)
            and isinstance(content, str | bytes)
        ):
            return _shared_attachment(filename, content, mimetype)
        return super()._create_attachment(filename, content, mimetype)  # type: ignore[misc]

    def _create_mime_attachment(self, content: Any, mimetype: str) -> Any:
        if self.encoding is None and mimetype.startswith("text/") and isinstance(content, str):
            return text_part(content, mimetype)
        return super()._create_mime_attachment(content, mimetype)  # type: ignore[misc]

    def message(self) -> Any:
        mime = super().message()
        for part in mime.walk():
            if part.is_multipart():
                part.set_boundary(mime_boundary())
        mime.policy = SHORT_HEADERS_AS_THEY_ARE
        return mime


def message_id(row: OutboxMessage) -> str:
    """Stable per row and generation: a duplicate (see notifications.outbox) carries the same
    one; a row planned again after it was sent (a moved meeting's reminder) a new one."""
    generation = f".{row.generation}" if row.generation else ""
    return f"<outbox-{row.pk}{generation}@{site_host()}>"


def finalise(message: EmailMessage, row: OutboxMessage) -> OutboxEmail:
    """What every message gets: an HTML part (from the text where the message has none), its
    Message-ID, and for a member the headers other apps provide (accounts: a List-Unsubscribe
    link with one-click unsubscribe, RFC 8058). No tracking: no pixels, no rewritten links."""
    if not isinstance(message, OutboxEmail):
        message = OutboxEmail(
            subject=message.subject,
            body=message.body,
            from_email=message.from_email,
            to=message.to,
            cc=message.cc,
            bcc=message.bcc,
            reply_to=message.reply_to,
            headers=message.extra_headers,
            attachments=message.attachments,
            alternatives=getattr(message, "alternatives", None),
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

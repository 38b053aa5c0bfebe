"""Mail to members: recorded in the outbox (notifications), which sends it after the commit,
respecting what the member said they want."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from accounts.models import User
from lib.urls import absolute_reverse
from notifications.models import OutboxMessage
from notifications.services import outbox_enqueue

Category = OutboxMessage.Category


def email_wanted(*, user: User | None, category: str) -> bool:
    """News from groups is not sent to a member who turned it off; reminders have their own
    preferences (their planner reads them), and messages about the account always go."""
    return not (category == Category.UPDATES and user is not None and not user.group_update_emails)


def email_send_later(
    message: EmailMessage,
    *,
    user: User | None = None,
    category: str = Category.ACCOUNT,
    expires_at: datetime | None = None,
) -> OutboxMessage | None:
    """Record the message in the outbox; it goes out once the current transaction commits
    (at once outside one). None when the member does not want it. See
    notifications.outbox for the guarantees."""
    if not email_wanted(user=user, category=category):
        return None
    return outbox_enqueue(message, user=user, category=category, expires_at=expires_at)


def account_deleted_email(*, user: User) -> EmailMessage:
    """The confirmation that an account is gone, to the address it had: built before the
    deletion erases the address and the name. It says what went and what stayed, in words
    that name nothing the member did here (no group, no meeting, no topic), since it
    reaches an inbox after the account has stopped protecting anything."""
    body = render_to_string(
        "accounts/emails/account_deleted.txt",
        {
            "user": user,
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
            "contact_url": absolute_reverse("contact"),
        },
    )
    return EmailMessage(
        subject=f"{settings.SITE_NAME}: your account is deleted",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )

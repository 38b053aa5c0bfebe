"""Mail to members: recorded in the outbox (notifications), which sends it after the commit,
respecting what the member said they want."""

from __future__ import annotations

from datetime import datetime

from django.core.mail import EmailMessage

from accounts.models import User
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

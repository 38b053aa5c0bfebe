"""Mail to members: recorded in the outbox (notifications), which sends it after the commit,
respecting what the member said they want."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from accounts.models import DELIVERY_FIELDS, User
from lib.i18n import in_language_of
from lib.urls import absolute_reverse
from notifications.channels import Delivery, delivery_channels
from notifications.email import email_to_payload
from notifications.models import OutboxMessage, PushSubscription
from notifications.push import PushMessage
from notifications.services import outbox_enqueue, outbox_record

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
    due_at: datetime | None = None,
) -> OutboxMessage | None:
    """Record the message in the outbox; it goes out once the current transaction commits
    (at once outside one), or at `due_at` (the end of the member's quiet hours). None when
    the member does not want it. See notifications.outbox for the guarantees."""
    if not email_wanted(user=user, category=category):
        return None
    return outbox_enqueue(message, user=user, category=category, expires_at=expires_at, now=due_at)


def member_channels(*, user: User, about: str) -> list[str]:
    """The channels news of kind `about` (notifications.channels.About) goes to `user` by,
    from their choice and whether a device of theirs has push on."""
    choice = getattr(user, DELIVERY_FIELDS[about])
    if choice == Delivery.EMAIL:
        return delivery_channels(choice, has_device=False)  # no need to ask about devices
    has_device = PushSubscription.objects.filter(user=user).exists()
    return delivery_channels(choice, has_device=has_device)


def member_notify_later(
    message: EmailMessage,
    *,
    user: User,
    about: str,
    push: PushMessage,
    category: str = Category.UPDATES,
    expires_at: datetime | None = None,
    kind: str = OutboxMessage.BUILT,
    payload: dict[str, Any] | None = None,
) -> list[OutboxMessage]:
    """Record news for a member by the way they chose for its kind (`about`): the e-mail
    `message`, the push message `push`, or both. `payload`, for a kind of its own, stands
    in for the e-mail's. The e-mail is left out where email_wanted says so (news from
    groups turned off); the push goes, since the member turned it on for this news."""
    channels = [
        channel
        for channel in member_channels(user=user, about=about)
        if channel != OutboxMessage.Channel.EMAIL or email_wanted(user=user, category=category)
    ]
    return outbox_record(
        payload=payload if payload is not None else email_to_payload(message),
        channels=channels,
        push=push,
        kind=kind,
        user=user,
        category=category,
        expires_at=expires_at,
    )


def account_deleted_email(*, user: User) -> EmailMessage:
    """The confirmation that an account is gone, to the address it had: built before the
    deletion erases the address and the name. It says what went and what stayed, in words
    that name nothing the member did here (no group, no meeting, no topic), since it
    reaches an inbox after the account has stopped protecting anything. In the member's
    language (lib.i18n)."""
    with in_language_of(user):
        body = render_to_string(
            "accounts/emails/account_deleted.txt",
            {
                "user": user,
                "site_name": settings.SITE_NAME,
                "site_url": settings.SITE_URL,
                "contact_url": absolute_reverse("contact"),
            },
        )
        # Translators: the subject of the e-mail confirming that an account was deleted;
        # %(site)s is the site's name (Kinship).
        subject = _("%(site)s: your account is deleted") % {"site": settings.SITE_NAME}
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )

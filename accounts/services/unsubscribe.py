"""One-click unsubscribe (RFC 8058) from the List-Unsubscribe header of every message.

The link carries a signed token naming the member and the kind of message, so it works from
a mail client with no session and cannot be forged for someone else. Reminders and news
from groups can be turned off this way (and on again in the preferences), and only their
messages carry the header; messages about the account itself (sign-in codes, a changed
password) cannot be turned off, so they offer no unsubscribe that would do nothing. (The
page still answers an old link of that kind, pointing to the preferences.)
"""

from __future__ import annotations

from django.core import signing
from django.http import Http404

from accounts.models import User
from accounts.services.users import user_update_profile
from lib.urls import absolute_reverse
from notifications.kinds import outbox_headers
from notifications.models import OutboxMessage

Category = OutboxMessage.Category
SALT = "accounts.unsubscribe"

# What a one-click unsubscribe changes, by category.
TURN_OFF: dict[str, dict[str, object]] = {
    Category.REMINDERS: {"reminder_lead_minutes": []},
    Category.UPDATES: {"group_update_emails": False},
}


def unsubscribe_token(*, user_id: int, category: str) -> str:
    return signing.dumps([user_id, category], salt=SALT)


def unsubscribe_url(*, user_id: int, category: str) -> str:
    token = unsubscribe_token(user_id=user_id, category=category)
    return absolute_reverse("accounts:unsubscribe", args=[token])


@outbox_headers("list-unsubscribe")
def list_unsubscribe_headers(user_id: int, category: str) -> dict[str, str]:
    """A message of a category the member can turn off carries a one-click unsubscribe link
    (RFC 8058) whose POST turns it off; any other message carries none."""
    if category not in TURN_OFF:
        return {}
    url = unsubscribe_url(user_id=user_id, category=category)
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def unsubscribe_read(*, token: str) -> tuple[User, str]:
    """The member and category of a token; 404 for a forged or damaged one, or a member who
    has since deleted their account."""
    try:
        user_id, category = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise Http404("This link is not valid.") from None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or category not in Category.values:
        raise Http404("This link is not valid.")
    return user, category


def unsubscribe_apply(*, user: User, category: str) -> bool:
    """Turn off the messages of `category`; False for a category that cannot be turned off.
    Doing it twice changes nothing the second time."""
    changes = TURN_OFF.get(category)
    if changes is None:
        return False
    user_update_profile(user=user, changes=changes)
    return True

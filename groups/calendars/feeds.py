"""A member's personal calendar address. The token in it is the only key to the feed, so a
member who shared it by mistake (or lost a phone) resets it, and the old address answers 404."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from groups.models import CalendarFeed, calendar_token


def calendar_feed_get_or_create(*, user: User) -> CalendarFeed:
    """The member's feed, made if they have none (the demo data gives its members one; a
    member makes theirs with a POST, calendar_feed_reset). Two calls at once cannot make two:
    the row is unique per user and get_or_create re-reads on conflict."""
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """A new token: every calendar subscribed to the old address stops getting updates."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        return CalendarFeed.objects.create(user=user)
    feed.token = calendar_token()
    feed.created_at = timezone.now()
    feed.save(update_fields=["token", "created_at"])
    return feed

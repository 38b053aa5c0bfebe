"""Which way a message reaches a member: e-mail, push to their devices, or both, as they
chose for each kind of news (accounts.User's `*_by` preferences). The one rule is here, so
that the planner of reminders and every notice apply it alike."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from notifications.models import OutboxMessage

Channel = OutboxMessage.Channel


class About(models.TextChoices):
    """The kinds of news a member chooses a way for."""

    REMINDERS = "reminders", _("Meeting reminders")
    CHANGES = "changes", _("Changes and cancellations")
    WAITLIST = "waitlist", _("A place from the waiting list")
    CANT_MAKE_IT = "cant_make_it", _("“I can't make it” confirmations")


class Delivery(models.TextChoices):
    PUSH = "push", _("Push to my devices (e-mail while none has push on)")
    EMAIL = "email", _("E-mail")
    BOTH = "both", _("Both")


def delivery_channels(choice: str, *, has_device: bool) -> list[str]:
    """The channels a message goes by: what the member chose, except that push needs a
    device with push on, and without one the message goes by e-mail (nobody is left
    untold because they removed their phone). The default choice is push, so a member
    who turned push on gets push and everyone else e-mail."""
    if choice == Delivery.EMAIL or not has_device:
        return [Channel.EMAIL]
    if choice == Delivery.BOTH:
        return [Channel.EMAIL, Channel.PUSH]
    return [Channel.PUSH]

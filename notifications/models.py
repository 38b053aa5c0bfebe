from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutboxMessage(models.Model):
    """One message to deliver: the ledger every message goes through (notifications.outbox).

    A message is built either when it is queued (kind "email": the whole message is kept in
    `payload`) or just before it is sent, from fresh data, by the builder another app
    registered for its kind (a reminder: from the meeting as it is then, so that a cancelled
    or moved meeting is seen). `state` moves forward: scheduled (waiting for `due_at`) →
    queued (handed to the broker) → sending (claimed by a worker) → sent; or → expired (past
    `expires_at`), cancelled (no longer wanted), failed (the channel kept refusing). A lost
    task or worker puts it back to scheduled."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", pgettext_lazy("an outbox message", "Scheduled")
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("No longer wanted")
        FAILED = "failed", _("Failed")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        # To every device on which the member turned push on (PushSubscription). The row's
        # payload keeps, beside what an e-mail would need, the push message of a message
        # built when it was queued (`push`), whether an e-mail went as well (`with_email`)
        # and the devices that have it already (`delivered_to`), so that a retry reaches
        # only the others.
        PUSH = "push", _("Push")

    class Category(models.TextChoices):
        """What a one-click unsubscribe turns off (accounts.services.unsubscribe)."""

        REMINDERS = "reminders", _("Meeting reminders")
        UPDATES = "updates", _("News from my groups")
        ACCOUNT = "account", _("About my account")

    # A message whose whole text is kept in `payload` when it is queued. Any other kind is
    # built at send time by the builder registered under its name (notifications.kinds).
    BUILT = "email"

    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.EMAIL)
    kind = models.CharField(max_length=32, default=BUILT)
    category = models.CharField(max_length=16, choices=Category.choices, default=Category.ACCOUNT)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbox_messages",
    )
    # What a message built at send time is about, in its kind's terms (a reminder: the
    # meeting's id). An id, not a key: the ledger outlives what it names.
    target_id = models.BigIntegerField(null=True, blank=True)
    # Which of several messages of one kind about one target (a reminder: its lead time in
    # minutes).
    variant = models.PositiveIntegerField(null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED)
    due_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Raised when a row that was sent is planned again for a new time (a moved meeting): what
    # goes out then is a new message, with a Message-ID of its own.
    generation = models.PositiveSmallIntegerField(default=0)
    # Why the last attempt failed, without addresses (an SMTP code and an exception name).
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The sending task that claimed it (a random token), so a task that outlived its lease
    # cannot mark a row another task has taken since.
    claimed_by = models.CharField(max_length=32, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["state", "queued_at"]),
            models.Index(fields=["created_at"]),
        ]
        constraints = [
            # Planning twice (two dispatchers at once, a rerun) cannot add a message twice
            # (once per channel: a member may want a reminder by e-mail and by push).
            models.UniqueConstraint(
                fields=["kind", "channel", "user", "target_id", "variant"],
                condition=models.Q(target_id__isnull=False),
                name="outbox_one_message_per_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.get_state_display()})"


class PushSubscription(models.Model):
    """One device (a browser) on which a member turned push notifications on: where its push
    service takes our messages (`endpoint`) and the keys that only that browser can decrypt
    them with (RFC 8291). The push service saying 404 or 410 means the browser dropped it,
    and the row goes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=2000, unique=True)
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=40)
    # What the member sees in their list ("Chrome on Android"), from the browser's own name.
    device_name = models.CharField(max_length=80, blank=True)
    # The sign-in session it was turned on in: ending that session from another device
    # ("sign out other sessions") turns push off on this one too.
    session_key = models.CharField(max_length=40, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Push subscription {self.pk}"

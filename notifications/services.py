"""Writes into the outbox from the rest of the platform: recording a message in the
transaction of the change it reports, queueing one dispatcher run after the commit, and an
admin's retry. The pipeline itself is notifications.outbox."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from email.utils import parseaddr
from typing import Any

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from lib.tasks import task_publish
from notifications.email import email_to_payload
from notifications.models import OutboxMessage, PushSubscription
from notifications.push import PushMessage
from notifications.tasks import outbox_dispatch

State = OutboxMessage.State
Channel = OutboxMessage.Channel


def outbox_enqueue(
    message: EmailMessage,
    *,
    user: Any = None,
    category: str = OutboxMessage.Category.ACCOUNT,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> OutboxMessage:
    """Record `message` (to `user`, a member, or None for an address with no account) for
    sending as soon as the current transaction commits; if it rolls back, the message goes
    with it. One dispatch task is queued per transaction, however many messages it
    records."""
    [row] = outbox_record(
        payload=email_to_payload(message),
        user=user,
        category=category,
        expires_at=expires_at,
        now=now,
    )
    return row


def outbox_record(
    *,
    payload: dict[str, Any],
    channels: list[str] | tuple[str, ...] = (Channel.EMAIL,),
    push: PushMessage | None = None,
    kind: str = OutboxMessage.BUILT,
    user: Any = None,
    category: str = OutboxMessage.Category.ACCOUNT,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> list[OutboxMessage]:
    """Record a message built now, one row per channel (notifications.channels decides
    which), sent once the current transaction commits. `payload` is what its kind's e-mail
    is made from; a push row keeps it too, with the push message, so that it can go by
    e-mail after all if no device of the member's takes it (notifications.outbox)."""
    if Channel.PUSH in channels and push is None:
        raise ValueError("a push row needs its push message")
    rows = [
        OutboxMessage.objects.create(
            kind=kind,
            channel=channel,
            category=category,
            user=user,
            payload=(
                payload
                if channel == Channel.EMAIL
                else {
                    **payload,
                    "push": push.to_payload() if push is not None else {},
                    "with_email": Channel.EMAIL in channels,
                }
            ),
            due_at=now or timezone.now(),
            expires_at=expires_at,
        )
        for channel in channels
    ]
    if rows:
        dispatch_after_commit()
    return rows


# One dispatch per web request: the request's scope remembers that one is on its way. Outside
# a request (a task, a command) every commit that recorded mail queues one.
_request_scope: ContextVar[dict[str, bool] | None] = ContextVar("outbox_scope", default=None)


@contextmanager
def one_dispatch_per_request() -> Iterator[None]:
    """Wraps each request (notifications.middleware.OutboxScopeMiddleware)."""
    token = _request_scope.set({"pending": False})
    try:
        yield
    finally:
        _request_scope.reset(token)


def dispatch_now() -> None:
    """Queue one dispatcher run. Never raises: the change that recorded the mail has been
    committed already, and the dispatcher's next run (beat, every minute) sends what this
    one would have."""
    task_publish(outbox_dispatch)


class _DispatchOnCommit:
    """The after-commit callback of a transaction that recorded mail outside a request. It
    knows whether it ran, so that a transaction registers one that is still to run (Django
    runs and forgets them at the commit; a test's capture runs them and leaves them listed)."""

    def __init__(self) -> None:
        self.ran = False
        # Django's robust on_commit names the callback by this if it ever raises.
        self.__qualname__ = "notifications.services.dispatch_after_commit"

    def __call__(self) -> None:
        self.ran = True
        dispatch_now()


def dispatch_after_commit() -> None:
    """Queue one dispatcher run after the current transaction commits: one per web request
    however many transactions it makes, and outside a request (a task, the shell) one per
    transaction however many messages it records. If the broker cannot take it, the beat's
    run a minute later does the same work."""
    scope = _request_scope.get()
    if scope is None:
        # Already on this transaction's list (and not dropped with a rolled-back savepoint)?
        pending = transaction.get_connection().run_on_commit
        if any(isinstance(cb, _DispatchOnCommit) and not cb.ran for _, cb, _ in pending):
            return
        transaction.on_commit(_DispatchOnCommit(), robust=True)
        return
    if scope["pending"]:
        return
    scope["pending"] = True

    def dispatch_once_request_committed() -> None:
        scope["pending"] = False
        dispatch_now()

    # robust: should anything here raise after all, Django logs it and the request goes on.
    transaction.on_commit(dispatch_once_request_committed, robust=True)


@transaction.atomic
def outbox_retry(*, ids: list[int], now: datetime | None = None) -> int:
    """Put failed (or expired) messages back for sending now, with a fresh count of attempts
    and no expiry: an admin decided they are still worth sending."""
    count = OutboxMessage.objects.filter(
        pk__in=ids, state__in=[State.FAILED, State.EXPIRED]
    ).update(
        state=State.SCHEDULED,
        due_at=now or timezone.now(),
        attempts=0,
        expires_at=None,
        last_error="",
        finished_at=None,
    )
    if count:
        dispatch_after_commit()
    return count


def outbox_forget_member(*, user_id: int, addresses: list[str]) -> int:
    """A member who deleted their account: every message to them goes from the outbox at
    once, whatever its state (what is waiting is never sent to the old address; what went
    out is personal data: their address, their name, which group they asked to join). Also
    messages to one of their addresses that were recorded without the account (a reset
    link asked for by address). Returns how many went."""
    deleted, _ = OutboxMessage.objects.filter(user_id=user_id).delete()
    wanted = {address.casefold() for address in addresses if address}
    to_address = [
        pk
        for pk, payload in OutboxMessage.objects.filter(
            user__isnull=True, kind=OutboxMessage.BUILT
        ).values_list("pk", "payload")
        if wanted & {parseaddr(str(to))[1].casefold() for to in (payload or {}).get("to", [])}
    ]
    if to_address:
        deleted += OutboxMessage.objects.filter(pk__in=to_address).delete()[0]
    return deleted


# --- push subscriptions ----------------------------------------------------------------------


def push_subscription_save(
    *,
    user: Any,
    endpoint: str,
    p256dh: str,
    auth: str,
    device_name: str = "",
    session_key: str = "",
) -> PushSubscription:
    """Record the browser's subscription for `user`. The same browser subscribing again (or
    for another account signed in on it) keeps one row, the latest member's: a device gets
    the messages of whoever turned push on last."""
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={
            "user": user,
            "p256dh": p256dh,
            "auth": auth,
            "device_name": device_name[:80],
            "session_key": session_key,
        },
    )
    return subscription


def push_subscription_remove(*, user: Any, subscription_id: int) -> bool:
    deleted, _ = PushSubscription.objects.filter(user=user, pk=subscription_id).delete()
    return bool(deleted)


def push_subscriptions_forget_member(*, user_id: int) -> int:
    """Every device of the member stops getting our push messages (account deleted, signed
    out everywhere)."""
    deleted, _ = PushSubscription.objects.filter(user_id=user_id).delete()
    return deleted


def push_subscriptions_forget_sessions(*, session_keys: list[str]) -> int:
    """The devices whose sign-in sessions were ended elsewhere stop getting push messages."""
    keys = [key for key in session_keys if key]
    deleted, _ = PushSubscription.objects.filter(session_key__in=keys).delete()
    return deleted

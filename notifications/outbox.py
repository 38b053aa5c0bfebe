"""The one pipeline every message goes through: a ledger row per message (OutboxMessage), a
dispatcher that claims due rows and hands them to workers, and a sender that re-checks,
sends and records. Queueing a message and retrying one are in notifications.services; the
Celery tasks that run this are in notifications.tasks.

Delivery guarantee, and why it holds:

- Nothing is lost. The ledger row is written in the same transaction as the change that
  causes the message (or by the dispatcher, for reminders), in PostgreSQL, not in the broker.
  The dispatcher runs every minute (Celery beat) and after every web request that queued
  mail; each run puts back rows whose task went missing: queued longer than `LEASE` ago
  (the broker lost it: Redis flushed or restarted) or claimed longer than `LEASE` ago (the
  worker died). So a message is sent as long as it is still worth sending.
- Sent once. A sending task claims its rows by one conditional update (queued → sending,
  with a token of its own), so two tasks holding the same rows (a redelivered one, two
  dispatchers) send each once: the second finds them claimed. It then sends them one at a
  time, marking each sent as soon as the SMTP server accepted it, and renews its claim on the
  rows still to send whenever a quarter of `LEASE` has passed (`_Lease`): however slow the
  server, a row is the task's own when its SMTP conversation starts, and only a worker that
  stopped (died, or froze for longer than the lease) loses its rows to another. Recording
  "sent" reconnects and tries again through a lost database connection. The duplicates that
  remain possible, exactly: (1) a worker killed, or cut off by the task time limit, after
  the server accepted a message and before the row was marked, at most one per killed
  sending slot; (2) the database unreachable for longer than the few seconds of those tries
  right after the server accepted a message, at most one per slot. Every message carries a
  Message-ID derived from its row, so such a duplicate is recognisable.
- On time, or not at all. Due rows are claimed every minute, so a message goes out within a
  minute or two of its due time. Reminders carry no long countdown in the broker (a Redis
  broker redelivers long-ETA tasks after its visibility timeout and loses them on a restart);
  they wait as rows. A row past its `expires_at` (a reminder for a meeting that has started)
  is marked expired instead of sent, also after an outage: what is still useful goes late,
  once; the rest never.
- A refused or unreachable mail server: the row goes back to scheduled with a growing pause
  (`retry_delay`), up to `MAX_ATTEMPTS`, then it is marked failed; an admin can retry it.
  The sending task queues a dispatcher run for the moment the first such row is due again
  (when that is within five minutes; beat covers longer pauses), so a pause is what
  `retry_delay` says, not up to a beat interval more.
  The SMTP connection, reused for a batch, is closed after any error so the next message
  starts a clean conversation.
- One bad row harms no other. Whatever building or sending one message raises, apart from
  the mail server's errors above and a lost database connection (a header with a line
  break, a template error, a character the encoding refuses, a builder's or preparer's
  bug), that row alone is marked failed, with the error's type and place as its reason
  (never its text, which can quote the subject or the address), and the batch goes on. A
  planner that raises is logged and skipped; the other planners, the expiry, the recovery
  and the claim still run. A row whose sending never finishes (its worker dies on it every
  time) is given up after `MAX_ATTEMPTS` claims.
- Push (channel "push") has the same ledger, claim, lease, expiry and retries: a row per
  message and channel, sent to each of the member's devices in turn. Each device that the
  push service accepted the message for is recorded in the row at once (`delivered_to`), so
  a retry (one device's service said 429 or 5xx: after its `Retry-After`, or retry_delay's
  pause) reaches only the others, and a worker killed mid-row repeats at most the one device
  it was sending to: still at most one duplicate per killed slot, and the same `tag` makes
  the phone show it in place of the first. A 404 or 410 removes that device's
  subscription; a member left with no device gets the message by e-mail instead (unless it
  went by e-mail as well). The push service keeps a message until its TTL, counted to the
  moment it is worth nothing (a reminder: its meeting's start).
- A lost database connection (a restart, a failover, a terminated backend): recording
  "sent" reconnects and tries again for a few seconds, so an accepted message is not sent
  again; any other query that fails ends the batch, whose unsent rows go back after the
  lease. Celery's Django fixup gives the next task a fresh connection.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from lib.i18n import in_language_of
from lib.logs import describe_exception
from notifications.email import email_from_payload, finalise
from notifications.kinds import (
    OUTBOX_BUILDERS,
    OUTBOX_PLANNERS,
    OUTBOX_PREPARERS,
    OUTBOX_PUSH_BUILDERS,
    NotToBeSent,
    NotYet,
)
from notifications.models import OutboxMessage, PushSubscription
from notifications.push import PushMessage, push_send

logger = logging.getLogger(__name__)

State = OutboxMessage.State
Built = TypeVar("Built", EmailMessage, PushMessage)
Channel = OutboxMessage.Channel

# A queued or claimed row whose task has not finished after this long is put back: its task
# was lost (broker flushed) or its worker died. Well above a batch's time (BATCH_SIZE
# messages of a few hundred milliseconds each), well below a reminder's shortest lead time.
LEASE = timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
# How many rows one sending task takes (one SMTP connection for all of them).
BATCH_SIZE = 50
# How many rows one dispatcher run claims at most; the rest wait for the next run.
CLAIM_LIMIT = 20_000
MAX_ATTEMPTS = 8
# Tries at recording "sent" through a lost database connection: 0.2 s, 0.4 s … 1.6 s apart.
SENT_RECORD_ATTEMPTS = 5
# What became of a push row whose member had no device left: it is now an e-mail, due now.
BY_EMAIL_INSTEAD = "by e-mail instead"
# Errors of the database connection, not of a row: a batch stops and is recovered later.
DATABASE_UNREACHABLE = (OperationalError, InterfaceError)


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min … capped at an hour: a mail server that is down for a while
    is tried again often at first, then calmly. (The first pause is OUTBOX_RETRY_BASE_SECONDS,
    30 by default; the integration tests shorten it.)"""
    base = settings.OUTBOX_RETRY_BASE_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


# --- planning -------------------------------------------------------------------------------


def outbox_plan(rows: list[OutboxMessage]) -> None:
    """Add planned rows (a planner's), ignoring any that exist already: the unique kind,
    channel, member, target and variant make a second insert of one a no-op, so two dispatchers
    planning at once cannot add a message twice. Rows are inserted in key order, so that two
    such inserts take the unique index's locks in the same order and cannot deadlock.

    One statement however many rows: on PostgreSQL Django 5.2's bulk_create sends the
    values as one array per column and unnests them in the database
    (django/db/backends/postgresql/compiler.py, SQLInsertCompiler.assemble_as_sql), so a
    dispatcher run makes the same queries for ten reminders or ten thousand. This function
    is the only writer of planned rows, and it names no column: the model does."""
    if not rows:
        return
    rows = sorted(
        rows,
        key=lambda row: (
            row.kind,
            row.channel,
            row.user_id or 0,
            row.target_id or 0,
            row.variant or 0,
        ),
    )
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)


# --- the dispatcher -------------------------------------------------------------------------


@dataclass(frozen=True)
class DispatchReport:
    planned: int
    expired: int
    recovered: int
    claimed: list[int]


def outbox_dispatch(*, now: datetime | None = None) -> DispatchReport:
    """Plan what has become due, expire what is too late, put back what was lost, and claim
    the due rows; returns the claimed ids (the caller queues their sending tasks).

    Safe to run twice at once: planning inserts ignore rows that exist, and the claim skips
    rows another run has locked (PostgreSQL's SKIP LOCKED; SQLite runs one writer at a time).
    A fixed number of queries, however many rows are due."""
    now = now or timezone.now()
    planned = _plan(now)
    waiting = [State.SCHEDULED, State.QUEUED]
    expired = OutboxMessage.objects.filter(state__in=waiting, expires_at__lte=now).update(
        state=State.EXPIRED, finished_at=now, last_error="too late to be useful"
    )
    lost_in_sending = Q(state=State.SENDING, claimed_at__lt=now - LEASE)
    # A row whose sending never finished MAX_ATTEMPTS times (a worker that dies on it each
    # time) is given up, so that it cannot take a slot down forever.
    OutboxMessage.objects.filter(lost_in_sending, attempts__gte=MAX_ATTEMPTS).update(
        state=State.FAILED, finished_at=now, last_error="its sending never finished"
    )
    recovered = OutboxMessage.objects.filter(
        Q(state=State.QUEUED, queued_at__lt=now - LEASE) | lost_in_sending
    ).update(state=State.SCHEDULED)
    return DispatchReport(
        planned=planned, expired=expired, recovered=recovered, claimed=_claim_due(now)
    )


def _plan(now: datetime) -> int:
    """Run every planner, each on its own: one that raises is logged and skipped (its rows
    are planned on a later run, once it is fixed), and the others, the expiry, the recovery
    and the claim still run, so a fault in reminders never holds back a password reset."""
    planned = 0
    for name, planner in OUTBOX_PLANNERS.items():
        try:
            with transaction.atomic():
                planned += planner(now=now)
        except Exception as exc:
            logger.error("outbox planner %s failed: %s", name, describe_exception(exc))
    return planned


_CLAIM_DUE = """
    UPDATE {table} SET state = %s, queued_at = %s
    WHERE id IN (
        SELECT id FROM {table} WHERE state = %s AND due_at <= %s
        ORDER BY due_at, id LIMIT %s FOR UPDATE SKIP LOCKED
    )
    RETURNING id, due_at, kind, target_id
"""


def _claim_due(now: datetime) -> list[int]:
    """Scheduled rows that are due → queued; their ids, in the order they are to be sent:
    by due time, and within it what is about one thing together (a meeting's reminders to
    its members), so that a batch builds that thing's parts once (a meeting's .ics). Rows
    another dispatcher has locked are skipped, so two at once claim different rows. On
    PostgreSQL one statement; the ids do not travel to the database and back (SQLite: a
    select, then an update)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _CLAIM_DUE.format(table=OutboxMessage._meta.db_table),
                [State.QUEUED, now, State.SCHEDULED, now, CLAIM_LIMIT],
            )
            claimed = cursor.fetchall()
    else:
        with transaction.atomic():
            claimed = list(
                OutboxMessage.objects.filter(state=State.SCHEDULED, due_at__lte=now)
                .order_by("due_at", "pk")
                .values_list("pk", "due_at", "kind", "target_id")[:CLAIM_LIMIT]
            )
            OutboxMessage.objects.filter(
                pk__in=[pk for pk, *_ in claimed], state=State.SCHEDULED
            ).update(state=State.QUEUED, queued_at=now)
    claimed.sort(key=lambda row: (row[1], row[2], row[3] or 0, row[0]))
    return [row[0] for row in claimed]


def batches(ids: list[int], size: int = BATCH_SIZE) -> list[list[int]]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]


# --- sending --------------------------------------------------------------------------------


def _claim(ids: list[int], now: datetime) -> list[OutboxMessage]:
    """Queued → sending, counting the attempt, with a token of this task's: the rows this
    task may send (those another task got first are not among them), with their members."""
    token = uuid.uuid4().hex
    OutboxMessage.objects.filter(pk__in=ids, state=State.QUEUED).update(
        state=State.SENDING, claimed_at=now, claimed_by=token, attempts=F("attempts") + 1
    )
    return list(
        OutboxMessage.objects.filter(pk__in=ids, state=State.SENDING, claimed_by=token)
        .select_related("user")
        .order_by("pk")
    )


def _mine(row: OutboxMessage) -> QuerySet[OutboxMessage]:
    # Still claimed by this task: after a lease ran out, another task may have the row.
    return OutboxMessage.objects.filter(pk=row.pk, state=State.SENDING, claimed_by=row.claimed_by)


_FINISH = """
    UPDATE {table} SET state = %s, finished_at = %s, last_error = %s
    WHERE id = %s AND state = %s AND claimed_by = %s
"""


def _finish(row: OutboxMessage, state: str, now: datetime, *, error: str = "") -> None:
    """The row's last state, if it is still this task's (see _mine): one statement, written
    out because it runs once a message and the ORM's building of it cost more than the
    database's work."""
    with connection.cursor() as cursor:
        cursor.execute(
            _FINISH.format(table=OutboxMessage._meta.db_table),
            [
                state,
                connection.ops.adapt_datetimefield_value(now),
                error[:200],
                row.pk,
                State.SENDING,
                row.claimed_by,
            ],
        )


def _put_back(
    row: OutboxMessage, due_at: datetime, *, error: str = "", expires_at: datetime | None = None
) -> None:
    changes: dict[str, Any] = {
        "state": State.SCHEDULED,
        "due_at": due_at,
        "last_error": error[:200],
    }
    if expires_at is not None:
        changes["expires_at"] = expires_at
    _mine(row).update(**changes)


def _prepare(rows: list[OutboxMessage]) -> dict[int, Any]:
    """What each row's builder needs, by row: one preparer call per kind for the batch, and
    only if that raises, one per row, so that a row that breaks its preparer fails alone
    (the exception stands in for its preparation, and _build raises it)."""
    prepared: dict[int, Any] = {}
    for kind in {row.kind for row in rows} & OUTBOX_PREPARERS.keys():
        preparer = OUTBOX_PREPARERS[kind]
        of_kind = [row for row in rows if row.kind == kind]
        try:
            batch = preparer(of_kind)
            prepared.update(dict.fromkeys((row.pk for row in of_kind), batch))
        except DATABASE_UNREACHABLE:
            raise
        except Exception:
            for row in of_kind:
                try:
                    prepared[row.pk] = preparer([row])
                except DATABASE_UNREACHABLE:
                    raise
                except Exception as exc:
                    prepared[row.pk] = exc
    return prepared


def _build(row: OutboxMessage, now: datetime, prepared: dict[int, Any]) -> EmailMessage:
    if row.kind == OutboxMessage.BUILT:
        return email_from_payload(row.payload)
    preparation = prepared.get(row.pk)
    if isinstance(preparation, Exception):
        raise preparation
    return OUTBOX_BUILDERS[row.kind](row, now, preparation)


def _describe_error(exc: BaseException) -> str:
    # smtplib puts addresses into some errors: keep the code and the type only.
    code = getattr(exc, "smtp_code", None)
    return f"{type(exc).__name__}{f' {code}' if code else ''}"


def outbox_send(ids: list[int], *, now: Callable[[], datetime] = timezone.now) -> dict[str, int]:
    """Send the rows `ids` over one SMTP connection, one at a time (see the module's
    docstring for why one at a time). Returns how many ended in each state."""
    claimed_at = now()
    rows = _claim(ids, claimed_at)
    skipped = len(set(ids)) - len(rows)  # another task had them, or they were done
    counts: dict[str, int] = {"skipped": skipped} if skipped else {}
    prepared = _prepare(rows)
    devices = _devices(rows)
    lease = _Lease(rows, claimed_at)
    smtp = mail.get_connection()
    try:
        for row in rows:
            at = now()
            if not lease.holds(row, at):
                counts["skipped"] = counts.get("skipped", 0) + 1
                continue
            state = _send_one(row, smtp, at, prepared, devices)
            lease.done(row)
            counts[state] = counts.get(state, 0) + 1
    finally:
        _close(smtp)
    return counts


def outbox_next_due(ids: list[int]) -> datetime | None:
    """When the first of these rows that went back to waiting (a refusal's pause, a moved
    meeting) is due again, if any did."""
    return (
        OutboxMessage.objects.filter(pk__in=ids, state=State.SCHEDULED)
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )


class _Lease:
    """A sending task's hold on the rows it claimed. The dispatcher puts back a row claimed
    longer than LEASE ago (its worker died), so a slow batch renews the claim of the rows it
    has still to send whenever a quarter of LEASE has passed: a row is this task's when its
    SMTP conversation starts, however slow the server, and the lease bounds only a dead
    worker. A renewal also learns which rows are no longer this task's (a pause longer than
    the lease, a worker frozen): those are skipped, never sent twice."""

    def __init__(self, rows: list[OutboxMessage], claimed_at: datetime):
        self.token = rows[0].claimed_by if rows else ""
        self.waiting = {row.pk for row in rows}
        self.renewed_at = claimed_at

    def holds(self, row: OutboxMessage, at: datetime) -> bool:
        if at - self.renewed_at >= LEASE / 4:
            still_mine = OutboxMessage.objects.filter(
                pk__in=self.waiting, state=State.SENDING, claimed_by=self.token
            )
            still_mine.update(claimed_at=at)
            self.waiting = set(still_mine.values_list("pk", flat=True))
            self.renewed_at = at
        return row.pk in self.waiting

    def done(self, row: OutboxMessage) -> None:
        self.waiting.discard(row.pk)


def _close(smtp: BaseEmailBackend) -> None:
    """Close quietly: a server that is misbehaving may refuse even the QUIT."""
    with contextlib.suppress(smtplib.SMTPException, OSError):
        smtp.close()


def _send_one(
    row: OutboxMessage,
    smtp: BaseEmailBackend,
    now: datetime,
    prepared: dict[int, Any],
    devices: dict[int, list[PushSubscription]],
) -> str:
    if row.expires_at is not None and row.expires_at <= now:
        _finish(row, State.EXPIRED, now, error="too late to be useful")
        return State.EXPIRED
    if row.user is not None and not row.user.is_active:
        # A closed account (deleted, or deactivated by an admin) is sent nothing more; a
        # deletion removes its rows, this covers one recorded in the meantime.
        _finish(row, State.CANCELLED, now, error="the account is closed")
        return State.CANCELLED
    if row.channel == Channel.PUSH:
        return _push_one(row, now, prepared, devices.get(row.user_id or 0, []))
    message = _built(row, now, lambda: finalise(_build(row, now, prepared), row))
    if isinstance(message, str):
        return message  # not to be sent (now), or poisoned
    message.connection = smtp
    try:
        # Opened here, not by send(): a connection send() opens, it closes again at once,
        # and the batch would not reuse it.
        smtp.open()
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        # Start the next message on a fresh conversation: this one may be half-way through.
        _close(smtp)
        return _deferred_or_failed(row, now, error=_describe_error(exc))
    except Exception as exc:
        # Not the server's doing but the message's (a header with a line break, a character
        # the encoding cannot take): it would fail again. The conversation may be half-way.
        _close(smtp)
        return _poisoned(row, now, exc)
    _record_sent(row, now)
    return State.SENT


def _built(row: OutboxMessage, now: datetime, build: Callable[[], Built]) -> Built | str:
    """The row's message from `build`, or the state its row ended in: the builder said it
    is no longer wanted, or due later (a moved meeting), or raised (poisoned: this row alone
    fails). A lost database connection is not the row's fault: it ends the batch, whose rows
    go back after the lease. Built in the member's language (lib.i18n), whoever caused it."""
    try:
        with in_language_of(row.user) if row.user is not None else contextlib.nullcontext():
            return build()
    except NotToBeSent as decision:
        _finish(row, decision.state, now, error=str(decision))
        return decision.state
    except NotYet as later:
        _put_back(row, later.due_at, error=str(later), expires_at=later.expires_at)
        return State.SCHEDULED
    except DATABASE_UNREACHABLE:
        raise
    except Exception as exc:
        return _poisoned(row, now, exc)


def _deferred_or_failed(
    row: OutboxMessage, now: datetime, *, error: str, retry_at: datetime | None = None
) -> str:
    """A channel that refused for now (an SMTP server down, a push service's 429 or 5xx):
    tried again after `retry_at` (the push service's Retry-After) or the growing pause of
    retry_delay, until MAX_ATTEMPTS."""
    if row.attempts >= MAX_ATTEMPTS:
        _finish(row, State.FAILED, now, error=error)
        logger.warning(
            "outbox message %s failed after %d attempts: %s", row.pk, row.attempts, error
        )
        return State.FAILED
    _put_back(row, max(retry_at or now + retry_delay(row.attempts), now), error=error)
    logger.info("outbox message %s deferred (attempt %d): %s", row.pk, row.attempts, error)
    return "deferred"


# --- the push channel -----------------------------------------------------------------------


def _devices(rows: list[OutboxMessage]) -> dict[int, list[PushSubscription]]:
    """The devices with push on of the batch's members who have push rows in it: one query,
    none for a batch of e-mail."""
    members = {row.user_id for row in rows if row.channel == Channel.PUSH and row.user_id}
    devices: dict[int, list[PushSubscription]] = {}
    if members:
        for device in PushSubscription.objects.filter(user_id__in=members).order_by("pk"):
            devices.setdefault(device.user_id, []).append(device)
    return devices


def _build_push(row: OutboxMessage, now: datetime, prepared: dict[int, Any]) -> PushMessage:
    if "push" in row.payload:  # built when it was queued (notifications.services)
        return PushMessage.from_payload(row.payload["push"])
    preparation = prepared.get(row.pk)
    if isinstance(preparation, Exception):
        raise preparation
    return OUTBOX_PUSH_BUILDERS[row.kind](row, now, preparation)


def _push_one(
    row: OutboxMessage, now: datetime, prepared: dict[int, Any], devices: list[PushSubscription]
) -> str:
    """Send a push row to each of the member's devices that does not have it yet (a retry
    after one device's 429 reaches only the others). A device whose push service says 404
    or 410 dropped its subscription, which goes; a 429 or 5xx brings the row back after
    the service's Retry-After (or retry_delay's pause); any other refusal is ours and is not
    repeated. With no device left to reach, the message goes by e-mail instead, unless it
    went by e-mail as well: nobody misses a reminder because they reset their phone."""
    message = _built(row, now, lambda: _build_push(row, now, prepared))
    if isinstance(message, str):
        return message
    delivered_to = set(row.payload.get("delivered_to", []))
    waiting = [device for device in devices if device.pk not in delivered_to]
    if not waiting and not delivered_to:
        return _by_email_instead(row, now, reason="no device has push on")
    notification = message.notification(message_id=row.pk)
    retry_at: datetime | None = None
    refusals: list[str] = []
    for device in waiting:
        outcome = push_send(
            endpoint=device.endpoint,
            p256dh=device.p256dh,
            auth=device.auth,
            payload=notification,
            ttl=message.ttl(now=now),
            urgency=message.urgency,
            now=now,
        )
        if outcome.delivered:
            delivered_to.add(device.pk)
            _record_delivery(row, device, delivered_to, now)
        elif outcome.subscription_gone:
            PushSubscription.objects.filter(pk=device.pk).delete()
        elif outcome.worth_retrying:
            pause_until = outcome.retry_after or now + retry_delay(row.attempts)
            retry_at = pause_until if retry_at is None else max(retry_at, pause_until)
            refusals.append(f"push {outcome.status or 'unreachable'}")
        else:
            refusals.append(f"push refused {outcome.status}")
    if retry_at is not None and not (delivered_to and row.attempts >= MAX_ATTEMPTS):
        return _deferred_or_failed(row, now, error=", ".join(refusals), retry_at=retry_at)
    if delivered_to:  # on every device, or on some and the others kept refusing
        _record_sent(row, now)
        return State.SENT
    if refusals:
        _finish(row, State.FAILED, now, error=", ".join(refusals))
        logger.error("outbox message %s refused by the push service: %s", row.pk, refusals)
        return State.FAILED
    return _by_email_instead(row, now, reason="every device had dropped push")


def _by_email_instead(row: OutboxMessage, now: datetime, *, reason: str) -> str:
    """A push row with no device to reach: the row becomes an e-mail, due now (a row built
    when it was queued keeps the e-mail beside its push message), or, if an e-mail went as
    well, it is done."""
    if row.payload.get("with_email"):
        _finish(row, State.CANCELLED, now, error=f"{reason}; it went by e-mail as well")
        return State.CANCELLED
    try:
        with transaction.atomic():
            _mine(row).update(
                channel=Channel.EMAIL,
                state=State.SCHEDULED,
                due_at=now,
                last_error=f"{reason}: by e-mail instead",
            )
    except IntegrityError:  # the e-mail of that reminder exists already
        _finish(row, State.CANCELLED, now, error=f"{reason}; it went by e-mail as well")
        return State.CANCELLED
    return BY_EMAIL_INSTEAD


def _record_delivery(
    row: OutboxMessage, device: PushSubscription, delivered_to: set[int], now: datetime
) -> None:
    """Remember that `device` has the message, as soon as its push service accepted it, so
    that neither a retry for another device nor a worker killed later sends it twice."""
    row.payload = {**row.payload, "delivered_to": sorted(delivered_to)}

    def record() -> None:
        _mine(row).update(payload=row.payload)
        PushSubscription.objects.filter(pk=device.pk).update(last_used_at=now)

    _through_lost_connection(record)


def _poisoned(row: OutboxMessage, now: datetime, exc: Exception) -> str:
    """A message that cannot be built or sent as it is: this row alone fails, with a reason
    an admin can act on and nothing of the message in it (an exception's text can quote the
    subject or the address); the batch goes on. An admin's retry sends it once fixed."""
    reason = describe_exception(exc)
    _finish(row, State.FAILED, now, error=reason)
    logger.error("outbox message %s failed and will not be retried: %s", row.pk, reason)
    return State.FAILED


def _record_sent(row: OutboxMessage, now: datetime) -> None:
    """Mark a row sent that the SMTP server (or a push service) has accepted."""
    _through_lost_connection(lambda: _finish(row, State.SENT, now))


def _through_lost_connection(record: Callable[[], None]) -> None:
    """Record what a server accepted through a lost database connection (a restart, a
    failover, a terminated backend): reconnect and try again, so that a blip does not leave
    an accepted message "sending" to be sent again after the lease."""
    for attempt in range(SENT_RECORD_ATTEMPTS):
        try:
            record()
            return
        except DATABASE_UNREACHABLE:
            if attempt == SENT_RECORD_ATTEMPTS - 1:
                raise
            connection.close()
            time.sleep(0.2 * 2**attempt)


# --- tidying up ----------------------------------------------------------------------------


def outbox_prune(*, now: datetime | None = None) -> int:
    """Forget finished messages after OUTBOX_RETENTION_DAYS: their text is personal data."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    finished = [State.SENT, State.EXPIRED, State.CANCELLED, State.FAILED]
    deleted, _ = OutboxMessage.objects.filter(state__in=finished, finished_at__lt=cutoff).delete()
    return deleted

"""How other apps take part in the outbox, without the outbox knowing them: they register
functions here under a name, from their AppConfig.ready().

- A planner adds the rows that have become due (groups adds meeting reminders) and returns
  how many; the dispatcher calls every planner on each run. It writes its rows with
  `notifications.outbox.outbox_plan`.
- A kind's preparer loads, once per sending batch, what that kind's builder needs for all
  of the batch's rows (a few queries for fifty messages).
- A kind's builder makes the message of a row at send time, from fresh data, or says it is
  no longer wanted (`NotToBeSent`) or not due yet (`NotYet`).
- A kind's push builder makes the push message of a row of the push channel at send time,
  with the same checks as its builder (a kind whose message is built when it is queued keeps
  its push message in the row instead: notifications.services.outbox_record).
- A header provider adds headers to every message of a member (accounts adds the
  List-Unsubscribe link).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.mail import EmailMessage

from lib.registries import Registry
from notifications.models import OutboxMessage
from notifications.push import PushMessage


class NotToBeSent(Exception):
    """Raised by a builder: this message is no longer wanted (`state` says why)."""

    def __init__(self, state: str, reason: str):
        super().__init__(reason)
        self.state = state


class NotYet(Exception):
    """Raised by a builder: this message is due later now (a meeting was moved), and useful
    until `expires_at`."""

    def __init__(self, due_at: datetime, *, expires_at: datetime | None = None):
        super().__init__(f"due at {due_at.isoformat()}")
        self.due_at = due_at
        self.expires_at = expires_at


Planner = Callable[..., int]
Preparer = Callable[[list[OutboxMessage]], Any]
Builder = Callable[[OutboxMessage, datetime, Any], EmailMessage]
PushBuilder = Callable[[OutboxMessage, datetime, Any], PushMessage]
# (member's id, category) -> headers for a message to that member.
HeaderProvider = Callable[[int, str], dict[str, str]]

OUTBOX_PLANNERS: Registry[Planner] = Registry()
OUTBOX_PREPARERS: Registry[Preparer] = Registry()
OUTBOX_BUILDERS: Registry[Builder] = Registry()
OUTBOX_PUSH_BUILDERS: Registry[PushBuilder] = Registry()
OUTBOX_HEADERS: Registry[HeaderProvider] = Registry()

outbox_planner = OUTBOX_PLANNERS.register
outbox_preparer = OUTBOX_PREPARERS.register
outbox_builder = OUTBOX_BUILDERS.register
outbox_push_builder = OUTBOX_PUSH_BUILDERS.register
outbox_headers = OUTBOX_HEADERS.register

"""Handing work to Celery from a web request without making the member pay for a broker
that is down: after the commit, once, quickly, never raising. Whatever is handed over this
way has a sweeper (a beat task) that does the same work if the hand-over fails."""

from __future__ import annotations

from typing import Any

from celery import Task
from django.db import transaction
from kombu.exceptions import ChannelError, KombuError
from redis.exceptions import RedisError

from lib.outages import Outage

# While the broker refuses, a process stops offering it tasks for a few seconds at a time and
# says so once in the log.
broker_outage = Outage(
    "the broker",
    effect="work waits in the database for the next beat run",
    retry_after=10.0,
)
# One quick retry (a pooled connection that broke when Redis restarted), not kombu's default
# of several: a member's request must not wait on a broker that is down.
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1}
# What a broker that is down or refusing raises (kombu wraps most in OperationalError; the
# file-system transport raises ChannelError or OSError). Anything else is a bug and reaches
# Django's robust on_commit handler, which logs it with its traceback.
BROKER_ERRORS = (KombuError, ChannelError, OSError, RedisError)


def task_publish(task: Task[Any, Any], *args: Any) -> bool:
    """Queue `task(*args)`, unless the broker is known to be down; whether it was queued."""
    if broker_outage.skip():
        return False
    try:
        task.apply_async(args, retry_policy=PUBLISH_RETRY)
    except BROKER_ERRORS as exc:
        broker_outage.down(exc)
        return False
    broker_outage.up()
    return True


def task_publish_after_commit(task: Task[Any, Any], *args: Any) -> None:
    """`task_publish` once the current transaction has committed (at once outside one)."""

    def publish_once_committed() -> None:
        task_publish(task, *args)

    # robust: should anything here raise after all, Django logs it and the request goes on.
    transaction.on_commit(publish_once_committed, robust=True)

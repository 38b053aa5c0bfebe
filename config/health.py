"""Health of the platform's dependencies, as /healthz reports it to a load balancer or operator."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from config.celery import app as celery_app
from lib.outages import Outage

HEARTBEAT_CACHE_KEY = "health:scheduler-heartbeat"
HEARTBEAT_STALE_AFTER_SECONDS = 180


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    duration_ms: int

    def as_dict(self) -> dict[str, object]:
        # /healthz is public: states only. Why a check failed goes to the log.
        return {"state": "up" if self.ok else "down", "duration_ms": self.duration_ms}


# A load balancer asks every few seconds: the log says once that a part is down, and once
# that it is back, rather than once per probe.
_outages = {
    "database": Outage("the database", effect="/healthz answers 503"),
    "broker": Outage("the broker (health check)", effect="/healthz answers 503"),
}


def _timed(name: str, probe: Callable[[], None]) -> Check:
    started = time.monotonic()
    try:
        probe()
        ok = True
    except Exception as exc:
        ok = False
        _outages[name].down(exc)
    else:
        _outages[name].up()
    return Check(name, ok, round((time.monotonic() - started) * 1000))


def _probe_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _probe_broker() -> None:
    with celery_app.connection_for_write() as conn:
        # One quick attempt: a health check must answer in seconds, not retry for minutes.
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=3)
        conn.default_channel  # noqa: B018 - opening a channel proves the broker accepts us
        if conn.transport.driver_type == "filesystem":
            # The file-system broker "connects" even to a missing folder; check the folder.
            # kombu's Connection always sets a dict here; the stub allows None.
            folder = Path(cast("dict[str, Any]", conn.transport_options)["data_folder_in"])
            if not (folder.is_dir() and os.access(folder, os.W_OK)):
                raise OSError(f"broker folder {folder} is missing or not writable")


def check_database() -> Check:
    return _timed("database", _probe_database)


def check_broker() -> Check:
    return _timed("broker", _probe_broker)


def scheduler_record_heartbeat(*, now: datetime | None = None) -> None:
    cache.set(HEARTBEAT_CACHE_KEY, (now or timezone.now()).isoformat(), timeout=None)


def scheduler_state(*, now: datetime | None = None) -> dict[str, object]:
    """What we know of beat and the worker: informative, it does not fail the health check.

    The heartbeat is written to the cache by a task that beat schedules and a worker runs;
    the cache is shared by every process (Redis, or without it the database's cache table).
    """
    try:
        raw = cache.get(HEARTBEAT_CACHE_KEY)
    except Exception:
        return {"state": "unknown", "last_heartbeat": None}
    if raw is None:
        return {"state": "unknown", "last_heartbeat": None}
    last = datetime.fromisoformat(raw)
    age = ((now or timezone.now()) - last).total_seconds()
    state = "up" if age <= HEARTBEAT_STALE_AFTER_SECONDS else "stale"
    return {"state": state, "last_heartbeat": raw}


def health_report() -> tuple[bool, dict[str, object]]:
    checks = [check_database(), check_broker()]
    healthy = all(check.ok for check in checks)
    payload: dict[str, object] = {
        "status": "ok" if healthy else "unavailable",
        "dependencies": {check.name: check.as_dict() for check in checks},
        "scheduler": scheduler_state(),
    }
    if not healthy:
        payload["down"] = [check.name for check in checks if not check.ok]
    return healthy, payload

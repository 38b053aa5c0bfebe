"""The Celery configuration the outbox's guarantees rely on, pinned; and no task may wait in
the broker with a long countdown (a Redis broker redelivers it after the visibility timeout
and loses it when restarted): reminders wait as rows in the outbox instead."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

from config.celery import app

BASE_DIR = Path(settings.BASE_DIR)
CODE = ["accounts", "config", "demo", "groups", "lib", "notifications", "resources"]
LONGEST_COUNTDOWN = 5 * 60


def test_tasks_are_acknowledged_late_and_requeued_when_a_worker_is_lost():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1


def test_only_json_crosses_the_broker():
    conf = app.conf
    assert list(conf.accept_content) == ["json"]
    assert conf.task_serializer == "json"
    assert conf.result_serializer == "json"


def test_every_task_has_time_limits_far_below_the_visibility_timeout():
    conf = app.conf
    assert conf.task_soft_time_limit < conf.task_time_limit <= 5 * 60
    timeout = settings.CELERY_VISIBILITY_TIMEOUT
    assert timeout >= 10 * conf.task_time_limit
    if settings.REDIS_URL:
        assert conf.broker_transport_options["visibility_timeout"] == timeout
    # A claimed message whose worker died comes back long before Redis would redeliver it.
    assert timeout > settings.OUTBOX_LEASE_SECONDS


def test_the_beat_schedule_runs_the_dispatcher_every_minute():
    entry = app.conf.beat_schedule["outbox-dispatch"]
    assert entry["task"] == "accounts.tasks.outbox_dispatch"
    assert float(entry["schedule"]) <= 60


def _queued_with_a_delay(tree: ast.AST):
    """Calls that pass `countdown=` or `eta=` (apply_async, retry, signatures)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg in {"countdown", "eta"}:
                    yield node, keyword
                if keyword.arg == "retry_backoff_max":
                    yield node, keyword


def _literal_bound(value: ast.expr) -> float | None:
    """The most a countdown can be: a literal number, or `min(...)` with one (the smallest)."""
    if isinstance(value, ast.Constant) and isinstance(value.value, int | float):
        return value.value
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "min":
        bounds = [b for b in map(_literal_bound, value.args) if b is not None]
        return min(bounds) if bounds else None
    return None


def test_no_code_queues_a_task_with_an_eta_or_countdown_over_five_minutes():
    problems = []
    for folder in CODE:
        for path in (BASE_DIR / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            for node, keyword in _queued_with_a_delay(tree):
                where = f"{path.relative_to(BASE_DIR)}:{node.lineno}"
                if keyword.arg == "eta":
                    problems.append(f"{where}: eta= (a moment in the future) is not allowed")
                    continue
                bound = _literal_bound(keyword.value)
                if bound is None:
                    problems.append(
                        f"{where}: {keyword.arg}= must be a literal number or min(…, literal)"
                    )
                elif bound > LONGEST_COUNTDOWN:
                    problems.append(f"{where}: {keyword.arg}={bound} s")
    assert not problems, "\n".join(problems)


def test_a_countdown_bounded_by_min_counts_as_its_bound():
    bounded = ast.parse("min(wait, 300)", mode="eval").body
    unbounded = ast.parse("wait * 2", mode="eval").body
    assert _literal_bound(bounded) == 300
    assert _literal_bound(unbounded) is None


def test_the_scan_catches_a_long_countdown(tmp_path):
    code = "task.apply_async(args=[1], countdown=3600)\ntask.retry(countdown=30)\n"
    found = [keyword.value.value for _, keyword in _queued_with_a_delay(ast.parse(code))]
    assert found == [3600, 30]

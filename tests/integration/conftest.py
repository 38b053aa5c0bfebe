"""A real Celery worker and beat, against the real Redis broker, for the tests in this folder."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings

from config.celery import app as celery_app
from tests.conftest import skip_or_fail


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        skip_or_fail("REDIS_URL is not set: the worker tests need a real Redis broker")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        skip_or_fail(f"Redis at REDIS_URL does not answer: {exc}")
    return url


@pytest.fixture
def celery_queue(redis_url, monkeypatch) -> str:
    """A queue of this test's own, so no other worker on the machine takes its tasks."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "broker_url", redis_url)
    monkeypatch.setitem(celery_app.conf, "task_default_queue", queue)
    return queue


class CeleryProcesses:
    def __init__(self, tmp_path: Path, env: dict[str, str]):
        self.tmp_path = tmp_path
        self.env = env
        self.procs: list[tuple[str, subprocess.Popen]] = []

    def start(self, role: str, *args: str) -> None:
        log = open(self.tmp_path / f"{role}.log", "w")  # noqa: SIM115 - closed in stop()
        command = [sys.executable, "-m", "celery", "-A", "config", role, "--loglevel", "INFO"]
        proc = subprocess.Popen(
            [*command, *args],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.procs.append((role, proc))

    def log(self, role: str) -> str:
        return (self.tmp_path / f"{role}.log").read_text()

    def stop(self) -> None:
        for _, proc in self.procs:
            proc.terminate()
        for _, proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def celery_processes(celery_queue, redis_url, smtp_inbox, tmp_path):
    """Start worker/beat subprocesses with the same broker and our loopback SMTP server."""
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "CELERY_TASK_DEFAULT_QUEUE": celery_queue,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": smtp_inbox.host,
        "EMAIL_PORT": str(smtp_inbox.port),
        "HEARTBEAT_SECONDS": "1",
        "VAR_DIR": str(tmp_path / "var"),
    }
    processes = CeleryProcesses(tmp_path, env)
    yield processes
    processes.stop()


def wait_until(predicate, timeout: float = 30, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False

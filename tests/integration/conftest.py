"""A real Celery worker and beat, against the real Redis broker, for the tests in this folder."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import IO
from urllib.parse import quote

import pytest
import redis
from django.conf import settings

from config.celery import app as celery_app
from tests.conftest import free_port, skip_or_fail
from tests.integration.http import Browser


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


class PrivateRedis:
    """A redis-server of the test's own on a free port, to stop and start at will (the
    machine's Redis, which other tests use, is never touched)."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if not binary:
            skip_or_fail("redis-server is not installed")
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def _answers(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=1).ping())
        except redis.RedisError:
            return False

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
        )
        assert wait_until(self._answers, timeout=10), "private redis-server did not start"

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        assert not self._answers()


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def celery_queue(redis_url, monkeypatch, broker_at) -> str:
    """A queue of this test's own, so no other worker on the machine takes its tasks."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    broker_at(redis_url)
    monkeypatch.setitem(celery_app.conf, "task_default_queue", queue)
    return queue


class CeleryProcesses:
    """Worker and beat subprocesses. Each leads a process group of its own, so that `kill`
    can take a prefork worker down with its children at once, as a crash would."""

    def __init__(self, tmp_path: Path, env: dict[str, str]):
        self.tmp_path = tmp_path
        self.env = env
        self.procs: list[tuple[str, subprocess.Popen]] = []
        self._logs: dict[str, list[Path]] = {}
        self._files: list[IO[str]] = []

    @property
    def queue(self) -> str:
        return self.env["CELERY_TASK_DEFAULT_QUEUE"]

    def start(self, role: str, *args: str, command: list[str] | None = None) -> subprocess.Popen:
        """`role` is "worker", "beat" (celery's) or "web" (`command`); a second process of a
        role logs to `<role>-2.log`."""
        logs = self._logs.setdefault(role, [])
        path = self.tmp_path / (f"{role}.log" if not logs else f"{role}-{len(logs) + 1}.log")
        logs.append(path)
        log = path.open("w")
        self._files.append(log)
        command = command or [
            sys.executable, "-m", "celery", "-A", "config", role, "--loglevel", "INFO"
        ]  # fmt: skip
        proc = subprocess.Popen(
            [*command, *args],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append((role, proc))
        return proc

    def start_worker(self, *args: str) -> subprocess.Popen:
        """A worker on this test's queue (solo pool unless `args` say otherwise), waited for
        until it is ready. Without mingle and gossip it starts a second sooner."""
        pool = () if "--pool" in args else ("--pool", "solo")
        before = self.log("worker").count(" ready.")
        proc = self.start(
            "worker", "--queues", self.queue, "--without-mingle", "--without-gossip", *pool, *args
        )
        assert wait_until(lambda: self.log("worker").count(" ready.") > before, timeout=60), (
            self.log("worker")
        )
        return proc

    def start_beat(self) -> subprocess.Popen:
        """A beat with a schedule file of its own (two beats may run at once)."""
        schedule = self.tmp_path / f"beat-schedule-{len(self._logs.get('beat', [])) + 1}"
        return self.start("beat", "--schedule", str(schedule))

    def start_web(self, *, workers: int = 2) -> str:
        """The site under gunicorn, as in production (Procfile), on a free port; its address
        once /healthz answers (200 or 503: up, whatever its dependencies say)."""
        port = free_port()
        self.start(
            "web",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            command=[sys.executable, "-m", "gunicorn", "config.wsgi"],
        )
        base = f"http://127.0.0.1:{port}"
        assert wait_until(lambda: site_answers(base), timeout=60), self.log("web")
        return base

    def log(self, role: str) -> str:
        return "".join(path.read_text() for path in self._logs.get(role, []))

    def kill(self, role: str) -> None:
        """SIGKILL every running `role` process with its children: no warm shutdown, no
        acknowledgement, no goodbye to the broker or the mail server."""
        for name, proc in self.procs:
            if name == role and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=15)

    def stop(self) -> None:
        """At the end of the test: SIGKILL each process with its group (prefork children
        included). Nothing a warm shutdown would finish (a second or two a process) is of
        use any more, and no task then writes to the database while it is being emptied."""
        for _, proc in self.procs:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
        for _, proc in self.procs:
            proc.wait(timeout=15)
        for log in self._files:
            log.close()


def shared_database_url() -> str | None:
    """The URL of pytest-django's test database, for worker processes to share it; None
    where they cannot (SQLite's test database lives in the test process's memory)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    database = connection.settings_dict
    credentials = quote(database["USER"] or "", safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    host = database["HOST"] or "localhost"
    port = f":{database['PORT']}" if database["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(database['NAME'], safe='')}"


@pytest.fixture
def celery_processes(request, django_db_setup, celery_queue, redis_url, smtp_inbox, tmp_path):
    """Start worker/beat subprocesses with the same broker, the test's database and our
    loopback SMTP server. The pipeline runs fast here: beat dispatches every second, a lost
    message comes back after 5 s (OUTBOX_LEASE_SECONDS) and a refused one is tried again
    after 1 s, 2 s, 4 s … (OUTBOX_RETRY_BASE_SECONDS). A test may change `env` before it
    starts a process."""
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "CELERY_TASK_DEFAULT_QUEUE": celery_queue,
        "EMAIL_BACKEND": "notifications.backends.EmailBackend",
        "EMAIL_HOST": smtp_inbox.host,
        "EMAIL_PORT": str(smtp_inbox.port),
        "HEARTBEAT_SECONDS": "1",
        "OUTBOX_DISPATCH_SECONDS": "1",
        "OUTBOX_LEASE_SECONDS": "5",
        "OUTBOX_RETRY_BASE_SECONDS": "1",
        "VAR_DIR": str(tmp_path / "var"),
    }
    database_url = shared_database_url()
    if database_url:
        # The rows a test writes (with transaction=True, so committed) are what they read.
        env["DATABASE_URL"] = database_url
    elif request.node.get_closest_marker("django_db"):
        skip_or_fail("the real pipeline tests need PostgreSQL (DATABASE_URL=postgres://…)")
    processes = CeleryProcesses(tmp_path, env)
    yield processes
    processes.stop()


def site_answers(base: str) -> bool:
    """Whether a site is up: /healthz answers at all (200, or 503 for a dependency down)."""
    try:
        return Browser(base).get("/healthz").status in {200, 503}
    except OSError:
        return False


def wait_until(predicate, timeout: float = 30, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False

"""Shared fixtures: role users, settings for tests, a real SMTP server, service requirements."""

from __future__ import annotations

import asyncio
import email
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import NoReturn

import pytest
from aiosmtpd.controller import Controller
from celery.app.task import Task
from django.conf import settings as django_settings
from django.utils import translation

from config.celery import app as celery_app
from lib.fragments import fragments_forget_local
from lib.outages import outages_forget
from tests.factories import UserFactory, activate_totp

# CI sets this so that a test which cannot find PostgreSQL, Redis, a worker or the browser
# fails instead of skipping. On a laptop such tests skip and say what is missing.
REQUIRE_SERVICES = os.environ.get("KINSHIP_REQUIRE_SERVICES") == "1"


def skip_or_fail(reason: str) -> NoReturn:
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (KINSHIP_REQUIRE_SERVICES=1 turns this skip into a failure)")
    pytest.skip(reason)


# `make test` runs the tests in two pytest runs chosen by these markers: every test of the
# two folders gets its folder's marker, whether or not its file says so.
FOLDER_MARKERS = {"browser": pytest.mark.browser, "integration": pytest.mark.integration}
TESTS_DIR = Path(__file__).parent


def pytest_itemcollected(item: pytest.Item) -> None:
    if item.path.is_relative_to(TESTS_DIR):
        folder = item.path.relative_to(TESTS_DIR).parts[0]
        if folder in FOLDER_MARKERS:
            item.add_marker(FOLDER_MARKERS[folder])


def _database_order(item: pytest.Item) -> int:
    """pytest-django's order: tests in a transaction first (0), then those that commit (1:
    they empty every table afterwards, the rows migrations add included), then the rest (2)."""
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    if fixtures & {"transactional_db", "live_server"} or (
        marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    ):
        return 1
    return 0 if marker or "db" in fixtures else 2


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # pytest-django sorts by this first, but pytest then groups the tests that share a
    # session-wide parameter (Playwright's browser name; a test whose own parameter is called
    # `page` gets it too), which can pull committing tests before others. Sort again, so that
    # no test finds the rows of a migration gone. pytest-xdist's `--dist load` keeps this
    # order on each worker (`worksteal`, `loadscope` and `loadfile` do not).
    items.sort(key=_database_order)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """pytest-django's own (a test database per xdist worker, test_<name>_gw0 …), and on
    PostgreSQL commits that do not wait for the disk: a test database need not survive a
    crash, and the browser tests commit at every request and empty the tables after each."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        database.setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Unhashed static names: the live test server serves static files from the finders.
    # tests/test_static.py checks the hashed, compressed production storage separately.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # A private cache per test: rate limits start afresh and no test can flush a shared Redis.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(tmp_path),  # locmem caches with one LOCATION share their data
        },
        "stamps": {"BACKEND": "lib.cache.WriteStampsCache"},  # tables' write times, in default
    }
    fragments_forget_local()  # and the rendered pages this process keeps (lib.fragments)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only


@pytest.fixture
def broker_at(monkeypatch):
    """Point this process's Celery app at another broker for one test. Celery keeps a pool of
    connections and one of producers, made for the broker it first used: fresh ones here,
    and everything as it was afterwards."""

    def point(url: str) -> None:
        monkeypatch.setitem(celery_app.conf, "broker_url", url)
        monkeypatch.setitem(celery_app.conf, "broker_write_url", None)
        monkeypatch.setitem(celery_app.conf, "broker_transport", None)
        monkeypatch.setitem(celery_app.conf, "broker_transport_options", {})
        monkeypatch.setattr(celery_app, "_pool", None)
        monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)

    return point


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts reading the site's own language: a request through the test client
    leaves the language it chose active in the thread (LocaleMiddleware), which would
    otherwise decide the next test's messages."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _healthy_process():
    """Each test starts with no part known to be down (lib.outages)."""
    outages_forget()
    yield
    outages_forget()


@pytest.fixture(autouse=True, scope="session")
def _no_long_countdowns():
    """Whatever a test exercises, no task is queued to wait more than five minutes in the
    broker (tests/test_celery_config.py scans the code for the same)."""
    original = Task.apply_async

    def guarded(self, args=None, kwargs=None, **options):
        countdown = options.get("countdown") or 0
        eta = options.get("eta")
        assert eta is None, f"{self.name} queued with an eta"
        assert countdown <= 300, f"{self.name} queued with a countdown of {countdown} s"
        return original(self, args, kwargs, **options)

    Task.apply_async = guarded
    yield
    Task.apply_async = original


@pytest.fixture(autouse=True, scope="session")
def _celery_eager():
    """Unit tests run tasks in-process; tests/integration/ start a real worker instead."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def member(db):
    return UserFactory(display_name="Morgan")


@pytest.fixture
def outsider(db):
    return UserFactory(display_name="Quinn")


@pytest.fixture
def facilitator(db):
    return UserFactory(display_name="Robin", is_facilitator=True)


@pytest.fixture
def fac_client(client, facilitator):
    """The test client signed in as `facilitator`, with an authenticator app: facilitator
    pages ask for a second factor."""
    activate_totp(facilitator)
    client.force_login(facilitator)
    return client


@pytest.fixture
def admin_user(db):
    return UserFactory(display_name="Alex", is_staff=True, is_superuser=True, is_facilitator=True)


def sign_in_recently(client, user, password: str | None = None) -> None:
    """Sign in and confirm the password again, as allauth asks before sensitive changes
    (e-mail, password, second factor, export, deletion)."""
    from django.urls import reverse

    from tests.factories import DEFAULT_PASSWORD

    password = password or DEFAULT_PASSWORD
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302, "sign-in failed"
    assert client.session.get("_auth_user_id") == str(user.pk), "sign-in stopped half-way"
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, "re-authentication failed"
    assert client.session.get("_auth_user_id") == str(user.pk), "signed out on the way"


# ---------------------------------------------------------------------------------------------
# A real SMTP server on loopback (aiosmtpd), for tests that follow a message all the way.


@dataclass
class SmtpInbox:
    host: str
    port: int
    messages: list[Message] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    refuse: bool = False
    # Refuse only messages to these addresses (a server that turns one message down).
    refuse_recipients: set[str] = field(default_factory=set)
    # Seconds the server takes over each message before it accepts it (a slow server).
    delay: float = 0.0

    # When each refusal happened, and to whom (the pauses between attempts, measured here).
    refusals: list[tuple[float, list[str]]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        if self.refuse or self.refuse_recipients.intersection(envelope.rcpt_tos):
            with self._lock:
                self.refusals.append((time.time(), list(envelope.rcpt_tos)))
            return "451 Try again later"
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        # When it arrived, and over which connection (the client's port): for tests of
        # punctuality and of a connection opened afresh after an error.
        message["X-Received-At"] = repr(time.time())
        message["X-Peer"] = str(session.peer[1])
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def wait_for(self, predicate: Callable[[Message], bool], timeout: float = 20) -> Message:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                for message in self.messages:
                    if predicate(message):
                        return message
            time.sleep(0.05)
        subjects = [m["Subject"] for m in self.messages]
        raise AssertionError(f"no matching message within {timeout}s; received: {subjects}")

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()
            self.refusals.clear()


def message_text(message: Message) -> str:
    """The plain-text body of a received message."""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError("message has no text/plain part")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    inbox = SmtpInbox(host="127.0.0.1", port=free_port())
    controller = Controller(inbox, hostname=inbox.host, port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


@pytest.fixture
def smtp_inbox(smtp_server, settings):
    """Route the mail through the real SMTP server for this test, with production's backend."""
    smtp_server.clear()
    smtp_server.refuse = False
    smtp_server.refuse_recipients = set()
    smtp_server.delay = 0.0
    settings.EMAIL_BACKEND = "notifications.backends.EmailBackend"
    settings.EMAIL_HOST = smtp_server.host
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    return smtp_server


# --- push ------------------------------------------------------------------------------------


@pytest.fixture
def vapid(settings):
    """A VAPID pair of the test's own (notifications.vapid)."""
    from notifications.vapid import vapid_pair_new

    pair = vapid_pair_new()
    settings.VAPID_PRIVATE_KEY = pair["private_key"]
    settings.VAPID_PUBLIC_KEY = pair["public_key"]
    settings.VAPID_SUBJECT = "mailto:ops@example.org"
    return pair


@pytest.fixture
def push_service():
    """A push service on loopback that checks and decrypts what we send, as a phone would
    read it (tests/notifications/push_service.py)."""
    from tests.notifications.push_service import PushService

    running = PushService()
    yield running
    running.close()


def phone_of(user, push_service, vapid, *, name: str = "Phone"):
    """A device of `user` with push on: subscribed at the loopback push service as a
    browser subscribes, and recorded as our devices page records it. Returns the push
    service's side (what arrives) and our row."""
    from notifications.services import push_subscription_save

    browser = push_service.subscribe(vapid["public_key"])
    row = push_subscription_save(
        user=user,
        endpoint=browser.endpoint,
        p256dh=browser.p256dh,
        auth=browser.auth_b64,
        device_name=name,
    )
    return browser, row

"""Headless Chromium (Debian's, through Playwright) against a live server, with axe-core scans."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page

from tests.conftest import skip_or_fail

# Playwright's sync API runs an event loop in this thread; Django's ORM is used synchronously
# next to it, which is safe here (one thread, no concurrency) but trips Django's guard.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The sign-in button, not "Sign in with a passkey" beside it.
SIGN_IN = re.compile(r"^\s*sign in\s*$", re.IGNORECASE)
AXE_PATH = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    """CHROMIUM_PATH, else Debian's headless shell (the old headless mode, which Playwright
    runs by default and which takes a third less time here), else the full Chromium."""
    path = (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium-headless-shell")
        or shutil.which("chromium")
    )
    if not path:
        skip_or_fail("Chromium is not installed (apt-get install chromium-headless-shell)")
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": chromium_path(), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_PATH.exists():
        skip_or_fail("axe-core is not installed (npm ci installs it from package.json)")
    return AXE_PATH.read_text()


@pytest.fixture
def assert_accessible(axe_source):
    """Scan the page as it is now with axe-core; fail on any violation, listing each."""

    def scan(page) -> None:
        page.wait_for_load_state("load")
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol, so our strict CSP stays on for the page;
            # and given to the browser once for the pages this context opens next (sending
            # it again with each scan costs almost half as much as the scan).
            page.evaluate(axe_source)
            page.context.add_init_script(axe_source)
        # Only the violations are reported in full (a quarter less work for Chromium): the
        # passes and the rest, which nothing reads, come back with one node each.
        results = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
            " resultTypes: ['violations']})",
            AXE_TAGS,
        )
        problems = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
            for v in results["violations"]
        ]
        assert not problems, f"axe-core violations on {page.url}:\n" + "\n".join(problems)

    return scan


@pytest.fixture
def site(live_server, smtp_inbox, settings):
    """The live server, sending its mail through the real SMTP server."""
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    return live_server


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-US", "timezone_id": "Europe/London"}


@pytest.fixture
def page(page: Page) -> Iterator[Page]:
    """Playwright's page, failing the test if our Content-Security-Policy blocked anything."""
    blocked: list[str] = []
    page.on(
        "console",
        lambda msg: (
            blocked.append(f"{page.url}: {msg.text[:120]}")
            if "Content Security Policy" in msg.text
            else None
        ),
    )
    yield page
    assert not blocked, f"CSP blocked something: {blocked}"


def age_sign_in(page: Page, *, seconds: int = 600) -> None:
    """Make this browser's sign-in `seconds` old, as if the person had signed in a while ago:
    a sign-in within ACCOUNT_REAUTHENTICATION_TIMEOUT counts as a re-authentication
    (accounts.adapters), so the steps that ask for the password again only ask after that."""
    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    [cookie] = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    session = SessionStore(session_key=cookie["value"])
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {**record, "at": record["at"] - seconds} for record in records
    ]
    session.save()


@pytest.fixture
def other_page(browser, browser_context_args):
    """A second browser with its own cookies (the other person), failing on CSP blocks too."""
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    blocked: list[str] = []
    page.on(
        "console",
        lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    yield page
    context.close()
    assert not blocked, f"CSP blocked something: {blocked}"

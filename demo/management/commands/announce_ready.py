"""The last line of `make run`'s console: once the web server answers, where to open it and
how to sign in. `make run` starts it beside the web server, the worker and beat
(Procfile.dev); it then waits quietly, since honcho stops everything when one process ends."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

from django.core.management.base import BaseCommand, CommandError

from demo.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERS


def web_server_answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/healthz", timeout=2) as response:  # noqa: S310 - our own loopback address
            return response.status < 500
    except (urllib.error.URLError, OSError):
        return False


def wait_until_ready(url: str, *, timeout: float, poll: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if web_server_answers(url):
            return True
        time.sleep(poll)
    return False


def ready_banner(url: str) -> str:
    accounts = ", ".join(user["email"] for user in DEMO_USERS)
    return (
        f"\nKinship is ready: open {url}\n"
        f"Demo accounts: {accounts} (password {DEMO_PASSWORD}). Ctrl-C stops everything.\n"
    )


class Command(BaseCommand):
    help = "Print where to open Kinship once its web server answers, then wait."

    def add_arguments(self, parser):
        parser.add_argument("url", nargs="?", default="http://127.0.0.1:8000/")
        parser.add_argument("--timeout", type=float, default=120)
        parser.add_argument("--once", action="store_true", help="exit after printing")

    def handle(self, *args, url: str, timeout: float, once: bool, **options) -> None:
        if not wait_until_ready(url, timeout=timeout):
            raise CommandError(f"The web server did not answer at {url} within {timeout:.0f} s.")
        self.stdout.write(self.style.SUCCESS(ready_banner(url)))
        self.stdout.flush()
        while not once:
            time.sleep(3600)

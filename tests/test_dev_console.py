"""What a developer's console shows under `make run`: each 403 and 500 once, through our
filters (no traceback for a 403, no group slug), and, once the web server answers, the
address to open."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from demo.management.commands.announce_ready import ready_banner

BASE_DIR = Path(settings.BASE_DIR)
LOG_BOTH = """
import django, logging
django.setup()
log = logging.getLogger("django.request")
try:
    raise PermissionError("not yours")
except PermissionError:
    log.warning("Forbidden (Permission denied): %s", "/groups/harbour-circle-secret/members/",
                exc_info=True, extra={"status_code": 403})
try:
    raise RuntimeError("broken")
except RuntimeError:
    log.error("Internal Server Error: %s", "/groups/harbour-circle-secret/",
              exc_info=True, extra={"status_code": 500})
"""


def test_a_forbidden_page_and_a_server_error_are_each_logged_once_in_development():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "LOG_LEVEL"}}
    run = subprocess.run(
        [sys.executable, "-c", LOG_BOTH],
        cwd=BASE_DIR,
        env={**env, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    console = run.stdout + run.stderr
    assert console.count("Forbidden (Permission denied)") == 1, console
    assert console.count("Internal Server Error") == 1, console
    assert console.count("Traceback") == 1, console  # the 500's, not the 403's
    assert "harbour-circle-secret" not in console


class _Healthy(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_make_run_ends_with_the_address_to_open_once_the_web_server_answers(capsys):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Healthy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        call_command("announce_ready", url, "--once", "--timeout", "10")
    finally:
        server.shutdown()
    printed = capsys.readouterr().out
    assert f"Kinship is ready: open {url}" in printed
    assert "member@kinship.test" in printed
    assert printed.strip().endswith("Ctrl-C stops everything.")
    assert ready_banner(url).strip() in printed
    # make run starts it beside the three processes.
    procfile = (BASE_DIR / "Procfile.dev").read_text()
    assert "manage.py announce_ready http://127.0.0.1:8000/" in procfile

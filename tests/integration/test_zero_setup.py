"""`make run` with nothing installed: SQLite, the file-system broker, and its three processes
(web, worker, beat) at once. Under load from eight threads no request fails and every
message arrives once; the broker keeps all its files under var/."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import free_port
from tests.integration.conftest import site_answers, wait_until
from tests.integration.http import Browser

pytestmark = [pytest.mark.integration]

PEOPLE = 100
MAKE_PEOPLE = f"""
from django.contrib.auth.hashers import make_password
from accounts.models import User
password = make_password("long-quiet-evening-8")
User.objects.bulk_create(
    User(email=f"person{{i}}@example.org", display_name=f"Person {{i}}", password=password)
    for i in range({PEOPLE})
)
"""


def test_web_worker_and_beat_on_the_zero_setup_parts_send_every_message_once(
    celery_processes, smtp_inbox, tmp_path
):
    env = celery_processes.env
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)  # nothing installed: SQLite and the file-system broker
    env["ACCOUNT_RATE_LIMITS_ENABLED"] = "0"  # a hundred resets from one address
    var = Path(env["VAR_DIR"])

    def manage(*args: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
        )

    manage("migrate", "--no-input")
    manage("shell", "-c", MAKE_PEOPLE)

    port = free_port()
    celery_processes.start(
        "web",
        command=[sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
    )
    site = f"http://127.0.0.1:{port}"
    assert wait_until(lambda: site_answers(site), timeout=60), celery_processes.log("web")
    celery_processes.start_worker("--pool", "prefork", "--concurrency", "2")
    celery_processes.start_beat()

    def ask_for_reset(i: int) -> int:
        address = f"person{i}@example.org"
        return Browser(site).post("/accounts/password/reset/", {"email": address}).status

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = Counter(pool.map(ask_for_reset, range(PEOPLE)))
    assert statuses == {302: PEOPLE}, (statuses, celery_processes.log("web")[-3000:])

    def arrived() -> Counter[str]:
        return Counter(m["X-Envelope-To"] for m in smtp_inbox.messages)

    assert wait_until(lambda: len(arrived()) == PEOPLE, timeout=120), (
        len(arrived()),
        celery_processes.log("worker")[-3000:],
    )
    wait_until(lambda: False, timeout=3)  # anything sent twice would arrive by now
    assert set(arrived().values()) == {1}

    broker = var / "celery-broker"
    tables = list((broker / "control").glob("*.exchange"))
    assert tables, "the exchange tables are under var/celery-broker/control"
    for table in tables:
        json.loads(table.read_text())  # whole, never half-written
    assert not (Path(settings.BASE_DIR) / "control").exists()
    for role in ("web", "worker", "beat"):
        assert "Traceback" not in celery_processes.log(role), celery_processes.log(role)[-3000:]

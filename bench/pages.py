"""Page timings: renders each shell page many times through Django's test client and prints
median and 95th percentile milliseconds and the SQL query count.

Run: make bench (or .venv/bin/python bench/pages.py [--requests 200]). It uses a throw-away
SQLite database under a temporary VAR_DIR unless DATABASE_URL is set. Figures depend on the
machine: compare runs made on the same one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="kinship-bench-"))
os.environ.setdefault("ACCOUNT_RATE_LIMITS_ENABLED", "0")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from accounts.services.users import user_upsert_verified

    setup_test_environment()
    call_command("migrate", verbosity=0)
    user, _ = user_upsert_verified(
        email="bench@example.org",
        display_name="Bench",
        time_zone="UTC",
        password="bench-password-123",  # noqa: S106
    )
    anonymous, member = Client(), Client()
    member.force_login(user)
    pages = [
        ("/", anonymous),
        ("/groups/", anonymous),
        ("/accounts/login/", anonymous),
        ("/accounts/signup/", anonymous),
        ("/meetings/", member),
        ("/accounts/profile/", member),
        ("/accounts/security/", member),
        ("/healthz", anonymous),
    ]
    print(f"{'page':<22}{'median ms':>10}{'p95 ms':>10}{'queries':>9}")
    for url, client in pages:
        client.get(url)
        timings = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(f"{url:<22}{statistics.median(timings):>10.2f}{p95:>10.2f}{len(queries):>9}")


if __name__ == "__main__":
    main()

"""The group directory under load: 1,000 groups, a real gunicorn, a trivial view to compare.

Fills a throw-away SQLite database under a temporary VAR_DIR (or the database DATABASE_URL
names, whose bench rows it removes again afterwards) with 1,000 groups, their topics,
facilitators and members; collects the static files; starts gunicorn (2 workers, DEBUG off)
on a free loopback port; then sends requests from one client thread per worker (by default),
each over a keep-alive connection, and prints for each URL requests per second and
milliseconds per request, next to the same figures for `/favicon.ico` (a one-line redirect
view on the same server: the cost of gunicorn, Django and the middleware alone).

Run: .venv/bin/python bench/directory.py [--requests 400] [--seconds 15] [--threads 2]
Figures depend on the machine: compare runs made on the same one.
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

GROUPS = 1000
MEMBERS_PER_GROUP = 4
SLUG_PREFIX = "bench-"
WORDS = ["evening", "morning", "weekend", "lunchtime", "quiet", "open", "steady", "fresh"]
SEARCH = "/groups/?q=circle+evening&format=online"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(var_dir: Path) -> dict[str, str]:
    """Production-like settings for this process (setup, collectstatic) and for gunicorn."""
    return {
        "VAR_DIR": str(var_dir),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(var_dir / "static"),
        "LOG_LEVEL": "WARNING",
        "ACCOUNT_RATE_LIMITS_ENABLED": "0",
    }


def fill_database() -> str:
    """1,000 active listed groups, in a few bulk inserts; returns one group's slug."""
    from accounts.models import User
    from groups.models import Membership, SupportGroup, Topic

    formats = [choice for choice, _ in SupportGroup.Format.choices]
    audiences = [choice for choice, _ in SupportGroup.Audience.choices]
    policies = [choice for choice, _ in SupportGroup.JoinPolicy.choices]
    groups = SupportGroup.objects.bulk_create(
        SupportGroup(
            name=f"{WORDS[n % len(WORDS)].capitalize()} circle {n:04}",
            slug=f"{SLUG_PREFIX}{n:04}",
            description=(
                f"A peer group that meets {WORDS[(n * 7) % len(WORDS)]}. We listen, share what "
                "helped us and keep what is said in the room."
            ),
            format=formats[n % len(formats)],
            audience=audiences[n % len(audiences)],
            join_policy=policies[n % len(policies)],
            city=["Austin", "Portland", "Leeds", "Toronto"][n % 4],
            time_zone="America/Chicago",
        )
        for n in range(GROUPS)
    )
    topics = list(Topic.objects.all())
    through = SupportGroup.topics.through
    through.objects.bulk_create(
        through(supportgroup_id=group.pk, topic_id=topics[i % len(topics)].pk)
        for n, group in enumerate(groups)
        for i in (n, n + 2)
    )
    people = User.objects.bulk_create(
        User(email=f"{SLUG_PREFIX}{n}@example.org", display_name=f"Bench {n}")
        for n in range(GROUPS * MEMBERS_PER_GROUP)
    )
    Membership.objects.bulk_create(
        Membership(
            user=person,
            group=groups[n // MEMBERS_PER_GROUP],
            role="facilitator" if n % MEMBERS_PER_GROUP == 0 else "member",
            state="active",
        )
        for n, person in enumerate(people)
    )
    return groups[GROUPS // 2].slug


def remove_bench_rows() -> None:
    from accounts.models import User
    from groups.models import SupportGroup

    SupportGroup.objects.filter(slug__startswith=SLUG_PREFIX).delete()
    User.objects.filter(email__startswith=SLUG_PREFIX, email__endswith="@example.org").delete()


def wait_until_up(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start (exit {proc.returncode})")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/favicon.ico")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 30 s")


@dataclass
class Result:
    url: str
    timings: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return len(self.timings) / self.elapsed if self.elapsed else 0.0

    @property
    def ms(self) -> float:
        return statistics.mean(self.timings) if self.timings else float("nan")

    @property
    def p95(self) -> float:
        if len(self.timings) < 20:
            return float("nan")
        return statistics.quantiles(self.timings, n=20)[-1]


def load(
    port: int,
    url: str,
    *,
    expect: int,
    requests: int,
    seconds: float,
    threads: int,
    headers: dict[str, str] | None = None,
):
    """`requests` GETs of `url` (stopping early after `seconds`) from `threads` threads, each
    on its own keep-alive connection (reopened when the server closes it), with `headers`
    (a session cookie, say) on every request."""
    result = Result(url)
    headers = {**(headers or {}), "Connection": "keep-alive"}
    lock = threading.Lock()
    remaining = [requests]
    deadline = time.monotonic() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            while time.monotonic() < deadline:
                with lock:
                    if remaining[0] <= 0:
                        return
                    remaining[0] -= 1
                started = time.perf_counter()
                try:
                    conn.request("GET", url, headers=headers)
                    response = conn.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    with lock:
                        result.errors.append(repr(exc))
                    continue
                took = (time.perf_counter() - started) * 1000
                with lock:
                    if response.status == expect:
                        result.timings.append(took)
                    else:
                        result.errors.append(f"HTTP {response.status}")
        finally:
            conn.close()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    result.elapsed = time.perf_counter() - started
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="per URL (default 400)")
    parser.add_argument("--seconds", type=float, default=15, help="at most, per URL")
    parser.add_argument("--threads", type=int, default=2, help="client threads (default 2)")
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="kinship-bench-"))
    environment = server_environment(var_dir)
    os.environ.update(environment)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    own_database = not os.environ.get("DATABASE_URL")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    print(f"database: {connection.vendor}{' (throw-away)' if own_database else ''}")
    call_command("migrate", verbosity=0)
    if not own_database:
        remove_bench_rows()  # a previous run that was interrupted
    started = time.perf_counter()
    group_slug = fill_database()
    print(f"{GROUPS} groups filled in {time.perf_counter() - started:.1f} s")
    call_command("collectstatic", verbosity=0, interactive=False)
    connection.close()

    port = free_port()
    log = open(var_dir / "gunicorn.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env={**os.environ, **environment},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(port, server)
        pages = [
            ("/favicon.ico", 302),  # the trivial baseline
            ("/groups/", 200),
            (SEARCH, 200),
            (f"/groups/{group_slug}/", 200),
        ]
        results = []
        for url, expect in pages:
            load(port, url, expect=expect, requests=20, seconds=5, threads=1)  # warm up
            results.append(
                load(
                    port,
                    url,
                    expect=expect,
                    requests=args.requests,
                    seconds=args.seconds,
                    threads=args.threads,
                )
            )
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        if not own_database:
            remove_bench_rows()

    baseline = results[0]
    print(
        f"\ngunicorn, 2 workers, {args.threads} client threads, keep-alive, loopback; "
        f"{GROUPS} groups\n"
    )
    header = f"{'URL':<42}{'requests':>9}{'req/s':>9}{'ms/req':>9}{'p95 ms':>9}{'x base':>8}"
    print(header)
    print("-" * len(header))
    for result in results:
        ratio = result.ms / baseline.ms if baseline.timings else float("nan")
        print(
            f"{result.url:<42}{len(result.timings):>9}{result.rps:>9.0f}{result.ms:>9.1f}"
            f"{result.p95:>9.1f}{ratio:>8.1f}"
        )
    print("\nx base: milliseconds per request relative to the trivial /favicon.ico view.")
    failed = [r for r in results if r.errors]
    for result in failed:
        print(f"{result.url}: {len(result.errors)} errors, e.g. {result.errors[0]}")
    if failed or not all(r.timings for r in results):
        print(f"(server log: {var_dir / 'gunicorn.log'})")
        raise SystemExit(1)


if __name__ == "__main__":
    main()

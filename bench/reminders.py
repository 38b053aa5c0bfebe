"""Reminders end to end: 10,000 of them through PostgreSQL, Redis, one Celery worker and SMTP.

Needs PostgreSQL and Redis (the parts reminders break on): DATABASE_URL names the server and
a database of the bench's own, which it creates, fills and drops again (a name without
"bench" in it gets "_bench_reminders" appended, so an everyday database is never touched);
REDIS_URL names the server, of which the bench uses database --redis-db (7), emptied first.

Fills, in bulk: 1,000 members who want reminders 1 hour and 15 minutes before every meeting of
their groups (scope "all", in four time zones, half in discreet mode), each in 10 of 100
groups of 100 members; 4,000 other members in the other groups who want reminders only for
meetings they said they would go to, and have said nothing yet; enough groups, with four weekly
series each, for --future-meetings (100,000) meetings over the next 13 weeks. In each of the
100 groups one meeting is due for a reminder now: 50 meetings start in 15 minutes (their
1-hour reminders went out 45 minutes ago and are in the ledger as sent) and 50 start in one
hour, which makes 100 x 100 = 10,000 reminders due at once. The ledger also holds
--ledger-history (50,000) reminders sent over the past weeks.

Measures, in this process: the dispatcher (notifications.outbox.outbox_dispatch: plan,
expire, recover, claim), milliseconds and SQL queries per run, when nothing is due and when
1,000 and 10,000 reminders are due (in transactions rolled back afterwards), then the real run
that claims the 10,000, and an idle run after it. End to end, for each --concurrency (by
default 1, then the settings' default, two per core): starts `celery -A config worker` with
CELERY_WORKER_CONCURRENCY=N (prefork, production settings, DEBUG off), runs the
dispatcher, queues the sending tasks in batches as notifications.tasks.outbox_dispatch does, and
waits until every reminder has reached an SMTP server on loopback in this process (aiosmtpd),
which records when each arrived and its Message-ID (one per ledger row: a repeat is a
duplicate). Prints reminders per second from the first task queued to the last arrival, the
delay of each reminder after its due time (median, 95th percentile, maximum), duplicates,
and SQL queries per reminder when sending (one batch sent in this process, queries counted).
After each run, its baseline: as many messages of a reminder's size sent with plain smtplib
over one reused connection to the same sink; it prints both rates and their ratio (the
target: the pipeline, with the default concurrency, at least half as fast as raw smtplib).
Each run has a baseline of its own because this machine's speed changes from one minute to
the next (raw smtplib alone has measured 540 to 960 per second on it).

The dispatcher runs here at the reminders' due instant; beat runs it once a minute, so in
production a reminder may wait up to 60 s more before it is claimed.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/kinship_bench_rem \\
     REDIS_URL=redis://127.0.0.1:6379 .venv/bin/python bench/reminders.py \\
     [--reminders 10000] [--future-meetings 100000] [--concurrency 1 2 4] [--timeout 600]
Figures depend on the machine and on what else runs on it (the load average is printed):
compare runs made on the same, otherwise idle, one.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from directory import BASE_DIR, free_port, server_environment

PREFIX = "bench-rem-"
MEMBERS = 1000
DUE_MEETINGS = 100  # one per reminder group: half start in 15 minutes, half in an hour
LEADS = (15, 60)  # what the 1,000 members chose
OTHER_MEMBERS = 4000
OTHERS_PER_GROUP = 8
SERIES_PER_GROUP = 4
WEEKS = 13
ZONES = ["America/New_York", "Europe/London", "America/Chicago", "Asia/Tokyo"]
QUEUE = "bench-reminders"
# The worker sends one Message-ID per ledger row: <outbox-ROW@host>.
MESSAGE_ID = re.compile(rb"^Message-ID:\s*<outbox-(\d+)@", re.MULTILINE | re.IGNORECASE)


# --- the parts --------------------------------------------------------------------------------


def dedicated_database(url: str) -> tuple[str, str, str]:
    """(the bench's DATABASE_URL, its database name, a URL of the server's `postgres`)."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SystemExit(
            "bench/reminders.py measures PostgreSQL: set DATABASE_URL=postgres://user@host:5432/"
            f"kinship_bench_rem (got {parts.scheme or 'nothing'}://)"
        )
    name = parts.path.lstrip("/") or "kinship"
    if "bench" not in name:
        name = f"{name}_bench_reminders"
    bench = urlunsplit(parts._replace(path=f"/{name}"))
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    return bench, name, maintenance


def recreate_database(maintenance_url: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg
    from psycopg import sql

    conninfo = maintenance_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def dedicated_redis(url: str, db: int) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss"}:
        raise SystemExit(f"REDIS_URL must be redis://host:port (got {url!r})")
    return urlunsplit(parts._replace(path=f"/{db}"))


@dataclass
class Sink:
    """The SMTP server's handler: when each message arrived, and which ledger row it was."""

    arrivals: list[tuple[float, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    # One reminder as it arrived, for the raw smtplib baseline to send messages of its size.
    sample: bytes = b""

    async def handle_DATA(self, server, session, envelope):
        found = MESSAGE_ID.search(envelope.content)
        with self.lock:
            self.arrivals.append((time.time(), int(found.group(1)) if found else -1))
            if found and not self.sample:
                self.sample = envelope.content
        return "250 Message accepted for delivery"

    def take(self) -> list[tuple[float, int]]:
        with self.lock:
            taken, self.arrivals = self.arrivals, []
        return taken

    def __len__(self) -> int:
        return len(self.arrivals)


class Worker:
    """`celery -A config worker` in a process of its own, logging to a file."""

    def __init__(self, concurrency: int, environment: dict[str, str], log_path: Path):
        # The number of slots comes from the settings (CELERY_WORKER_CONCURRENCY), as in
        # production, where the Procfile names none.
        self.log_path = log_path
        self.log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--queues",
                QUEUE,
                "--hostname",
                f"bench-{concurrency}@%h",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "INFO",
            ],
            cwd=BASE_DIR,
            env={**os.environ, **environment, "CELERY_WORKER_CONCURRENCY": str(concurrency)},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_until_ready(self, app, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the worker stopped at start (see {self.log_path})")
            if app.control.ping(timeout=0.5):
                return
        raise SystemExit(f"the worker did not answer within {timeout:.0f} s ({self.log_path})")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


# --- the data ---------------------------------------------------------------------------------


@dataclass
class Filled:
    groups: int
    series: int
    meetings: int
    due: dict[int, list[int]]  # lead time: the meetings whose reminder with it is due
    members_per_group: int
    history: int
    sent_before: int


def _weekly(first: datetime, zone: str) -> tuple[str, date, clock, list[datetime]]:
    """A weekly series whose first meeting is `first`: its rule, first date, start time and the
    WEEKS meetings, each at the same wall-clock time in `zone` (as groups.meetings.recurrence
    does)."""
    from zoneinfo import ZoneInfo

    from groups.meetings.recurrence import Frequency, Recurrence, local_instant

    local = first.astimezone(ZoneInfo(zone))
    day, at = local.date(), local.time().replace(tzinfo=None)
    rule = Recurrence(frequency=Frequency.WEEKLY, weekdays=(day.weekday(),)).to_rrule(
        time_zone=zone, start_time=at
    )
    instants = [
        local_instant(day + timedelta(weeks=week), at, ZoneInfo(zone)).astimezone(UTC)
        for week in range(WEEKS)
    ]
    return rule, day, at, instants


def fill(*, reminders: int, future_meetings: int, history: int, now: datetime) -> Filled:
    from accounts.models import User
    from groups.meetings.recurrence import WEEKDAY_CODES
    from groups.models import Meeting, MeetingSeries, Membership, SupportGroup
    from notifications.models import OutboxMessage

    per_group = reminders // DUE_MEETINGS
    group_count = max(DUE_MEETINGS, math.ceil(future_meetings / (SERIES_PER_GROUP * WEEKS)))
    formats = [choice for choice, _ in SupportGroup.Format.choices]
    groups = SupportGroup.objects.bulk_create(
        (
            SupportGroup(
                name=f"Circle {n:04}",
                slug=f"{PREFIX}{n:05}",
                description="A peer group that meets every week.",
                format=formats[n % len(formats)],
                time_zone=ZONES[n % len(ZONES)],
                city="Leeds",
            )
            for n in range(group_count)
        ),
        batch_size=2000,
    )
    members = User.objects.bulk_create(
        (
            User(
                email=f"{PREFIX}{n}@example.org",
                display_name=f"Member {n}",
                time_zone=ZONES[n % len(ZONES)],
                reminder_lead_minutes=list(LEADS),
                reminder_scope=User.ReminderScope.ALL,
                discreet_mode=n % 2 == 0,
            )
            for n in range(MEMBERS)
        ),
        batch_size=2000,
    )
    others = User.objects.bulk_create(
        (
            User(
                email=f"{PREFIX}other-{n}@example.org",
                display_name=f"Other {n}",
                time_zone=ZONES[n % len(ZONES)],
                reminder_scope=User.ReminderScope.GOING,
            )
            for n in range(OTHER_MEMBERS)
        ),
        batch_size=2000,
    )
    active = Membership.State.ACTIVE
    memberships = [
        Membership(user=members[(g * per_group + i) % MEMBERS], group=groups[g], state=active)
        for g in range(DUE_MEETINGS)
        for i in range(per_group)
    ]
    memberships += [
        Membership(
            user=others[(g * OTHERS_PER_GROUP + i) % OTHER_MEMBERS], group=groups[g], state=active
        )
        for g in range(DUE_MEETINGS, group_count)
        for i in range(OTHERS_PER_GROUP)
    ]
    Membership.objects.bulk_create(memberships, batch_size=5000)

    # Series 0 of each of the first 100 groups starts with the meeting that is due (placed at
    # its real time by place_due_meetings); every other meeting starts 3 hours from now or
    # later, spread over the week, so no other reminder falls due while the bench runs.
    plans = []
    for g, group in enumerate(groups):
        for s in range(SERIES_PER_GROUP):
            number = g * SERIES_PER_GROUP + s
            if g < DUE_MEETINGS and s == 0:
                lead = LEADS[g % len(LEADS)]
                first = now + timedelta(minutes=lead + 10)
            else:
                lead = None
                first = now + timedelta(hours=3, minutes=15 * ((number * 37) % (7 * 24 * 4)))
            plans.append((g, group, number, lead, *_weekly(first, group.time_zone)))
    plans.sort(key=lambda plan: plan[3] is None)  # the due series first: never trimmed away
    series = MeetingSeries.objects.bulk_create(
        (
            MeetingSeries(
                group=group,
                slug=f"{PREFIX}{number}",
                title=f"Weekly meeting {number}",
                rrule=rule,
                start_date=day,
                weekdays=WEEKDAY_CODES[day.weekday()],
                start_time=at,
                duration_minutes=90 if number % 3 == 0 else 60,
                time_zone=group.time_zone,
                attendance_option=group.format,
                online_url=f"https://meet.example.org/{PREFIX}{number}",
                dial_in="+1 555 0100" if number % 4 == 0 else "",
                location="St Anne's Hall" if number % 2 else "",
                notes="Coffee from a quarter of an hour before.",
            )
            for g, group, number, lead, rule, day, at, instants in plans
        ),
        batch_size=2000,
    )
    meetings: list[Meeting] = []
    leads: list[int | None] = []
    for plan, one in zip(plans, series, strict=True):
        for week, instant in enumerate(plan[-1]):
            if len(meetings) == future_meetings:
                break
            meetings.append(
                Meeting(
                    series=one,
                    group_id=one.group_id,
                    occurrence_start=instant,
                    starts_at=instant,
                    ends_at=instant + timedelta(minutes=one.duration_minutes),
                )
            )
            leads.append(plan[3] if week == 0 else None)
    Meeting.objects.bulk_create(meetings, batch_size=5000)
    due: dict[int, list[int]] = {lead: [] for lead in LEADS}
    for meeting, lead in zip(meetings, leads, strict=True):
        if lead is not None:
            due[lead].append(meeting.pk)

    # The ledger: the 1-hour reminders of the meetings that start in 15 minutes went out 45
    # minutes ago; and reminders of past weeks (their meetings are no longer stored).
    members_of: dict[int, list[int]] = {}
    for membership in memberships[: DUE_MEETINGS * per_group]:
        members_of.setdefault(membership.group_id, []).append(membership.user_id)
    group_of = {m.pk: m.group_id for m, lead in zip(meetings, leads, strict=True) if lead}
    sent = [
        OutboxMessage(
            kind="reminder",
            category=OutboxMessage.Category.REMINDERS,
            user_id=user_id,
            target_id=meeting_id,
            variant=60,
            state=OutboxMessage.State.SENT,
            due_at=now - timedelta(minutes=45),
            created_at=now - timedelta(minutes=45),
            finished_at=now - timedelta(minutes=45),
        )
        for meeting_id in due[15]
        for user_id in members_of[group_of[meeting_id]]
    ]
    sent += [
        OutboxMessage(
            kind="reminder",
            category=OutboxMessage.Category.REMINDERS,
            user_id=members[n % MEMBERS].pk,
            target_id=10**9 + n // MEMBERS,
            variant=LEADS[(n // MEMBERS) % len(LEADS)],
            state=OutboxMessage.State.SENT,
            due_at=now - timedelta(minutes=1 + n),
            created_at=now - timedelta(minutes=1 + n),
            finished_at=now - timedelta(minutes=1 + n),
        )
        for n in range(history)
    ]
    OutboxMessage.objects.bulk_create(sent, batch_size=5000)
    return Filled(
        groups=group_count,
        series=len(series),
        meetings=len(meetings),
        due=due,
        members_per_group=per_group,
        history=history,
        sent_before=len(sent) - history,
    )


def place_due_meetings(due: dict[int, list[int]], *, due_at: datetime) -> None:
    """Move the due meetings so that their reminders fall due exactly at `due_at`."""
    from groups.models import Meeting

    for lead, ids in due.items():
        starts = due_at + timedelta(minutes=lead)
        Meeting.objects.filter(pk__in=ids).update(
            occurrence_start=starts, starts_at=starts, ends_at=starts + timedelta(hours=1)
        )


# --- measuring --------------------------------------------------------------------------------


@dataclass
class DispatchRun:
    label: str
    planned: int
    claimed: int
    ms: float
    queries: int
    sql_ms: float
    slowest: list[tuple[float, str]]


def timed_dispatch(label: str, now: datetime) -> tuple[DispatchRun, list[int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications.outbox import outbox_dispatch

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        report = outbox_dispatch(now=now)
        took = (time.perf_counter() - started) * 1000
    timings = sorted(
        ((float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries), reverse=True
    )
    run = DispatchRun(
        label,
        report.planned,
        len(report.claimed),
        took,
        len(captured),
        sum(ms for ms, _ in timings),
        timings[:3],
    )
    return run, report.claimed


def dispatch_rolled_back(label: str, now: datetime, *, cancel: list[int]) -> DispatchRun:
    """A dispatcher run whose planning and claims are undone again; `cancel` meetings are
    cancelled for its duration (fewer reminders due)."""
    from django.db import transaction

    from groups.models import Meeting

    with transaction.atomic():
        Meeting.objects.filter(pk__in=cancel).update(status=Meeting.Status.CANCELLED)
        run, _ = timed_dispatch(label, now)
        transaction.set_rollback(True)
    return run


@dataclass
class EndToEnd:
    concurrency: int
    expected: int
    dispatch: DispatchRun
    queue_ms: float
    arrivals: list[tuple[float, int]]
    started: float  # when the first task was queued (epoch seconds)
    due_at: dict[int, datetime]
    states: Counter
    load: float  # the machine's load average at the end: other work skews the figures
    # Raw smtplib to the same sink, measured right after this run: the machine's speed varies
    # from minute to minute (a shared host), so each run has a baseline of its own.
    raw_per_second: float = 0.0

    @property
    def ratio(self) -> float:
        return self.per_second / self.raw_per_second if self.raw_per_second else 0.0

    @property
    def unique(self) -> int:
        return len({row for _, row in self.arrivals})

    @property
    def duplicates(self) -> int:
        return len(self.arrivals) - self.unique

    @property
    def per_second(self) -> float:
        if not self.arrivals:
            return 0.0
        return self.unique / (max(at for at, _ in self.arrivals) - self.started)

    def delays(self) -> list[float]:
        first: dict[int, float] = {}
        for at, row in self.arrivals:
            first.setdefault(row, at)
        return sorted(at - self.due_at[row].timestamp() for row, at in first.items())


def end_to_end(
    *,
    concurrency: int,
    filled: Filled,
    sink: Sink,
    environment: dict[str, str],
    var_dir: Path,
    timeout: float,
) -> EndToEnd:
    from django.utils import timezone

    from config.celery import app
    from notifications.models import OutboxMessage
    from notifications.outbox import batches
    from notifications.tasks import outbox_send

    expected = DUE_MEETINGS * filled.members_per_group
    worker = Worker(concurrency, environment, var_dir / f"worker-{concurrency}.log")
    try:
        worker.wait_until_ready(app)
        sink.take()
        now = timezone.now()
        place_due_meetings(filled.due, due_at=now)
        dispatch, claimed = timed_dispatch(f"the real run (concurrency {concurrency})", now)
        started = time.time()
        for ids in batches(claimed):
            outbox_send.delay(ids)
        queue_ms = (time.time() - started) * 1000
        deadline = time.monotonic() + timeout
        waiting = OutboxMessage.objects.filter(
            queued_at=now, state__in=[OutboxMessage.State.QUEUED, OutboxMessage.State.SENDING]
        )
        while len(sink) < expected and time.monotonic() < deadline:
            time.sleep(1)
            if worker.proc.poll() is not None:
                print(f"the worker stopped (see {worker.log_path})")
                break
            if not waiting.exists():  # all done, some not sent: see the states printed
                time.sleep(1)
                break
        time.sleep(0.5)  # a duplicate would come after the last row was marked
        load = os.getloadavg()[0]
    finally:
        worker.stop()
    rows = OutboxMessage.objects.filter(pk__in=claimed)
    return EndToEnd(
        concurrency=concurrency,
        expected=expected,
        dispatch=dispatch,
        queue_ms=queue_ms,
        arrivals=sink.take(),
        started=started,
        due_at=dict(rows.values_list("pk", "due_at")),
        states=Counter(rows.values_list("state", flat=True)),
        load=load,
    )


def sending_in_process(ids: list[int]) -> tuple[int, float, Counter]:
    """Send the (already sent) rows `ids` once more in this process, as a worker does:
    the SQL queries it takes, and its milliseconds."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications.models import OutboxMessage
    from notifications.outbox import outbox_send

    OutboxMessage.objects.filter(pk__in=ids).update(state=OutboxMessage.State.QUEUED)
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        counts = outbox_send(ids)
        took = (time.perf_counter() - started) * 1000
    return len(captured), took, Counter(counts)


def raw_smtp_rate(port: int, message: bytes, count: int) -> float:
    """The baseline: `count` messages of a reminder's size sent with plain smtplib over one
    reused connection to the same sink, from this process; messages per second, from the
    first MAIL FROM to the last acceptance (the sink acknowledges each after receiving it).
    (From a process of its own instead, as a worker sends, it is no slower: measured.)"""
    import smtplib

    connection = smtplib.SMTP("127.0.0.1", port)
    try:
        started = time.perf_counter()
        for index in range(count):
            connection.sendmail("bench@localhost", [f"raw{index}@example.org"], message)
        took = time.perf_counter() - started
    finally:
        connection.quit()
    return count / took


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


# --- the run ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reminders", type=int, default=10_000, help="due at once (10,000)")
    parser.add_argument(
        "--future-meetings", type=int, default=100_000, help="meetings stored ahead (100,000)"
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        nargs="+",
        help="worker processes, one run each (default: 1, then the settings' default, "
        "CELERY_WORKER_CONCURRENCY: two per core)",
    )
    parser.add_argument("--ledger-history", type=int, default=50_000, help="sent rows (50,000)")
    parser.add_argument("--redis-db", type=int, default=7, help="Redis database, emptied (7)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for mail")
    args = parser.parse_args()
    if args.reminders % DUE_MEETINGS or not DUE_MEETINGS <= args.reminders <= 100 * MEMBERS:
        parser.error(f"--reminders: a multiple of {DUE_MEETINGS} up to {100 * MEMBERS}")
    if args.future_meetings < DUE_MEETINGS:
        parser.error(f"--future-meetings: at least {DUE_MEETINGS}")

    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        raise SystemExit(
            "bench/reminders.py needs PostgreSQL and Redis: set DATABASE_URL=postgres://"
            "postgres@127.0.0.1:5432/kinship_bench_rem and REDIS_URL=redis://127.0.0.1:6379"
        )
    database_url, database, maintenance = dedicated_database(os.environ["DATABASE_URL"])
    redis_url = dedicated_redis(os.environ["REDIS_URL"], args.redis_db)

    import redis
    from aiosmtpd.controller import Controller

    redis.Redis.from_url(redis_url).flushdb()
    recreate_database(maintenance, database)

    var_dir = Path(tempfile.mkdtemp(prefix="kinship-bench-"))
    sink = Sink()
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    environment = {
        **server_environment(var_dir),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
        "EMAIL_BACKEND": "notifications.backends.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "LOG_LEVEL": "INFO",  # as in production: one line per batch
    }
    os.environ.update(environment)
    os.environ["LOG_LEVEL"] = "WARNING"  # this process: the figures only
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from notifications.models import OutboxMessage
    from notifications.outbox import BATCH_SIZE

    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        print(
            f"database: PostgreSQL {version}, {database} (created for this run, dropped after); "
            f"broker: Redis db {args.redis_db} (emptied); SMTP: aiosmtpd on 127.0.0.1:{smtp_port}"
        )
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        filled = fill(
            reminders=args.reminders,
            future_meetings=args.future_meetings,
            history=args.ledger_history,
            now=timezone.now(),
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        expected = DUE_MEETINGS * filled.members_per_group
        print(
            f"filled in {time.perf_counter() - started:.1f} s: {MEMBERS:,} members (reminders "
            f"1 h and 15 min before every meeting of their groups), each in "
            f"{expected // MEMBERS} of {DUE_MEETINGS} groups of {filled.members_per_group}; "
            f"{OTHER_MEMBERS:,} other members (only meetings they RSVP to; none yet) in the "
            f"other groups; {filled.groups:,} groups, {filled.series:,} weekly series, "
            f"{filled.meetings:,} meetings over the next {WEEKS} weeks; "
            f"{DUE_MEETINGS} meetings due for a reminder now ({len(filled.due[15])} start in "
            f"15 min, {len(filled.due[60])} in 1 h), {DUE_MEETINGS} x "
            f"{filled.members_per_group} = {expected:,} reminders; ledger: "
            f"{filled.history + filled.sent_before:,} sent rows ({filled.sent_before:,} of them "
            "the 1-hour reminders of the meetings starting in 15 min)"
        )

        # The dispatcher alone, in this process.
        now = timezone.now()
        place_due_meetings(filled.due, due_at=now)
        all_due = [pk for ids in filled.due.values() for pk in ids]
        tenth = [pk for ids in filled.due.values() for pk in ids[: len(ids) // 10]]
        timed_dispatch("warm-up", now - timedelta(minutes=5))
        runs = [
            timed_dispatch("nothing due", now - timedelta(minutes=5))[0],
            dispatch_rolled_back(
                f"{expected // 10:,} due (rolled back)",
                now,
                cancel=[pk for pk in all_due if pk not in set(tenth)],
            ),
            dispatch_rolled_back(f"{expected:,} due (rolled back)", now, cancel=[]),
        ]

        results: list[EndToEnd] = []
        default_concurrency = settings.CELERY_WORKER_CONCURRENCY
        for concurrency in args.concurrency or dict.fromkeys([1, default_concurrency]):
            if results:  # the previous run's rows go, so the same reminders fall due again
                OutboxMessage.objects.filter(pk__in=list(results[-1].due_at)).delete()
            result = end_to_end(
                concurrency=concurrency,
                filled=filled,
                sink=sink,
                environment=environment,
                var_dir=var_dir,
                timeout=args.timeout,
            )
            sink.take()
            result.raw_per_second = raw_smtp_rate(smtp_port, sink.sample, expected)
            sink.take()
            results.append(result)
            runs.append(result.dispatch)
            if len(results) == 1:
                runs.append(timed_dispatch(f"idle, {expected:,} in the ledger", timezone.now())[0])

        sample = list(results[-1].due_at)[:BATCH_SIZE]
        send_queries, send_ms, send_counts = sending_in_process(sample)
        sink.take()
    finally:
        connection.close()
        controller.stop()
        recreate_database(maintenance, database, drop_only=True)
        redis.Redis.from_url(redis_url).flushdb()

    print(
        f"\ndispatcher (notifications.outbox.outbox_dispatch) in process, "
        f"{filled.meetings:,} future meetings\n"
    )
    header = f"{'run':<38}{'planned':>9}{'claimed':>9}{'ms':>8}{'SQL ms':>8}{'queries':>9}"
    print(header)
    print("-" * len(header))
    for run in runs:
        print(
            f"{run.label:<38}{run.planned:>9,}{run.claimed:>9,}{run.ms:>8.0f}{run.sql_ms:>8.0f}"
            f"{run.queries:>9}"
        )
    print("SQL ms: time spent in the database, as Django measured it; the rest is Python.")
    slowest = results[0].dispatch.slowest if results else runs[-1].slowest
    print("slowest queries of the real run:")
    for ms, sql in slowest:
        print(f"  {ms:7.1f} ms  {' '.join(sql.split())[:100]}")

    for result in results:
        delays = result.delays()
        states = ", ".join(f"{n:,} {state}" for state, n in result.states.most_common())
        print(
            f"\nend to end, worker --concurrency {result.concurrency} (prefork), one Redis, "
            f"SMTP on loopback (load average at the end {result.load:.1f} on {os.cpu_count()} "
            "CPUs)\n"
            f"  reminders due:            {result.expected:,} (ledger afterwards: {states})\n"
            f"  arrived:                  {result.unique:,}, duplicates {result.duplicates}\n"
            f"  queueing {math.ceil(result.expected / BATCH_SIZE)} tasks of {BATCH_SIZE}:"
            f"   {result.queue_ms:.0f} ms\n"
            f"  reminders per second:     {result.per_second:.0f} "
            "(first task queued to last arrival)\n"
            f"  delay after due time:     median {statistics.median(delays) if delays else 0:.1f}"
            f" s, p95 {p95(delays):.1f} s, max {max(delays, default=float('nan')):.1f} s "
            "(+ up to 60 s until beat's next dispatcher run)"
        )
    print(
        f"\nraw smtplib, one connection, {expected:,} messages of {len(sink.sample):,} bytes to "
        "the same sink, right after each run:"
    )
    for result in results:
        default = " (the default)" if result.concurrency == default_concurrency else ""
        print(
            f"  worker --concurrency {result.concurrency}{default}: pipeline "
            f"{result.per_second:.0f} / raw {result.raw_per_second:.0f} per second = "
            f"{result.ratio:.2f} (target: at least 0.50, aim 0.70)"
        )
    print(
        f"\nsending in process, one batch of {len(sample)}: {send_queries} SQL queries "
        f"({send_queries / len(sample):.1f} per reminder), {send_ms / len(sample):.1f} ms "
        f"per reminder ({', '.join(f'{n} {s}' for s, n in send_counts.items())})"
    )

    missed = []
    if any(r.unique < r.expected for r in results):
        missed.append("some reminders did not arrive")
    if any(r.duplicates for r in results):
        missed.append("duplicates")
    if any(r.per_second < 200 for r in results if r.concurrency == 1):
        missed.append("fewer than 200 reminders per second with one worker process")
    if any(r.ratio < 0.5 for r in results if r.concurrency == default_concurrency):
        missed.append("under half of raw smtplib's speed with the default concurrency")
    if any(max(r.delays(), default=0) + 60 > 120 for r in results):
        missed.append("a reminder later than 2 minutes after its due time (with beat's minute)")
    if max(run.ms for run in runs) > 1000:
        missed.append("a dispatcher run over 1 s")
    print(f"\ntargets missed: {'; '.join(missed)}" if missed else "\nall targets met")
    print(f"(worker logs: {var_dir})")


if __name__ == "__main__":
    main()

"""Kinship at the size of a national federation of groups, each main page under load.

Builds, on PostgreSQL, a database of its own (`kinship_bench_scale`, on the server
DATABASE_URL names): 5,000 groups in six time zones, 10,000 weekly series and their stored
meetings (from a week back to the horizon the site keeps ahead: about 140,000), 100,000
members with memberships skewed as real groups are (most people in one group, a few in five;
the largest groups have several hundred members, the smallest a dozen or two), about 350,000
RSVPs for the three weeks around today and attendance for the past meetings, and 10,000
published resources (bench/search.py's library). The database is kept for the next run
(rebuilt when older than two days, or with --rebuild): filling takes a few minutes.

Then serves it with gunicorn (2 workers, DEBUG off, Redis as the cache, on a loopback port;
bench/scale_site.py adds `/bench/trivial/`, a view rendering a 20-item template) and
measures each page with wrk (Debian's `wrk`: 2 threads, one keep-alive connection each, so
a request waits for no other), alternately with the trivial view: trivial, page, trivial,
page, ..., trivial. A page's share is its requests per second over the mean of the trivial
view's runs just before and after it, a figure that hardly depends on the machine. Searches
rotate through ten queries people type.

The Meeting Guide feed and the 200-group personal feed are measured cold too: the cache
emptied before each of a few requests (what the first reader after a change waits). Last,
the targets of issue 16 with this run's figures, and the command's exit
status says whether every row reaches the least that counts.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/kinship \\
     .venv/bin/python bench/scale.py [--seconds 6] [--rebuild] [--only directory,library]
REDIS_URL (default redis://127.0.0.1:6379/14) is emptied by the cold measurements: give
the bench a database number nothing else uses.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from directory import BASE_DIR, free_port, server_environment, wait_until_up
from meetings import start_server, stop_server
from search import QUERIES as LIBRARY_QUERIES
from search import fill as fill_resources

DATABASE = "kinship_bench_scale"
BUILD = "scale-1"  # change when what fill() builds changes
KEEP_FOR = timedelta(days=2)
GROUPS = 5_000
SERIES_PER_GROUP = 2
MEMBERS = 100_000
RESOURCES = 10_000
PREFIX = "scale-"
ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Europe/London",
    "Australia/Sydney",
]
CITIES = ["Austin", "Portland", "Leeds", "Toronto", "Denver", "Sydney", "Boston", "Glasgow"]
WORDS = ["evening", "morning", "weekend", "lunchtime", "quiet", "open", "steady", "fresh"]
START_TIMES = [clock(7, 30), clock(12, 15), clock(18), clock(19, 30), clock(20)]
DIRECTORY_QUERIES = [
    "evening",
    "circle",
    "quiet morning",
    "Leeds",
    "family",
    "steady circle",
    "Toronto evening",
    "open",
    "weekend",
    "fresh start",
]
FEED_SIZES = (20, 200)
TRIVIAL = "/bench/trivial/"

# wrk's Lua: rotate through the paths, print what it measured (microseconds) on one line.
WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %%d %%d %%.1f %%.1f %%d %%d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(95), e.status,
    e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass
class Page:
    label: str
    paths: list[str]
    who: str = ""  # "" (a visitor) or the key of a signed-in person in `people`
    aim: float = 0.0  # share of the trivial view aimed at, and the least that counts
    least: float = 0.0
    p95_aim: float = 50.0
    p95_least: float = 100.0


@dataclass
class Run:
    requests: int
    seconds: float
    p50: float  # milliseconds
    p95: float
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def bench_database(url: str) -> tuple[str, str]:
    """(the bench database's URL, a URL of the server's `postgres` database)."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SystemExit(
            "bench/scale.py measures Kinship on PostgreSQL, as it is deployed: set "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/kinship "
            f"(got {parts.scheme or 'nothing'}://)."
        )
    return (
        urlunsplit(parts._replace(path=f"/{DATABASE}")),
        urlunsplit(parts._replace(path="/postgres")),
    )


def database_state(maintenance_url: str, database_url: str) -> datetime | None:
    """When the kept database was built by this BUILD, or None (missing, other, unfinished)."""
    import psycopg

    conninfo = maintenance_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
        if found.fetchone() is None:
            return None
    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as conn:
        table = conn.execute("SELECT to_regclass('bench_scale')").fetchone()
        if table is None or table[0] is None:  # a build that did not finish
            return None
        row = conn.execute("SELECT built_at FROM bench_scale WHERE build = %s", [BUILD]).fetchone()
    return row[0] if row else None


def recreate_database(maintenance_url: str) -> None:
    import psycopg
    from psycopg import sql

    conninfo = maintenance_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        name = sql.Identifier(DATABASE)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def _group_of(rng: random.Random) -> int:
    """A group index, low indices far more often: group sizes as skewed as real ones."""
    return min(GROUPS - 1, int(GROUPS * rng.random() ** 1.5))


def fill(now: datetime) -> None:
    """Everything the pages read, in bulk; a row in `bench_scale` when done."""
    from django.db import connection

    from accounts.models import User
    from groups.meetings.recurrence import WEEKDAY_CODES, Frequency, Recurrence, occurrences
    from groups.models import (
        HORIZON,
        Attendance,
        CalendarFeed,
        Meeting,
        MeetingSeries,
        Membership,
        Rsvp,
        SupportGroup,
        Topic,
    )

    rng = random.Random(16)
    began = time.perf_counter()

    def step(what: str) -> None:
        print(f"  {time.perf_counter() - began:6.1f} s  {what}", flush=True)

    Format, Policy = SupportGroup.Format, SupportGroup.JoinPolicy
    formats = [Format.ONLINE, Format.ONLINE, Format.IN_PERSON, Format.HYBRID]
    audiences = [choice for choice, _ in SupportGroup.Audience.choices]
    groups = SupportGroup.objects.bulk_create(
        (
            SupportGroup(
                name=f"{WORDS[n % len(WORDS)].capitalize()} circle {n:04}",
                slug=f"{PREFIX}{n:04}",
                description=(
                    f"A peer group that meets {WORDS[(n * 7) % len(WORDS)]}s in "
                    f"{CITIES[n % len(CITIES)]}. We listen, share what helped us and keep "
                    "what is said in the room."
                ),
                format=formats[n % len(formats)],
                audience=audiences[n % len(audiences)],
                join_policy=Policy.OPEN if n % 3 else Policy.APPROVAL,
                city=CITIES[n % len(CITIES)],
                street=f"{n % 90 + 1} High Street",
                postal_code=f"{10000 + n}",
                country="US",
                publish_address=n % 5 != 0,
                time_zone=ZONES[n % len(ZONES)],
            )
            for n in range(GROUPS)
        ),
        batch_size=2000,
    )
    topics = list(Topic.objects.all())
    through = SupportGroup.topics.through
    through.objects.bulk_create(
        (
            through(supportgroup_id=group.pk, topic_id=topics[i % len(topics)].pk)
            for n, group in enumerate(groups)
            for i in (n, n + 3)
        ),
        batch_size=5000,
        ignore_conflicts=True,
    )
    step(f"{len(groups):,} groups")

    series = MeetingSeries.objects.bulk_create(
        (
            MeetingSeries(
                group_id=group.pk,
                slug=f"{PREFIX}{n:04}-{k}",
                title=f"{WORDS[(n + k) % len(WORDS)].capitalize()} meeting",
                rrule=Recurrence(
                    frequency=Frequency.WEEKLY, weekdays=((n * 3 + k * 4) % 7,)
                ).to_rrule(
                    time_zone=group.time_zone,
                    start_time=START_TIMES[(n + k) % len(START_TIMES)],
                ),
                start_date=(now - timedelta(days=8)).date(),
                weekdays=WEEKDAY_CODES[(n * 3 + k * 4) % 7],
                start_time=START_TIMES[(n + k) % len(START_TIMES)],
                duration_minutes=90 if (n + k) % 3 == 0 else 60,
                time_zone=group.time_zone,
                attendance_option=group.format,
                online_url=f"https://meet.example.org/{PREFIX}{n}-{k}",
                dial_in="+1 555 0100" if n % 4 == 0 else "",
                notes="Coffee from a quarter of an hour before.",
                openness=(
                    MeetingSeries.Openness.OPEN if (n + k) % 3 else MeetingSeries.Openness.CLOSED
                ),
                wheelchair_access=n % 2 == 0,
            )
            for n, group in enumerate(groups)
            for k in range(SERIES_PER_GROUP)
        ),
        batch_size=2000,
    )
    meetings: list[Meeting] = []
    for one in series:
        length = timedelta(minutes=one.duration_minutes)
        for instant in occurrences(
            rule=one.rrule,
            start_date=one.start_date,
            start_time=one.start_time,
            time_zone=one.time_zone,
            until=now + HORIZON,
        ):
            meeting = Meeting(
                series_id=one.pk,
                group_id=one.group_id,
                occurrence_start=instant,
                starts_at=instant,
                ends_at=instant + length,
            )
            if len(meetings) % 50 == 17:
                meeting.status = Meeting.Status.CANCELLED
                meeting.cancel_reason = "The hall is closed for repairs."
                meeting.sequence = 1
            meetings.append(meeting)
    Meeting.objects.bulk_create(meetings, batch_size=5000)
    step(f"{len(series):,} weekly series, {len(meetings):,} meetings")

    people = User.objects.bulk_create(
        (
            User(
                email=f"{PREFIX}{n}@example.org",
                display_name=f"Member {n}",
                time_zone=ZONES[n % len(ZONES)],
                first_run_dismissed_at=now,
            )
            for n in range(MEMBERS)
        ),
        batch_size=5000,
    )
    special = {
        key: User.objects.create(
            email=f"{PREFIX}{key}@example.org",
            display_name=key.replace("-", " ").capitalize(),
            time_zone="America/New_York",
            first_run_dismissed_at=now,
            is_facilitator=key == "facilitator",
        )
        for key in ("facilitator", "feed-20", "feed-200")
    }
    step(f"{len(people):,} members")

    chosen: dict[int, list[int]] = {}  # group index -> member indexes, in joining order
    for n in range(MEMBERS):
        count = rng.choices((1, 2, 3, 5), weights=(60, 25, 10, 5))[0]
        for index in {_group_of(rng) for _ in range(count)}:
            chosen.setdefault(index, []).append(n)
    Role, State = Membership.Role, Membership.State
    memberships = []
    for index, group in enumerate(groups):
        approval = group.join_policy == Policy.APPROVAL
        for position, n in enumerate(chosen.get(index, [])):
            pending = approval and position > 0 and rng.random() < 0.03
            memberships.append(
                Membership(
                    user_id=people[n].pk,
                    group_id=group.pk,
                    role=Role.FACILITATOR if position == 0 else Role.MEMBER,
                    state=State.PENDING if pending else State.ACTIVE,
                    request_message="I'd like to join, please." if pending else "",
                    conduct_accepted_at=now,
                )
            )
    # The dashboard's facilitator runs the five largest groups; the feed members are in 20
    # and 200 groups spread over the directory.
    memberships += [
        Membership(
            user=special["facilitator"],
            group=groups[index],
            role=Role.FACILITATOR,
            state=State.ACTIVE,
            conduct_accepted_at=now,
        )
        for index in range(5)
    ]
    for size in FEED_SIZES:
        memberships += [
            Membership(
                user=special[f"feed-{size}"],
                group=group,
                state=State.ACTIVE,
                conduct_accepted_at=now,
            )
            for group in groups[1 :: GROUPS // size][:size]
        ]
    Membership.objects.bulk_create(memberships, batch_size=5000)
    User.objects.filter(pk__in=[people[c[0]].pk for c in chosen.values()]).update(
        is_facilitator=True
    )
    step(f"{len(memberships):,} memberships")

    near: dict[int, list[Meeting]] = {}  # group id -> meetings from a week back to 2 weeks on
    for meeting in meetings:
        if now - timedelta(days=8) <= meeting.starts_at <= now + timedelta(days=14):
            near.setdefault(meeting.group_id, []).append(meeting)
    facilitator_of = {m.group_id: m.user_id for m in memberships if m.role == Role.FACILITATOR}
    always = {user.pk for user in special.values()}  # the special people answer every one
    rsvps, attendances = [], []
    for membership in memberships:
        if membership.state != State.ACTIVE:
            continue
        for meeting in near.get(membership.group_id, []):
            if meeting.status == Meeting.Status.CANCELLED:
                continue
            draw = rng.random()
            if draw < 0.3 or membership.user_id in always:
                rsvps.append(Rsvp(meeting=meeting, user_id=membership.user_id, answer="going"))
                if meeting.ends_at < now and rng.random() < 0.8:
                    attendances.append(
                        Attendance(
                            meeting=meeting,
                            user_id=membership.user_id,
                            recorded_by_id=facilitator_of[membership.group_id],
                            recorded_at=meeting.ends_at,
                        )
                    )
            elif draw < 0.34:
                rsvps.append(Rsvp(meeting=meeting, user_id=membership.user_id, answer="not_going"))
    Rsvp.objects.bulk_create(rsvps, batch_size=5000)
    Attendance.objects.bulk_create(attendances, batch_size=5000)
    for size in FEED_SIZES:
        CalendarFeed.objects.create(user=special[f"feed-{size}"])
    step(f"{len(rsvps):,} RSVPs, {len(attendances):,} attendances")

    starters, total = fill_resources(RESOURCES)
    step(f"{total:,} resources ({starters} starter ones)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("CREATE TABLE bench_scale (build text, built_at timestamptz)")
        cursor.execute("INSERT INTO bench_scale VALUES (%s, %s)", [BUILD, now])


def pages_and_people() -> tuple[list[Page], dict[str, Any], dict[str, str]]:
    """The pages measured, what the note says about the data, and a session cookie for each
    signed-in person."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from allauth.mfa.utils import is_mfa_enabled
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client

    from accounts.models import User
    from groups.models import (
        CalendarFeed,
        Meeting,
        MeetingSeries,
        Membership,
        Rsvp,
        SupportGroup,
    )
    from resources.models import Resource

    now = datetime.now(UTC)
    groups = SupportGroup.objects.filter(slug__startswith=PREFIX)
    largest = groups.annotate(members=Count("memberships")).order_by("-members").first()
    assert largest is not None, "the bench database has no groups"
    upcoming = (
        Meeting.objects.filter(group=largest, starts_at__gt=now, status="scheduled")
        .order_by("starts_at")
        .first()
    )
    latest = (
        Meeting.objects.filter(group=largest, starts_at__lte=now, status="scheduled")
        .order_by("-starts_at")
        .first()
    )
    assert upcoming and latest, "the largest group has no meetings around today"
    member = (
        Membership.objects.filter(group=largest, role="member", state="active")
        .select_related("user")
        .first()
    )
    assert member is not None
    people = {
        "member": member.user,
        "facilitator": User.objects.get(email=f"{PREFIX}facilitator@example.org"),
        **{
            f"feed-{size}": User.objects.get(email=f"{PREFIX}feed-{size}@example.org")
            for size in FEED_SIZES
        },
    }
    if not is_mfa_enabled(people["facilitator"]):  # facilitators' pages ask for one
        TOTP.activate(people["facilitator"], generate_totp_secret())
    cookies = {}
    for key, user in people.items():
        # As a browser has them after its first page: the session, and the CSRF cookie a form
        # on that page set (pages with forms are kept rendered per person and CSRF secret).
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        client.get("/meetings/")
        names = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
        cookies[key] = "; ".join(f"{name}={client.cookies[name].value}" for name in names)
    feeds = {f.user_id: f.token for f in CalendarFeed.objects.all()}
    resource = Resource.objects.filter(state="published").exclude(slug__startswith="bench-")
    resource_slug = resource.order_by("slug").values_list("slug", flat=True).first()
    base = f"/groups/{largest.slug}"
    tu_evening = "/groups/?day=TU&time=evening&format=online"
    pages = [
        Page("directory", ["/groups/"], aim=0.30, least=0.15),
        Page("directory, filtered", [tu_evening], aim=0.30, least=0.15),
        Page(
            "directory, searched",
            [f"/groups/?{urlencode({'q': q})}" for q in DIRECTORY_QUERIES],
            "",
            0.2,
            0.1,
        ),
        Page("group page", [f"{base}/"], aim=0.30, least=0.15),
        Page("meeting page", [f"{base}/meetings/{upcoming.pk}/"], "member", 0.30, 0.15),
        Page("My meetings (20 groups)", ["/meetings/"], "feed-20", 0.20, 0.10),
        Page("facilitator dashboard", ["/facilitate/"], "facilitator", 0.20, 0.10),
        Page(
            "check-in list", [f"{base}/meetings/{latest.pk}/attendance/"], "facilitator", 0.2, 0.1
        ),
        Page("library", ["/resources/"], aim=0.30, least=0.15),
        Page(
            "library, searched",
            [f"/resources/?{urlencode({'q': q})}" for q in LIBRARY_QUERIES],
            "",
            0.2,
            0.1,
        ),
        Page("resource page", [f"/resources/{resource_slug}/"], aim=0.30, least=0.15),
        Page("Meeting Guide feed, warm", ["/feeds/meetings.json"]),
        Page("group feed", [f"{base}/calendar.ics"]),
        *(
            Page(
                f"personal feed ({size} groups)",
                [f"/calendar/{feeds[people[f'feed-{size}'].pk]}.ics"],
                p95_aim=100.0 if size == 200 else 0.0,
                p95_least=250.0 if size == 200 else 0.0,
            )
            for size in FEED_SIZES
        ),
    ]
    about = {
        "groups": groups.count(),
        "series": MeetingSeries.objects.filter(group__slug__startswith=PREFIX).count(),
        "meetings": Meeting.objects.count(),
        "members": User.objects.filter(email__startswith=PREFIX).count(),
        "memberships": Membership.objects.count(),
        "rsvps": Rsvp.objects.count(),
        "resources": Resource.objects.filter(state="published").count(),
        "largest": f"{largest.name} ({largest.members} members)",
    }
    return pages, about, cookies


def wrk(port: int, page: Page | None, *, seconds: int, cookie: str, var_dir: Path) -> Run:
    paths = page.paths if page else [TRIVIAL]
    script = var_dir / "rotate.lua"
    script.write_text(WRK_SCRIPT % ", ".join(f'"{p}"' for p in paths))
    command = ["wrk", "-t2", "-c2", f"-d{seconds}s", "--timeout", "10s", "-s", str(script)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{paths[0]}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.search(r"^BENCH (\d+) (\d+) ([\d.]+) ([\d.]+) (\d+) (\d+)$", out, re.MULTILINE)
    if not found:
        raise SystemExit(f"wrk printed no figures:\n{out}")
    count, micros, p50, p95, status, socket = found.groups()
    return Run(
        int(count),
        int(micros) / 1e6,
        float(p50) / 1000,
        float(p95) / 1000,
        int(status) + int(socket),
    )


def check(port: int, page: Page, cookie: str) -> None:
    """Every path answers 200 for its person before it is measured (a redirect to sign in
    would otherwise be measured as a fast page)."""
    for path in page.paths:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        response.read()
        conn.close()
        if response.status != 200:
            raise SystemExit(f"{page.label}: {path} answered {response.status}, expected 200")


def cold(port: int, redis_url: str, path: str, *, samples: int) -> list[float]:
    """Milliseconds for `path` with the cache emptied before each request: what the first
    reader after a change waits. Both workers' own copies last a minute at most
    (lib.fragments.LOCAL_AGE), but the emptied cache gives every table a new write time, so
    neither copy is used."""
    import redis

    client = redis.Redis.from_url(redis_url)
    timings = []
    for _ in range(samples):
        client.flushdb()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        started = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        timings.append((time.perf_counter() - started) * 1000)
        conn.close()
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}")
    return timings


def verdict(value: float, aim: float, least: float, *, higher_is_better: bool) -> str:
    if higher_is_better:
        return "aim" if value >= aim else "at least" if value >= least else "MISSED"
    return "aim" if value <= aim else "at least" if value <= least else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=6, help="per wrk run (default 6)")
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument("--only", default="", help="labels containing any of these words")
    parser.add_argument("--cold", type=int, default=5, help="cold feed requests (default 5)")
    args = parser.parse_args()

    if subprocess.run(["which", "wrk"], capture_output=True).returncode != 0:
        raise SystemExit("bench/scale.py needs wrk: apt-get install wrk")
    database_url, maintenance = bench_database(os.environ.get("DATABASE_URL", ""))
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    var_dir = Path(tempfile.mkdtemp(prefix="kinship-bench-scale-"))
    environment = {
        **server_environment(var_dir),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "scale_site",
        "PYTHONPATH": os.pathsep.join([str(BASE_DIR / "bench"), str(BASE_DIR)]),
    }
    os.environ.update(environment)
    sys.path.insert(0, str(BASE_DIR))

    now = datetime.now(UTC)
    built = None if args.rebuild else database_state(maintenance, database_url)
    fresh = built is None or now - built > KEEP_FOR
    if fresh:
        recreate_database(maintenance)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if fresh:
        print(f"building {DATABASE} (kept for the next run):", flush=True)
        fill(now)
    else:
        print(f"{DATABASE}: kept from {built:%Y-%m-%d %H:%M} UTC (--rebuild builds it again)")
    call_command("collectstatic", verbosity=0, interactive=False)
    pages, about, cookies = pages_and_people()
    pages_all = pages
    connection.close()
    if args.only:
        words = args.only.split(",")
        pages = [p for p in pages if any(w in p.label for w in words)]
    print(
        f"{about['groups']:,} groups, {about['series']:,} series, {about['meetings']:,} "
        f"meetings, {about['members']:,} members, {about['memberships']:,} memberships, "
        f"{about['rsvps']:,} RSVPs, {about['resources']:,} resources; largest group: "
        f"{about['largest']}",
        flush=True,
    )

    port = free_port()
    server, log = start_server(port, var_dir, environment)
    results: list[tuple[Page, Run, float]] = []
    try:
        wait_until_up(port, server)
        # Cold first (each empties the cache), then every page once over before it is
        # measured: what is measured warm is warm.
        feed_200 = next(p for p in pages_all if p.label == "personal feed (200 groups)")
        colds = (
            {}
            if args.only
            else {
                "Meeting Guide feed": cold(
                    port, redis_url, "/feeds/meetings.json", samples=args.cold
                ),
                "personal feed (200 groups)": cold(
                    port, redis_url, feed_200.paths[0], samples=args.cold
                ),
            }
        )
        for page in pages:
            cookie = cookies.get(page.who, "")
            check(port, page, cookie)
            wrk(port, page, seconds=1, cookie=cookie, var_dir=var_dir)  # warm up
        trivial = wrk(port, None, seconds=args.seconds, cookie="", var_dir=var_dir)
        for page in pages:
            cookie = cookies.get(page.who, "")
            run = wrk(port, page, seconds=args.seconds, cookie=cookie, var_dir=var_dir)
            after = wrk(port, None, seconds=args.seconds, cookie="", var_dir=var_dir)
            results.append((page, run, (trivial.rps + after.rps) / 2))
            print(f"  {page.label}: {run.rps:.0f} req/s, p95 {run.p95:.1f} ms", flush=True)
            trivial = after
    finally:
        stop_server(server, log)

    print(
        f"\ngunicorn, 2 workers; wrk, 2 connections, {args.seconds:g} s a run, each page "
        f"between two runs of {TRIVIAL}\n"
    )
    header = (
        f"{'page':<28}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'trivial':>9}{'share':>7}"
        f"{'errors':>7}  target (aim / at least)"
    )
    print(header)
    print("-" * (len(header) + 14))
    missed = []
    for page, run, base in results:
        share = run.rps / base if base else 0.0
        targets = []
        if page.least:
            v = verdict(share, page.aim, page.least, higher_is_better=True)
            targets.append(f"share {page.aim:.0%}/{page.least:.0%}: {v}")
        if page.p95_least and (page.least or "personal" in page.label):
            v2 = verdict(run.p95, page.p95_aim, page.p95_least, higher_is_better=False)
            targets.append(f"p95 {page.p95_aim:.0f}/{page.p95_least:.0f} ms: {v2}")
        if run.errors:
            targets.append("ERRORS")
        missed += [f"{page.label}: {t}" for t in targets if "MISSED" in t or "ERRORS" in t]
        print(
            f"{page.label:<28}{run.rps:>8.0f}{run.p50:>8.1f}{run.p95:>8.1f}{base:>9.0f}"
            f"{share:>7.1%}{run.errors:>7}  {'; '.join(targets)}"
        )
    print(f"\ncold: the cache emptied before each of {args.cold} requests")
    for label, timings in colds.items():
        worst = max(timings)
        line = f"  {label}: median {statistics.median(timings):.0f} ms, slowest {worst:.0f} ms"
        if label == "Meeting Guide feed":
            v = verdict(worst, 500, 1000, higher_is_better=False)
            line += f"; target 500/1000 ms: {v}"
            if v == "MISSED":
                missed.append("Meeting Guide feed, cold")
        print(line)
    print(
        "\nshare: the page's requests per second over the trivial view's (the mean of the runs "
        "just before and after it). p50/p95: wrk's latency percentiles under that load."
    )
    if missed:
        print("\nbelow the least that counts:\n  " + "\n  ".join(missed))
        print(f"(server log: {var_dir / 'gunicorn.log'})")
        raise SystemExit(1)


if __name__ == "__main__":
    main()

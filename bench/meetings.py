"""Meetings under load: 1,000 groups, 50,000 stored meetings, the pages and feeds that read them.

Fills a throw-away SQLite database under a temporary VAR_DIR (or the database DATABASE_URL
names, whose bench rows it removes again afterwards) with bench/directory.py's 1,000 active
listed groups (topics, facilitators, members), now in four time zones (New York, London,
Chicago, Tokyo), each with one or two meeting series (mostly weekly, some every two weeks,
some monthly on the Nth weekday; morning, afternoon and evening) and 50,000 stored meetings
in all: each series' occurrences (groups.meetings.recurrence) from some months back to the horizon
the site keeps ahead (groups.services.meetings.HORIZON), about 2% of them cancelled and 1%
moved. Two members subscribe to their personal calendar feed: one in 20 groups (a realistic
feed), one in 200 (a heavy one).

Then, in process with Django's test client, it records each URL's response size and SQL
query count; and against a real gunicorn (2 workers, DEBUG off) on a free loopback port,
from one client thread per worker over keep-alive connections, requests per second and the
median and 95th percentile milliseconds per request, for: `/favicon.ico` (a one-line
redirect: the cost of gunicorn, Django and the middleware alone), the directory with its
next-meeting annotation (plain, and filtered to Tuesday evenings), both personal calendar
feeds, one group's public calendar, the Meeting Guide feed (every weekly series) and "My
meetings" (signed in, as the 20-group member).

Run: .venv/bin/python bench/meetings.py [--requests 300] [--seconds 10] [--threads 2]
Figures depend on the machine: compare runs made on the same one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from directory import (
    BASE_DIR,
    SLUG_PREFIX,
    Result,
    fill_database,
    free_port,
    load,
    remove_bench_rows,
    server_environment,
    wait_until_up,
)

MEETINGS = 50_000
ZONES = ["America/New_York", "Europe/London", "America/Chicago", "Asia/Tokyo"]
START_TIMES = [clock(7, 30), clock(12, 15), clock(18), clock(19, 30), clock(20)]
FEED_MEMBERS = (20, 200)  # groups each personal feed covers
CANCELLED_EVERY = 50  # ~2%
MOVED_EVERY = 100  # ~1%
KINDS = ("weekly", "fortnightly", "monthly")


@dataclass
class Plan:
    """One series before it is stored, and the instants of its stored meetings."""

    group_id: int
    group_index: int
    number: int
    kind: str
    rrule: str
    weekdays: str
    start_date: date
    start_time: clock
    time_zone: str
    instants: list[datetime]


def _series_plans(groups, *, now: datetime) -> list[Plan]:
    """One or two series per group, expanded from well over a year back to the horizon."""
    from groups.meetings.recurrence import (
        WEEKDAY_CODES,
        Frequency,
        Recurrence,
        first_date,
        occurrences,
    )
    from groups.models import HORIZON

    plans = []
    number = 0
    for index, group in enumerate(groups):
        for _ in range(2 if index % 2 == 0 else 1):
            zone = ZONES[index % len(ZONES)]
            day = (number * 3) % 7
            kind = number % 10
            if kind <= 6:  # weekly, one in seven of them on two days
                days = (day, (day + 3) % 7) if number % 7 == 0 else (day,)
                recurrence = Recurrence(frequency=Frequency.WEEKLY, weekdays=days)
                label = "weekly"
            elif kind <= 8:
                recurrence = Recurrence(frequency=Frequency.WEEKLY, interval=2, weekdays=(day,))
                label = "fortnightly"
            else:
                week = [1, 2, 3, -1][number % 4]
                recurrence = Recurrence(
                    frequency=Frequency.MONTHLY, weekdays=(day,), month_week=week
                )
                label = "monthly"
            start_time = START_TIMES[number % len(START_TIMES)]
            start = first_date(recurrence=recurrence, start=(now - timedelta(weeks=70)).date())
            rule = recurrence.to_rrule(time_zone=zone, start_time=start_time)
            weekdays = recurrence.weekdays or (start.weekday(),)
            plans.append(
                Plan(
                    group_id=group.pk,
                    group_index=index,
                    number=number,
                    kind=label,
                    rrule=rule,
                    weekdays=",".join(WEEKDAY_CODES[d] for d in sorted(set(weekdays))),
                    start_date=start,
                    start_time=start_time,
                    time_zone=zone,
                    instants=list(
                        occurrences(
                            rule=rule,
                            start_date=start,
                            start_time=start_time,
                            time_zone=zone,
                            until=now + HORIZON,
                        )
                    ),
                )
            )
            number += 1
    return plans


def _keep_newest(plans: list[Plan]) -> None:
    """Keep the newest MEETINGS occurrences overall (every future one, and the past back to
    where the total is reached); each series then starts at its first stored meeting, as
    one created that day would."""
    everything = sorted(
        ((instant, n) for n, plan in enumerate(plans) for instant in plan.instants),
        reverse=True,
    )
    if len(everything) < MEETINGS:
        raise SystemExit(f"only {len(everything)} occurrences planned; widen the window")
    kept: dict[int, list[datetime]] = {n: [] for n in range(len(plans))}
    for instant, n in everything[:MEETINGS]:
        kept[n].append(instant)
    for n, plan in enumerate(plans):
        plan.instants = sorted(kept[n])
        if plan.instants:
            plan.start_date = plan.instants[0].astimezone(ZoneInfo(plan.time_zone)).date()


def fill_meetings(*, now: datetime) -> dict[str, Any]:
    """Time zones for bench/directory.py's groups, their series and 50,000 meetings, in bulk;
    the two feed members. Returns what the measurements need."""
    from accounts.models import User
    from groups.calendars.ics import PAST_WINDOW
    from groups.models import CalendarFeed, Meeting, MeetingSeries, Membership, SupportGroup

    Openness = MeetingSeries.Openness
    groups = list(SupportGroup.objects.filter(slug__startswith=SLUG_PREFIX).order_by("slug"))
    for n, zone in enumerate(ZONES):
        SupportGroup.objects.filter(pk__in=[g.pk for g in groups[n :: len(ZONES)]]).update(
            time_zone=zone
        )
    plans = _series_plans(groups, now=now)
    _keep_newest(plans)
    option = {group.pk: group.format for group in groups}
    series = MeetingSeries.objects.bulk_create(
        MeetingSeries(
            group_id=plan.group_id,
            slug=f"{SLUG_PREFIX}{plan.group_index:04}-{plan.number}",
            title=f"{plan.kind.capitalize()} meeting {plan.number}",
            rrule=plan.rrule,
            start_date=plan.start_date,
            weekdays=plan.weekdays,
            start_time=plan.start_time,
            duration_minutes=90 if plan.number % 3 == 0 else 60,
            time_zone=plan.time_zone,
            attendance_option=option[plan.group_id],
            online_url=f"https://meet.example.org/{SLUG_PREFIX}{plan.number}",
            dial_in="+1 555 0100" if plan.number % 4 == 0 else "",
            location="St Anne's Hall" if plan.number % 2 else "",
            notes="Coffee from a quarter of an hour before.",
            openness=Openness.OPEN if plan.number % 3 else Openness.CLOSED,
            wheelchair_access=plan.number % 2 == 0,
        )
        for plan in plans
    )
    meetings: list[Meeting] = []
    for plan, one in zip(plans, series, strict=True):
        length = timedelta(minutes=one.duration_minutes)
        for instant in plan.instants:
            n = len(meetings)
            meeting = Meeting(
                series_id=one.pk,
                group_id=plan.group_id,
                occurrence_start=instant,
                starts_at=instant,
                ends_at=instant + length,
            )
            if n % CANCELLED_EVERY == 17:
                meeting.status = Meeting.Status.CANCELLED
                meeting.cancel_reason = "The hall is closed for repairs."
                meeting.sequence = 1
            elif n % MOVED_EVERY == 42:
                meeting.starts_at = instant + timedelta(hours=1)
                meeting.ends_at = meeting.starts_at + length
                meeting.place_override = "The side room, same building"
                meeting.sequence = 1
            meetings.append(meeting)
    Meeting.objects.bulk_create(meetings, batch_size=2000)

    feeds = {}
    for size in FEED_MEMBERS:
        user = User.objects.create(
            email=f"{SLUG_PREFIX}feed-{size}@example.org",
            display_name=f"Bench feed {size}",
            time_zone="Europe/London",
        )
        chosen = groups[:: len(groups) // size][:size]
        Membership.objects.bulk_create(
            Membership(user=user, group=group, state=Membership.State.ACTIVE) for group in chosen
        )
        feed = CalendarFeed.objects.create(user=user)
        group_ids = [group.pk for group in chosen]
        stored = Meeting.objects.filter(group_id__in=group_ids)
        feeds[size] = {
            "user": user,
            "token": feed.token,
            "series": MeetingSeries.objects.filter(group_id__in=group_ids).count(),
            "meetings": stored.count(),
            "in_window": stored.filter(occurrence_start__gte=now - PAST_WINDOW).count(),
        }
    return {
        "series": len(series),
        "kinds": {kind: [p.kind for p in plans].count(kind) for kind in KINDS},
        "meetings": len(meetings),
        "cancelled": sum(1 for m in meetings if m.status == Meeting.Status.CANCELLED),
        "moved": sum(1 for m in meetings if m.place_override),
        "first": min(m.occurrence_start for m in meetings),
        "last": max(m.occurrence_start for m in meetings),
        "feeds": feeds,
        "group_slug": groups[len(groups) // 2].slug,
    }


def remove_meeting_rows() -> None:
    """The bench's meetings, then bench/directory.py's groups and people (and, by cascade,
    the series, memberships and calendar feeds)."""
    from groups.models import Meeting

    Meeting.objects.filter(group__slug__startswith=SLUG_PREFIX).delete()
    remove_bench_rows()


def start_server(port: int, var_dir: Path, environment: dict[str, str]):
    log = open(var_dir / "gunicorn.log", "w")  # noqa: SIM115 - closed by stop_server
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
    return server, log


def stop_server(server: subprocess.Popen, log) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    log.close()


def median(result: Result) -> float:
    return statistics.median(result.timings) if result.timings else float("nan")


def p95(result: Result) -> float:
    """Also from a few samples: a slow feed may answer only a dozen times in `--seconds`."""
    if len(result.timings) < 2:
        return float("nan")
    return statistics.quantiles(result.timings, n=20, method="inclusive")[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="per URL (default 300)")
    parser.add_argument("--seconds", type=float, default=10, help="at most, per URL")
    parser.add_argument("--threads", type=int, default=2, help="client threads (default 2)")
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="kinship-bench-"))
    environment = server_environment(var_dir)
    os.environ.update(environment)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    own_database = not os.environ.get("DATABASE_URL")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    print(f"database: {connection.vendor}{' (throw-away)' if own_database else ''}")
    call_command("migrate", verbosity=0)
    if not own_database:
        remove_meeting_rows()  # a previous run that was interrupted
    try:
        started = time.perf_counter()
        fill_database()
        filled = fill_meetings(now=datetime.now(UTC))
        took = time.perf_counter() - started
        kinds = ", ".join(f"{count} {kind}" for kind, count in filled["kinds"].items())
        print(
            f"filled in {took:.1f} s: 1000 groups, {filled['series']} series ({kinds}), "
            f"{filled['meetings']} meetings ({filled['cancelled']} cancelled, "
            f"{filled['moved']} moved) from {filled['first']:%Y-%m-%d} "
            f"to {filled['last']:%Y-%m-%d}"
        )
        feeds = filled["feeds"]
        for size, feed in feeds.items():
            print(
                f"personal feed of the member in {size} groups: {feed['series']} series, "
                f"{feed['meetings']} stored meetings, {feed['in_window']} of them in the "
                "feed's window"
            )
        call_command("collectstatic", verbosity=0, interactive=False)

        anonymous = Client(HTTP_HOST="127.0.0.1")
        member = Client(HTTP_HOST="127.0.0.1")
        member.force_login(feeds[FEED_MEMBERS[0]]["user"])
        cookie = {"Cookie": f"{settings.SESSION_COOKIE_NAME}="}
        cookie["Cookie"] += member.cookies[settings.SESSION_COOKIE_NAME].value
        small, large = (feeds[size]["token"] for size in FEED_MEMBERS)
        pages = [
            # label, URL, expected status, signed in
            ("/favicon.ico (baseline)", "/favicon.ico", 302, False),
            ("/groups/", "/groups/", 200, False),
            ("/groups/?day=TU&time=evening", "/groups/?day=TU&time=evening", 200, False),
            (f"personal .ics, {FEED_MEMBERS[0]} groups", f"/calendar/{small}.ics", 200, False),
            (f"personal .ics, {FEED_MEMBERS[1]} groups", f"/calendar/{large}.ics", 200, False),
            ("group .ics", f"/groups/{filled['group_slug']}/calendar.ics", 200, False),
            ("/feeds/meetings.json", "/feeds/meetings.json", 200, False),
            (f"/meetings/ (member, {FEED_MEMBERS[0]} groups)", "/meetings/", 200, True),
        ]

        # In process: the size of each answer and the queries it takes (after one warm-up).
        sizes, queries = {}, {}
        for label, url, expect, signed_in in pages:
            client = member if signed_in else anonymous
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            if response.status_code != expect:
                raise SystemExit(f"{url}: HTTP {response.status_code}, expected {expect}")
            sizes[label] = len(response.content) / 1024
            queries[label] = len(captured)
        connection.close()

        port = free_port()
        server, log = start_server(port, var_dir, environment)
        results = []
        try:
            wait_until_up(port, server)
            for label, url, expect, signed_in in pages:
                headers = cookie if signed_in else None
                common: dict[str, Any] = {"expect": expect, "headers": headers}
                load(port, url, requests=10, seconds=5, threads=1, **common)  # warm up
                result = load(
                    port,
                    url,
                    requests=args.requests,
                    seconds=args.seconds,
                    threads=args.threads,
                    **common,
                )
                result.url = label
                results.append(result)
        finally:
            stop_server(server, log)
    finally:
        if not own_database:
            connection.close()
            remove_meeting_rows()

    baseline = median(results[0])
    print(
        f"\ngunicorn, 2 workers, {args.threads} client threads, keep-alive, loopback; "
        f"1000 groups, {filled['meetings']} meetings\n"
    )
    header = (
        f"{'URL':<36}{'requests':>9}{'req/s':>8}{'median ms':>10}{'p95 ms':>8}{'x base':>8}"
        f"{'KB':>8}{'queries':>8}"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        print(
            f"{result.url:<36}{len(result.timings):>9}{result.rps:>8.0f}{median(result):>10.1f}"
            f"{p95(result):>8.1f}{median(result) / baseline:>8.1f}"
            f"{sizes[result.url]:>8.1f}{queries[result.url]:>8}"
        )
    print(
        "\nx base: median milliseconds per request relative to the trivial /favicon.ico view."
        "\nKB and queries: one request in process (Django's test client), after a warm-up."
    )
    failed = [r for r in results if r.errors]
    for result in failed:
        print(f"{result.url}: {len(result.errors)} errors, e.g. {result.errors[0]}")
    if failed or not all(r.timings for r in results):
        print(f"(server log: {var_dir / 'gunicorn.log'})")
        raise SystemExit(1)


if __name__ == "__main__":
    main()

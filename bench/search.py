"""Library search over 10,000 resources on PostgreSQL: milliseconds per query, and the GIN index.

Needs PostgreSQL (the search under test is its full-text search; SQLite's fallback is for
trying the project out): DATABASE_URL names the server, and the bench creates a database of
its own on it, `kinship_bench_search`, fills it, and drops it again at the end, so an
everyday database is never touched.

Fills, in bulk: the starter library (resources.starter.starter_library_seed), then as many
published resources again as make --resources (10,000), their text made from the starter
resources' titles, summaries and bodies with variations (paragraphs shuffled and mixed from
two resources, a few words swapped, a place and a number in each title), in every kind and
audience; then the weighted search vectors in one UPDATE (as resources.services.curation
keeps them) and ANALYZE.

Measures, in this process (DEBUG off), for ten searches people type: the first page as the
library view reads it, `resource_list_library(q=...)` through a Paginator of 20 (the count,
the page of ranked rows with their highlighted snippets, their categories and tags),
--repeat times each after one warm-up; prints the median and 95th percentile milliseconds,
the number of results, and whether EXPLAIN of the page's query shows "Bitmap Index Scan on
resources_resource_search_gin" (a word in most resources may be cheaper to read without it).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/kinship .venv/bin/python bench/search.py \\
     [--resources 10000] [--repeat 25]
Figures depend on the machine and what else runs on it: compare runs made on the same one.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from directory import BASE_DIR, server_environment

DATABASE = "kinship_bench_search"
GIN_INDEX = "resources_resource_search_gin"
PER_PAGE = 20  # as resources.views
SLUG_PREFIX = "bench-search-"
QUERIES = [
    "CBT",
    "bladder",
    "help for my son",
    "cravings",
    "relapse prevention",
    "support group",
    "kidney damage",
    "inpatient rehab",
    "tolerance and dependence",
    "memory problems after stopping",
    "helpline",
]
PLACES = ["Leeds", "Austin", "Toronto", "Portland", "Glasgow", "Perth", "Dublin", "Denver"]
SWAPS = {
    "people": "folks",
    "often": "sometimes",
    "help": "support",
    "doctor": "GP",
    "week": "fortnight",
    "family": "household",
}


def bench_database(url: str) -> tuple[str, str]:
    """(the bench database's URL, a URL of the server's `postgres` database)."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SystemExit(
            "bench/search.py measures PostgreSQL full-text search: set DATABASE_URL=postgres://"
            f"postgres@127.0.0.1:5432/kinship (got {parts.scheme or 'nothing'}://). On SQLite "
            "the library falls back to a plain LIKE, which this bench does not measure."
        )
    bench = urlunsplit(parts._replace(path=f"/{DATABASE}"))
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    return bench, maintenance


def recreate_database(maintenance_url: str, *, drop_only: bool = False) -> None:
    import psycopg
    from psycopg import sql

    conninfo = maintenance_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DATABASE))
        )
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))


def varied(rng: random.Random, text: str, other: str) -> str:
    """`text` with its paragraphs shuffled, one paragraph of `other` mixed in, and a few
    words swapped: the same vocabulary, never the same document twice."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    extra = [p for p in other.split("\n\n") if p.strip()]
    if extra:
        paragraphs.insert(rng.randrange(len(paragraphs) + 1), rng.choice(extra))
    rng.shuffle(paragraphs)
    words = "\n\n".join(paragraphs).split(" ")
    for _ in range(max(1, len(words) // 40)):
        i = rng.randrange(len(words))
        words[i] = SWAPS.get(words[i], words[i])
    return " ".join(words)


def fill(count: int) -> tuple[int, int]:
    """The starter library and the bench's resources; returns (starter count, total)."""
    from django.db import connection
    from django.utils import timezone

    from resources.models import Category, Resource
    from resources.services.curation import reading_minutes
    from resources.starter import starter_library_seed

    starter_library_seed()
    starters = list(Resource.objects.prefetch_related("categories"))
    if not starters:
        raise SystemExit("resources.starter.starter_library_seed() made no resources")
    rng = random.Random(7)  # the same library on every run
    kinds = [k for k, _ in Resource.Kind.choices if k != Resource.Kind.HOTLINE]
    now = timezone.now()
    made = []
    for n in range(max(0, count - len(starters))):
        base, other = starters[n % len(starters)], rng.choice(starters)
        body = varied(rng, base.body or base.summary, other.body or other.summary)
        made.append(
            Resource(
                title=f"{base.title} ({PLACES[n % len(PLACES)]} {n})"[:120],
                slug=f"{SLUG_PREFIX}{n:05}",
                kind=kinds[n % len(kinds)],
                summary=varied(rng, base.summary, other.summary)[:300],
                body=body,
                for_recovery=n % 3 != 0,
                for_loved_ones=n % 3 == 0 or base.for_loved_ones,
                for_facilitators=n % 11 == 0,
                state=Resource.State.PUBLISHED,
                published_at=now,
                reading_minutes=reading_minutes(body),
            )
        )
    made = Resource.objects.bulk_create(made, batch_size=2000)
    through = Resource.categories.through
    categories = list(Category.objects.all())
    if categories:
        through.objects.bulk_create(
            (
                through(resource_id=r.pk, category_id=categories[n % len(categories)].pk)
                for n, r in enumerate(made)
            ),
            batch_size=5000,
            ignore_conflicts=True,
        )
    index_all()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return len(starters), Resource.objects.count()


def index_all() -> None:
    """Every vector in one UPDATE, weighted as resources.services.curation.resource_index."""
    from django.contrib.postgres.search import SearchVector

    from resources.models import Resource

    Resource.objects.update(
        search_vector=SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("body", weight="C", config="english")
    )


def first_page(q: str) -> tuple[int, list]:
    """What the library view reads for a search: the count and the first page of 20."""
    from django.core.paginator import Paginator

    from resources.selectors import resource_list_library

    page = Paginator(resource_list_library(q=q), PER_PAGE).get_page(1)
    return page.paginator.count, list(page)


def uses_gin(q: str) -> bool:
    from resources.selectors import resource_list_library

    plan = resource_list_library(q=q)[:PER_PAGE].explain()
    return f"Bitmap Index Scan on {GIN_INDEX}" in plan


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=10_000, help="in all (10,000)")
    parser.add_argument("--repeat", type=int, default=25, help="timed runs per query (25)")
    args = parser.parse_args()

    database_url, maintenance = bench_database(os.environ.get("DATABASE_URL", ""))
    recreate_database(maintenance)
    var_dir = Path(tempfile.mkdtemp(prefix="kinship-bench-search-"))
    os.environ.update({**server_environment(var_dir), "DATABASE_URL": database_url})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(BASE_DIR))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    rows = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        print(f"database: PostgreSQL {version}, {DATABASE} (created for this run, dropped after)")
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        starters, total = fill(args.resources)
        print(
            f"filled in {time.perf_counter() - started:.1f} s: {total:,} published resources "
            f"({starters} from the starter library, the rest varied from them), search "
            "vectors in one UPDATE, ANALYZE"
        )
        for q in QUERIES:
            first_page(q)  # warm-up: plans cached by the server, connection open
            timings = []
            for _ in range(args.repeat):
                began = time.perf_counter()
                count, page = first_page(q)
                timings.append((time.perf_counter() - began) * 1000)
            top = page[0].title if page else "(nothing)"
            rows.append((q, count, statistics.median(timings), p95(timings), uses_gin(q), top))
    finally:
        connection.close()
        recreate_database(maintenance, drop_only=True)

    print(
        f"\nresource_list_library(q=...), first page of {PER_PAGE} as the library view reads it "
        f"(count, ranked page with snippets, categories, tags); {args.repeat} runs each\n"
    )
    header = f"{'query':<32}{'results':>8}{'median ms':>11}{'p95 ms':>9}{'GIN':>5}  first result"
    print(header)
    print("-" * (len(header) + 30))
    for q, count, median, high, gin, top in rows:
        print(
            f"{q:<32}{count:>8,}{median:>11.1f}{high:>9.1f}{'yes' if gin else 'no':>5}  {top[:48]}"
        )
    medians = [median for _, _, median, _, _, _ in rows]
    print(
        f"\nall queries: median {statistics.median(medians):.1f} ms, slowest median "
        f"{max(medians):.1f} ms. GIN: whether EXPLAIN shows 'Bitmap Index Scan on "
        f"{GIN_INDEX}' (the planner reads every row instead when a word is in most of them)."
    )


if __name__ == "__main__":
    main()

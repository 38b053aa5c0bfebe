"""Counting a page's SQL queries when it is rendered afresh.

Pages kept rendered (lib.fragments) make almost no query when nothing changed; the bounds
that matter are those of the work that grows with the data, which a page does each time
one of its tables is written. So each count starts with nothing kept."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lib.fragments import fragments_forget_local


def fragments_forget() -> None:
    """Nothing kept rendered, in the cache or in this process."""
    cache.clear()
    fragments_forget_local()


def count_queries(client, url: str, *, status: int = 200, **kwargs) -> int:
    """The queries of one GET of `url` that renders every part of the page afresh."""
    fragments_forget()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, **kwargs).status_code == status
    return len(captured)

"""Rendered HTML (and feed bodies) kept under keys that change when the data under them does.

A page that thousands read and few change (the directory, a group's page, the library) is
rendered once and then served from the cache until one of the tables it reads is written.
Which tables were written, and when, is django-cachalot's bookkeeping: every ORM write
(save, delete, bulk_create, queryset.update, raw SQL) records a timestamp for its table,
after the transaction commits (`CACHALOT_ENABLED = False` in settings: cachalot caches no
query of ours, it only keeps these stamps). A fragment's key holds the stamps of the tables
it reads, so the request after a change builds it afresh: nothing waits for a timeout.

What time changes without any write (the next meeting once one has started, a zone's
abbreviation after a clock change) the caller bounds with `until`: the moment the fragment
stops being true. Every fragment also expires after MAX_AGE, and entries are kept in the
process too (a page's HTML is tens of kilobytes: no network round trip for each request),
for at most LOCAL_AGE.

The order matters: the stamps are read before the data, so a fragment built from data
older than a write can only be stored under the stamps from before that write.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cachalot.api import _get_tables
from cachalot.cache import cachalot_caches
from cachalot.settings import cachalot_settings
from django.core.cache import cache, caches
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from lib.cache import stamp_key

logger = logging.getLogger("kinship.fragments")

CSRF_FIELD = 'name="csrfmiddlewaretoken"'
MAX_AGE = 600  # seconds in the shared cache, whatever `until` says
LOCAL_AGE = 60  # seconds in a process's own memory
LOCAL_ENTRIES = 256

Tables = Sequence[type[Model] | str]


@dataclass(frozen=True)
class Built:
    """What a builder returns: the value (the HTML, a feed's body, or a tuple of them), until
    when it is true (None: until a write), and whether it may be shared at all."""

    value: Any
    until: datetime | None = None
    keep: bool = True


class _LocalEntries:
    """A small thread-safe LRU of (expires, text) by key."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] <= time.time():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: str, expires: float, value: Any) -> None:
        with self._lock:
            self._entries[key] = (expires, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_local = _LocalEntries(LOCAL_ENTRIES)


def fragments_forget_local() -> None:
    """Empty this process's copies (tests that empty the shared cache call it too)."""
    _local.clear()


def tables_stamp(tables: Tables) -> str:
    """The times of the last writes to `tables`, as text for a key: each one, not only the
    latest, so a clock set back still makes a new key. A table with no stamp (a cache that was
    emptied or restarted) is given one now, so no key from before comes back."""
    keys = [stamp_key(name) for name in sorted(set(_get_tables(tables)))]
    # Inside a transaction, its own writes' stamps (kept until the commit) count too.
    stamps = cachalot_caches.get_cache(db_alias=DEFAULT_DB_ALIAS)
    found = stamps.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        now = time.time()
        for key in missing:
            caches[cachalot_settings.CACHALOT_CACHE].add(
                key, now, cachalot_settings.CACHALOT_TIMEOUT
            )
        found = stamps.get_many(keys)
    return ",".join(f"{found.get(key, 0.0):.6f}" for key in keys)


def fragment(
    name: str,
    *,
    tables: Tables,
    vary: Iterable[Any],
    build: Callable[[], Built],
    private: bool = False,
) -> Any:
    """The value `build()` makes, from the cache while none of `tables` was written and its
    `until` has not passed. `vary` holds whatever else the value depends on (the query
    string, the viewer's zone, a member's id): its repr is hashed into the key, and so is the
    language in force (the value is built in it).

    A value shared between people is never kept if its text holds a CSRF token: a form made
    for one visitor's session, which nobody else could send (and whose cookie a kept copy
    would not set). `private` (fragment_private) is for one person's own pages."""
    parts = repr(tuple(vary)).encode()
    digest = hashlib.blake2b(parts, digest_size=12).hexdigest()
    stamps = hashlib.blake2b(tables_stamp(tables).encode(), digest_size=12).hexdigest()
    language = translation.get_language() or ""
    key = f"fragment:{name}:{language}:{stamps}:{digest}"
    entry = _local.get(key)
    if entry is not None:
        return entry
    shared = cache.get(key)
    if shared is not None:
        expires, value = shared
        if expires > time.time():
            _local.put(key, min(expires, time.time() + LOCAL_AGE), value)
            return value
    built = build()
    if not private and _holds_csrf_token(built.value):
        logger.error("A page part for %s holds a CSRF token: not kept", name)
        built = Built(built.value, keep=False)
    now = time.time()
    expires = now + MAX_AGE
    if built.until is not None:
        expires = min(expires, built.until.timestamp())
    if built.keep and expires > now:
        cache.set(key, (expires, built.value), max(1, int(expires - now) + 1))
        _local.put(key, min(expires, now + LOCAL_AGE), built.value)
    return built.value


def _holds_csrf_token(value: Any) -> bool:
    texts = value if isinstance(value, tuple) else (value,)
    return any(CSRF_FIELD in text for text in texts if isinstance(text, str))


def html_fragment(
    name: str, *, tables: Tables, vary: Iterable[Any], build: Callable[[], Built]
) -> SafeString:
    """`fragment` for HTML we rendered ourselves from templates (escaped as they escape)."""
    return mark_safe(fragment(name, tables=tables, vary=vary, build=build))  # noqa: S308


def fragment_private(
    request: HttpRequest,
    name: str,
    *,
    tables: Tables,
    vary: Iterable[Any],
    build: Callable[[], Built],
) -> Any:
    """`fragment` for one signed-in person's page, which may hold forms: kept under their id
    and a digest of their CSRF secret, so its forms' tokens stay theirs and stay valid (a new
    secret, after signing in again, makes a new key). Without a CSRF cookie yet, it is built
    each time (building sets the cookie)."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret or not request.user.is_authenticated:
        return build().value
    digest = hashlib.blake2b(secret.encode(), digest_size=12).hexdigest()
    who = (request.user.pk, digest)
    return fragment(name, tables=tables, vary=(*who, *vary), build=build, private=True)


def private_html(
    request: HttpRequest,
    name: str,
    *,
    tables: Tables,
    vary: Iterable[Any],
    build: Callable[[], Built],
) -> SafeString:
    """`fragment_private` for HTML we rendered ourselves from templates."""
    html = fragment_private(request, name, tables=tables, vary=vary, build=build)
    return mark_safe(html)  # noqa: S308


def this_hour(at: datetime) -> str:
    """For `vary`: the hour (UTC) of `at`. A page that names zones by their abbreviation
    (EST or EDT, GMT or BST) changes with the clock changes, which fall on the hour in
    UTC for nearly every zone; a new hour makes a new key."""
    return at.astimezone(UTC).strftime("%Y%m%d%H")


def earliest(*moments: datetime | None) -> datetime | None:
    """The first of the moments given that is still to come (None if none is)."""
    now = timezone.now()
    coming = [moment for moment in moments if moment is not None and moment > now]
    return min(coming) if coming else None

"""The cache: Redis, and while Redis does not answer, a fallback store in the database.

What is in the cache, and what it may lose: rate-limit counters (allauth's sign-in, sign-up
and reset limits; attendance-code attempts), rendered pages and feed bodies with the times
their tables were last written (lib.fragments), and the scheduler's heartbeat. Each can be
lost at any time (Redis flushed or restarted, or the fallback's entries left behind when
Redis comes back) and each is rebuilt: a counter starts again at zero, a page is rendered
again (a lost write time is set anew, and both stores' times are renewed whenever one takes
over from the other), the heartbeat returns within a minute. Nothing in the cache
is the only copy of anything a member entered: sessions and the outbox are in the database.

Why a fallback and not "no cache": the rate limits are what stops a password being guessed.
With Redis down they must still count, and count once for all web processes and machines,
so the fallback is Django's database cache (table `kinship_cache_fallback`, created by a
migration) rather than a per-process memory.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any, cast

import redis
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import DEFAULT_DB_ALIAS, DatabaseError

from lib.outages import Outage

FALLBACK_TABLE = "kinship_cache_fallback"

# One per Redis location and process: Django gives each thread its own cache object.
_outages: dict[str, Outage] = {}
_UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def _stamps_renew(store: Any) -> None:
    """When the cache changes hands (Redis stops, or answers again), the tables' write stamps
    in the store now answering may be old: writes meanwhile were recorded in the other. Every
    stamp is renewed in `store`, so no page rendered before comes back (lib.fragments)."""
    from cachalot.settings import cachalot_settings

    tables: Iterable[str] = cachalot_settings.CACHALOT_ONLY_CACHABLE_TABLES
    now = time.time()
    store.set_many({stamp_key(table): now for table in tables}, cachalot_settings.CACHALOT_TIMEOUT)


def stamp_key(table: str) -> str:
    """The cache key under which django-cachalot keeps the time `table` was last written."""
    from cachalot.settings import cachalot_settings

    keygen = cast("Callable[[str, str], str]", cachalot_settings.CACHALOT_TABLE_KEYGEN)
    return keygen(DEFAULT_DB_ALIAS, table)


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, which turns to the cache alias named FALLBACK ("fallback") for
    as long as Redis does not answer, trying Redis again every few seconds."""

    def __init__(self, server: str, params: dict[str, Any]):
        super().__init__(server, params)
        self._fallback_alias = params.get("FALLBACK", "fallback")
        self.outage = _outages.setdefault(
            server,
            Outage(
                "Redis (cache)",
                effect="the cache uses the database meanwhile (rate limits still count)",
            ),
        )

    def _call(self, method: str, *args: Any) -> Any:
        if not self.outage.skip():
            try:
                result = getattr(super(), method)(*args)
            except _UNREACHABLE as exc:
                if self.outage.down(exc):
                    _stamps_renew(self)  # in the fallback, now answering
            else:
                if self.outage.up():
                    _stamps_renew(self)  # in Redis again
                return result
        return getattr(caches[self._fallback_alias], method)(*args)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call("add", key, value, timeout, version)

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._call("get", key, default, version)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call("set", key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call("touch", key, timeout, version)

    def delete(self, key: Any, version: Any = None) -> Any:
        return self._call("delete", key, version)

    def get_many(self, keys: Any, version: Any = None) -> Any:
        return self._call("get_many", keys, version)

    def has_key(self, key: Any, version: Any = None) -> Any:
        return self._call("has_key", key, version)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        return self._call("incr", key, delta, version)

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys: Any, version: Any = None) -> Any:
        return self._call("delete_many", keys, version)

    def clear(self) -> Any:
        return self._call("clear")


class WriteStampsCache(BaseCache):
    """Where django-cachalot keeps the times the tables were last written (lib.fragments):
    the default cache, through this alias for one reason. The database cache's table is made
    by a migration; the migrations before it write tables too, and their stamps cannot be
    kept yet. That is no error: nothing can have been kept rendered before the site's first
    `migrate` either. Every other failure is the default cache's own."""

    def __init__(self, location: str, params: dict[str, Any]):
        super().__init__(params)

    def _quietly(self, method: str, default: Any, *args: Any) -> Any:
        try:
            return getattr(caches["default"], method)(*args)
        except DatabaseError:
            return default

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._quietly("get", default, key, default, version)

    def get_many(self, keys: Any, version: Any = None) -> Any:
        return self._quietly("get_many", {}, keys, version)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._quietly("add", False, key, value, timeout, version)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._quietly("set", None, key, value, timeout, version)

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._quietly("set_many", [], data, timeout, version)

    def delete(self, key: Any, version: Any = None) -> Any:
        return self._quietly("delete", False, key, version)

    def clear(self) -> Any:
        return self._quietly("clear", None)

"""The cache: Redis, and while Redis does not answer, a fallback store in the database.

What is in the cache, and what it may lose: rate-limit counters (allauth's sign-in, sign-up
and reset limits; attendance-code attempts), rendered feed bodies, and the scheduler's
heartbeat. Each can be lost at any time (Redis flushed or restarted, or the fallback's
entries left behind when Redis comes back) and each is rebuilt: a counter starts again at
zero, a feed is rendered again, the heartbeat returns within a minute. Nothing in the cache
is the only copy of anything a member entered: sessions and the outbox are in the database.

Why a fallback and not "no cache": the rate limits are what stops a password being guessed.
With Redis down they must still count, and count once for all web processes and machines,
so the fallback is Django's database cache (table `kinship_cache_fallback`, created by a
migration) rather than a per-process memory.
"""

from __future__ import annotations

from typing import Any

import redis
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

from lib.outages import Outage

FALLBACK_TABLE = "kinship_cache_fallback"

# One per Redis location and process: Django gives each thread its own cache object.
_outages: dict[str, Outage] = {}
_UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


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
                self.outage.down(exc)
            else:
                self.outage.up()
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

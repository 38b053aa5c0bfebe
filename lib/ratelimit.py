"""Rate limits for pages whose address is the key (a join address, a signed link): a fixed
window per key and per network address, counted in the cache. A cache that is down lets
requests through (ResilientRedisCache answers as a miss): a meeting's door must not close
because Redis did."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

# action: (most requests, in seconds, counted per "key" or "ip"), each rate on its own.
RATES: dict[str, tuple[tuple[int, int, str], ...]] = {
    # A member opens their address a few times around the start, and the waiting page
    # reloads once when the room opens; a shared network (a treatment centre) many times.
    "join-address": ((30, 600, "key"), (120, 600, "ip")),
    "cant-make-it": ((10, 600, "key"), (60, 600, "ip")),
}


def rate_limited(action: str, *, key: str, ip: str | None, now: float | None = None) -> bool:
    """Count one request for `action`; True once any of its rates is exceeded."""
    if not settings.RATE_LIMITS_ENABLED:
        return False
    now = time.time() if now is None else now
    for amount, seconds, per in RATES[action]:
        source = key if per == "key" else (ip or "")
        if not source:
            continue
        digest = hashlib.sha256(source.encode()).hexdigest()[:24]
        window = int(now // seconds)
        cache_key = f"ratelimit:{action}:{per}:{digest}:{window}"
        if cache.add(cache_key, 1, timeout=seconds):
            count = 1
        else:
            try:
                count = cache.incr(cache_key)
            except ValueError:  # expired in between, or the cache is down
                count = 1
        if count > amount:
            return True
    return False

"""Rate limits for pages whose address is the key (a join address, a signed link, a letter's
code): a window per key and per network address, counted in the cache, that starts with
the first request. IPv6 addresses count per /64, the block one subscriber usually gets. A
cache that is down lets requests through (ResilientRedisCache answers as a miss): a
meeting's door must not close because Redis did."""

from __future__ import annotations

import hashlib
import ipaddress
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache


class Rate(NamedTuple):
    most: int  # requests
    seconds: int  # in this long
    per: str  # counted per "key" or per "ip"


def _network(ip: str | None) -> str:
    if not ip:
        return "unknown"
    address = ipaddress.ip_address(ip)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def rate_limited(action: str, rates: tuple[Rate, ...], *, key: str = "", ip: str | None) -> bool:
    """Count one request for `action`; True once any of `rates` is exceeded."""
    if not settings.RATE_LIMITS_ENABLED:
        return False
    for rate in rates:
        source = key if rate.per == "key" else _network(ip)
        digest = hashlib.sha256(source.encode()).hexdigest()[:24]
        cache_key = f"ratelimit:{action}:{rate.per}:{digest}"
        cache.add(cache_key, 0, timeout=rate.seconds)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # the window ran out between add and incr, or the cache is down
            cache.set(cache_key, 1, timeout=rate.seconds)
            count = 1
        if count > rate.most:
            return True
    return False

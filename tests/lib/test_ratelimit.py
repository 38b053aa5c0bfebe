"""lib.ratelimit: a window per key and per network that starts with the first request, IPv6
counted per /64, and nothing counted when the operator turned the limits off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from lib.ratelimit import Rate, rate_limited

PER_IP = (Rate(2, 600, "ip"),)
START = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def _tries(ip: str, times: int) -> list[bool]:
    return [rate_limited("test", PER_IP, ip=ip) for _ in range(times)]


def test_addresses_of_one_ipv6_block_count_together_and_other_blocks_apart(settings):
    settings.RATE_LIMITS_ENABLED = True
    assert _tries("2001:db8:1:1::1", 2) == [False, False]
    assert _tries("2001:db8:1:1::ffff", 1) == [True]  # the same /64
    assert _tries("2001:db8:1:2::1", 1) == [False]  # the next /64


def test_the_window_starts_with_the_first_request_and_then_opens_again(settings):
    settings.RATE_LIMITS_ENABLED = True
    with time_machine.travel(START, tick=False):
        assert _tries("203.0.113.9", 3) == [False, False, True]
    with time_machine.travel(START + timedelta(seconds=599), tick=False):
        assert _tries("203.0.113.9", 1) == [True]
    with time_machine.travel(START + timedelta(seconds=601), tick=False):
        assert _tries("203.0.113.9", 1) == [False]


def test_nothing_is_counted_when_the_limits_are_off(settings):
    settings.RATE_LIMITS_ENABLED = False
    assert _tries("203.0.113.10", 5) == [False] * 5

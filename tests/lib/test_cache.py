"""The cache with Redis unreachable: everything it is asked still works, in the database
fallback, so rate limits keep counting (and hold across processes); the log says it once."""

from __future__ import annotations

import logging

import pytest
from cachalot.settings import cachalot_settings
from cachalot.utils import get_table_cache_key
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from lib import cache as resilient
from lib.outages import Outage
from tests.conftest import free_port
from tests.factories import DEFAULT_PASSWORD


@pytest.fixture
def redis_unreachable(settings):
    """The production cache settings, with Redis at a port nothing listens on."""
    location = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "lib.cache.ResilientRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "kinship",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
            "FALLBACK": "fallback",
        },
        "fallback": settings.CACHE_FALLBACK,
    }
    return location


def test_the_fallback_table_is_the_one_the_settings_name(settings):
    assert settings.CACHE_FALLBACK["LOCATION"] == resilient.FALLBACK_TABLE


@pytest.mark.django_db
def test_every_operation_works_in_the_database_and_the_log_says_so_once(redis_unreachable, caplog):
    caplog.set_level(logging.INFO)
    cache.set("counter", 1, 60)
    assert cache.get("counter") == 1
    assert cache.incr("counter") == 2
    assert cache.add("lock", True, 60) is True
    assert cache.add("lock", True, 60) is False
    assert cache.get_many(["counter", "lock"]) == {"counter": 2, "lock": True}
    cache.delete("lock")
    assert cache.get("lock", "gone") == "gone"
    assert cache.get_or_set("made", lambda: "once", 60) == "once"

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {resilient.FALLBACK_TABLE}")  # noqa: S608
        keys = {key.split(":", 2)[2] for (key,) in cursor.fetchall()}
    # Besides counter and made: each table's write stamp, renewed when the table took over,
    # so that no page kept from before the outage is served during it (lib.fragments).
    stamps = {
        get_table_cache_key("default", table)
        for table in cachalot_settings.CACHALOT_ONLY_CACHABLE_TABLES
    }
    assert keys == {"counter", "made"} | stamps
    assert caplog.text.count("Redis (cache) does not answer (ConnectionError)") == 1
    assert "127.0.0.1" not in caplog.text  # the URL (which may hold a password) stays out


def test_redis_is_tried_again_only_after_a_pause(redis_unreachable, monkeypatch):
    clock = [100.0]
    outage = Outage("Redis (cache)", effect="test", retry_after=5, clock=lambda: clock[0])
    monkeypatch.setitem(resilient._outages, redis_unreachable, outage)
    backend = resilient.ResilientRedisCache(redis_unreachable, {"FALLBACK": "fallback"})
    tries = []
    original = resilient.RedisCache.get

    def counting_get(self, *args, **kwargs):
        tries.append(clock[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(resilient.RedisCache, "get", counting_get)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(resilient, "caches", {"fallback": _Memory()})
        for at in (100.0, 101.0, 104.0, 105.5, 106.0):
            clock[0] = at
            backend.get("key")
    assert tries == [100.0, 105.5]  # not at 101, 104 (within 5 s), 106 (within 5 s of 105.5)


class _Memory:
    def get(self, key, default=None, version=None):
        return default

    def set_many(self, data, timeout=None, version=None):
        return []


@pytest.mark.django_db
def test_the_sixth_wrong_password_is_refused_with_redis_unreachable(
    client, member, redis_unreachable
):
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": member.email, "password": "wrong-password"}
        )
        assert response.status_code == 200
        assert "Too many failed login attempts" not in response.content.decode()
    response = client.post(
        reverse("account_login"), {"login": member.email, "password": DEFAULT_PASSWORD}
    )
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session

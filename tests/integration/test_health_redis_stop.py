"""Stop a real Redis under the running site: /healthz turns 503 naming the broker, then recovers."""

import shutil
import subprocess

import pytest
import redis
from django.urls import reverse

from config.celery import app as celery_app
from tests.conftest import free_port, skip_or_fail
from tests.integration.conftest import wait_until

pytestmark = [pytest.mark.integration]


def start_redis(port: int) -> subprocess.Popen:
    binary = shutil.which("redis-server")
    if not binary:
        skip_or_fail("redis-server is not installed")
    assert binary is not None  # skip_or_fail does not return
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port, socket_connect_timeout=1)

    def answers() -> bool:
        try:
            return client.ping()
        except redis.RedisError:
            return False

    assert wait_until(answers, timeout=10), "private redis-server did not start"
    return proc


@pytest.mark.django_db
def test_healthz_follows_a_redis_that_stops_and_comes_back(client, monkeypatch):
    port = free_port()
    monkeypatch.setitem(celery_app.conf, "broker_url", f"redis://127.0.0.1:{port}/0")
    monkeypatch.setitem(celery_app.conf, "broker_write_url", None)
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {})
    monkeypatch.setitem(celery_app.conf, "broker_transport", None)
    server = start_redis(port)
    try:
        assert client.get(reverse("healthz")).status_code == 200

        server.terminate()
        server.wait(timeout=10)
        response = client.get(reverse("healthz"))
        assert response.status_code == 503
        assert response.json()["down"] == ["broker"]

        server = start_redis(port)
        assert client.get(reverse("healthz")).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=10)

import json

import pytest
from django.db import OperationalError
from django.urls import reverse

from config import health


@pytest.mark.django_db
def test_healthz_names_each_dependency_and_answers_200_when_all_are_up(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["dependencies"]["database"]["state"] == "up"
    assert body["dependencies"]["broker"]["state"] == "up"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_broker_when_it_is_unreachable(client, broker_at):
    # Nothing listens on port 1: exactly what a stopped Redis looks like to the web process.
    broker_at("redis://127.0.0.1:1/0")

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "unavailable"
    assert body["down"] == ["broker"]
    assert body["dependencies"]["broker"]["state"] == "down"
    assert body["dependencies"]["database"]["state"] == "up"


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_database_when_it_fails(client, monkeypatch):
    def failing_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(health.connection, "cursor", failing_cursor)

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["down"] == ["database"]


@pytest.mark.django_db
def test_healthz_does_not_publish_why_a_check_failed(client, broker_at, caplog):
    broker_at("redis://127.0.0.1:1/0")

    response = client.get(reverse("healthz"))

    assert "127.0.0.1" not in response.content.decode()
    # The operator finds it in the log, once however often a load balancer asks.
    client.get(reverse("healthz"))
    assert caplog.text.count("the broker (health check) does not answer") == 1


def test_scheduler_heartbeat_is_reported_up_then_stale(settings):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    assert health.scheduler_state(now=now)["state"] == "unknown"
    health.scheduler_record_heartbeat(now=now)
    assert health.scheduler_state(now=now + timedelta(seconds=30))["state"] == "up"
    later = now + timedelta(seconds=health.HEARTBEAT_STALE_AFTER_SECONDS + 1)
    assert health.scheduler_state(now=later)["state"] == "stale"


def test_with_nothing_installed_the_web_server_sees_the_heartbeat_the_worker_wrote(tmp_path):
    """`make run` without Redis: the worker and the web server are separate processes, and
    /healthz reported the scheduler "unknown" for ever while each kept its own memory cache.
    Here a worker process writes the heartbeat and another process reads /healthz's state."""
    from tests.zero_setup import zero_setup_runner

    run = zero_setup_runner(tmp_path, timeout=120)
    run("manage.py", "createcachetable")
    run("-c", "import django; django.setup(); from config.tasks import heartbeat; heartbeat()")
    state = run(
        "-c",
        "import django; django.setup(); from config.health import scheduler_state; "
        "print(scheduler_state()['state'])",
    )
    assert state.strip() == "up"

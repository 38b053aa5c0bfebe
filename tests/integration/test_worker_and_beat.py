"""The real pipeline: Redis broker, a Celery worker process, beat, and an SMTP conversation."""

import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse
from django.utils import timezone

from config import health
from tests.conftest import message_text
from tests.integration.conftest import wait_until

pytestmark = [pytest.mark.integration]

SIGNUP = {
    "email": "harbor@example.org",
    "display_name": "Harbor",
    "time_zone": "America/Denver",
    "password1": "long-quiet-evening-8",
    "password2": "long-quiet-evening-8",
}


@pytest.mark.django_db(transaction=True)
def test_signup_code_is_delivered_by_a_real_worker_over_smtp(client, celery_processes, smtp_inbox):
    celery_processes.start(
        "worker", "--pool", "solo", "--queues", celery_processes.env["CELERY_TASK_DEFAULT_QUEUE"]
    )

    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302

    message = smtp_inbox.wait_for(lambda m: "harbor@example.org" in m["X-Envelope-To"], 60)
    assert "Harbor" not in message["Subject"]
    assert re.search(r"^\s*[A-Z0-9]{4}-[A-Z0-9]{4}\s*$", message_text(message), re.MULTILINE)
    worker_log = celery_processes.log("worker")
    assert "harbor@example.org" not in worker_log  # logs never carry the address


@pytest.mark.django_db(transaction=True)
def test_mail_waits_for_an_smtp_server_that_is_down_then_goes_out_once(
    client, celery_processes, smtp_inbox
):
    smtp_inbox.refuse = True
    celery_processes.start(
        "worker", "--pool", "solo", "--queues", celery_processes.env["CELERY_TASK_DEFAULT_QUEUE"]
    )
    client.post(reverse("account_signup"), SIGNUP)

    assert wait_until(lambda: "Retry in" in celery_processes.log("worker"), timeout=60)
    assert smtp_inbox.messages == []
    smtp_inbox.refuse = False

    smtp_inbox.wait_for(lambda m: "harbor@example.org" in m["X-Envelope-To"], timeout=120)
    assert wait_until(lambda: "succeeded" in celery_processes.log("worker"), timeout=10)
    assert len(smtp_inbox.messages) == 1


def test_beat_schedules_the_heartbeat_and_the_worker_runs_it(celery_processes, redis_url, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "kinship",
        }
    }
    assert isinstance(caches["default"], RedisCache)
    caches["default"].delete(health.HEARTBEAT_CACHE_KEY)
    started = timezone.now() - timedelta(seconds=1)
    queue = celery_processes.env["CELERY_TASK_DEFAULT_QUEUE"]
    schedule = celery_processes.tmp_path / "beat-schedule"
    celery_processes.start("worker", "--pool", "solo", "--queues", queue)
    celery_processes.start("beat", "--schedule", str(schedule))

    def beat_seen() -> bool:
        state = health.scheduler_state()
        return state["state"] == "up" and state["last_heartbeat"] >= started.isoformat()

    assert wait_until(beat_seen, timeout=60), celery_processes.log("beat")

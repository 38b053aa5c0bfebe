"""The real pipeline: Redis broker, a Celery worker process, beat, and an SMTP conversation."""

import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse
from django.utils import timezone

from config import health
from notifications.email import message_id
from notifications.models import OutboxMessage
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
    # No beat: the dispatcher task queued after the sign-up's commit is enough.
    celery_processes.start_worker()

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
    # A refused message goes back to the ledger with a pause (1 s, 2 s, … here); beat's
    # dispatcher (every second here) hands it out again when the pause is over.
    celery_processes.start_worker()
    celery_processes.start_beat()
    client.post(reverse("account_signup"), SIGNUP)

    deferred = re.compile(r"outbox message (\d+) deferred \(attempt (\d+)\)")
    assert wait_until(
        lambda: any(int(n) >= 2 for _, n in deferred.findall(celery_processes.log("worker"))),
        timeout=60,
    ), celery_processes.log("worker")
    row = OutboxMessage.objects.get(pk=deferred.search(celery_processes.log("worker")).group(1))
    assert smtp_inbox.messages == []
    assert row.state != OutboxMessage.State.SENT and row.attempts >= 2  # kept, not lost
    smtp_inbox.refuse = False

    message = smtp_inbox.wait_for(lambda m: "harbor@example.org" in m["X-Envelope-To"], 60)
    assert message["Message-ID"] == message_id(row)
    assert wait_until(lambda: _state(row) == OutboxMessage.State.SENT, timeout=10)
    # Sent is final: no dispatcher run hands it out again.
    beat_runs = celery_processes.log("beat").count("outbox-dispatch")
    assert wait_until(
        lambda: celery_processes.log("beat").count("outbox-dispatch") >= beat_runs + 2, 10
    )
    assert [m["Message-ID"] for m in smtp_inbox.messages] == [message_id(row)]


def _state(row: OutboxMessage) -> str:
    row.refresh_from_db(fields=["state"])
    return row.state


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
    celery_processes.start_worker()
    celery_processes.start_beat()

    def beat_seen() -> bool:
        state = health.scheduler_state()
        return state["state"] == "up" and state["last_heartbeat"] >= started.isoformat()

    assert wait_until(beat_seen, timeout=60), celery_processes.log("beat")

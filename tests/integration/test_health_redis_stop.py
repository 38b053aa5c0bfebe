"""Stop a real Redis under the running site: /healthz turns 503 naming the broker, then recovers."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.integration]


@pytest.mark.django_db
def test_healthz_follows_a_redis_that_stops_and_comes_back(client, private_redis, broker_at):
    broker_at(private_redis.url)
    assert client.get(reverse("healthz")).status_code == 200

    private_redis.stop()
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["down"] == ["broker"]

    private_redis.start()
    assert client.get(reverse("healthz")).status_code == 200

"""A broker that refuses: the member's request, already committed, still answers as usual;
the mail waits as a row for the dispatcher, and the log says so once, not once a request."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from accounts.models import DataExport
from config.celery import app as celery_app
from notifications.models import OutboxMessage
from tests.conftest import free_port


@pytest.fixture
def refusing_broker(monkeypatch, broker_at):
    """Celery publishing for real (not eagerly) to a port nothing listens on."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    broker_at(f"redis://127.0.0.1:{free_port()}/0")


@pytest.mark.django_db(transaction=True)
def test_a_request_that_records_mail_answers_while_the_broker_refuses(
    client, member, refusing_broker, caplog
):
    caplog.set_level(logging.INFO)
    for _ in range(2):
        response = client.post(reverse("account_reset_password"), {"email": member.email})
        assert response.status_code == 302

    rows = OutboxMessage.objects.filter(user=member)
    assert rows.count() == 2  # committed, waiting for the dispatcher
    assert set(rows.values_list("state", flat=True)) == {OutboxMessage.State.SCHEDULED}
    assert caplog.text.count("the broker does not answer") == 1
    assert "Error calling" not in caplog.text  # nothing reached Django's robust handler


@pytest.mark.django_db(transaction=True)
def test_an_export_asked_for_while_the_broker_refuses_is_built_by_the_sweep(
    client, member, refusing_broker, monkeypatch
):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from accounts.tasks import exports_build_stalled
    from tests.conftest import sign_in_recently

    sign_in_recently(client, member)
    response = client.post(reverse("accounts:export"))
    assert response.status_code == 302
    export = DataExport.objects.get(user=member)
    assert export.status == DataExport.Status.PENDING

    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)  # the broker is back
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert exports_build_stalled() == 1
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY

"""The admin's view of the mail pipeline: counts per hour, and retrying a failed message."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.models import OutboxMessage
from tests.factories import activate_totp

pytestmark = pytest.mark.django_db
State = OutboxMessage.State
URL = reverse("admin:notifications_outboxmessage_changelist")


@pytest.fixture
def admin_client(client, admin_user):
    activate_totp(admin_user)
    client.force_login(admin_user)
    return client


def row(state: str, due_at, **kwargs) -> OutboxMessage:
    payload: dict[str, object]
    payload = {"subject": "Private subject", "body": "Private words.", "from_email": "k@x.org"}
    payload |= {"to": ["sam@example.org"], "reply_to": [], "headers": {}, "alternatives": []}
    return OutboxMessage.objects.create(state=state, due_at=due_at, payload=payload, **kwargs)


def test_the_pipeline_page_counts_each_hour_by_state_without_showing_any_text(admin_client):
    now = timezone.now().replace(minute=30, second=0, microsecond=0)
    for state in [State.SENT, State.SENT, State.FAILED, State.EXPIRED, State.QUEUED]:
        row(state, now)
    row(State.SCHEDULED, now)
    row(State.SENT, now - timedelta(hours=2))
    response = admin_client.get(URL)
    assert response.status_code == 200
    hours = response.context["hours"]
    assert [(h.waiting, h.in_flight, h.sent, h.failed, h.expired) for h in hours] == [
        (1, 1, 2, 1, 1),
        (0, 0, 1, 0, 0),
    ]
    html = response.content.decode()
    assert "Private words." not in html and "sam@example.org" not in html


def test_an_admin_retries_a_failed_message_and_it_goes_out(
    admin_client, django_capture_on_commit_callbacks
):
    failed = row(State.FAILED, timezone.now() - timedelta(hours=1), attempts=8)
    sent = row(State.SENT, timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            URL,
            {"action": "retry", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )
    assert "1 message will be sent again. 1 skipped" in response.content.decode()
    failed.refresh_from_db()
    assert failed.state == State.SENT
    assert [m.subject for m in mail.outbox] == ["Private subject"]


def test_nobody_edits_or_deletes_a_message_in_the_admin(admin_client):
    message = row(State.SENT, timezone.now())
    change = reverse("admin:notifications_outboxmessage_change", args=[message.pk])
    page = admin_client.get(change).content.decode()
    assert 'name="state"' not in page  # shown, not editable
    delete = reverse("admin:notifications_outboxmessage_delete", args=[message.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403


def test_the_pipeline_pages_old_addresses_lead_to_their_new_ones(admin_client):
    message = OutboxMessage.objects.create(due_at=timezone.now(), state="failed")
    old = f"/admin/accounts/outboxmessage/{message.pk}/change/"
    response = admin_client.get(old)
    assert response.status_code == 301
    assert response["Location"] == reverse(
        "admin:notifications_outboxmessage_change", args=[message.pk]
    )
    listing = admin_client.get("/admin/accounts/outboxmessage/?state__exact=failed", follow=True)
    assert listing.redirect_chain[-1][0] == URL + "?state__exact=failed"
    assert listing.status_code == 200

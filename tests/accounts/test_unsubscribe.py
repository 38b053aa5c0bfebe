"""One-click unsubscribe from a message's List-Unsubscribe link (RFC 8058)."""

from __future__ import annotations

import base64
import json

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from accounts.services.unsubscribe import unsubscribe_token

pytestmark = pytest.mark.django_db


def url(user, category: str) -> str:
    return reverse(
        "accounts:unsubscribe", args=[unsubscribe_token(user_id=user.pk, category=category)]
    )


def test_the_link_asks_first_and_changes_nothing_on_a_visit(client, member):
    response = client.get(url(member, "reminders"))
    assert response.status_code == 200
    assert "Stop meeting reminders" in response.content.decode()
    member.refresh_from_db()
    assert member.reminder_lead_minutes == [1440, 60]


def test_a_mail_clients_one_click_post_stops_reminders_without_a_session(member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)  # as a mail client: no cookie, no CSRF token
    response = client.post(url(member, "reminders"), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "no more meeting reminders" in response.content.decode()
    member.refresh_from_db()
    assert member.reminder_lead_minutes == []
    event = AuditEvent.objects.get(action=AuditEvent.Action.PROFILE_CHANGED)
    assert event.details == {"fields": ["reminder_lead_minutes"]}


def test_news_from_groups_can_be_stopped_too(client, member):
    client.post(url(member, "updates"))
    member.refresh_from_db()
    assert member.group_update_emails is False
    assert member.reminder_lead_minutes == [1440, 60]


def test_messages_about_the_account_cannot_be_stopped_and_the_page_says_so(client, member):
    response = client.post(url(member, "account"))
    assert response.status_code == 200
    assert "can't be turned off" in response.content.decode()
    member.refresh_from_db()
    assert member.group_update_emails is True


@pytest.mark.parametrize("token", ["nonsense", "WzEsInJlbWluZGVycyJd:1tamper:forged", "x" * 300])
def test_a_forged_link_is_404_and_changes_nothing(client, member, token):
    response = client.post(reverse("accounts:unsubscribe", args=[token]))
    assert response.status_code == 404
    member.refresh_from_db()
    assert member.reminder_lead_minutes == [1440, 60]


def test_a_link_for_another_category_of_the_same_member_cannot_be_made_up(client, member):
    genuine = unsubscribe_token(user_id=member.pk, category="reminders")
    other = base64.urlsafe_b64encode(json.dumps([member.pk, "updates"]).encode()).rstrip(b"=")
    forged = ":".join([other.decode(), *genuine.split(":")[1:]])
    assert forged != genuine
    assert client.post(reverse("accounts:unsubscribe", args=[forged])).status_code == 404

"""One-click unsubscribe from a message's List-Unsubscribe link (RFC 8058)."""

from __future__ import annotations

import base64
import json

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, User
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


def one_click(message):
    """What a mail provider does with a message's one-click link (RFC 8058): a POST of
    `List-Unsubscribe=One-Click` to the header's address, with no cookie and no CSRF token."""
    from urllib.parse import urlsplit

    from django.test import Client

    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    address = urlsplit(message.extra_headers["List-Unsubscribe"].strip("<>"))
    assert address.scheme in ("http", "https")
    return Client(enforce_csrf_checks=True).post(
        address.path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
        headers={"host": address.netloc},
    )


def test_a_providers_one_click_on_a_sent_reminder_turns_reminders_off():
    from tests.notifications.test_outbox_mime import a_reminder

    message = a_reminder()
    response = one_click(message)
    assert response.status_code == 200
    member = User.objects.get(email=message.to[0])
    assert member.reminder_lead_minutes == []


def test_a_providers_one_click_on_a_sent_announcement_turns_news_from_groups_off(
    django_capture_on_commit_callbacks,
):
    from django.core import mail

    from groups.services.groups import announcement_post
    from tests.factories import MembershipFactory, SupportGroupFactory, UserFactory

    group = SupportGroupFactory()
    author = UserFactory()
    MembershipFactory(user=author, group=group, role="facilitator")
    reader = MembershipFactory(group=group).user
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        announcement_post(group=group, author=author, title="News", body="Hello.")
    [message] = mail.outbox
    assert one_click(message).status_code == 200
    reader.refresh_from_db()
    assert reader.group_update_emails is False


def test_messages_about_the_account_carry_no_unsubscribe_header(
    client, member, django_capture_on_commit_callbacks
):
    from django.core import mail

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": member.email})
    [message] = mail.outbox
    assert "reset" in message.body.lower()
    headers = {name.lower() for name in message.message()}
    assert "list-unsubscribe" not in headers
    assert "list-unsubscribe-post" not in headers

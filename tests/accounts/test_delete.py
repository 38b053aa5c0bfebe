"""A member deletes their account: personal data goes at once, an anonymous row stays for
other people's records, and nobody can sign in to it again."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import FORMER_MEMBER, AuditEvent, DataExport, User
from accounts.services.export_requests import export_request
from accounts.services.exports import export_build
from accounts.services.users import DELETION_CHECKS, user_delete, user_deletion_blockers
from tests.conftest import sign_in_recently
from tests.factories import DEFAULT_PASSWORD, totp_code

pytestmark = pytest.mark.django_db

DELETE_URL = reverse("accounts:delete")


def assert_untouched(user: User) -> None:
    before = (user.email, user.display_name, user.password, user.is_active)
    user.refresh_from_db()
    assert (user.email, user.display_name, user.password, user.is_active) == before
    assert EmailAddress.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ACCOUNT_DELETED).exists()


def test_the_page_says_what_goes_what_stays_and_links_to_the_export(client, member):
    sign_in_recently(client, member)

    response = client.get(DELETE_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "cannot be undone" in html
    assert FORMER_MEMBER in html
    assert f'href="{reverse("accounts:export")}"' in html
    assert 'autocomplete="current-password"' in html
    assert 'name="code"' not in html  # no authenticator app, no code to ask for


def test_a_wrong_password_is_an_error_at_the_field_and_changes_nothing(client, member):
    sign_in_recently(client, member)

    response = client.post(DELETE_URL, {"password": "not-my-password"})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["password"]
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert 'id="id_password_error"' in html
    assert_untouched(member)


def test_with_an_authenticator_app_a_wrong_code_changes_nothing(client, member):
    sign_in_recently(client, member)
    secret = generate_totp_secret()
    TOTP.activate(member, secret)

    page = client.get(DELETE_URL).content.decode()
    assert 'name="code"' in page
    response = client.post(DELETE_URL, {"password": DEFAULT_PASSWORD, "code": "000000"})
    if totp_code(secret) == "000000":  # one chance in a million
        pytest.skip("the wrong code happened to be right")

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["code"]
    assert_untouched(member)
    assert Authenticator.objects.filter(user=member).exists()

    response = client.post(DELETE_URL, {"password": DEFAULT_PASSWORD})
    assert list(response.context["form"].errors) == ["code"]
    assert_untouched(member)


def test_with_an_authenticator_app_the_right_code_deletes_the_account(client, member):
    sign_in_recently(client, member)
    secret = generate_totp_secret()
    TOTP.activate(member, secret)

    response = client.post(DELETE_URL, {"password": DEFAULT_PASSWORD, "code": totp_code(secret)})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    member.refresh_from_db()
    assert member.display_name == FORMER_MEMBER
    assert not Authenticator.objects.filter(user=member).exists()


def test_a_recovery_code_does_instead_of_the_app(client, member):
    sign_in_recently(client, member)
    TOTP.activate(member, generate_totp_secret())
    code = RecoveryCodes.activate(member).generate_codes()[0]

    response = client.post(DELETE_URL, {"password": DEFAULT_PASSWORD, "code": code})

    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.is_active


def test_a_right_code_behind_a_wrong_password_is_not_spent(client, member):
    sign_in_recently(client, member)
    TOTP.activate(member, generate_totp_secret())
    recovery = RecoveryCodes.activate(member)
    code = recovery.generate_codes()[0]

    client.post(DELETE_URL, {"password": "not-my-password", "code": code})

    assert_untouched(member)
    recovery.instance.refresh_from_db()
    assert code in recovery.get_unused_codes()


def test_deleting_leaves_only_an_anonymous_former_member(client, member, outsider):
    member.reminder_lead_minutes = [15]
    member.reminder_scope = User.ReminderScope.ALL
    member.discreet_mode = False
    member.name_visible_to_members = True
    member.time_zone = "Europe/London"
    member.is_facilitator = True
    member.save()
    email = member.email
    other_device = Client()
    sign_in_recently(other_device, member)
    sign_in_recently(client, member)
    export_build(export_id=export_request(user=member).pk)
    # An admin's action on someone else carries the admin's address: it goes too.
    AuditEvent.objects.create(
        subject=outsider, actor=member, action="role_changed", ip_address="192.0.2.7"
    )
    outsider_event = AuditEvent.objects.create(
        subject=outsider, action="signed_in", ip_address="192.0.2.8"
    )
    assert UserSession.objects.filter(user=member).count() == 2

    response = client.post(DELETE_URL, {"password": DEFAULT_PASSWORD}, follow=True)

    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "Your account has been deleted." in response.content.decode()
    assert not response.context["user"].is_authenticated

    member.refresh_from_db()
    assert member.display_name == FORMER_MEMBER
    assert member.email == f"deleted-{member.pk}@deleted.invalid"
    assert not member.has_usable_password()
    assert not member.is_active
    assert not (member.is_staff or member.is_superuser or member.is_facilitator)
    assert member.last_login is None
    assert member.reminder_lead_minutes == [1440, 60]
    assert member.reminder_scope == User.ReminderScope.GOING
    assert member.discreet_mode is True
    assert member.name_visible_to_members is False
    assert member.time_zone == User._meta.get_field("time_zone").get_default()
    assert not EmailAddress.objects.filter(user=member).exists()
    assert not EmailAddress.objects.filter(email=email).exists()
    assert not Authenticator.objects.filter(user=member).exists()
    assert not UserSession.objects.filter(user=member).exists()
    assert not DataExport.objects.filter(user=member).exists()
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(member.pk) for s in Session.objects.all()
    )
    assert other_device.get(reverse("accounts:profile")).status_code == 302

    assert not AuditEvent.objects.filter(
        Q(subject=member) | Q(actor=member), ip_address__isnull=False
    ).exists()
    deleted = AuditEvent.objects.get(action=AuditEvent.Action.ACCOUNT_DELETED)
    assert deleted.subject == member
    assert deleted.ip_address is None
    outsider_event.refresh_from_db()
    assert outsider_event.ip_address == "192.0.2.8"  # other people's records are theirs
    assert EmailAddress.objects.filter(user=outsider).exists()


def test_a_deleted_account_cannot_sign_in_and_its_address_can_sign_up_again(client, member):
    email = member.email
    sign_in_recently(client, member)
    client.post(DELETE_URL, {"password": DEFAULT_PASSWORD})

    fresh = Client()
    response = fresh.post(reverse("account_login"), {"login": email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in fresh.session

    response = fresh.post(
        reverse("account_signup"),
        {
            "email": email,
            "display_name": "Morgan again",
            "time_zone": "America/Chicago",
            "password1": "a-new-calm-start-42",
            "password2": "a-new-calm-start-42",
        },
    )
    assert response.status_code == 302
    again = User.objects.get(email=email)
    assert again.pk != member.pk
    assert again.display_name == "Morgan again"
    assert User.objects.get(pk=member.pk).display_name == FORMER_MEMBER


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(member):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)

    response = strict.post(DELETE_URL, {"password": DEFAULT_PASSWORD})

    assert response.status_code == 403
    assert_untouched(member)


def test_a_registered_blocker_is_shown_and_refuses_the_deletion(client, member, monkeypatch):
    reason = "You are the last facilitator of Tuesday Circle: hand it over first."
    monkeypatch.setitem(DELETION_CHECKS, "groups", lambda user: [reason] if user == member else [])
    sign_in_recently(client, member)

    page = client.get(DELETE_URL).content.decode()
    assert "You are the last facilitator of Tuesday Circle" in page
    assert "Delete my account</button>" not in page

    response = client.post(DELETE_URL, {"password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert "You are the last facilitator of Tuesday Circle" in response.content.decode()
    assert_untouched(member)

    with pytest.raises(ValidationError):
        user_delete(user=member)
    assert_untouched(member)


def test_without_registered_checks_nothing_blocks_a_deletion(member):
    assert user_deletion_blockers(user=member) == []


def test_the_page_needs_a_recent_password(client, member, settings):
    sign_in_recently(client, member)
    assert client.get(DELETE_URL).status_code == 200

    later = timezone.now() + timedelta(seconds=settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 60)
    with time_machine.travel(later):
        response = client.get(DELETE_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_a_visitor_is_sent_to_sign_in(client, member):
    response = client.post(DELETE_URL, {"password": DEFAULT_PASSWORD})

    assert response["Location"].startswith(reverse("account_login"))
    assert_untouched(member)


def test_deleting_takes_every_message_to_the_member_out_of_the_outbox_at_once(
    client, member, outsider, django_capture_on_commit_callbacks
):
    """Sent messages hold the address, the name and what they were about ("your request to
    join …"); waiting ones would still go to the old address. Both go with the account;
    other people's messages stay."""
    from django.core import mail
    from django.core.mail import EmailMessage

    from groups.services.memberships import membership_join
    from notifications.models import OutboxMessage
    from notifications.outbox import outbox_dispatch, outbox_send
    from notifications.services import outbox_enqueue
    from tests.factories import MembershipFactory, SupportGroupFactory

    State = OutboxMessage.State
    group = SupportGroupFactory(name="Family and Friends", join_policy="approval")
    MembershipFactory(group=group, role="facilitator")
    with django_capture_on_commit_callbacks(execute=True):
        membership_join(user=member, group=group, accept_conduct=True)  # sent at once
    assert OutboxMessage.objects.filter(user=member, state=State.SENT).exists()
    # Recorded by address, without the account (a reset link asked for by address), and one
    # claimed by a worker that has not sent it yet.
    by_address = outbox_enqueue(EmailMessage("Reset", "Link.", to=[member.email.upper()]))
    waiting = outbox_enqueue(EmailMessage("Hello", "Words.", to=[member.email]), user=member)
    others = outbox_enqueue(EmailMessage("Hello", "Words.", to=[outsider.email]), user=outsider)
    outbox_dispatch()
    email = member.email

    user_delete(user=member)

    assert not OutboxMessage.objects.filter(user=member).exists()
    assert not OutboxMessage.objects.filter(pk__in=[by_address.pk, waiting.pk]).exists()
    assert OutboxMessage.objects.filter(pk=others.pk).exists()
    mail.outbox.clear()
    outbox_send([waiting.pk, by_address.pk, others.pk])  # the worker's task arrives late
    assert [m.to for m in mail.outbox] == [[outsider.email]]
    assert not any(email in str(m.message()) for m in mail.outbox)


def test_nothing_recorded_for_a_closed_account_is_sent(member):
    """Belt and braces: a message recorded for the member while the deletion ran (or for an
    account an admin closed) is cancelled by the sender, not sent."""
    from django.core import mail
    from django.core.mail import EmailMessage

    from notifications.models import OutboxMessage
    from notifications.outbox import outbox_dispatch, outbox_send
    from notifications.services import outbox_enqueue

    row = outbox_enqueue(EmailMessage("Hello", "Words.", to=[member.email]), user=member)
    User.objects.filter(pk=member.pk).update(is_active=False)
    mail.outbox.clear()
    outbox_send(outbox_dispatch().claimed)
    row.refresh_from_db()
    assert row.state == OutboxMessage.State.CANCELLED
    assert mail.outbox == []


def test_deleting_an_account_sends_a_confirmation_to_the_address_it_had(
    client, member, django_capture_on_commit_callbacks
):
    """The confirmation goes out although the account is gone, and says nothing of what the
    member did here: no group, no topic, nothing about recovery."""
    from django.core import mail

    from notifications.models import OutboxMessage
    from tests.factories import MembershipFactory, SupportGroupFactory
    from tests.test_discreet_mode import REVEALING

    group = SupportGroupFactory(name="Ketamine Recovery Circle")
    MembershipFactory(user=member, group=group)
    email, name = member.email, member.display_name
    sign_in_recently(client, member)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DELETE_URL, {"password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    [confirmation] = mail.outbox
    assert confirmation.to == [email]
    assert confirmation.subject == "Kinship: your account is deleted"
    body = confirmation.body
    assert f"Hello {name}," in body
    assert "account is deleted" in body and "Former member" in body
    assert reverse("contact") in body  # where to turn if they did not ask for it
    for shown in (confirmation.subject, body):
        assert group.name not in shown
        assert not REVEALING.search(shown), shown
    # An account message: nothing to unsubscribe from, and it belongs to no account now.
    assert "List-Unsubscribe" not in confirmation.extra_headers
    [row] = OutboxMessage.objects.all()
    assert row.user_id is None and row.state == OutboxMessage.State.SENT


def test_a_deletion_that_is_held_back_sends_no_confirmation(
    member, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core import mail

    mail.outbox.clear()
    monkeypatch.setitem(DELETION_CHECKS, "groups", lambda user: ["Held back."])
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        user_delete(user=member)
    assert mail.outbox == []
    assert_untouched(member)

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.services.audit import audit_prune, audit_record
from tests.conftest import sign_in_recently
from tests.factories import DEFAULT_PASSWORD, UserFactory, activate_totp

Action = AuditEvent.Action


def actions_for(user) -> list[str]:
    return list(
        AuditEvent.objects.filter(subject=user).order_by("id").values_list("action", flat=True)
    )


@pytest.mark.django_db
def test_sign_in_and_sign_out_are_recorded_with_the_address_they_came_from(client, member):
    client.post(reverse("account_login"), {"login": member.email, "password": DEFAULT_PASSWORD})
    client.post(reverse("account_logout"))

    assert actions_for(member) == [Action.SIGNED_IN, Action.SIGNED_OUT]
    assert AuditEvent.objects.filter(subject=member).first().ip_address == "127.0.0.1"


@pytest.mark.django_db
def test_a_failed_sign_in_is_recorded_on_the_account_and_an_unknown_address_leaves_no_trace(
    client, member
):
    client.post(reverse("account_login"), {"login": member.email, "password": "wrong-one-1"})
    client.post(reverse("account_login"), {"login": "nobody@example.org", "password": "x-y-z-1"})

    assert actions_for(member) == [Action.SIGN_IN_FAILED]
    anonymous = AuditEvent.objects.get(subject=None)
    assert anonymous.action == Action.SIGN_IN_FAILED
    assert "nobody" not in str(anonymous.details)


@pytest.mark.django_db
def test_password_change_and_second_factor_changes_are_recorded(client, member):
    sign_in_recently(client, member)
    client.post(
        reverse("account_change_password"),
        {
            "oldpassword": DEFAULT_PASSWORD,
            "password1": "a-brand-new-secret-9",
            "password2": "a-brand-new-secret-9",
        },
    )
    activate_totp(member)  # the signal path is covered by the browser journey
    assert Action.PASSWORD_CHANGED in actions_for(member)


@pytest.mark.django_db
def test_role_changes_in_the_admin_are_recorded_with_the_admin_as_actor(client, admin_user):
    activate_totp(admin_user)
    member = UserFactory(display_name="Casey")
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[member.pk])

    response = client.post(
        url,
        {
            "email": member.email,
            "display_name": member.display_name,
            "time_zone": member.time_zone,
            "is_active": "on",
            "is_facilitator": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(subject=member, action=Action.ROLE_CHANGED)
    assert event.actor == admin_user
    assert event.details == {"role": "is_facilitator", "granted": True}


@pytest.mark.django_db
def test_a_member_sees_their_own_security_events_only(client, member, outsider):
    audit_record(action=Action.PASSWORD_CHANGED, subject=member)
    audit_record(action=Action.EMAIL_CHANGED, subject=outsider)
    client.force_login(member)

    html = client.get(reverse("accounts:security")).content.decode()

    assert "Password changed" in html
    assert "E-mail address changed" not in html
    assert "Central Time (Chicago)" in html  # times carry the member's zone


@pytest.mark.django_db
def test_the_security_log_query_count_does_not_grow_with_the_events(
    client, member, django_assert_max_num_queries
):
    client.force_login(member)
    for _ in range(5):
        audit_record(action=Action.SIGNED_IN, subject=member)
    client.get(reverse("accounts:security"))
    with django_assert_max_num_queries(6) as few:
        client.get(reverse("accounts:security"))
    for _ in range(150):
        audit_record(action=Action.SIGNED_IN, subject=member)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("accounts:security"))


@pytest.mark.django_db
def test_the_trail_is_read_only_in_the_admin(client, admin_user):
    activate_totp(admin_user)
    event = audit_record(action=Action.SIGNED_IN, subject=admin_user)
    client.force_login(admin_user)

    assert client.get(reverse("admin:accounts_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_auditevent_add")).status_code == 403
    delete_url = reverse("admin:accounts_auditevent_delete", args=[event.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_retention_erases_addresses_after_30_days_and_events_after_a_year(member, settings):
    now = timezone.now()
    fresh = audit_record(action=Action.SIGNED_IN, subject=member)
    fresh.ip_address = "203.0.113.9"
    fresh.save()
    month_old = AuditEvent.objects.create(
        action=Action.SIGNED_IN,
        subject=member,
        ip_address="203.0.113.10",
        created_at=now - timedelta(days=settings.AUDIT_IP_RETENTION_DAYS + 1),
    )
    year_old = AuditEvent.objects.create(
        action=Action.SIGNED_IN,
        subject=member,
        ip_address="203.0.113.11",
        created_at=now - timedelta(days=settings.AUDIT_RETENTION_DAYS + 1),
    )

    assert audit_prune(now=now) == (1, 1)
    assert audit_prune(now=now) == (0, 0)  # running it again changes nothing

    fresh.refresh_from_db()
    month_old.refresh_from_db()
    assert fresh.ip_address == "203.0.113.9"
    assert month_old.ip_address is None
    assert not AuditEvent.objects.filter(pk=year_old.pk).exists()


@pytest.mark.django_db
def test_audit_rows_cannot_be_written_through_a_csrf_less_post(member):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("account_login"), {"login": member.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 403
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_behind_our_proxy_the_client_address_is_recorded_not_the_proxys(client, member, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client.post(
        reverse("account_login"),
        {"login": member.email, "password": DEFAULT_PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        REMOTE_ADDR="10.0.0.2",
    )
    assert AuditEvent.objects.get(subject=member).ip_address == "198.51.100.7"

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.factories import DEFAULT_PASSWORD, UserFactory


def reset_link(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", body)
    assert match, f"no reset link in:\n{body}"
    return match.group(1)


@pytest.mark.django_db
def test_sign_in_with_email_in_any_case_and_sign_out(client, member):
    response = client.post(
        reverse("account_login"), {"login": member.email.upper(), "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)

    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_wrong_password_says_so_without_telling_whether_the_account_exists(client, member):
    wrong = client.post(reverse("account_login"), {"login": member.email, "password": "nope-nope"})
    unknown = client.post(
        reverse("account_login"), {"login": "nobody@example.org", "password": "nope-nope"}
    )
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    assert "not correct" in str(wrong.context["form"].non_field_errors())


@pytest.mark.django_db
def test_repeated_failed_sign_ins_are_rate_limited(client, member):
    for _ in range(12):
        response = client.post(
            reverse("account_login"), {"login": member.email, "password": "wrong-password"}
        )
    assert response.status_code in {200, 429}
    assert "Too many failed login attempts" in response.content.decode()
    # The right password is refused too while the limit holds.
    response = client.post(
        reverse("account_login"), {"login": member.email, "password": DEFAULT_PASSWORD}
    )
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_by_mailed_link(client, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": member.email})
    assert len(mail.outbox) == 1
    link = reset_link(mail.outbox[0].body)

    form_page = client.get(link, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    response = client.post(
        action, {"password1": "new-quiet-password-7", "password2": "new-quiet-password-7"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("new-quiet-password-7")


@pytest.mark.django_db
def test_a_reset_for_an_unknown_address_looks_the_same_on_screen(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")


@pytest.mark.django_db
def test_an_expired_reset_link_is_refused_with_a_clear_message(
    client, member, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": member.email})
    link = reset_link(mail.outbox[0].body)

    later = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with time_machine.travel(later, tick=False):
        response = client.get(link, follow=True)

    assert response.status_code == 200
    assert "invalid" in response.content.decode().lower()
    member.refresh_from_db()
    assert member.check_password(DEFAULT_PASSWORD)


@pytest.mark.django_db
def test_new_accounts_must_verify_unless_seeded(client):
    user = UserFactory(verified=False)
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response["Location"] == reverse("account_email_verification_sent")

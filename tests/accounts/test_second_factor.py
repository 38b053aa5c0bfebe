import time

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from accounts.permissions import facilitator_required
from tests.factories import DEFAULT_PASSWORD, UserFactory, activate_totp, totp_code


@facilitator_required
def a_facilitator_action(request):
    return HttpResponse("done")


def call_as(user):
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = RequestFactory().post("/facilitate/something/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return a_facilitator_action(request)


@pytest.mark.django_db
def test_a_facilitator_without_a_second_factor_is_sent_to_set_one_up(facilitator):
    response = call_as(facilitator)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_a_facilitator_with_a_second_factor_may_act(facilitator):
    activate_totp(facilitator)
    assert call_as(facilitator).content == b"done"


@pytest.mark.django_db
def test_a_member_is_refused_a_facilitator_action(member):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        call_as(member)


@pytest.mark.django_db
def test_an_admin_without_a_second_factor_cannot_open_the_admin(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_an_admin_with_a_second_factor_can(client, admin_user):
    activate_totp(admin_user)
    client.force_login(admin_user)
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_the_admin_has_no_sign_in_form_of_its_own(client, member):
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=/admin/"
    client.force_login(member)
    assert client.get(reverse("admin:index"), follow=True).status_code == 403


@pytest.mark.django_db
def test_signing_in_with_totp_needs_the_code(client):
    user = UserFactory(email="kai@example.org")
    secret = activate_totp(user)

    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "Incorrect code" in wrong.content.decode()
    assert "_auth_user_id" not in client.session

    right = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_a_member_made_co_facilitator_of_a_group_needs_a_second_factor_too(member):
    from accounts.permissions import user_must_have_second_factor
    from tests.factories import MembershipFactory

    assert not user_must_have_second_factor(member)
    MembershipFactory(user=member, role="facilitator", state="active")
    assert user_must_have_second_factor(member)


@pytest.mark.django_db
def test_a_used_code_is_refused_for_as_long_as_it_would_be_accepted(client):
    """The code of one 30-second step is accepted during the steps before and after it too
    (MFA_TOTP_TOLERANCE): once used, it must stay refused for all of that time, so that a
    code seen over someone's shoulder cannot sign in a second time."""
    import time_machine

    user = UserFactory(email="kai@example.org")
    secret = activate_totp(user)
    step_start = (int(time.time()) // 30 + 1) * 30

    def sign_in(code: str, at: float) -> bool:
        with time_machine.travel(at, tick=False):
            client.logout()
            client.post(
                reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
            )
            client.post(reverse("mfa_authenticate"), {"code": code})
            return client.session.get("_auth_user_id") == str(user.pk)

    code = totp_code(secret, at=step_start)
    assert sign_in(code, step_start + 1)
    for later in (10, 35, 65, 88):  # still inside the code's window of about 90 s
        assert not sign_in(code, step_start + 1 + later), f"accepted again {later} s later"
    # The next step's code works, once.
    following = totp_code(secret, at=step_start + 30)
    assert sign_in(following, step_start + 31)
    assert not sign_in(following, step_start + 40)

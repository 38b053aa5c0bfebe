"""Setting up a second factor on the way somewhere: a facilitator who has just signed in is
not asked for the password again, and once the authenticator is set up the recovery codes
page leads back to the page they were going to."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import DEFAULT_PASSWORD, UserFactory, totp_code

pytestmark = pytest.mark.django_db


def sign_in(client, user) -> None:
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302


def test_a_facilitator_just_signed_in_sets_up_the_authenticator_without_the_password_again(
    client,
):
    facilitator = UserFactory(is_facilitator=True)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, facilitator)
        clock.shift(timedelta(seconds=1))
        response = client.get(reverse("groups:dashboard"), follow=True)
        assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
        assert response.status_code == 200
        assert "Authenticator" in response.content.decode()

        # Long after signing in, a sensitive step asks again, as it should.
        clock.shift(timedelta(minutes=6))
        response = client.get(reverse("mfa_activate_totp"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_the_recovery_codes_lead_back_to_where_the_facilitator_was_going(client):
    facilitator = UserFactory(is_facilitator=True)
    sign_in(client, facilitator)
    going_to = reverse("groups:dashboard")
    client.get(going_to)  # sent to set up a second factor
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]

    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    way_back = f'<a href="{going_to}">continue to the page you were going to</a>'
    assert way_back in response.content.decode()
    # The way back is offered once, and the page it leads to now opens.
    assert way_back not in client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert client.get(going_to).status_code == 200

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in_recently
from tests.factories import DEFAULT_PASSWORD


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def sign_in(client, user):
    client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})
    assert signed_in(client)


@pytest.mark.django_db
def test_an_idle_session_ends_after_the_idle_timeout(client, member, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, member)
    idle = timedelta(seconds=settings.SESSION_IDLE_TIMEOUT)

    with time_machine.travel(start + idle - timedelta(minutes=1), tick=False):
        assert client.get(reverse("groups:my-meetings")).status_code == 200
    # Activity moved the idle clock on: almost two idle periods after sign-in, still in.
    with time_machine.travel(start + 2 * idle - timedelta(minutes=3), tick=False):
        assert client.get(reverse("groups:my-meetings")).status_code == 200
    with time_machine.travel(start + 3 * idle, tick=False):
        response = client.get(reverse("groups:my-meetings"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not signed_in(client)
    page = client.get(response["Location"]).content.decode()
    assert "signed out after a while without activity" in page


@pytest.mark.django_db
def test_even_an_active_session_ends_after_the_absolute_lifetime(client, member, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, member)
    step = timedelta(seconds=settings.SESSION_IDLE_TIMEOUT // 2)
    moment = start
    while moment - start < timedelta(seconds=settings.SESSION_ABSOLUTE_LIFETIME) - step:
        moment += step
        with time_machine.travel(moment, tick=False):
            assert client.get(reverse("groups:my-meetings")).status_code == 200
    with time_machine.travel(start + timedelta(seconds=settings.SESSION_ABSOLUTE_LIFETIME + 60)):
        response = client.get(reverse("groups:my-meetings"))
    assert response.status_code == 302
    assert not signed_in(client)


@pytest.mark.django_db
def test_changing_the_password_ends_the_other_sessions_but_not_this_one(member):
    laptop, phone = Client(), Client()
    sign_in_recently(laptop, member)
    sign_in(phone, member)

    response = laptop.post(
        reverse("account_change_password"),
        {
            "oldpassword": DEFAULT_PASSWORD,
            "password1": "another-long-secret-4",
            "password2": "another-long-secret-4",
        },
    )

    assert response.status_code == 302
    assert laptop.get(reverse("groups:my-meetings")).status_code == 200
    assert phone.get(reverse("groups:my-meetings")).status_code == 302


@pytest.mark.django_db
def test_sign_out_everywhere_else_from_the_sessions_page(member):
    laptop, phone = Client(), Client()
    sign_in(laptop, member)
    sign_in(phone, member)

    page = laptop.get(reverse("usersessions_list")).content.decode()
    assert page.count("<tr") >= 3  # a header row and both sessions
    response = laptop.post(reverse("usersessions_list"))

    assert response.status_code == 302
    assert laptop.get(reverse("groups:my-meetings")).status_code == 200
    assert phone.get(reverse("groups:my-meetings")).status_code == 302

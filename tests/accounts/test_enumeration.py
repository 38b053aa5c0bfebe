"""Whether an address has an account is private: known and unknown get identical answers."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def answer(path: str, data: dict) -> tuple[int, str, str]:
    client = Client()
    response = client.post(path, data, follow=True)
    html = TOKEN.sub("", response.content.decode())
    return (
        response.status_code,
        response.redirect_chain[-1][0] if response.redirect_chain else "",
        html,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        (
            "account_signup",
            {
                "display_name": "Sky",
                "time_zone": "UTC",
                "password1": "some-long-phrase-77",
                "password2": "some-long-phrase-77",
            },
        ),
        ("account_login", {"password": "wrong-password-1"}),
        ("account_reset_password", {}),
    ],
)
def test_known_and_unknown_addresses_get_identical_answers(url_name, data):
    UserFactory(email="known@example.org")
    field = "login" if url_name == "account_login" else "email"

    known = answer(reverse(url_name), {**data, field: "known@example.org"})
    unknown = answer(reverse(url_name), {**data, field: "unknown@example.org"})

    known_html = known[2].replace("known@example.org", "ADDRESS")
    unknown_html = unknown[2].replace("unknown@example.org", "ADDRESS")
    assert known[:2] == unknown[:2]
    assert known_html == unknown_html


@pytest.mark.django_db
def test_the_sixth_wrong_password_within_five_minutes_is_refused(client, member):
    from tests.factories import DEFAULT_PASSWORD

    for attempt in range(5):
        response = client.post(
            reverse("account_login"), {"login": member.email, "password": f"wrong-{attempt}"}
        )
        assert "Too many failed" not in response.content.decode()
    response = client.post(
        reverse("account_login"), {"login": member.email, "password": DEFAULT_PASSWORD}
    )
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session

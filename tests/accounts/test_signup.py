import logging
import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from tests.factories import UserFactory

SIGNUP = {
    "email": "river@example.org",
    "display_name": "River",
    "time_zone": "Europe/London",
    "password1": "quiet-morning-walk-42",
    "password2": "quiet-morning-walk-42",
}

# Words that must never reach a lock screen through a subject line.
REVEALING = re.compile(r"recovery|ketamine|addict|substance|group|meeting", re.IGNORECASE)


def signup(client, django_capture_on_commit_callbacks, **overrides):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("account_signup"), {**SIGNUP, **overrides})


def sent_code(message) -> str:
    match = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.MULTILINE)
    assert match, f"no code in:\n{message.body}"
    return match.group(1)


@pytest.mark.django_db
def test_signup_saves_display_name_and_zone_and_mails_a_code(
    client, django_capture_on_commit_callbacks
):
    response = signup(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="river@example.org")
    assert (user.display_name, user.time_zone) == ("River", "Europe/London")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["river@example.org"]
    assert not REVEALING.search(mail.outbox[0].subject)
    sent_code(mail.outbox[0])


@pytest.mark.django_db
def test_the_mailed_code_verifies_the_address_and_signs_in(
    client, django_capture_on_commit_callbacks
):
    signup(client, django_capture_on_commit_callbacks)
    code = sent_code(mail.outbox[0])

    response = client.post(reverse("account_email_verification_sent"), {"code": code})

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="river@example.org").verified
    home = client.get(reverse("home"))
    assert home.context["user"].display_name == "River"


@pytest.mark.django_db
def test_a_wrong_code_says_so_and_verifies_nothing(client, django_capture_on_commit_callbacks):
    signup(client, django_capture_on_commit_callbacks)

    response = client.post(reverse("account_email_verification_sent"), {"code": "WRONG1"})

    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert not EmailAddress.objects.get(email="river@example.org").verified


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password1": "password", "password2": "password"}, "password1", "too common"),
        ({"password1": "short-1", "password2": "short-1"}, "password1", "too short"),
        ({"password2": "something-else-9"}, "password2", "same password"),
        ({"display_name": "me@example.org"}, "display_name", "cannot contain"),
        ({"display_name": ""}, "display_name", "required"),
        ({"time_zone": "Atlantis/Capital"}, "time_zone", "not a time zone we know"),
        ({"email": "not-an-address"}, "email", "valid email"),
    ],
)
def test_bad_signup_input_explains_itself_keeps_what_was_typed_and_creates_nothing(
    client, django_capture_on_commit_callbacks, overrides, field, message
):
    response = signup(client, django_capture_on_commit_callbacks, **overrides)

    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert not User.objects.exists()
    assert mail.outbox == []
    html = response.content.decode()
    if field != "email":
        assert 'value="river@example.org"' in html
    assert 'aria-invalid="true"' in html


@pytest.mark.django_db
def test_a_taken_email_reveals_nothing_on_screen_but_tells_the_owner_by_mail(
    client, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="river@example.org", display_name="Original")

    response = signup(client, django_capture_on_commit_callbacks)

    # Same answer as a fresh sign-up: whether an address has an account is private.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.count() == 1
    owner.refresh_from_db()
    assert owner.display_name == "Original"
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "already" in body.lower()
    assert reverse("account_reset_password") in body
    assert "http://testserver" + reverse("account_login") in body


@pytest.mark.django_db
def test_an_unverified_account_cannot_sign_in_until_the_code_is_entered(
    client, django_capture_on_commit_callbacks
):
    signup(client, django_capture_on_commit_callbacks)
    client.logout()
    mail.outbox.clear()

    # Coming back later (after the resend cool-down) sends a fresh code instead of signing in.
    with (
        time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("account_login"),
            {"login": "river@example.org", "password": SIGNUP["password1"]},
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1
    sent_code(mail.outbox[0])


@pytest.mark.django_db
def test_signup_logs_never_contain_the_address_or_name(
    client, django_capture_on_commit_callbacks, caplog
):
    with caplog.at_level(logging.DEBUG):
        signup(client, django_capture_on_commit_callbacks)

    assert "river@example.org" not in caplog.text
    assert "River" not in caplog.text


@pytest.mark.django_db
def test_a_taken_address_takes_as_long_to_answer_as_a_new_one(client, settings):
    """The pages are the same either way; so must be the time they take, or a stopwatch
    tells whether an address has an account. With the production password hasher (a new
    account's password is hashed, which is most of a sign-up's time), 20 sign-ups each way,
    alternated: the medians must be within a quarter of the slower one (today's code: a
    taken address answered in a tenth of the time)."""
    import statistics
    import time

    from django.test import Client

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    settings.ACCOUNT_RATE_LIMITS = False  # 40 sign-ups from one address in a few seconds
    UserFactory(email="taken@example.org")
    taken, new = [], []
    for index in range(20):
        for address, times in (("taken@example.org", taken), (f"new{index}@example.org", new)):
            visitor = Client()
            started = time.perf_counter()
            response = visitor.post(reverse("account_signup"), {**SIGNUP, "email": address})
            times.append(time.perf_counter() - started)
            assert response.status_code == 302
    slower = max(statistics.median(taken), statistics.median(new))
    difference = abs(statistics.median(taken) - statistics.median(new))
    assert difference < slower / 4, (statistics.median(taken), statistics.median(new))

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from tests.conftest import sign_in_recently
from tests.factories import UserFactory

CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)


@pytest.mark.django_db
def test_email_change_takes_effect_only_once_the_new_address_is_confirmed(
    client, member, django_capture_on_commit_callbacks
):
    sign_in_recently(client, member)
    old_email = member.email

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_email"), {"action_add": "", "email": "new-home@example.org"}
        )
    assert response.status_code == 302, response
    member.refresh_from_db()
    assert member.email == old_email  # nothing changes before the new address is proven
    assert mail.outbox[-1].to == ["new-home@example.org"]

    code = CODE.search(mail.outbox[-1].body).group(1)
    response = client.post(reverse("account_email_verification_sent"), {"code": code})
    assert response.status_code == 302

    member.refresh_from_db()
    assert member.email == "new-home@example.org"
    assert EmailAddress.objects.get(user=member, primary=True).email == "new-home@example.org"


@pytest.mark.django_db
def test_changing_to_an_address_another_account_uses_changes_nothing(
    client, member, django_capture_on_commit_callbacks
):
    other = UserFactory(email="taken@example.org")
    sign_in_recently(client, member)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"action_add": "", "email": "taken@example.org"})

    member.refresh_from_db()
    other.refresh_from_db()
    assert member.email != "taken@example.org"
    assert other.email == "taken@example.org"
    assert not EmailAddress.objects.filter(user=member, email="taken@example.org", verified=True)


@pytest.mark.django_db
def test_changing_the_email_asks_for_the_password_again_when_it_was_not_entered_recently(
    client, member
):
    client.force_login(member)  # signed in, but no password entered just now

    response = client.post(reverse("account_email"), {"action_add": "", "email": "x@example.org"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="x@example.org").exists()

"""The stock Django admin, made ours: one section per name, our stylesheet, and no page that
shows a secret or invites edits that belong to allauth's own flows."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.factories import activate_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    activate_totp(admin_user)
    client.force_login(admin_user)
    return client


def test_each_admin_section_has_its_own_name(admin_client):
    response = admin_client.get(reverse("admin:index"))
    names = [app["name"] for app in response.context["app_list"]]
    assert len(names) == len(set(names)), names
    assert "People" in names
    # Django's auth groups are not how we give roles: no section invites their use.
    assert "Authentication and Authorization" not in names
    html = response.content.decode()
    assert "/static/css/admin.css" in html
    assert 'href="/manage/"' in html


def test_the_admin_names_the_zone_its_times_are_in(admin_client, admin_user):
    admin_user.time_zone = "Asia/Kolkata"
    admin_user.save()
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "Times are in your time zone, Asia/Kolkata" in html
    assert 'data-admin-utc-offset="19800"' in html  # the admin's zone, not the server's


def test_an_authenticator_is_shown_without_its_secret_and_cannot_be_edited(
    admin_client, admin_user
):
    authenticator = Authenticator.objects.get(user=admin_user, type=Authenticator.Type.TOTP)
    url = reverse("admin:mfa_authenticator_change", args=[authenticator.pk])
    html = admin_client.get(url).content.decode()
    assert authenticator.data["secret"] not in html
    assert not re.search(r"<input[^>]+name=\"created_at", html)
    assert admin_client.get(reverse("admin:mfa_authenticator_add")).status_code == 403

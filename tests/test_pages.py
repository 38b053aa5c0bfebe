"""Every page of the shell: a title, one heading, the crisis link, and a bounded query count."""

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from config.views import server_error
from tests.factories import UserFactory
from tests.queries import count_queries

PUBLIC_PAGES = [
    "home",
    "crisis",
    "groups:group-list",
    "groups:letter-verify-form",
    "resources:resource-list",
    "account_login",
    "account_signup",
    "account_reset_password",
    "offline",
]
MEMBER_PAGES = [
    "home",
    "groups:my-meetings",
    "groups:my-attendance",
    "groups:letter-list",
    "resources:saved",
    "accounts:profile",
    "accounts:security",
    "account_email",
    "account_change_password",
    "mfa_index",
    "usersessions_list",
]


def assert_page_shell(html: str) -> None:
    assert re.search(r"<title>[^<]*\S[^<]*· Kinship</title>", html), "page needs a clear title"
    assert len(re.findall(r"<h1[\s>]", html)) == 1, "page needs exactly one h1"
    assert 'href="/crisis/"' in html, "crisis help must be one click away"
    assert "tel:988" in html
    assert 'id="main"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_render_the_shell(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert_page_shell(response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_member_pages_render_the_shell_and_show_the_display_name_not_the_email(
    client, member, name
):
    client.force_login(member)
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert_page_shell(html)
    assert member.display_name in html
    if name != "account_email":  # the e-mail settings page is where you manage it
        assert member.email not in html


@pytest.mark.django_db
def test_my_meetings_asks_a_visitor_to_sign_in(client):
    response = client.get(reverse("groups:my-meetings"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_unknown_pages_get_our_404_with_the_crisis_lines(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert_page_shell(html)
    assert "1-800-662-4357" in html


@pytest.mark.django_db
def test_a_rejected_form_gets_our_403_page_and_changes_nothing(member):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("account_login"), {"login": member.email, "password": "whatever-123"}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert_page_shell(html)
    assert "Nothing was saved or changed" in html
    assert "_auth_user_id" not in strict.session


def test_the_500_page_needs_no_database_and_shows_the_crisis_lines():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "tel:988" in html
    assert "Something went wrong" in html


@pytest.mark.django_db
def test_crisis_lines_come_from_settings(client, settings):
    from lib.crisis import crisis_lines_reload

    settings.CRISIS_LINES = "Samaritans (UK)|116 123|tel:116123"
    crisis_lines_reload()
    try:
        html = client.get(reverse("crisis")).content.decode()
    finally:
        crisis_lines_reload()
    assert 'href="tel:116123"' in html
    assert "Samaritans (UK)" in html


@pytest.mark.django_db
def test_pages_send_a_strict_content_security_policy(client):
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_only_the_admin_may_use_inline_styles_and_scripts_stay_self_everywhere(client, admin_user):
    client.force_login(admin_user)
    site = client.get(reverse("home"))["Content-Security-Policy"]
    admin = client.get(reverse("admin:index"))["Content-Security-Policy"]
    assert "unsafe-inline" not in site
    assert "style-src 'self' 'unsafe-inline'" in admin
    assert "script-src 'self';" in admin + ";"
    assert "unsafe-inline" not in admin.split("script-src")[1].split(";")[0]


def test_browsers_asking_for_favicon_ico_get_our_icon(client):
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.svg"
    assert finders.find("img/favicon.svg")


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_PAGES + MEMBER_PAGES)
def test_query_count_of_each_page_does_not_grow_with_the_number_of_people(client, name):
    viewer = UserFactory()
    if name in MEMBER_PAGES:
        client.force_login(viewer)
    url = reverse(name)
    count_queries(client, url)  # warm up: sessions, content types
    few = count_queries(client, url)
    UserFactory.create_batch(40)
    many = count_queries(client, url)
    assert few == many
    assert many <= 12


# Pages behind a fresh password entry (allauth's re-authentication), and that entry itself.
RECENT_AUTH_PAGES = [
    "accounts:export",
    "accounts:delete",
    "mfa_activate_totp",
    "account_reauthenticate",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", RECENT_AUTH_PAGES)
def test_query_count_of_pages_behind_re_authentication_does_not_grow(client, name):
    from accounts.models import AuditEvent
    from accounts.services.audit import audit_record
    from tests.conftest import sign_in_recently

    viewer = UserFactory()
    sign_in_recently(client, viewer)
    url = reverse(name)
    count_queries(client, url)
    few = count_queries(client, url)
    UserFactory.create_batch(30)
    for _ in range(60):
        audit_record(action=AuditEvent.Action.SIGNED_IN, subject=viewer)
    many = count_queries(client, url)
    assert few == many
    assert many <= 14

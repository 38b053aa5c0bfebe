"""Issue 15, item 17: the privacy, terms and contact pages an organisation configures, linked
from the footer and from every "contact us"; the crisis lines without a doubled number."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from lib.crisis import CrisisLine, crisis_lines_reload

pytestmark = pytest.mark.django_db

PAGES = ["privacy", "terms", "contact"]


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.mark.parametrize("name", PAGES)
def test_the_trust_pages_exist_and_are_in_every_footer(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1

    home = client.get(reverse("home")).content.decode()
    footer = home.split('<footer class="site-footer">')[1]
    assert f'href="{reverse(name)}"' in footer


def test_the_default_privacy_policy_says_what_is_kept_why_and_for_how_long(client, settings):
    settings.AUDIT_IP_RETENTION_DAYS = 30
    settings.AUDIT_RETENTION_DAYS = 365
    settings.OUTBOX_RETENTION_DAYS = 30

    html = text_of(client.get(reverse("privacy")))

    for kept in [
        "Your account",
        "Your groups",
        "Your answers to meetings",
        "Attendance",
        "Reports",
        "Security log",
        "E-mails we send you",
    ]:
        assert f"<dt>{kept}</dt>" in html, kept
    assert "erased after 30 days" in html
    assert "deleted after 365 days" in html
    assert "Delivered messages are deleted after 30 days" in html
    assert f'href="{reverse("accounts:export")}">Download everything</a>' in html
    assert f'href="{reverse("accounts:delete")}">Delete your account</a>' in html
    assert "No advertising, no trackers" in html


def test_the_organisation_name_and_contact_address_come_from_the_settings(client, settings):
    settings.ORGANISATION_NAME = "Hope Recovery Network"
    settings.CONTACT_EMAIL = "help@hope.example.org"

    contact = text_of(client.get(reverse("contact")))
    assert "<h1>Contact Hope Recovery Network</h1>" in contact
    assert '<a href="mailto:help@hope.example.org">help@hope.example.org</a>' in contact
    assert "Kinship is run by Hope Recovery Network" in text_of(client.get(reverse("privacy")))
    assert "run by Hope Recovery Network" in text_of(client.get(reverse("terms")))


def test_without_a_contact_address_the_page_says_so_and_where_else_to_turn(client, settings):
    settings.CONTACT_EMAIL = ""

    html = text_of(client.get(reverse("contact")))

    assert "has not published a contact address yet" in html
    assert "mailto:" not in html
    assert f'href="{reverse("account_reset_password")}"' in html
    assert f'href="{reverse("crisis")}"' in html


@pytest.mark.parametrize(
    ("name", "setting"),
    [("privacy", "PRIVACY_POLICY_FILE"), ("terms", "TERMS_FILE"), ("contact", "CONTACT_PAGE_FILE")],
)
def test_an_organisation_replaces_a_text_with_its_own_markdown(
    client, settings, tmp_path, name, setting
):
    own = tmp_path / f"{name}.md"
    own.write_text(
        "## Our own words\n\nWe keep *little*. <script>alert(1)</script>", encoding="utf-8"
    )
    setattr(settings, setting, str(own))

    html = client.get(reverse(name)).content.decode()

    assert "<h2>Our own words</h2>" in html
    assert "<em>little</em>" in html
    assert "<script>alert(1)" not in html
    assert "<dt>Your account</dt>" not in html  # our default text is gone


CONTACT_LINK = '<a href="/contact/">contact us</a>'


@pytest.mark.parametrize("name", ["account_reset_password", "account_reset_password_done"])
def test_the_password_reset_pages_link_contact_us(client, name):
    html = client.get(reverse(name)).content.decode()

    assert CONTACT_LINK in html.replace("Contact us</a>", "contact us</a>")


@pytest.mark.parametrize(
    "template", ["account/verification_sent.html", "account/verified_email_required.html"]
)
def test_the_verification_pages_link_contact_us(rf, member, template):
    request = rf.get("/")
    request.user = member
    html = render_to_string(template, request=request)

    assert CONTACT_LINK in html


def test_the_footer_shows_each_crisis_number_once(client):
    crisis_lines_reload()
    html = text_of(client.get(reverse("home")))

    assert "988 988" not in html
    assert (
        '<span class="crisis-line__number">988</span> '
        '<span class="crisis-line__label">Suicide &amp; Crisis Lifeline (call or text)</span>'
    ) in html


def test_a_crisis_line_without_its_number_in_its_label_keeps_its_label():
    line = CrisisLine("Samaritans", "116 123", "tel:116123")
    assert line.name == "Samaritans"
    assert CrisisLine("988", "988", "tel:988").name == "988"
    assert CrisisLine("988 - Lifeline", "988", "tel:988").name == "Lifeline"

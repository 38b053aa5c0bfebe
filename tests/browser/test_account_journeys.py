"""The first journeys, as a person does them: sign up, confirm, sign in and out, reset."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import SIGN_IN
from tests.conftest import message_text
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)
RESET_LINK = re.compile(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)")


PASSWORD = "gentle-river-stones-5"
NEW_PASSWORD = re.compile(r"^New password$", re.IGNORECASE)
NEW_PASSWORD_AGAIN = re.compile(r"^New password \(again\)$", re.IGNORECASE)


def fill_signup(page, *, email, display_name="Wren", password=PASSWORD, again=None):
    page.get_by_label("Email").fill(email)
    page.get_by_label("Display name").fill(display_name)
    page.get_by_label("Time zone").fill("America/Chicago")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label(re.compile(r"Password \(again\)")).fill(again or password)
    page.get_by_role("button", name=re.compile("sign up", re.I)).click()


def sign_out(page):
    page.locator("summary", has_text="Wren").click()
    page.get_by_role("button", name=re.compile("sign out", re.I)).click()


def test_sign_up_confirm_with_the_mailed_code_sign_out_and_back_in(
    page, site, smtp_inbox, assert_accessible
):
    page.goto(site.url)
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("sign up", re.I)).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("sign up", re.I))
    # The browser's own zone (the context runs in Europe/London) is preselected.
    expect(page.get_by_label("Time zone")).to_have_value("Europe/London")
    assert_accessible(page)

    # A weak password: a clear message at the field, and nothing typed is lost.
    fill_signup(page, email="wren@example.org", password="password", again="password")
    expect(page.get_by_text(re.compile("too common", re.I))).to_be_visible()
    # The error is tied to its field, so a screen reader reads it with the field.
    password = page.get_by_label("Password", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    described = " ".join(
        page.locator(f"[id='{ref}']").inner_text()
        for ref in password.get_attribute("aria-describedby").split()
    )
    assert "too common" in described.lower()
    expect(page.get_by_label("Email")).to_have_value("wren@example.org")
    expect(page.get_by_label("Display name")).to_have_value("Wren")
    expect(page.get_by_label("Time zone")).to_have_value("America/Chicago")
    assert_accessible(page)

    fill_signup(page, email="wren@example.org")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)

    message = smtp_inbox.wait_for(lambda m: "wren@example.org" in m["X-Envelope-To"])
    code = CODE.search(message_text(message)).group(1)

    page.get_by_label(re.compile("code", re.I)).fill("ABCD-EFGH")
    page.get_by_role("button", name=re.compile("confirm", re.I)).click()
    expect(page.get_by_text(re.compile("incorrect code", re.I))).to_be_visible()
    assert_accessible(page)

    page.get_by_label(re.compile("code", re.I)).fill(code)
    page.get_by_role("button", name=re.compile("confirm", re.I)).click()
    expect(page.locator("summary", has_text="Wren")).to_be_visible()
    expect(page.get_by_text("wren@example.org")).to_have_count(0)
    assert_accessible(page)

    sign_out(page)
    expect(page.get_by_role("link", name=re.compile("sign in", re.I)).first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("sign in", re.I)).first.click()
    page.get_by_label("Email").fill("wren@example.org")
    page.get_by_label("Password").fill("not-my-password")
    page.get_by_role("button", name=SIGN_IN).click()
    expect(page.get_by_text(re.compile("not correct", re.I))).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=SIGN_IN).click()
    expect(page.locator("summary", has_text="Wren")).to_be_visible()


def test_a_taken_email_shows_the_same_next_step_and_mails_the_owner(
    page, site, smtp_inbox, assert_accessible
):
    UserFactory(email="wren@example.org", display_name="Original")
    page.goto(site.url + "/accounts/signup/")

    fill_signup(page, email="wren@example.org")

    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/"))
    assert_accessible(page)
    message = smtp_inbox.wait_for(lambda m: "wren@example.org" in m["X-Envelope-To"])
    text = message_text(message)
    assert "already" in text.lower()
    assert "/accounts/password/reset/" in text


def test_reset_a_forgotten_password_from_the_mailed_link(page, site, smtp_inbox, assert_accessible):
    user = UserFactory(email="fern@example.org", display_name="Fern")
    page.goto(site.url + "/accounts/login/")
    page.get_by_role("link", name=re.compile("forgot", re.I)).click()
    assert_accessible(page)
    page.get_by_label("Email").fill("fern@example.org")
    page.get_by_role("button", name=re.compile("reset", re.I)).click()
    assert_accessible(page)

    message = smtp_inbox.wait_for(lambda m: "fern@example.org" in m["X-Envelope-To"])
    page.goto(site.url + RESET_LINK.search(message_text(message)).group(1))
    assert_accessible(page)

    page.get_by_label(NEW_PASSWORD).fill("short")
    page.get_by_label(NEW_PASSWORD_AGAIN).fill("short")
    page.get_by_role("button", name=re.compile("change password|set password|save", re.I)).click()
    expect(page.get_by_text(re.compile("too short", re.I))).to_be_visible()
    assert_accessible(page)

    page.get_by_label(NEW_PASSWORD).fill("new-calm-harbour-31")
    page.get_by_label(NEW_PASSWORD_AGAIN).fill("new-calm-harbour-31")
    page.get_by_role("button", name=re.compile("change password|set password|save", re.I)).click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/key/done/$"))
    assert_accessible(page)
    user.refresh_from_db()
    assert user.check_password("new-calm-harbour-31")


def test_an_expired_reset_link_says_so_and_offers_a_new_one(
    page, site, smtp_inbox, assert_accessible
):
    user = UserFactory(email="fern@example.org", display_name="Fern")
    page.goto(site.url + "/accounts/password/reset/")
    page.get_by_label("Email").fill("fern@example.org")
    page.get_by_role("button", name=re.compile("reset", re.I)).click()
    message = smtp_inbox.wait_for(lambda m: "fern@example.org" in m["X-Envelope-To"])
    link = RESET_LINK.search(message_text(message)).group(1)

    later = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with time_machine.travel(later, tick=True):
        page.goto(site.url + link)
        expect(page.get_by_text(re.compile("invalid|expired", re.I)).first).to_be_visible()
        expect(
            page.get_by_role("link", name=re.compile("new password reset", re.I))
        ).to_be_visible()
        assert_accessible(page)
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)

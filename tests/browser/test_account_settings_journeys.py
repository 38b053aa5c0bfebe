"""Account settings as a member uses them: preferences, and a second factor at sign-in."""

import re
import time

import pytest
import time_machine
from playwright.sync_api import expect

from accounts.models import User
from tests.browser.conftest import SIGN_IN, age_sign_in
from tests.factories import DEFAULT_PASSWORD, UserFactory, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url, email):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name=SIGN_IN).click()


def test_set_profile_and_preferences(page, live_server, assert_accessible):
    user = UserFactory(email="ash@example.org", display_name="Ash")
    sign_in(page, live_server.url, user.email)
    page.locator("summary", has_text="Ash").click()
    page.get_by_role("link", name="Account settings").click()
    page.get_by_role("link", name="Profile and preferences").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Profile and preferences")
    assert_accessible(page)

    # A mistake first: the message is clear and the other choices survive it.
    page.get_by_label("Display name", exact=True).fill("ash@example.org")
    page.get_by_label("3 hours").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(re.compile("cannot contain “@”"))).to_be_visible()
    expect(page.get_by_label("3 hours")).to_be_checked()
    assert_accessible(page)

    page.get_by_label("Display name", exact=True).fill("Ash K")
    page.get_by_label("Time zone").fill("Asia/Tokyo")
    page.get_by_label("1 hour").uncheck()
    page.get_by_label("All meetings of my groups").check()
    page.get_by_label("Discreet mode").uncheck()
    page.get_by_label("Fellow members of my groups may see my display name").check()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Your profile and preferences are saved.")).to_be_visible()
    expect(page.locator("summary", has_text="Ash K")).to_be_visible()
    assert_accessible(page)
    user.refresh_from_db()
    assert user.time_zone == "Asia/Tokyo"
    assert user.reminder_lead_minutes == [1440, 180]
    assert user.reminder_scope == User.ReminderScope.ALL
    assert user.discreet_mode is False
    assert user.name_visible_to_members is True

    page.get_by_role("link", name="Security log").click()
    expect(page.get_by_role("cell", name="Profile or preferences changed")).to_be_visible()
    expect(page.get_by_text("Japan Time (Tokyo)").first).to_be_visible()
    assert_accessible(page)


def test_turn_on_an_authenticator_app_and_sign_in_with_it(page, live_server, assert_accessible):
    UserFactory(email="rowan@example.org", display_name="Rowan")
    sign_in(page, live_server.url, "rowan@example.org")
    expect(page.locator("summary", has_text="Rowan")).to_be_visible()
    age_sign_in(page)  # signed in a while ago: the password is asked again
    page.goto(live_server.url + "/accounts/2fa/")
    assert_accessible(page)
    page.get_by_role("link", name="Activate").first.click()

    # allauth asks for the password again before a second factor can change.
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("confirm", re.I))
    assert_accessible(page)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name=re.compile("confirm", re.I)).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Authenticator App")
    assert_accessible(page)
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label(re.compile("Authenticator code", re.I)).fill("123456")
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text(re.compile("incorrect code", re.I))).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile("Authenticator code", re.I)).fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)

    page.locator("summary", has_text="Rowan").click()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server.url, "rowan@example.org")
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("two-factor", re.I))
    assert_accessible(page)
    # A code works once: half a minute later (for the server) the app shows the next one.
    with time_machine.travel(time.time() + 30, tick=True):
        page.get_by_label(re.compile("code", re.I)).fill(totp_code(secret))
        page.get_by_role("button", name=SIGN_IN).click()
        expect(page.locator("summary", has_text="Rowan")).to_be_visible()
    rowan = User.objects.get(email="rowan@example.org")
    assert rowan.audit_events.filter(action="mfa_enabled").exists()

"""A passkey, with Chromium's virtual authenticator standing in for a phone or security key."""

import re

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from accounts.models import AuditEvent
from tests.browser.conftest import SIGN_IN, age_sign_in
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def virtual_authenticator(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp


def test_add_a_passkey_and_sign_in_with_it_alone(
    page, live_server, settings, virtual_authenticator, assert_accessible
):
    # The live test server speaks plain http on localhost; production origins are https.
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    user = UserFactory(email="sol@example.org", display_name="Sol")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name=SIGN_IN).click()
    expect(page.locator("summary", has_text="Sol")).to_be_visible()
    age_sign_in(page)  # signed in a while ago: adding a key asks for the password again

    page.goto(live_server.url + "/accounts/2fa/webauthn/add/")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name=re.compile("confirm", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Add Security Key")
    assert_accessible(page)
    page.get_by_label("Name").fill("My phone")
    page.get_by_label("Passwordless").check()
    page.get_by_role("button", name="Add").click()
    # The browser creates the key with the (virtual) authenticator; a first second factor
    # comes with recovery codes, which allauth shows next.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    assert_accessible(page)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).exists()
    assert AuditEvent.objects.filter(subject=user, action="mfa_enabled").exists()

    page.locator("summary", has_text="Sol").click()
    page.get_by_role("button", name="Sign out").click()
    page.goto(live_server.url + "/accounts/login/")
    expect(page.locator("summary", has_text="Sol")).to_have_count(0)
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page.locator("summary", has_text="Sol")).to_be_visible()
    assert_accessible(page)

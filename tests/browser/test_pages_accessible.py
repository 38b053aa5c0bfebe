"""Every page, signed out and signed in, light and dark, phone and desktop: no axe violation."""

import pytest
from django.urls import reverse

from tests.browser.conftest import SIGN_IN
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC = [
    "home",
    "crisis",
    "groups:group-list",
    "resources:resource-list",
    "account_login",
    "account_signup",
    "account_reset_password",
    "groups:letter-verify-form",
    "offline",
]
SIGNED_IN = [
    "home",
    "groups:my-meetings",
    "groups:my-attendance",
    "groups:letter-list",
    "resources:saved",
    "accounts:profile",
    "accounts:security",
    "accounts:export",  # asks for the password again first: the re-authentication page
    "accounts:delete",
    "account_email",
    "account_change_password",
    "mfa_index",
    "usersessions_list",
    "account_logout",
]
VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 900}}


def sign_in(page, base_url):
    user = UserFactory(email="ivy@example.org", display_name="Ivy")
    page.goto(base_url + reverse("account_login"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name=SIGN_IN).click()
    page.wait_for_url(base_url + "/")


def check_page(page, url, assert_accessible):
    response = page.goto(url)
    assert response.status < 400 or url.endswith("/no-such-page/"), url
    assert page.title().endswith("· Kinship")
    assert page.locator("h1").count() == 1
    assert page.get_by_role("link", name="Crisis help").first.is_visible()
    assert_accessible(page)
    # Reads well on a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), url


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_page_passes_axe(page, live_server, assert_accessible, scheme, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    page.emulate_media(color_scheme=scheme)
    for name in PUBLIC:
        check_page(page, live_server.url + reverse(name), assert_accessible)
    check_page(page, live_server.url + "/no-such-page/", assert_accessible)
    sign_in(page, live_server.url)
    for name in SIGNED_IN:
        check_page(page, live_server.url + reverse(name), assert_accessible)


def test_signing_in_and_out_works_without_javascript(browser, live_server, assert_accessible):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server.url)
    page.locator("summary", has_text="Ivy").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("link", name="Sign in").first.is_visible()
    context.close()

"""The admin, reached through our sign-in with its second factor, works under our CSP (the
page fixture fails on any block)."""

import re

import pytest
from django.urls import reverse

from tests.browser.conftest import SIGN_IN
from tests.factories import DEFAULT_PASSWORD, UserFactory, activate_totp, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_can_find_and_open_a_person_in_the_admin(page, live_server, assert_accessible):
    admin = UserFactory(
        email="admin@example.org", display_name="Alex", is_staff=True, is_superuser=True
    )
    secret = activate_totp(admin)
    member = UserFactory(email="morgan@example.org", display_name="Morgan")

    # The admin sends people to our sign-in, which asks for the second factor.
    page.goto(live_server.url + reverse("admin:accounts_user_changelist"))
    page.get_by_label("Email").fill("admin@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name=SIGN_IN).click()
    page.get_by_label(re.compile("code", re.I)).fill(totp_code(secret))
    page.get_by_role("button", name=SIGN_IN).click()
    page.wait_for_url("**/admin/accounts/user/")
    page.get_by_role("searchbox").fill("Morgan")
    page.get_by_role("searchbox").press("Enter")
    page.get_by_role("link", name="Morgan").click()
    page.wait_for_url(f"**/admin/accounts/user/{member.pk}/change/")
    assert page.get_by_label("Display name").input_value() == "Morgan"
    assert_accessible(page)

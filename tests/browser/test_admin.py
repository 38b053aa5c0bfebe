"""The admin works under our Content-Security-Policy (the page fixture fails on any block)."""

import pytest
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_can_find_and_open_a_person_in_the_admin(page, live_server, assert_accessible):
    UserFactory(email="admin@example.org", display_name="Alex", is_staff=True, is_superuser=True)
    member = UserFactory(email="morgan@example.org", display_name="Morgan")
    page.goto(live_server.url + reverse("account_login"))
    page.get_by_label("Email").fill("admin@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")

    page.goto(live_server.url + reverse("admin:accounts_user_changelist"))
    page.get_by_role("searchbox").fill("Morgan")
    page.get_by_role("searchbox").press("Enter")
    page.get_by_role("link", name="Morgan").click()
    page.wait_for_url(f"**/admin/accounts/user/{member.pk}/change/")
    assert page.get_by_label("Display name").input_value() == "Morgan"
    assert_accessible(page)

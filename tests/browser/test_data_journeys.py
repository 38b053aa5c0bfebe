"""A member takes their data with them, and a member leaves: both as a person does them."""

import json
import re

import pytest
from playwright.sync_api import expect

from accounts.models import FORMER_MEMBER, User
from tests.browser.conftest import SIGN_IN, age_sign_in
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, site, *, email, password=DEFAULT_PASSWORD):
    page.goto(site.url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=SIGN_IN).click()


def open_account_page(page, name):
    page.locator("summary.account-menu__toggle").click()
    page.get_by_role("link", name="Account settings").click()
    page.get_by_role("navigation", name="Account settings").get_by_role("link", name=name).click()


def confirm_password(page, assert_accessible):
    """allauth asks for the password again before sensitive steps, once the sign-in is more
    than a few minutes old (the tests make it so with age_sign_in)."""
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    assert_accessible(page)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name=re.compile("confirm", re.I)).click()


def test_prepare_and_download_my_data(page, site, assert_accessible):
    UserFactory(email="sage@example.org", display_name="Sage")
    sign_in(page, site, email="sage@example.org")
    expect(page.locator("summary", has_text="Sage")).to_be_visible()
    age_sign_in(page)

    open_account_page(page, "Your data")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    assert_accessible(page)

    page.get_by_role("button", name="Prepare my data").click()
    confirm_password(page, assert_accessible)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    expect(
        page.get_by_text(re.compile("preparing your file|file is ready", re.I)).first
    ).to_be_visible()
    assert_accessible(page)

    download_link = page.get_by_role("link", name="Download my data")
    for _ in range(20):
        if download_link.count():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(download_link).to_be_visible()
    # The expiry, in the member's own zone (the factory's America/Chicago), named.
    expect(page.locator("#export-status time")).to_have_text(
        re.compile(r"^\d+ \w{3} \d{4}, \d\d:\d\d Central Time \(Chicago, C[SD]T\)$")
    )
    assert_accessible(page)

    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert re.fullmatch(r"kinship-data-\d{4}-\d\d-\d\d\.json", download.suggested_filename)
    data = json.loads(download.path().read_text(encoding="utf-8"))
    assert data["profile"]["display_name"] == "Sage"
    assert data["profile"]["email"] == "sage@example.org"


def test_delete_my_account_and_find_the_door_closed(page, site, assert_accessible):
    UserFactory(email="ash@example.org", display_name="Ash")
    sign_in(page, site, email="ash@example.org")
    expect(page.locator("summary", has_text="Ash")).to_be_visible()
    age_sign_in(page)

    open_account_page(page, "Delete account")
    confirm_password(page, assert_accessible)
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your account")
    assert_accessible(page)

    page.get_by_label("Your password").fill("not-my-password")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_label("Your password")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    assert User.objects.get(email="ash@example.org").is_active

    page.get_by_label("Your password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Your account has been deleted.")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("sign in", re.I)).first).to_be_visible()
    assert_accessible(page)
    assert not User.objects.filter(email="ash@example.org").exists()
    assert User.objects.filter(display_name=FORMER_MEMBER, is_active=False).count() == 1

    sign_in(page, site, email="ash@example.org")
    expect(page.get_by_text(re.compile("not correct", re.I))).to_be_visible()
    expect(page.locator("summary", has_text="Ash")).to_have_count(0)
    assert_accessible(page)


def test_the_page_shows_the_file_once_ready_without_a_reload(
    page, site, assert_accessible, monkeypatch
):
    from accounts import tasks
    from accounts.models import DataExport
    from accounts.services.exports import export_build

    # No worker picks the job up: the test plays the worker once the page is waiting.
    monkeypatch.setattr(tasks.export_build, "apply_async", lambda *args, **kwargs: None)
    UserFactory(email="sage@example.org", display_name="Sage")
    sign_in(page, site, email="sage@example.org")
    expect(page.locator("summary", has_text="Sage")).to_be_visible()
    age_sign_in(page)
    page.goto(site.url + "/accounts/export/")
    page.get_by_role("button", name="Prepare my data").click()
    confirm_password(page, assert_accessible)
    expect(page.get_by_role("heading", name="Your file is being prepared")).to_be_visible()
    expect(page.get_by_role("link", name="Reload this page")).to_be_visible()
    assert_accessible(page)

    export_build(export_id=DataExport.objects.get().pk)

    # htmx asks every 3 seconds and swaps the new state in.
    expect(page.get_by_role("link", name="Download my data")).to_be_visible(timeout=10_000)
    expect(page.get_by_role("heading", name="Your file is being prepared")).to_have_count(0)
    assert_accessible(page)

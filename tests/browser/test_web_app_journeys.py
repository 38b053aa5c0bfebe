"""Kinship as an installable web app in Chromium: the manifest passes the browser's own
installability checks, the service worker registers, "My meetings" and the crisis lines open
offline after one visit (saying how old they are), other pages give the offline page, and
signing out leaves nothing of the member's on the phone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from groups.services.meetings import meetings_extend
from tests.browser.conftest import SIGN_IN
from tests.factories import (
    DEFAULT_PASSWORD,
    MeetingSeriesFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, base_url: str, user) -> None:
    page.goto(base_url + reverse("account_login"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name=SIGN_IN).click()
    page.wait_for_url(base_url + "/")


def _controlled(page) -> None:
    """Wait until the service worker is active and controls this page."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
    page.wait_for_function("!!navigator.serviceWorker.controller")


def test_the_manifest_passes_chromium_s_installability_checks(page, live_server):
    page.goto(live_server.url + "/")
    _controlled(page)
    session = page.context.new_cdp_session(page)
    errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == []
    manifest = session.send("Page.getAppManifest")
    assert not manifest.get("errors"), manifest.get("errors")
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == live_server.url + "/"


def test_my_meetings_and_the_crisis_lines_open_offline_and_signing_out_clears_them(
    page, live_server, assert_accessible
):
    member = UserFactory(email="sky@example.org", display_name="Sky")
    group = SupportGroupFactory(name="Evening Circle")
    MembershipFactory(user=member, group=group)
    meetings_extend(series=MeetingSeriesFactory(group=group, title="Tuesday sharing"))
    _sign_in(page, live_server.url, member)
    _controlled(page)
    my_meetings = live_server.url + reverse("groups:my-meetings")
    page.goto(my_meetings)
    expect(page.get_by_text("Tuesday sharing").first).to_be_visible()
    page.wait_for_function("caches.has('kinship-member')")

    page.context.set_offline(True)
    page.goto(my_meetings)
    expect(page.get_by_text("You're offline. This is My meetings as it was at")).to_be_visible()
    expect(page.get_by_text("Tuesday sharing").first).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url + reverse("crisis"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Crisis help")
    assert "Sky" not in page.locator("header").inner_text()  # kept as a visitor sees it
    page.goto(live_server.url + reverse("resources:resource-list"))
    expect(page.get_by_role("heading", level=1)).to_have_text("You're offline")
    assert_accessible(page)

    page.context.set_offline(False)
    page.goto(my_meetings)
    page.locator("summary", has_text="Sky").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server.url + "/")
    assert page.evaluate("caches.has('kinship-member')") is False
    # Signing out unregistered the worker with the rest (Clear-Site-Data); the page it
    # landed on registers it again, for a visitor.
    _controlled(page)
    page.context.set_offline(True)
    page.goto(my_meetings)
    expect(page.get_by_role("heading", level=1)).to_have_text("You're offline")
    assert "Tuesday sharing" not in page.content()


def test_a_session_that_ended_elsewhere_leaves_nothing_kept_either(page, live_server):
    """Signed out without this browser's sign-out (the session ran out, or "sign out
    everywhere"): the first page a visitor gets empties what the member kept."""
    member = UserFactory(email="jo@example.org", display_name="Jo")
    _sign_in(page, live_server.url, member)
    _controlled(page)
    page.goto(live_server.url + reverse("groups:my-meetings"))
    page.wait_for_function("caches.has('kinship-member')")
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("groups:group-list"))
    page.wait_for_function("caches.has('kinship-member').then(kept => !kept)")
    page.context.set_offline(True)
    page.goto(live_server.url + reverse("groups:my-meetings"))
    expect(page.get_by_role("heading", level=1)).to_have_text("You're offline")

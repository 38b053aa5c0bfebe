"""Kinship as an installable web app in Chromium: the manifest passes the browser's own
installability checks, the service worker registers, "My meetings" and the crisis lines open
offline after one visit (saying how old they are), other pages give the offline page, and
signing out leaves nothing of the member's on the phone."""

from __future__ import annotations

import base64
import json
import re
import shutil

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from groups.services.meetings import meetings_extend
from tests.browser.conftest import CHROMIUM_ARGS, SIGN_IN
from tests.conftest import skip_or_fail
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


# Headless Chromium has no push service to subscribe with (that needs Google's servers): the
# browser's own subscribe() is stood in for by one that answers as it would, with the
# applicationServerKey it was given. The server's side of a real push service is tested with
# the loopback one (tests/notifications/test_push.py).
FAKE_SUBSCRIBE = """
PushManager.prototype.subscribe = function (options) {
  const key = new Uint8Array(options.applicationServerKey);
  sessionStorage.setItem("pushKey", btoa(String.fromCharCode.apply(null, key)));
  return Promise.resolve({
    toJSON: () => ({
      endpoint: "https://fcm.googleapis.com/fcm/send/from-the-browser",
      keys: { p256dh: "B" + "x".repeat(86), auth: "y".repeat(22) },
    }),
  });
};
"""


@pytest.fixture
def full_chromium(playwright):
    """Debian's full Chromium: the headless shell the other tests use answers "denied" to
    every notification permission, granted or not, so the opt-in can only be seen here."""
    path = shutil.which("chromium")
    if not path:
        skip_or_fail("the full Chromium is not installed (apt-get install chromium)")
    browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def test_a_member_turns_push_on_for_this_device_after_a_tap_and_removes_it(
    full_chromium, live_server, assert_accessible, settings
):
    from notifications.models import PushSubscription
    from notifications.vapid import vapid_pair_new

    settings.VAPID_PUBLIC_KEY = vapid_pair_new()["public_key"]
    member = UserFactory(email="kim@example.org", display_name="Kim")
    context = full_chromium.new_context(locale="en-GB")
    page = context.new_page()
    page.add_init_script(FAKE_SUBSCRIBE)
    _sign_in(page, live_server.url, member)
    page.goto(live_server.url + reverse("accounts:devices"))
    expect(page.get_by_text("No device has push notifications on")).to_be_visible()
    expect(page.get_by_text("Your browser will ask whether Kinship may send")).to_be_visible()
    assert page.evaluate("Notification.permission") == "default"  # nothing asked on load
    assert_accessible(page)

    context.grant_permissions(["notifications"], origin=live_server.url)  # the member's "Allow"
    page.get_by_role("button", name="Turn on push notifications on this device").click()
    expect(page.get_by_text("Push notifications are on for this device.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^\s*Chrome on Linux, since"))).to_be_visible()
    [device] = PushSubscription.objects.filter(user=member)
    assert device.endpoint == "https://fcm.googleapis.com/fcm/send/from-the-browser"
    sent_key = page.evaluate("sessionStorage.getItem('pushKey')")
    assert base64.b64decode(sent_key) == base64.urlsafe_b64decode(
        settings.VAPID_PUBLIC_KEY + "=" * (-len(settings.VAPID_PUBLIC_KEY) % 4)
    )
    assert_accessible(page)

    page.get_by_role("button", name="Remove Chrome on Linux").click()
    expect(page.get_by_text("That device will no longer get push notifications.")).to_be_visible()
    assert not PushSubscription.objects.exists()
    context.close()


def test_a_browser_that_blocks_notifications_is_told_how_to_allow_them(page, live_server):
    """The headless shell blocks every notification, as a browser whose member said "Block"
    does: the page says where to allow them and offers no button."""
    _sign_in(page, live_server.url, UserFactory(email="lee@example.org", display_name="Lee"))
    page.goto(live_server.url + reverse("accounts:devices"))
    assert page.evaluate("Notification.permission") == "denied"
    expect(page.get_by_text("This browser blocks notifications from Kinship")).to_be_visible()
    expect(page.get_by_role("button", name="Turn on push notifications")).to_be_hidden()


def test_a_push_message_shows_as_the_server_worded_it(page, live_server):
    """What the service worker does with a message a push service hands it (Chromium's
    DevTools deliver one, as a push service would, to the registration)."""
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    page.goto(live_server.url + "/")
    _controlled(page)
    session = page.context.new_cdp_session(page)
    session.send("ServiceWorker.enable")
    registration = {}
    session.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registration.update(event["registrations"][0]),
    )
    page.wait_for_timeout(500)
    assert registration, "no registration reported"
    session.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server.url,
            "registrationId": registration["registrationId"],
            "data": json.dumps(
                {"title": "Appointment at 19:00", "body": "In 1 hour", "url": "/meetings/"}
            ),
        },
    )
    page.wait_for_function(
        "navigator.serviceWorker.ready.then(r => r.getNotifications())"
        ".then(n => n.length === 1 && n[0].title === 'Appointment at 19:00'"
        " && n[0].body === 'In 1 hour')"
    )


def test_a_tap_opens_the_join_address_only_while_the_room_is_open(page, live_server):
    """The service worker decides at the tap where a meeting's notification leads
    (templates/sw.js, tapTarget): the join address from when the room opens to the
    meeting's end, the meeting's page before and after, whatever the time it arrived."""
    page.goto(live_server.url + "/")
    _controlled(page)
    [worker] = page.context.service_workers
    data = {
        "url": "/groups/harbour/meetings/7/",
        "join": {
            "url": "/join/abc/",
            "from": "2026-12-02T23:45:00+00:00",
            "until": "2026-12-03T01:00:00+00:00",
        },
    }
    taps = {
        at: worker.evaluate("([data, at]) => tapTarget(data, Date.parse(at))", [data, at])
        for at in (
            "2026-12-02T23:44:59Z",
            "2026-12-02T23:45:00Z",
            "2026-12-03T00:59:59Z",
            "2026-12-03T01:00:00Z",
        )
    }
    assert list(taps.values()) == [
        "/groups/harbour/meetings/7/",
        "/join/abc/",
        "/join/abc/",
        "/groups/harbour/meetings/7/",
    ]
    assert worker.evaluate("tapTarget({url: '/meetings/'}, Date.now())") == "/meetings/"

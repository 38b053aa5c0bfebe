"""The facilitator side in a browser: approving a request while the member waits (two
browsers), posting an announcement the member reads and receives, and the other tools."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from groups.models import Membership, Report
from tests.browser.conftest import SIGN_IN
from tests.conftest import message_text
from tests.factories import (
    DEFAULT_PASSWORD,
    MeetingSeriesFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
    activate_totp,
    totp_code,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONDUCT = "I have read the code of conduct and will keep it"


def sign_in(page, base_url: str, email: str, *, totp_secret: str | None = None) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name=SIGN_IN).click()
    if totp_secret:
        page.get_by_label(re.compile("code", re.I)).fill(totp_code(totp_secret))
        page.get_by_role("button", name=SIGN_IN).click()
    expect(page.locator("summary.account-menu__toggle")).to_be_visible()


def open_dashboard(page, name: str) -> None:
    page.locator("summary", has_text=name).click()
    page.get_by_role("link", name="Facilitator dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Facilitator dashboard")


@pytest.fixture
def robin():
    """A facilitator with an authenticator app; returns (user, secret)."""
    user = UserFactory(email="robin@example.org", display_name="Robin", is_facilitator=True)
    return user, activate_totp(user)


def test_a_request_is_approved_by_the_facilitator_while_the_member_waits(
    page, other_page, site, smtp_inbox, assert_accessible, robin
):
    facilitator, secret = robin
    group = SupportGroupFactory(
        name="Thursday Circle",
        join_policy="approval",
        online_url="https://meet.example.org/thursday",
    )
    MeetingSeriesFactory(group=group, title="Thursday sharing")  # online, the group's link
    MembershipFactory(user=facilitator, group=group, role="facilitator")
    morgan = UserFactory(email="morgan@example.org", display_name="Morgan")
    group_url = f"{site.url}/groups/{group.slug}/"

    # The member asks to join.
    sign_in(page, site.url, morgan.email)
    page.goto(group_url)
    page.get_by_role("link", name="Ask to join").click()
    assert_accessible(page)
    page.get_by_label("A message to the facilitators").fill("I am three weeks clean.")
    page.get_by_label(CONDUCT).check()
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_text("Your request is waiting for a facilitator.")).to_be_visible()
    expect(page.get_by_text("https://meet.example.org/thursday")).to_have_count(0)

    # The facilitator, in another browser, signs in with their code and approves.
    sign_in(other_page, site.url, facilitator.email, totp_secret=secret)
    open_dashboard(other_page, "Robin")
    expect(other_page.get_by_text("1 request is waiting for an answer.")).to_be_visible()
    assert_accessible(other_page)
    other_page.get_by_role("link", name="Member list of Thursday Circle").click()
    expect(other_page.get_by_role("heading", level=1)).to_have_text("Members")
    expect(other_page.get_by_text("I am three weeks clean.")).to_be_visible()
    assert_accessible(other_page)
    other_page.get_by_label("Message to Morgan").fill("Welcome, see you Thursday.")
    other_page.get_by_role("button", name="Approve Morgan").click()
    expect(other_page.get_by_text("Morgan is now a member.")).to_be_visible()
    row = other_page.get_by_role("row", name=re.compile("Morgan"))
    expect(row.get_by_role("cell", name="Active")).to_be_visible()
    expect(other_page.get_by_text("No requests are waiting.")).to_be_visible()
    assert_accessible(other_page)

    # The member reloads the group page: the members-only details are there now.
    page.reload()
    expect(page.get_by_role("heading", name="For members")).to_be_visible()
    # The way in is Morgan's own join address; the link itself stays on the server.
    expect(page.get_by_role("link", name="your own join address")).to_have_attribute(
        "href", re.compile(r"/join/[\w-]{20,}/$")
    )
    expect(page.get_by_text("https://meet.example.org/thursday")).to_have_count(0)
    assert_accessible(page)
    message = smtp_inbox.wait_for(
        lambda m: "morgan@example.org" in m["X-Envelope-To"] and "welcomed" in message_text(m)
    )
    assert "Welcome, see you Thursday." in message_text(message)
    assert "Thursday" not in message["Subject"]  # discreet mode, the default
    membership = Membership.objects.get(user=morgan, group=group)
    assert (membership.state, membership.decided_by) == ("active", facilitator)


def test_an_announcement_is_read_on_the_group_page_and_received_by_email(
    page, other_page, site, smtp_inbox, assert_accessible, robin
):
    facilitator, secret = robin
    group = SupportGroupFactory(name="Evening Circle")
    MembershipFactory(user=facilitator, group=group, role="facilitator")
    morgan = UserFactory(email="morgan@example.org", display_name="Morgan")
    MembershipFactory(user=morgan, group=group)

    sign_in(page, site.url, facilitator.email, totp_secret=secret)
    open_dashboard(page, "Robin")
    page.get_by_role("link", name="Post an announcement to Evening Circle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Post an announcement")
    assert_accessible(page)
    page.get_by_role("button", name="Post and e-mail").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Title").fill("No meeting on the 25th")
    page.get_by_label("Message").fill("We take a **holiday** break. See you on the 2nd.")
    page.get_by_role("button", name="Post and e-mail").click()
    expect(page.get_by_text("Posted and e-mailed to 1 member.")).to_be_visible()
    assert_accessible(page)

    sign_in(other_page, site.url, morgan.email)
    other_page.goto(f"{site.url}/groups/{group.slug}/")
    announcement = other_page.get_by_role("article", name="No meeting on the 25th")
    expect(announcement).to_be_visible()
    expect(announcement.locator("strong")).to_have_text("holiday")
    assert_accessible(other_page)

    message = smtp_inbox.wait_for(lambda m: "morgan@example.org" in m["X-Envelope-To"])
    assert "No meeting on the 25th" in message_text(message)
    assert message["Subject"] == "Kinship: A new announcement"


def test_the_other_tools_invitations_settings_removal_people_and_reports(
    page, other_page, site, assert_accessible, robin
):
    facilitator, secret = robin
    group = SupportGroupFactory(name="Morning Circle", join_policy="invitation")
    MembershipFactory(user=facilitator, group=group, role="facilitator")
    jo = MembershipFactory(group=group, user=UserFactory(display_name="Jo")).user
    sam = UserFactory(email="sam@example.org", display_name="Sam", name_visible_to_members=True)
    MembershipFactory(user=sam, group=group)

    sign_in(page, site.url, facilitator.email, totp_secret=secret)
    page.goto(f"{site.url}/groups/{group.slug}/invitations/")
    expect(page.get_by_text("No invitation links yet.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Create an invitation link").click()
    expect(page.locator("code.invitation-link")).to_contain_text("/groups/invite/")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("^Withdraw")).click()
    expect(page.get_by_role("cell", name="Withdrawn")).to_be_visible()

    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
    assert_accessible(page)
    # The browser stops an over-long name itself (maxlength); the zone is checked on the server.
    page.get_by_label("Time zone").fill("Mars/Olympus")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_label("Time zone")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    page.get_by_label("Time zone").fill("America/Chicago")
    page.get_by_label("Name", exact=True).fill("Morning Circle (Austin)")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The group's settings are saved.")).to_be_visible()

    page.get_by_role("link", name="Members").click()
    page.get_by_role("link", name="Remove Jo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove Jo from the group?")
    assert_accessible(page)
    page.get_by_role("button", name="Remove Jo").click()
    expect(page.get_by_text("Jo is no longer a member.")).to_be_visible()
    assert Membership.objects.get(user=jo, group=group).state == "removed"

    # A member sees who chose to be seen, and reports a concern about the group.
    sign_in(other_page, site.url, sam.email)
    other_page.goto(f"{site.url}/groups/{group.slug}/people/")
    expect(other_page.get_by_role("heading", level=1)).to_have_text(
        "People in Morning Circle (Austin)"
    )
    expect(other_page.get_by_text("Robin")).to_be_visible()
    assert_accessible(other_page)
    other_page.goto(f"{site.url}/groups/{group.slug}/report/")
    assert_accessible(other_page)
    other_page.get_by_label("Spam or advertising").check()
    other_page.get_by_label("What happened").fill("Adverts in the chat.")
    other_page.get_by_role("button", name="Send the report").click()
    expect(other_page.get_by_role("heading", level=1)).to_have_text("Thank you for telling us")
    assert_accessible(other_page)
    assert Report.objects.get().reporter == sam

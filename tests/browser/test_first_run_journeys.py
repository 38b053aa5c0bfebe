"""Issue 15, items 15 and 17, as a new member walks them, at phone and desktop widths with axe:
the first-run welcome, the next meeting first on the home and group pages, one-tap answers on
"My meetings" (with and without JavaScript), Saved resources in the account menu, the privacy,
terms and contact pages, and revoking a letter from the list of letters."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from groups.attendance.services import letter_issue
from groups.models import Attendance, Rsvp
from tests.browser.conftest import SIGN_IN
from tests.browser.test_meeting_journeys import ZONE, at_seven_pm, no_js, today, when
from tests.factories import (
    DEFAULT_PASSWORD,
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["no_js"]  # the fixture, used by name

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def sign_in(page, base_url: str, email: str) -> None:
    page.goto(base_url + reverse("account_login"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name=SIGN_IN).click()
    expect(page.locator("summary.account-menu__toggle")).to_be_visible()


def messages(page):
    return page.locator(".messages")


@pytest.fixture
def circle():
    """An open group with a meeting next week, at 19:00 in Phoenix."""
    group = SupportGroupFactory(name="Evening Circle", time_zone=ZONE)
    series = MeetingSeriesFactory(group=group, title="Thursday evening", time_zone=ZONE)
    meeting = MeetingFactory(series=series, occurrence_start=at_seven_pm(today() + timedelta(5)))
    return group, meeting


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_new_member_is_welcomed_then_answers_from_the_home_group_and_my_meetings_pages(
    page, live_server, assert_accessible, circle, viewport
):
    group, meeting = circle
    ivy = UserFactory(email="ivy@example.org", display_name="Ivy", time_zone=ZONE)
    page.set_viewport_size(VIEWPORTS[viewport])

    # A brand-new member: a first-run welcome, not "Welcome back".
    sign_in(page, live_server.url, ivy.email)
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to Kinship, Ivy")
    expect(page.get_by_text("Welcome back")).to_have_count(0)
    welcome = page.locator(".first-run")
    expect(welcome.get_by_role("link", name="Find a group")).to_be_visible()
    expect(welcome.get_by_role("link", name="Set your time zone and reminders")).to_be_visible()
    expect(welcome.locator(".crisis-line__number", has_text="988").first).to_be_visible()
    assert_accessible(page)

    # A visitor to the group sees the next meeting's day and time first, in their zone.
    page.goto(live_server.url + reverse("groups:group-detail", args=[group.slug]))
    card = page.get_by_role("region", name="Next meeting")
    expect(card).to_contain_text(when(meeting.starts_at))
    expect(card.get_by_role("button")).to_have_count(0)
    assert_accessible(page)

    # Once a member, the same card has their answer and the buttons.
    MembershipFactory(user=ivy, group=group)
    page.reload()
    expect(card).to_contain_text("Not answered")
    card.get_by_role("button", name=re.compile("^Going")).click()
    expect(messages(page)).to_contain_text("You're going.")
    expect(page).to_have_url(re.compile(re.escape(group.slug) + "/$"))
    expect(card).to_contain_text("You're going")
    assert_accessible(page)

    # "My meetings": one tap changes the answer, and the page stays.
    page.goto(live_server.url + reverse("groups:my-meetings"))
    item = page.locator("li.meeting", has_text="Thursday evening")
    expect(item.get_by_text("Answer or change")).to_have_count(0)
    item.get_by_role("button", name=re.compile("^Not going")).click()
    expect(messages(page)).to_contain_text("Thanks for letting the group know")
    expect(page.get_by_role("heading", level=1)).to_have_text("My meetings")
    expect(item.get_by_text("You can't come", exact=True)).to_be_visible()
    assert Rsvp.objects.get(user=ivy, meeting=meeting).answer == "not_going"
    assert_accessible(page)

    # Home now: "Welcome back", the next meeting first, answered from there too.
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome back, Ivy")
    next_card = page.get_by_role("region", name="Your next meeting")
    expect(next_card).to_contain_text("Thursday evening")
    expect(next_card).to_contain_text(when(meeting.starts_at))
    next_card.get_by_role("button", name=re.compile("^Going")).click()
    expect(messages(page)).to_contain_text("You're going.")
    expect(next_card).to_contain_text("You're going")
    assert_accessible(page)

    # Saved resources, from the account menu.
    page.locator("summary.account-menu__toggle").click()
    page.get_by_role("link", name="Saved resources").click()
    assert page.url.endswith(reverse("resources:saved"))
    assert_accessible(page)


def test_the_welcome_can_be_put_away_and_answers_work_without_javascript(
    no_js, live_server, circle
):
    group, meeting = circle
    UserFactory(email="ivy@example.org", display_name="Ivy", time_zone=ZONE)
    page = no_js()
    sign_in(page, live_server.url, "ivy@example.org")
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Hide this welcome").click()
    expect(messages(page)).to_contain_text("The welcome is put away")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome back, Ivy")

    MembershipFactory(user=User.objects.get(email="ivy@example.org"), group=group)
    page.goto(live_server.url + reverse("groups:my-meetings"))
    page.get_by_role("button", name=re.compile("^Going")).click()
    expect(messages(page)).to_contain_text("You're going.")
    expect(page.get_by_role("heading", level=1)).to_have_text("My meetings")
    assert Rsvp.objects.get(meeting=meeting).answer == "going"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_privacy_terms_and_contact_pages_are_one_tap_from_every_footer(
    page, live_server, assert_accessible, settings, viewport
):
    settings.ORGANISATION_NAME = "Hope Recovery Network"
    settings.CONTACT_EMAIL = "help@hope.example.org"
    page.set_viewport_size(VIEWPORTS[viewport])

    page.goto(live_server.url + reverse("account_reset_password"))
    page.get_by_role("main").get_by_role("link", name="Contact us").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact Hope Recovery Network")
    expect(page.get_by_role("link", name="help@hope.example.org")).to_be_visible()
    assert_accessible(page)

    footer = page.get_by_role("contentinfo")
    # The lines in the reader's language first (the Spanish ones follow).
    expect(footer.locator(".crisis-line").first).to_have_text(
        re.compile(r"^\s*988\s+Suicide & Crisis Lifeline")
    )
    footer.get_by_role("link", name="Privacy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy policy")
    expect(page.get_by_text("Kinship is run by Hope Recovery Network")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("contentinfo").get_by_role("link", name="Terms").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Terms of use")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_member_revokes_a_letter_from_the_list_after_confirming(
    page, live_server, assert_accessible, circle, viewport, settings
):
    settings.ORGANISATION_NAME = "Hope Recovery Network"
    group, _meeting = circle
    robin = UserFactory(display_name="Robin", time_zone=ZONE)
    morgan = UserFactory(email="morgan@example.org", display_name="Morgan", time_zone=ZONE)
    MembershipFactory(user=robin, group=group, role="facilitator")
    MembershipFactory(user=morgan, group=group)
    past = MeetingFactory(
        series=_meeting.series, occurrence_start=at_seven_pm(today() - timedelta(3))
    )
    Attendance.objects.create(meeting=past, user=morgan, recorded_by=robin)
    letter = letter_issue(user=morgan, date_from=today() - timedelta(7), date_to=today())
    page.set_viewport_size(VIEWPORTS[viewport])

    sign_in(page, live_server.url, morgan.email)
    page.goto(live_server.url + reverse("groups:letter-detail", args=[letter.pk]))
    article = page.get_by_role("article", name="Proof of attendance")
    expect(article).to_contain_text("as recorded by facilitator Robin")
    expect(article).to_contain_text("Issued by Hope Recovery Network on")
    assert_accessible(page)

    page.goto(live_server.url + reverse("groups:letter-list"))
    page.get_by_role("link", name=re.compile(f"^Revoke… the letter {letter.code}")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revoke this letter?")
    assert_accessible(page)
    page.get_by_role("button", name="Revoke the letter").click()
    expect(messages(page)).to_contain_text("The letter is revoked")
    page.get_by_role("link", name="All your letters").click()
    expect(page.get_by_role("table").get_by_text("Revoked", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Revoke…"))).to_have_count(0)
    assert_accessible(page)

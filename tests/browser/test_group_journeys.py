"""Finding, joining, asking to join and leaving a group, as a member does it in a browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from groups.models import Membership
from tests.browser.conftest import SIGN_IN
from tests.factories import (
    DEFAULT_PASSWORD,
    MembershipFactory,
    SupportGroupFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONDUCT = "I have read the code of conduct and will keep it"


def sign_in(page, base_url: str, email: str, next_url: str = "/") -> None:
    page.goto(f"{base_url}/accounts/login/?next={next_url}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name=SIGN_IN).click()
    expect(page.locator("summary.account-menu__toggle")).to_be_visible()


def results(page):
    return page.locator("#group-results")


def settled(page):
    """No htmx request in flight (so the fading "Updating…" note is gone): scan now."""
    expect(page.locator(".htmx-request")).to_have_count(0)
    return page


def some_groups() -> None:
    # Transactional tests empty the tables, so the topics the migration adds may be gone.
    ketamine = TopicFactory(slug="ketamine", name="Ketamine")
    SupportGroupFactory(
        name="Evening circle",
        format="online",
        description="Ketamine recovery, every Tuesday.",
        topics=[ketamine],
    )
    SupportGroupFactory(name="Morning circle", format="in_person", city="Austin")
    SupportGroupFactory(name="Parents evening", format="online", audience="loved_ones")
    SupportGroupFactory(name="Hidden circle", format="online", listed=False)


def open_filters(page) -> None:
    """The filters other than words wait in a closed <details>, below the search box."""
    page.locator("summary", has_text="Filter by format, topic, day and time").click()


def test_find_a_group_with_filters_updating_in_place(page, live_server, assert_accessible):
    some_groups()
    page.goto(live_server.url + "/groups/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a group")
    expect(results(page).get_by_role("link")).to_have_count(3)
    assert_accessible(page)

    open_filters(page)
    page.get_by_label("Online").check()
    expect(results(page).get_by_role("link", name="Morning circle")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"format=online"))
    page.get_by_label("Search by words").press_sequentially("circle")
    expect(results(page).get_by_role("link")).to_have_count(1)
    expect(results(page).get_by_role("link", name="Evening circle")).to_be_visible()
    expect(page.locator("#results-status")).to_have_text(re.compile(r"1 group found"))
    expect(page).to_have_url(re.compile(r"format=online.*q=circle|q=circle.*format=online"))
    # Updated in place: the page was not reloaded, the search box kept its focus.
    expect(page.get_by_label("Search by words")).to_be_focused()
    assert_accessible(settled(page))

    page.get_by_label("Search by words").fill("nothing-like-this")
    page.get_by_label("Search by words").press("Enter")
    expect(results(page).get_by_text("No groups match these filters")).to_be_visible()
    assert_accessible(settled(page))
    results(page).get_by_role("link", name="Clear filters").click()
    expect(results(page).get_by_role("link")).to_have_count(3)

    # The address can be shared: opening it shows the same results and the boxes ticked.
    page.goto(live_server.url + "/groups/?format=online&q=circle")
    expect(page.locator("summary", has_text="(1 chosen)")).to_be_visible()
    open_filters(page)
    expect(page.get_by_label("Online")).to_be_checked()
    expect(results(page).get_by_role("link")).to_have_count(1)
    assert_accessible(page)

    results(page).get_by_role("link", name="Evening circle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evening circle")
    assert_accessible(page)


def test_find_a_group_without_javascript(browser, live_server):
    some_groups()
    context = browser.new_context(java_script_enabled=False, locale="en-US")
    page = context.new_page()
    try:
        page.goto(live_server.url + "/groups/")
        open_filters(page)  # a <details>: it opens without JavaScript
        page.get_by_label("Online").check()
        page.get_by_label("Search by words").fill("circle")
        page.get_by_role("button", name="Show groups").click()
        expect(page).to_have_url(re.compile(r"format=online"))
        expect(results(page).get_by_role("link")).to_have_count(1)
        expect(results(page).get_by_role("link", name="Evening circle")).to_be_visible()
        open_filters(page)
        expect(page.get_by_label("Online")).to_be_checked()
        expect(page.get_by_label("Search by words")).to_have_value("circle")
        # axe cannot run where scripts are off; the same address is scanned with them on in
        # test_find_a_group_with_filters_updating_in_place.
    finally:
        context.close()


def test_join_an_open_group(page, live_server, assert_accessible):
    member = UserFactory(display_name="Sky")
    group = SupportGroupFactory(
        name="Evening circle", join_policy="open", online_url="https://meet.example.org/evening"
    )
    MembershipFactory(group=group, role="facilitator", user=UserFactory(display_name="Robin"))
    sign_in(page, live_server.url, member.email, next_url=f"/groups/{group.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Evening circle")
    expect(page.get_by_text("https://meet.example.org/evening")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Join this group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Evening circle")
    expect(page.get_by_role("heading", name="Code of conduct")).to_be_visible()
    assert_accessible(page)
    # Forgetting the box: a clear message, nothing joined.
    page.get_by_role("button", name="Join the group").click()
    expect(page.get_by_text("Please read the code of conduct and tick the box.")).to_be_visible()
    expect(page.get_by_label(CONDUCT)).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    assert not Membership.objects.filter(user=member).exists()

    page.get_by_label(CONDUCT).check()
    page.get_by_role("button", name="Join the group").click()
    expect(page.get_by_text("Welcome to Evening circle")).to_be_visible()
    expect(page.get_by_text("You're a member.")).to_be_visible()
    # Members reach the room by their own join addresses: the link is on no page.
    expect(page.get_by_text("https://meet.example.org/evening")).to_have_count(0)
    assert_accessible(page)
    assert Membership.objects.get(user=member, group=group).state == "active"


def test_ask_to_join_an_approval_group_and_wait(page, live_server, assert_accessible):
    member = UserFactory(display_name="Sky")
    group = SupportGroupFactory(name="Careful circle", join_policy="approval")
    MembershipFactory(group=group, role="facilitator")
    sign_in(page, live_server.url, member.email, next_url=f"/groups/{group.slug}/")
    page.get_by_role("link", name="Ask to join").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask to join Careful circle")
    assert_accessible(page)
    page.get_by_label("A message to the facilitators").fill("I'm a month in and want company.")
    page.get_by_label(CONDUCT).check()
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_text("Your request was sent to the facilitators")).to_be_visible()
    expect(page.get_by_text("Your request is waiting for a facilitator.")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel my request")).to_be_visible()
    assert_accessible(page)
    membership = Membership.objects.get(user=member, group=group)
    assert membership.state == "pending"
    assert membership.request_message == "I'm a month in and want company."


def test_leave_a_group(page, live_server, assert_accessible):
    member = UserFactory(display_name="Sky")
    group = SupportGroupFactory(name="Evening circle")
    MembershipFactory(group=group, user=member)
    sign_in(page, live_server.url, member.email, next_url=f"/groups/{group.slug}/")
    page.get_by_role("link", name="Leave this group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leave Evening circle?")
    assert_accessible(page)
    page.get_by_role("button", name="Leave the group").click()
    expect(page.get_by_text("You left Evening circle.")).to_be_visible()
    expect(page.get_by_role("link", name="Join this group")).to_be_visible()
    assert_accessible(page)
    assert Membership.objects.get(user=member, group=group).state == "left"


# --- issue 15: results first, the viewer's zone, member badges ---------------------------


def many_groups(count: int = 12) -> None:
    ketamine = TopicFactory(slug="ketamine", name="Ketamine")
    for n in range(count):
        SupportGroupFactory(
            name=f"Circle {n:02}",
            description="We listen and share, one week at a time.",
            topics=[ketamine],
        )


@pytest.mark.parametrize(
    "viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}]
)
def test_the_directory_shows_the_first_group_on_the_first_screen(
    page, live_server, assert_accessible, viewport
):
    many_groups()
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/groups/")
    first = results(page).locator("article.group-card").first
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box is not None and box["y"] < viewport["height"], box
    # The filters wait, closed, in one compact panel.
    expect(page.get_by_label("Online")).to_be_hidden()
    assert_accessible(page)
    open_filters(page)
    expect(page.get_by_label("Online")).to_be_visible()
    assert_accessible(page)


def test_a_visitor_in_india_filters_by_their_own_day_and_time(page, live_server, assert_accessible):
    """A Tuesday 19:00 New York group meets on Wednesday morning in India: a visitor who
    says they are in Kolkata finds it there, and is told the times are theirs."""
    from datetime import time

    from groups.services.meetings import meetings_extend
    from tests.factories import MeetingSeriesFactory

    group = SupportGroupFactory(name="New York evening", time_zone="America/New_York")
    series = MeetingSeriesFactory(group=group, start_time=time(19), time_zone="America/New_York")
    meetings_extend(series=series)
    SupportGroupFactory(name="No schedule yet")

    page.goto(live_server.url + "/groups/")
    expect(results(page)).to_contain_text("Times in Eastern Time (New York")
    open_filters(page)
    page.get_by_label("Your time zone").fill("kolkata")
    page.get_by_label("Your time zone").press("Tab")  # a change: the results follow
    expect(results(page)).to_contain_text("Times in India Standard Time (Kolkata, IST)")
    page.get_by_label("Wednesday").check()
    page.get_by_label("Morning (before 12:00)").check()
    expect(results(page).get_by_role("link")).to_have_count(1)
    expect(results(page).get_by_role("link", name="New York evening")).to_be_visible()
    expect(results(page)).to_contain_text("IST (19:00 E")  # and the group's own clock
    assert_accessible(settled(page))

    page.get_by_label("Wednesday").uncheck()
    page.get_by_label("Tuesday").check()
    expect(results(page).get_by_text("No groups match these filters")).to_be_visible()

    # A zone it cannot be sure of is a question, not a guess.
    page.get_by_label("Your time zone").fill("IST")
    page.get_by_label("Your time zone").press("Tab")
    expect(results(page).get_by_role("alert")).to_contain_text("Israel Time (Jerusalem)")
    assert_accessible(settled(page))


def test_a_member_sees_which_groups_they_belong_to_or_wait_for(
    page, live_server, assert_accessible
):
    member = UserFactory(email="morgan@example.org", display_name="Morgan")
    mine = SupportGroupFactory(name="My circle")
    waiting = SupportGroupFactory(name="Waiting circle", join_policy="approval")
    SupportGroupFactory(name="Other circle")
    MembershipFactory(user=member, group=mine)
    MembershipFactory(user=member, group=waiting, state=Membership.State.PENDING)
    sign_in(page, live_server.url, member.email, next_url="/groups/")
    card = results(page).locator("article.group-card")
    expect(card.filter(has_text="My circle")).to_contain_text("You're a member")
    expect(card.filter(has_text="Waiting circle")).to_contain_text("Request pending")
    expect(card.filter(has_text="Other circle")).not_to_contain_text("You're a member")
    # Members read (and filter) times in their profile's zone; no zone box for them.
    expect(results(page)).to_contain_text("Times in Central Time (Chicago")
    open_filters(page)
    expect(page.get_by_label("Your time zone")).to_have_count(0)
    assert_accessible(page)

"""What visitors see of a group and what members do about each other, in a browser: the
public page names a facilitator only once they choose it, a series with a private link sends
visitors to its join page, and a member reports someone from the people page."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from groups.models import Report
from tests.browser.test_group_journeys import sign_in
from tests.factories import (
    MeetingSeriesFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_facilitator_chooses_to_be_named_and_visitors_find_the_way_to_join_online(
    page, browser, live_server, assert_accessible
):
    robin = UserFactory(display_name="Robin Quayle")
    group = SupportGroupFactory(name="Harbour Circle", online_url="https://meet.example.org/h")
    MembershipFactory(group=group, role="facilitator", user=robin)
    series = MeetingSeriesFactory(group=group, title="Tuesday evening")
    group_url = f"{live_server.url}/groups/{group.slug}/"

    visitor = browser.new_page()
    visitor.goto(group_url)
    expect(visitor.get_by_text("a facilitator", exact=True)).to_be_visible()
    expect(visitor.get_by_text("Robin Quayle")).to_have_count(0)
    join = visitor.get_by_role("link", name="How to join online")
    assert urlsplit(join.get_attribute("href")).path == (
        f"/groups/{group.slug}/meetings/{series.slug}/join/"
    )
    visitor.goto(live_server.url + urlsplit(join.get_attribute("href")).path)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Tuesday evening")
    expect(visitor.get_by_text("https://meet.example.org/h")).to_have_count(0)
    assert_accessible(visitor)

    sign_in(page, live_server.url, robin.email, next_url=f"/groups/{group.slug}/")
    box = page.get_by_label("Show my name to visitors as a facilitator")
    expect(box).not_to_be_checked()
    assert_accessible(page)
    box.check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Visitors to the group's page now see your name.")).to_be_visible()
    expect(page.get_by_label("Show my name to visitors as a facilitator")).to_be_checked()
    assert_accessible(page)

    visitor.goto(group_url)
    expect(visitor.get_by_text("Robin Quayle")).to_be_visible()
    visitor.close()


def test_a_member_reports_someone_from_the_people_page(page, live_server, assert_accessible):
    group = SupportGroupFactory(name="Harbour Circle")
    member = MembershipFactory(group=group, user=UserFactory(display_name="Sky")).user
    casey = UserFactory(display_name="Casey", name_visible_to_members=True)
    MembershipFactory(group=group, user=casey)
    sign_in(page, live_server.url, member.email, next_url=f"/groups/{group.slug}/people/")
    expect(page.get_by_role("heading", level=1)).to_have_text("People in Harbour Circle")
    assert_accessible(page)

    page.get_by_role("link", name="Report a concern about Casey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report a concern")
    expect(page.get_by_text("Casey, in Harbour Circle")).to_be_visible()
    assert_accessible(page)
    assert not Report.objects.exists()

    page.get_by_label("Harassment or bullying").check()
    page.get_by_label("What happened").fill("Messages after the meeting.")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for telling us")
    assert_accessible(page)
    report = Report.objects.get()
    assert (report.person, report.group, report.reporter) == (casey, group, member)

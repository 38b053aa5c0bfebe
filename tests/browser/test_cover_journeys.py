"""Issue 20's journeys on a phone, each page scanned with axe-core: a facilitator names a
backup, who says they will host the next meeting; the facilitator says they can't host
one, and hands the group over to a member, who finds the offer on the group's page and
accepts it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from groups.models import Handover, HostingAnswer, Membership
from tests.factories import (
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
    activate_totp,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
ZONE = "America/New_York"


def signed_in(browser, browser_context_args, base_url: str, user: User):
    """A phone's browser with `user` signed in (through the session cookie)."""
    context = browser.new_context(**browser_context_args, viewport=PHONE)
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])
    return context.new_page()


def fits(page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), page.url


def test_a_backup_is_named_and_hosts_and_the_facilitator_cant_host_one(
    browser, browser_context_args, live_server, assert_accessible
):
    group = SupportGroupFactory(name="Harbour Circle", time_zone=ZONE)
    robin = UserFactory(display_name="Robin", is_facilitator=True, time_zone=ZONE)
    MembershipFactory(user=robin, group=group, role="facilitator")
    activate_totp(robin)
    sam = UserFactory(display_name="Sam", time_zone=ZONE)
    MembershipFactory(user=sam, group=group)
    activate_totp(sam)
    series = MeetingSeriesFactory(group=group, title="Evening sharing", time_zone=ZONE)
    first = MeetingFactory(series=series, occurrence_start=timezone.now() + timedelta(days=2))
    second = MeetingFactory(series=series, occurrence_start=timezone.now() + timedelta(days=9))

    page = signed_in(browser, browser_context_args, live_server.url, robin)
    page.goto(live_server.url + reverse("groups:member-list", args=[group.slug]))
    page.get_by_role("button", name=re.compile(r"^Name as backup\W+Sam$")).click()
    expect(page.locator(".messages")).to_contain_text("Sam is now a backup facilitator.")
    assert_accessible(page)
    fits(page)
    assert Membership.objects.get(user=sam).role == "backup"

    # Robin can't host the second meeting: Sam, the backup, is asked.
    page.goto(live_server.url + reverse("groups:schedule", args=[group.slug]))
    page.get_by_role("button", name="I can't host this one").last.click()
    expect(page.locator(".messages")).to_contain_text("We have asked the 1 other person")
    assert_accessible(page)
    fits(page)
    page.context.close()

    # Sam says they will host the first one, from its hosting page.
    backup = signed_in(browser, browser_context_args, live_server.url, sam)
    backup.goto(live_server.url + reverse("groups:meeting-hosting", args=[group.slug, first.pk]))
    expect(backup.get_by_role("heading", level=1)).to_have_text("Who is hosting?")
    assert_accessible(backup)
    fits(backup)
    backup.get_by_role("button", name="I will host this one").click()
    expect(backup.locator(".messages")).to_contain_text("you're hosting this meeting")
    expect(backup.get_by_text("Hosting: Sam")).to_be_visible()
    assert_accessible(backup)
    backup.context.close()
    assert HostingAnswer.objects.get(meeting=first).user == sam
    assert HostingAnswer.objects.get(meeting=second).answer == "cant_host"


def test_a_facilitator_hands_the_group_over_and_the_member_accepts(
    browser, browser_context_args, live_server, assert_accessible
):
    group = SupportGroupFactory(name="Harbour Circle", time_zone=ZONE)
    robin = UserFactory(display_name="Robin", is_facilitator=True, time_zone=ZONE)
    MembershipFactory(user=robin, group=group, role="facilitator")
    activate_totp(robin)
    kai = UserFactory(display_name="Kai", time_zone=ZONE)
    MembershipFactory(user=kai, group=group)

    page = signed_in(browser, browser_context_args, live_server.url, robin)
    page.goto(live_server.url + reverse("groups:handover", args=[group.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Cover and handover")
    assert_accessible(page)
    fits(page)
    page.get_by_label("Hand over to").select_option(label="Kai")
    page.get_by_label("Stay on as co-facilitator").uncheck()
    page.get_by_label("Message to them (optional)").fill("You know the room well.")
    page.get_by_role("button", name="Offer the handover").click()
    expect(page.locator(".messages")).to_contain_text("We have told Kai.")
    expect(page.get_by_text("Robin offered the whole group to Kai.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("My service term ends on").fill(
        (timezone.localdate() + timedelta(days=90)).isoformat()
    )
    page.get_by_role("button", name="Save my term").click()
    expect(page.locator(".messages")).to_contain_text("Your service term is saved.")
    page.context.close()
    assert Membership.objects.get(user=robin).role == "facilitator"  # until Kai accepts

    member = signed_in(browser, browser_context_args, live_server.url, kai)
    member.goto(live_server.url + reverse("groups:group-detail", args=[group.slug]))
    member.get_by_role("link", name="See the offer and answer").click()
    expect(member.get_by_role("heading", level=1)).to_have_text("Would you take it over?")
    expect(member.get_by_text("You know the room well.")).to_be_visible()
    expect(
        member.get_by_text("The one who offered steps back and becomes a member.")
    ).to_be_visible()
    assert_accessible(member)
    fits(member)
    member.get_by_role("button", name="Accept and take it over").click()
    expect(member.locator(".messages")).to_contain_text("You now facilitate it.")
    assert_accessible(member)
    member.context.close()
    assert Handover.objects.get().state == "accepted"
    assert Membership.objects.get(user=kai).role == "facilitator"
    assert Membership.objects.get(user=robin).role == "member"

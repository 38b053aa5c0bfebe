"""Online rooms in a browser: a member's join address shows the waiting page with its
countdown and then leads into the room, a facilitator pauses one member's access and changes
the link on the room page, and a member says "I can't make it" from a reminder without
signing in, which gives their place to the person waiting. Every page visited is scanned
with axe-core.

The server's clock cannot be frozen from here, so the meetings are made relative to the real
`timezone.now()`: one whose room opens in 25 minutes is "early", one that starts in 5 minutes
is inside the window (the room opens `join_opens_minutes`, 15, before the start). The "video
room" is a page of this site on the live server, so the browser can be seen arriving there.

Everyone lives in America/Phoenix, which keeps MST all year (see test_meeting_journeys)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from groups.meetings.joining import join_address_url, join_addresses_for
from groups.meetings.rsvp_links import cant_make_it_token, undo_token
from groups.meetings.times import format_instant, format_meeting_time
from groups.models import JoinOpening, Meeting, MeetingSeries, Membership, Rsvp
from groups.reminders import reminder_email
from groups.services.rsvps import rsvp_answer
from notifications.models import OutboxMessage
from tests.browser.test_facilitator_journeys import sign_in
from tests.factories import (
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
    activate_totp,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZONE = "America/Phoenix"  # no daylight saving: always MST
TITLE = "Thursday evening"
# The countdown says the seconds only under an hour (static/js/site.js, spell()).
COUNTDOWN = re.compile(r"^in \d{1,2} minutes?, \d{1,2} seconds?$")


@pytest.fixture
def public_site(live_server, settings):
    """The live server as the site's public address, so the addresses that leave the site
    (join addresses, a reminder's links) lead to it."""
    settings.SITE_URL = live_server.url
    return live_server


@pytest.fixture
def group():
    return SupportGroupFactory(name="Evening Circle", time_zone=ZONE)


@pytest.fixture
def robin(group):
    """The group's facilitator, with an authenticator app; returns (user, secret)."""
    user = UserFactory(
        email="robin@example.org", display_name="Robin", is_facilitator=True, time_zone=ZONE
    )
    MembershipFactory(user=user, group=group, role="facilitator")
    return user, activate_totp(user)


def member_of(group, name: str) -> User:
    user = UserFactory.create(
        email=f"{name.lower()}@example.org", display_name=name, time_zone=ZONE
    )
    MembershipFactory(user=user, group=group)
    return user


def online_series(group, *, online_url: str, rsvp_limit: int | None = None) -> MeetingSeries:
    return MeetingSeriesFactory.create(
        group=group,
        title=TITLE,
        time_zone=ZONE,
        attendance_option="online",
        online_url=online_url,
        rsvp_limit=rsvp_limit,
    )


def in_minutes(minutes: int) -> datetime:
    return timezone.now().replace(microsecond=0) + timedelta(minutes=minutes)


def when(starts_at: datetime) -> str:
    """ "Tuesday 10 March 2026, 19:00 MST", as the pages write a meeting's start."""
    return format_meeting_time(starts_at, viewer_zone=ZONE, meeting_zone=ZONE)


def clock(instant: datetime) -> str:
    """ "18:45 MST", as the pages write a time of day."""
    return format_instant(instant, ZONE, with_date=False)


def door_of(user: User, series: MeetingSeries) -> str:
    return join_address_url(join_addresses_for(user=user, series=[series])[series.pk])


def heading(page):
    return page.get_by_role("heading", level=1)


def message(page):
    return page.locator(".messages")


def test_a_member_waits_at_the_door_then_is_let_into_the_room(
    page, public_site, assert_accessible, group
):
    morgan = member_of(group, "Morgan")
    room = public_site.url + reverse("crisis")  # the stand-in for the video service's room
    series = online_series(group, online_url=room)
    meeting = MeetingFactory(series=series, occurrence_start=in_minutes(40))
    opens_at = meeting.starts_at - timedelta(minutes=series.join_opens_minutes)

    # Early: the member follows "Join the meeting" from the meeting's page to the waiting page.
    sign_in(page, public_site.url, morgan.email)
    page.goto(public_site.url + reverse("groups:meeting-detail", args=[group.slug, meeting.pk]))
    page.get_by_role("link", name="Join the meeting").click()
    expect(page).to_have_url(door_of(morgan, series))
    expect(heading(page)).to_have_text("Your appointment")  # discreet mode, the default
    expect(page.locator(".door__when")).to_have_text(f"Starts {when(meeting.starts_at)}.")
    expect(page.locator(".door__countdown")).to_contain_text(
        f"The room opens at {clock(opens_at)}, 15 minutes before the start:"
    )
    timer = page.locator("[role=timer][data-countdown]")
    expect(timer).to_have_text(COUNTDOWN)
    shown = timer.inner_text()
    expect(timer).not_to_have_text(shown, timeout=2500)  # counting down, second by second
    expect(timer).to_have_text(COUNTDOWN)
    expect(page.get_by_text(room)).to_have_count(0)  # the real link is never in the page
    assert room not in page.content()
    assert_accessible(page)

    # The meeting comes within the window (it starts in 5 minutes): the same address, opened
    # again, leads straight into the room.
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=in_minutes(5), ends_at=in_minutes(95))
    page.reload()
    expect(page).to_have_url(room)
    expect(heading(page)).to_have_text("Crisis help")
    assert_accessible(page)
    openings = JoinOpening.objects.filter(address__user=morgan).order_by("opened_at", "pk")
    assert [(o.outcome, o.meeting_id) for o in openings] == [
        ("waiting", meeting.pk),
        ("let_in", meeting.pk),
    ]


def test_a_facilitator_pauses_a_members_access_and_changes_the_link(
    page, other_page, public_site, assert_accessible, group, robin
):
    facilitator, secret = robin
    morgan = member_of(group, "Morgan")
    series = online_series(group, online_url=public_site.url + reverse("crisis"))
    meeting = MeetingFactory(series=series, occurrence_start=in_minutes(5))
    morgans_door, robins_door = door_of(morgan, series), door_of(facilitator, series)
    new_room = public_site.url + reverse("privacy")

    sign_in(page, public_site.url, facilitator.email, totp_secret=secret)
    page.goto(public_site.url + reverse("groups:schedule", args=[group.slug]))
    page.get_by_role("link", name=f"Online room of {TITLE}").click()
    expect(heading(page)).to_have_text(f"Online room: {TITLE}")
    expect(page.get_by_role("article", name=when(meeting.starts_at))).to_contain_text(
        f"The room is open now, until {clock(meeting.ends_at)}."
    )
    row = page.get_by_role("row", name=re.compile("Morgan"))
    expect(row.get_by_role("cell", name="Can enter")).to_be_visible()
    assert_accessible(page)

    # Revoke Morgan's access: a confirming page first.
    row.get_by_role("link", name="Revoke Morgan's access").click()
    expect(heading(page)).to_have_text("Revoke Morgan's access?")
    assert_accessible(page)
    page.get_by_role("button", name="Revoke access").click()
    expect(heading(page)).to_have_text(f"Online room: {TITLE}")
    expect(message(page)).to_contain_text(
        f"Morgan can no longer enter {TITLE} online. Their join address now says so, kindly"
    )
    expect(row.get_by_role("cell", name="Revoked")).to_be_visible()
    expect(row.get_by_role("button", name="Give access back to Morgan")).to_be_visible()
    assert_accessible(page)

    # Change the link: the form says a link is set, on which site, and never shows it.
    link = page.get_by_label("The online meeting link")
    expect(link).to_have_value("")
    expect(page.get_by_text("A link on localhost is set")).to_be_visible()
    link.fill(new_room)
    page.get_by_role("button", name="Save the link").click()
    expect(message(page)).to_contain_text(
        "The link is changed. Every member's join address leads to the new one"
    )
    expect(page.get_by_label("The online meeting link")).to_have_value("")
    assert new_room not in page.content()
    assert_accessible(page)
    series.refresh_from_db()
    assert series.online_url == new_room

    # The facilitator's own join address, unchanged, leads to the new room.
    page.goto(robins_door)
    expect(page).to_have_url(new_room)
    expect(heading(page)).to_have_text("Privacy policy")
    assert_accessible(page)

    # Morgan's address, opened in their own browser, explains kindly and points to the group.
    response = other_page.goto(morgans_door)
    assert response is not None and response.status == 403
    expect(other_page).to_have_url(morgans_door)
    expect(heading(other_page)).to_have_text("Your appointment")
    expect(other_page.get_by_text("a facilitator has paused your access")).to_be_visible()
    assert new_room not in other_page.content()
    assert_accessible(other_page)
    other_page.get_by_role("link", name="The group's page").click()
    expect(other_page).to_have_url(
        public_site.url + reverse("groups:group-detail", args=[group.slug])
    )
    expect(heading(other_page)).to_have_text("Evening Circle")
    assert_accessible(other_page)
    assert Membership.objects.get(user=morgan, group=group).state == "active"  # still a member


def test_a_member_cant_make_it_from_the_reminder_and_the_place_goes_to_the_next(
    page, public_site, assert_accessible, group
):
    sky, jo = member_of(group, "Sky"), member_of(group, "Jo")
    series = online_series(group, online_url=public_site.url + reverse("crisis"), rsvp_limit=1)
    # A day and a bit away: nobody's reminder is due yet, so the only mail is the news of the place.
    meeting = MeetingFactory(series=series, occurrence_start=in_minutes(30 * 60))
    assert rsvp_answer(user=sky, meeting=meeting, going=True).answer == "going"
    assert rsvp_answer(user=jo, meeting=meeting, going=True).answer == "waitlisted"
    mail.outbox.clear()

    reminder = reminder_email(
        meeting=meeting, user=sky, answer="going", now=timezone.now(), lead=None
    )
    found = re.search(r"Can't make it\?[^\n]*?(https?://\S+)", reminder.body)
    assert found, reminder.body
    url = found[1]
    assert url.startswith(public_site.url + "/meetings/cant-make-it/")

    # Opened from the e-mail, in a browser that is not signed in: it only asks first.
    response = page.goto(url)
    assert response is not None and response.status == 200
    expect(heading(page)).to_have_text("Can't make it?")
    expect(page.locator(".lead")).to_have_text(f"Your appointment on {when(meeting.starts_at)}.")
    expect(page.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    assert_accessible(page)
    assert Rsvp.objects.get(meeting=meeting, user=sky).answer == "going"

    page.get_by_role("button", name="Yes, I can't make it").click()
    expect(heading(page)).to_have_text("Thanks for letting us know")
    expect(page.locator(".lead")).to_contain_text(
        f"You're down as not coming to your appointment on {when(meeting.starts_at)}."
    )
    expect(page.locator(".lead")).to_contain_text(
        "If someone was waiting for a place, it's theirs now."
    )
    expect(page.get_by_role("button", name="Undo")).to_be_visible()
    assert_accessible(page)

    answers = dict(Rsvp.objects.filter(meeting=meeting).values_list("user__display_name", "answer"))
    assert answers == {"Sky": "not_going", "Jo": "going"}
    told = OutboxMessage.objects.filter(user=jo, kind=OutboxMessage.BUILT)
    # Discreet mode, the default: the subject names nothing.
    assert [(m.category, m.payload["subject"], m.payload["to"], m.state) for m in told] == [
        ("updates", "Kinship: A place is yours", [jo.email], "sent")
    ]
    # And Sky is told it was noted, with the undo (e-mail: no device of theirs has push on).
    assert sorted((m.to, m.subject) for m in mail.outbox) == [
        ([jo.email], "Kinship: A place is yours"),
        ([sky.email], "Kinship: Noted: you can't make it"),
    ]
    [noted] = [m for m in mail.outbox if m.to == [sky.email]]
    assert "/meetings/cant-make-it/" in noted.body and "/undo/" in noted.body


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_door_s_other_pages_pass_axe_on_a_phone(
    page, public_site, assert_accessible, group, scheme
):
    """What a mistyped address, a link cut short in copying, an undo and a meeting over show:
    each a page of ours with one heading, the crisis lines, and no axe violation."""
    page.set_viewport_size({"width": 360, "height": 740})
    page.emulate_media(color_scheme=scheme)
    sky = member_of(group, "Sky")
    series = online_series(group, online_url=public_site.url + reverse("crisis"))
    meeting = MeetingFactory(series=series, occurrence_start=in_minutes(-120))
    soon = MeetingFactory(series=series, occurrence_start=in_minutes(3 * 60))
    address = join_addresses_for(user=sky, series=[series])[series.pk]
    token = cant_make_it_token(user=sky, meeting=soon)
    undo = undo_token(user=sky, meeting=soon, previous="going", waitlisted_at=None)
    pages = [
        (reverse("groups:join-address", args=["not-a-real-address"]), 404),
        (reverse("groups:cant-make-it", args=[token[:-4]]), 404),
        (reverse("groups:cant-make-it-undo", args=[undo]), 200),
        (reverse("groups:join-address", args=[address.token]), 200),  # just ended
    ]
    assert meeting.ends_at < timezone.now()
    for path, status in pages:
        response = page.goto(public_site.url + path)
        assert response is not None and response.status == status, path
        assert page.locator("h1").count() == 1
        assert page.get_by_role("link", name="Crisis help").first.is_visible()
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    expect(page.get_by_text("ended at")).to_be_visible()

"""The guarantee of online rooms (groups.meetings.joining): a series' real link is in no page,
e-mail, calendar file or feed served to anyone (visitor, outsider, member, facilitator,
admin), however they got there. The one exception is the join address's redirect, inside the
meeting's window, to the member it belongs to.

Each role crawls the site from its start pages, following every link of ours it is shown
(so a page added later is covered the day it is linked), and fetches the calendars and feeds
that no page links to by a plain href; the e-mails of a meeting's life (welcome, reminder,
move, cancellation, a place from the waiting list) are captured and read whole, attachments
included."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urljoin, urlsplit

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from groups.calendars.feeds import calendar_feed_get_or_create
from groups.emails import welcome_later
from groups.meetings.joining import join_addresses_for
from groups.models import Membership
from groups.reminders import reminder_email
from groups.services.meetings import meeting_cancel, meeting_move
from groups.services.rsvps import rsvp_answer
from tests.factories import (
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
    activate_totp,
)

pytestmark = pytest.mark.django_db

GROUP_LINK = "https://video.example.net/j/group-room-5511"
SERIES_LINK = "https://video.example.net/j/series-room-7723"
MOVED_LINK = "https://video.example.net/j/moved-room-9931"
REAL_LINKS = (GROUP_LINK, SERIES_LINK, MOVED_LINK)
# Monday 19:00 in Chicago.
START = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
BEFORE = START - timedelta(days=2)
# Links the crawl does not follow: they sign out, or act when followed (none of ours does on
# GET, but the crawl should not depend on it), or are a file download the crawl reads apart.
SKIPPED = re.compile(r"^/(accounts/logout|admin/|static/|media/|manage/)")
MAX_PAGES = 250


def _leaks(text: str) -> list[str]:
    return [link for link in REAL_LINKS if link in text]


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    group = SupportGroupFactory(
        name="Harbour Circle", online_url=GROUP_LINK, format="online", join_policy="open"
    )
    own = MeetingSeriesFactory(group=group, title="Evening sharing", online_url=SERIES_LINK)
    shared = MeetingSeriesFactory(group=group, title="Morning check-in", online_url="")
    own.rsvp_limit = 1
    own.dial_in = "+1 555 0100"
    own.save()
    meeting = MeetingFactory(series=own, occurrence_start=START, starts_at=START)
    moved = MeetingFactory(
        series=own,
        occurrence_start=START + timedelta(weeks=1),
        starts_at=START + timedelta(weeks=1),
    )
    cancelled = MeetingFactory(
        series=shared,
        occurrence_start=START + timedelta(days=1),
        starts_at=START + timedelta(days=1),
    )
    MeetingFactory(
        series=shared,
        occurrence_start=START + timedelta(days=8),
        starts_at=START + timedelta(days=8),
    )
    member = UserFactory(display_name="Morgan", discreet_mode=False)
    discreet = UserFactory(display_name="Kim")
    waiting = UserFactory(display_name="Sam", discreet_mode=False)
    facilitator = UserFactory(display_name="Robin", is_facilitator=True)
    admin = UserFactory(display_name="Alex", is_staff=True, is_superuser=True)
    outsider = UserFactory(display_name="Quinn")
    activate_totp(facilitator)
    activate_totp(admin)
    with time_machine.travel(BEFORE, tick=False), django_capture_on_commit_callbacks(execute=True):
        for person in (member, discreet, waiting):
            welcome_later(MembershipFactory(user=person, group=group), now=BEFORE)
        MembershipFactory(user=facilitator, group=group, role="facilitator")
        rsvp_answer(user=member, meeting=meeting, going=True, now=BEFORE)
        rsvp_answer(user=waiting, meeting=meeting, going=True, now=BEFORE)  # waits
        rsvp_answer(user=discreet, meeting=moved, going=True, now=BEFORE)
        rsvp_answer(user=discreet, meeting=cancelled, going=True, now=BEFORE)
        meeting_move(
            meeting=moved,
            day=date(2026, 12, 15),
            at=time(18, 0),
            online_url=MOVED_LINK,
            now=BEFORE,
        )
        meeting_cancel(meeting=cancelled, reason="Holiday", now=BEFORE)
        rsvp_answer(user=member, meeting=meeting, going=False, now=BEFORE)  # Sam gets the place
    return {
        "group": group,
        "series": [own, shared],
        "meeting": meeting,
        "moved": moved,
        "people": {
            "member": member,
            "discreet": discreet,
            "waiting": waiting,
            "facilitator": facilitator,
            "admin": admin,
            "outsider": outsider,
        },
    }


def _crawl(client, starts: list[str]) -> dict[str, str]:
    """Every page of ours reachable from `starts` by the links it shows: path → body."""
    seen: dict[str, str] = {}
    queue = list(starts)
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        response = client.get(path)
        body = response.content.decode(errors="replace")
        seen[path] = body
        location = response.get("Location", "")
        assert not _leaks(location), f"{path} redirects to a real link"
        if response.status_code in (301, 302) and urlsplit(location).netloc in ("", "testserver"):
            queue.append(urlsplit(location).path)
        for href in re.findall(r'href="([^"#]+)', body):
            target = urlsplit(urljoin("http://testserver" + path, href.replace("&amp;", "&")))
            if target.netloc not in ("testserver", "127.0.0.1:8000"):
                continue
            link = target.path + (f"?{target.query}" if target.query else "")
            if not SKIPPED.match(target.path) and link not in seen:
                queue.append(link)
    return seen


START_PAGES = [
    "/",
    "/groups/",
    "/meetings/",
    "/facilitate/",
    "/resources/",
    "/accounts/profile/",
    "/feeds/meetings.json",
]


@pytest.mark.parametrize(
    "role", ["anonymous", "outsider", "member", "discreet", "waiting", "facilitator", "admin"]
)
def test_no_page_feed_or_calendar_served_to_anyone_holds_a_real_link(client, world, role):
    group = world["group"]
    with time_machine.travel(BEFORE, tick=False):
        if role != "anonymous":
            client.force_login(world["people"][role])
        extra = [
            reverse("groups:group-detail", args=[group.slug]),
            reverse("groups:group-calendar", args=[group.slug]),
            *(
                reverse("groups:series-join", args=[group.slug, series.slug])
                for series in world["series"]
            ),
            *(
                reverse(name, args=[group.slug, meeting.pk])
                for meeting in (world["meeting"], world["moved"])
                for name in ("groups:meeting-detail", "groups:meeting-ics")
            ),
            *(
                reverse("groups:series-room", args=[group.slug, series.pk])
                for series in world["series"]
            ),
            reverse("groups:group-settings", args=[group.slug]),
            *(
                reverse("groups:series-edit", args=[group.slug, series.pk])
                for series in world["series"]
            ),
            reverse("groups:meeting-move", args=[group.slug, world["moved"].pk]),
        ]
        if role != "anonymous":
            feed = calendar_feed_get_or_create(user=world["people"][role])
            extra.append(reverse("groups:personal-calendar", args=[feed.token]))
        pages = _crawl(client, START_PAGES + extra)
    assert len(pages) > 10
    leaking = {path: _leaks(body) for path, body in pages.items() if _leaks(body)}
    assert leaking == {}
    if role == "facilitator":  # the crawl reached the pages that manage the link
        assert any("/room/" in path for path in pages)
        assert any("/settings/" in path for path in pages)


def test_no_e_mail_of_a_meeting_s_life_holds_a_real_link(world):
    """What the fixture's changes sent (welcomes, the move, the cancellation, the place from
    the waiting list), and every member's reminders, attachments included."""
    for person in ("member", "discreet", "waiting"):
        user = world["people"][person]
        for meeting in (world["meeting"], world["moved"]):
            reminder = reminder_email(
                meeting=meeting, user=user, answer="going", now=BEFORE, lead=60
            )
            mail.outbox.append(reminder)
    subjects = " | ".join(message.subject for message in mail.outbox)
    for kind in ("Welcome", "moved", "cancelled", "place is yours", "Starts"):
        assert kind.lower() in subjects.lower(), kind
    for message in mail.outbox:
        whole = message.message().as_string()
        parts = [message.body, *(str(body) for body, _type in message.alternatives)]
        parts += [
            content.decode() if isinstance(content, bytes) else str(content)
            for _name, content, _mimetype in message.attachments
        ]
        assert not _leaks(whole + "".join(parts)), message.subject
        assert "/join/" in message.body or "Welcome" not in message.subject


def test_the_only_way_to_a_real_link_is_a_member_s_join_address_inside_the_window(client, world):
    """…and there it is the redirect's Location, not a page."""
    sam = world["people"]["waiting"]
    [address] = [
        a
        for series_id, a in join_addresses_for(user=sam, series=world["series"]).items()
        if series_id == world["meeting"].series_id
    ]
    url = reverse("groups:join-address", args=[address.token])
    with time_machine.travel(START - timedelta(minutes=16), tick=False):
        early = client.get(url)
    assert early.status_code == 200 and not _leaks(early.content.decode())
    with time_machine.travel(START - timedelta(minutes=5), tick=False):
        inside = client.get(url)
    assert inside.status_code == 302
    assert inside["Location"] == SERIES_LINK
    assert not _leaks(inside.content.decode())
    Membership.objects.filter(user=sam).update(state=Membership.State.LEFT)
    with time_machine.travel(START - timedelta(minutes=5), tick=False):
        left = client.get(url)
    assert left.status_code == 403 and not _leaks(left.content.decode())

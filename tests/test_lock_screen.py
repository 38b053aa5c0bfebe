"""Discreet mode, checked against exactly what it promises (its help text, on the profile
page): what a lock screen, a notification or a shared calendar shows of what we send a member
names no group, topic, substance or facilitator. For every kind of message: the sender's
name, the subject, and the first 200 characters of the text and of the HTML body (a phone
shows 100 to 140). For every calendar entry (a reminder's attachment, a meeting's download,
the personal feed): every property; the street address stays, the venue's name and the
online link do not."""

from __future__ import annotations

import re
from datetime import timedelta
from email.utils import parseaddr
from html import unescape
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils.html import strip_tags
from icalendar import Calendar

from accounts.models import User
from groups.calendars.feeds import calendar_feed_get_or_create
from groups.services.meetings import meeting_move, meetings_extend
from groups.services.reports import report_file
from notifications.outbox import outbox_dispatch, outbox_send
from tests.conftest import sign_in_recently
from tests.factories import (
    MeetingSeriesFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
    totp_code,
)
from tests.test_discreet_mode import FACILITATOR_NAME, GROUP_NAME, REVEALING, every_message_for

pytestmark = pytest.mark.django_db
SHOWN = 200
VENUE = "Ketamine Recovery Centre"
STREET = "1200 W Harrison St"
LINK = "https://meet.example.org/ketamine-recovery-circle"


def lock_screen(message) -> list[str]:
    """What a phone may show before the message is opened."""
    sender, _ = parseaddr(message.from_email)
    text = " ".join(message.body.split())[:SHOWN]
    html = next(content for content, mimetype in message.alternatives if mimetype == "text/html")
    body = re.search(r"<body[^>]*>(.*)</body>", html, re.DOTALL)
    assert body, message.subject
    shown_html = " ".join(unescape(strip_tags(body.group(1))).split())[:SHOWN]
    return [sender, message.subject, text, shown_html]


def names_nothing(shown: str, *names: str) -> bool:
    lowered = shown.casefold()
    return not REVEALING.search(shown) and not any(name.casefold() in lowered for name in names)


def test_the_promise_is_the_preference_s_help_text():
    help_text = str(User._meta.get_field("discreet_mode").help_text)
    for part in (
        "lock screen",
        "shared calendar",
        "no group, topic, substance or facilitator",
        "the sender, the subject and the opening lines of every e-mail",
        "the title, place and links of calendar entries",
        "street address stays, without the venue's name",
        "online link goes through an address of ours that names nothing",
    ):
        assert part in help_text, part


def test_no_message_a_discreet_member_gets_names_a_group_on_the_lock_screen(
    client, member, django_capture_on_commit_callbacks
):
    assert member.discreet_mode
    messages = every_message_for(client, member, django_capture_on_commit_callbacks)
    group = SupportGroupFactory(name="Harbour Circle ketamine")
    MembershipFactory(user=member, group=group)
    with django_capture_on_commit_callbacks(execute=True):
        report_file(reporter=member, reason="selling", text="After the meeting.", group=group)
    # A reminder, through the dispatcher and the sender as beat and the worker run them.
    member.reminder_lead_minutes, member.reminder_scope = [60], User.ReminderScope.ALL
    member.save()
    series = MeetingSeriesFactory(group=group, title="Tuesday ketamine check-in")
    meetings_extend(series=series)
    first = series.meetings.order_by("starts_at").first()
    due = first.starts_at - timedelta(minutes=60)
    mail.outbox.clear()
    outbox_send(outbox_dispatch(now=due).claimed, now=lambda: due)
    messages += list(mail.outbox)
    # The second factor's notices, through allauth's own pages.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sign_in_recently(client, member)
        client.get(reverse("mfa_activate_totp"))
        secret = client.session["mfa.totp.secret"]
        client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
        client.post(reverse("mfa_generate_recovery_codes"))
    messages += list(mail.outbox)

    subjects = {message.subject for message in messages}
    assert len(messages) >= 18, subjects
    names = [GROUP_NAME, "family and friends", FACILITATOR_NAME, "Harbour Circle", series.title]
    for message in messages:
        # A facilitator's own notice (someone asks to join) greets them by their own name.
        own = [] if member.email in message.to else [FACILITATOR_NAME]
        for shown in lock_screen(message):
            shown_names = [name for name in names if name not in own]
            assert names_nothing(shown, *shown_names), f"{message.subject!r} shows {shown!r}"
    # The group is named, further down, where the member reads it once the message is open.
    assert sum(GROUP_NAME in message.body for message in messages) >= 12


def test_no_discreet_calendar_entry_names_the_group_or_its_link(client, member):
    group = SupportGroupFactory(
        name=GROUP_NAME,
        slug="ketamine-recovery-circle",
        format="hybrid",
        street=STREET,
        city="Chicago",
        online_url=LINK,
    )
    MembershipFactory(user=member, group=group)
    facilitator = MembershipFactory(
        group=group, role="facilitator", user=UserFactory(display_name=FACILITATOR_NAME)
    ).user
    series = MeetingSeriesFactory(
        group=group,
        title="Ketamine recovery evening",
        attendance_option="hybrid",
        location=VENUE,
        location_notes="Upstairs, the Ketamine Recovery room",
    )
    meetings_extend(series=series)
    first, second = series.meetings.order_by("starts_at")[:2]
    day = second.starts_at.astimezone(series.zone).date() + timedelta(days=1)
    meeting_move(
        meeting=second,
        day=day,
        at=second.starts_at.astimezone(series.zone).time(),
        place=f"The hall behind the {GROUP_NAME} office",
    )
    client.force_login(member)
    feed = calendar_feed_get_or_create(user=member)
    calendars = [
        client.get(reverse("groups:personal-calendar", args=[feed.token])).content,
        client.get(reverse("groups:meeting-ics", args=[group.slug, first.pk])).content,
        client.get(reverse("groups:meeting-ics", args=[group.slug, second.pk])).content,
    ]
    names = [GROUP_NAME, group.slug, series.title, facilitator.display_name, VENUE, LINK]
    locations = []
    for body in calendars:
        calendar = Calendar.from_ical(body)
        events = list(calendar.walk("VEVENT"))
        assert events
        assert names_nothing(str(calendar.get("X-WR-CALNAME", "")), *names)
        for event in events:
            for name, value in event.property_items():
                written = value.to_ical() if hasattr(value, "to_ical") else value
                shown = written.decode() if isinstance(written, bytes) else str(written)
                assert names_nothing(shown, *names), f"{name}: {shown!r}"
            locations.append(str(event.get("LOCATION", "")))
    # The street still gets the member there; the online link is one of ours.
    assert any(STREET in location for location in locations)
    [online] = {
        str(event["URL"])
        for body in calendars[1:2]
        for event in Calendar.from_ical(body).walk("VEVENT")
    }
    assert online.startswith("http") and "/join/" in online


def test_the_discreet_join_address_leads_its_member_in_only_in_the_window_and_no_one_else(
    client, member, outsider
):
    group = SupportGroupFactory(name=GROUP_NAME, online_url=LINK)
    MembershipFactory(user=member, group=group)
    series = MeetingSeriesFactory(group=group)
    meetings_extend(series=series)
    meeting = series.meetings.first()
    client.force_login(member)
    body = client.get(reverse("groups:meeting-ics", args=[group.slug, meeting.pk])).content
    [event] = Calendar.from_ical(body).walk("VEVENT")
    address = urlsplit(str(event["URL"])).path
    assert address.startswith("/join/")

    with time_machine.travel(meeting.starts_at - timedelta(hours=1), tick=False):
        early = client.get(address)
    assert early.status_code == 200 and LINK not in early.content.decode()
    with time_machine.travel(meeting.starts_at, tick=False):
        client.force_login(member)
        assert (client.get(address).status_code, client.get(address)["Location"]) == (302, LINK)
        client.force_login(outsider)  # someone else, signed in, holding the member's address
        other = client.get(address)
        assert other.status_code == 403 and LINK not in other.content.decode()
        assert client.get(address[:-3] + "xx/").status_code == 404

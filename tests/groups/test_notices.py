"""What people are told, and how a message says what it is about (issue 15, items 7, 9, 10):
a facilitator hears of a request to join and finds where to answer it; a move or a
cancellation carries the meeting's updated calendar file; in discreet mode each kind of
message has a subject of its own that names nothing; reminders say when the meeting starts
and give a way in; a new member is welcomed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from groups.services.meetings import meeting_cancel, meeting_move
from groups.services.memberships import membership_approve, membership_decline, membership_join
from notifications.models import OutboxMessage
from notifications.outbox import outbox_dispatch, outbox_send
from tests.factories import (
    HostedMeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    RsvpFactory,
    SupportGroupFactory,
    UserFactory,
    activate_totp,
)
from tests.test_discreet_mode import assert_discreet

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
START = datetime(2026, 12, 2, 0, 0, tzinfo=UTC)  # 19:00 in New York on Tuesday 1 December
LINK = "https://meet.example.org/harbour"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def html_of(message) -> str:
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


def calendar_of(message):
    [(name, content, mimetype)] = message.attachments
    assert name == "meeting.ics" and mimetype.startswith("text/calendar")
    [event] = Calendar.from_ical(content).walk("VEVENT")
    return event


def committed(capture, action, **kwargs):
    with capture(execute=True):
        return action(**kwargs)


# --- item 7: a facilitator is told of a request, and the dashboard leads to it ----------------


@pytest.fixture
def careful_group():
    group = SupportGroupFactory(name="Careful circle", join_policy="approval")
    robin = UserFactory(display_name="Robin", discreet_mode=False, is_facilitator=True)
    MembershipFactory(user=robin, group=group, role="facilitator")
    return group, robin


def test_a_facilitator_is_emailed_when_someone_asks_to_join(
    careful_group, django_capture_on_commit_callbacks
):
    group, robin = careful_group
    quiet = UserFactory(group_update_emails=False)  # turned news from groups off
    MembershipFactory(user=quiet, group=group, role="facilitator")
    sam = UserFactory(display_name="Sam", discreet_mode=False)
    mail.outbox.clear()

    committed(
        django_capture_on_commit_callbacks,
        membership_join,
        user=sam,
        group=group,
        accept_conduct=True,
        message="I stopped using three weeks ago.",
    )

    [told] = [message for message in mail.outbox if message.to == [robin.email]]
    assert told.subject == "Kinship: Careful circle: someone asks to join"
    assert "Sam asks to join Careful circle" in told.body
    answer_at = reverse("groups:member-list", args=[group.slug]) + "#pending-title"
    assert answer_at in told.body
    # What the person wrote stays on the member list: an e-mail is no place for it.
    assert "three weeks" not in told.body
    assert "They added a message" in told.body
    assert "List-Unsubscribe" in told.extra_headers  # news from groups, which can be turned off
    assert not any(message.to == [quiet.email] for message in mail.outbox)
    assert [message.to for message in mail.outbox].count([sam.email]) == 1  # "sent to them"


def test_a_discreet_facilitator_s_notice_of_a_request_names_no_group(
    django_capture_on_commit_callbacks,
):
    group = SupportGroupFactory(name="Ketamine Recovery Circle", join_policy="approval")
    robin = UserFactory(display_name="Robin")
    assert robin.discreet_mode
    MembershipFactory(user=robin, group=group, role="facilitator")
    mail.outbox.clear()
    committed(
        django_capture_on_commit_callbacks,
        membership_join,
        user=UserFactory(),
        group=group,
        accept_conduct=True,
    )
    [told] = [message for message in mail.outbox if message.to == [robin.email]]
    assert told.subject == "Kinship: Someone asks to join"
    assert_discreet(told)
    assert "Ketamine Recovery Circle" in told.body  # further down, once opened


def test_the_dashboard_s_waiting_requests_link_to_where_they_are_answered(client, careful_group):
    group, robin = careful_group
    MembershipFactory(group=group, state="pending")
    other = SupportGroupFactory(name="Second circle", join_policy="approval")
    MembershipFactory(user=robin, group=other, role="facilitator")
    activate_totp(robin)
    client.force_login(robin)
    answer_at = reverse("groups:member-list", args=[group.slug]) + "#pending-title"

    html = client.get(reverse("groups:dashboard")).content.decode()

    assert f'<a href="{answer_at}">1 request is waiting for an answer.</a>' in html
    assert re.search(rf'href="{re.escape(answer_at)}">To answer', html)
    # The group with nothing waiting has no "To answer".
    assert html.count(">To answer<") == 1

    MembershipFactory(group=other, state="pending")
    MembershipFactory(group=other, state="pending")
    html = client.get(reverse("groups:dashboard")).content.decode()
    assert "3 requests are waiting for an answer:" in html
    other_at = reverse("groups:member-list", args=[other.slug]) + "#pending-title"
    assert f'<a href="{other_at}">2 in Second circle</a>' in html
    assert f'<a href="{answer_at}">1 in Careful circle</a>' in html
    # The link lands on the section that holds the requests.
    page = client.get(reverse("groups:member-list", args=[group.slug])).content.decode()
    assert 'id="pending-title"' in page


# --- item 9: move and cancellation notices carry the .ics; discreet subjects say what ---------


@pytest.fixture
def evening():
    group = SupportGroupFactory(
        name="Harbour Circle", time_zone="America/New_York", online_url=LINK
    )
    series = MeetingSeriesFactory(group=group, title="Evening sharing")
    return HostedMeetingFactory(series=series, occurrence_start=START)


def going(meeting, **prefs):
    user = UserFactory(time_zone="America/New_York", **prefs)
    MembershipFactory(user=user, group=meeting.group)
    RsvpFactory(meeting=meeting, user=user, answer="going")
    return user


def test_a_cancellation_notice_carries_the_cancelled_meeting_s_calendar_file(
    evening, django_capture_on_commit_callbacks
):
    sam = going(evening, discreet_mode=False)
    mail.outbox.clear()

    committed(
        django_capture_on_commit_callbacks,
        meeting_cancel,
        meeting=evening,
        reason="The hall is closed.",
    )

    [message] = mail.outbox
    assert message.to == [sam.email]
    assert message.subject == "Kinship: Harbour Circle: a meeting is cancelled"
    assert "attached as a calendar file" in message.body
    event = calendar_of(message)
    assert str(event["STATUS"]) == "CANCELLED"
    assert event.decoded("DTSTART").astimezone(UTC) == START
    assert int(event["SEQUENCE"]) >= 1  # raised, so a calendar replaces what it had
    assert "Harbour Circle" in str(event["SUMMARY"])


def test_a_move_notice_carries_the_meeting_at_its_new_time_with_a_raised_sequence(
    evening, django_capture_on_commit_callbacks
):
    sam = going(evening)  # discreet mode, the default
    before = evening.sequence
    mail.outbox.clear()

    committed(
        django_capture_on_commit_callbacks,
        meeting_move,
        meeting=evening,
        day=START.date(),  # Wednesday 2 December, 20:00 in New York
        at=time(20),
    )

    [message] = mail.outbox
    assert message.to == [sam.email]
    assert message.subject == "Kinship: A meeting has moved"
    assert_discreet(message)
    event = calendar_of(message)
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2026, 12, 3, 1, tzinfo=UTC)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert int(event["SEQUENCE"]) > before
    assert str(event["SUMMARY"]) == "Appointment"  # discreet, as the member's mail


def test_a_member_who_turned_group_news_off_gets_no_move_notice(
    evening, django_capture_on_commit_callbacks
):
    going(evening, group_update_emails=False)
    mail.outbox.clear()
    committed(
        django_capture_on_commit_callbacks,
        meeting_move,
        meeting=evening,
        day=START.date(),
        at=time(20),
    )
    assert mail.outbox == []
    assert not OutboxMessage.objects.exists()


def test_in_discreet_mode_each_kind_of_notice_says_what_it_is_about(
    evening, django_capture_on_commit_callbacks
):
    group = SupportGroupFactory(name="Ketamine Recovery Circle", join_policy="approval")
    robin = UserFactory(display_name="Robin", discreet_mode=False)
    MembershipFactory(user=robin, group=group, role="facilitator")
    sam = going(evening)
    mail.outbox.clear()

    def subjects_to_sam(action, **kwargs):
        committed(django_capture_on_commit_callbacks, action, **kwargs)
        said = [message.subject for message in mail.outbox if message.to == [sam.email]]
        for message in mail.outbox:
            if message.to == [sam.email]:
                assert_discreet(message)
        mail.outbox.clear()
        return said

    asked = subjects_to_sam(membership_join, user=sam, group=group, accept_conduct=True)
    approved = subjects_to_sam(
        membership_approve, membership=sam.memberships.get(group=group), by=robin
    )
    moved = subjects_to_sam(meeting_move, meeting=evening, day=START.date(), at=time(20))
    cancelled = subjects_to_sam(meeting_cancel, meeting=evening, reason="The hall is closed.")
    other = SupportGroupFactory(name="Second circle", join_policy="approval")
    MembershipFactory(user=robin, group=other, role="facilitator")
    membership = committed(
        django_capture_on_commit_callbacks,
        membership_join,
        user=sam,
        group=other,
        accept_conduct=True,
    )
    mail.outbox.clear()
    declined = subjects_to_sam(membership_decline, membership=membership, by=robin)

    assert asked == ["Kinship: Your request was sent"]
    assert approved == declined == ["Kinship: Your request was answered"]
    assert moved == ["Kinship: A meeting has moved"]
    assert cancelled == ["Kinship: A meeting was cancelled"]


# --- item 10: reminders that say when, with a way in; a welcome ------------------------------


def run(at: datetime) -> None:
    outbox_send(outbox_dispatch(now=at).claimed, now=lambda: at)


def test_the_15_minute_and_the_1_hour_reminders_say_when_the_meeting_starts(evening):
    sam = going(evening, reminder_lead_minutes=[1440, 60, 15], discreet_mode=False)
    mail.outbox.clear()
    for lead in (1440, 60, 15):
        run(START - timedelta(minutes=lead))
    day, hour, quarter = mail.outbox
    assert {message.to[0] for message in mail.outbox} == {sam.email}

    assert day.subject == "Kinship: Starts tomorrow at 19:00 EST: Evening sharing, Harbour Circle"
    assert (
        hour.subject == "Kinship: Starts in 1 hour, at 19:00 EST: Evening sharing, Harbour Circle"
    )
    assert quarter.subject == (
        "Kinship: Starts in 15 minutes, at 19:00 EST: Evening sharing, Harbour Circle"
    )
    assert "starts tomorrow at 19:00 EST." in day.body
    assert "starts in 1 hour, at 19:00 EST." in hour.body
    assert "starts in 15 minutes, at 19:00 EST." in quarter.body
    assert "starts in 15 minutes" in html_of(quarter)


def test_a_discreet_reminder_says_when_and_nothing_else(evening):
    going(evening, reminder_lead_minutes=[60, 15])
    mail.outbox.clear()
    run(START - timedelta(minutes=60))
    run(START - timedelta(minutes=15))
    hour, quarter = mail.outbox
    assert hour.subject == "Kinship: A reminder: your appointment in 1 hour, at 19:00 EST"
    assert quarter.subject == "Kinship: A reminder: your appointment in 15 minutes, at 19:00 EST"
    for message in mail.outbox:
        assert_discreet(message)


def test_an_online_meeting_s_reminder_has_a_join_button_with_the_member_s_way_in(evening):
    open_sam = going(evening, reminder_lead_minutes=[15], discreet_mode=False)
    discreet_kim = going(evening, reminder_lead_minutes=[15])
    mail.outbox.clear()
    run(START - timedelta(minutes=15))
    by_member = {message.to[0]: message for message in mail.outbox}

    # Each member's own join address, discreet or not; the link itself in neither.
    for person in (open_sam, discreet_kim):
        message = by_member[person.email]
        [address] = re.findall(r"Join the meeting: (\S+)", message.body)
        assert "/join/" in address
        assert re.search(
            rf'<a href="{re.escape(address)}"[^>]*>Join the meeting</a>', html_of(message)
        )
        assert LINK not in message.body and LINK not in html_of(message)
    assert len({re.findall(r"/join/\S+", m.body)[0] for m in by_member.values()}) == 2


def test_a_meeting_in_person_has_no_join_button(django_capture_on_commit_callbacks):
    group = SupportGroupFactory(
        format="in_person", online_url="", street="1 Main St", city="Chicago"
    )
    series = MeetingSeriesFactory(group=group, attendance_option="in_person", location="Hall")
    meeting = HostedMeetingFactory(series=series, occurrence_start=START)
    going(meeting, reminder_lead_minutes=[15], discreet_mode=False)
    mail.outbox.clear()
    run(START - timedelta(minutes=15))
    [message] = mail.outbox
    assert "Join the meeting" not in message.body
    assert "Join the meeting" not in html_of(message)


def test_joining_an_open_group_sends_a_welcome_with_the_next_meeting_and_how_to_leave(
    evening, django_capture_on_commit_callbacks
):
    group = evening.group
    sam = UserFactory(time_zone="America/New_York", discreet_mode=False)
    mail.outbox.clear()

    committed(
        django_capture_on_commit_callbacks,
        membership_join,
        user=sam,
        group=group,
        accept_conduct=True,
    )

    [welcome] = mail.outbox
    assert welcome.to == [sam.email]
    assert welcome.subject == "Kinship: Welcome to Harbour Circle"
    body = welcome.body
    assert "What happens next" in body
    assert "The next meeting: Tuesday 1 December 2026, 19:00 EST" in body
    assert reverse("groups:meeting-detail", args=[group.slug, evening.pk]) in body
    assert reverse("groups:group-leave", args=[group.slug]) in body
    assert reverse("accounts:profile") in body  # how to turn these e-mails off
    assert "List-Unsubscribe" in welcome.extra_headers


def test_a_welcome_skips_a_cancelled_meeting_and_is_discreet_when_asked(
    evening, django_capture_on_commit_callbacks
):
    meeting_cancel(meeting=evening, reason="Closed.")
    sam = UserFactory()
    mail.outbox.clear()
    committed(
        django_capture_on_commit_callbacks,
        membership_join,
        user=sam,
        group=evening.group,
        accept_conduct=True,
    )
    [welcome] = mail.outbox
    assert welcome.subject == "Kinship: Welcome: you have joined"
    assert_discreet(welcome)
    assert "No meeting is planned yet" in welcome.body


def test_a_member_who_turned_group_news_off_gets_no_welcome(
    evening, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    committed(
        django_capture_on_commit_callbacks,
        membership_join,
        user=UserFactory(group_update_emails=False),
        group=evening.group,
        accept_conduct=True,
    )
    assert mail.outbox == []


def test_asking_to_join_sends_no_welcome_until_approved(
    careful_group, django_capture_on_commit_callbacks
):
    group, _ = careful_group
    sam = UserFactory(discreet_mode=False)
    mail.outbox.clear()
    committed(
        django_capture_on_commit_callbacks,
        membership_join,
        user=sam,
        group=group,
        accept_conduct=True,
    )
    to_sam = [message.subject for message in mail.outbox if message.to == [sam.email]]
    assert to_sam == ["Kinship: Your request to join Careful circle"]


def test_the_dashboard_and_a_reminder_with_a_join_button_are_valid_html(
    client, careful_group, evening, tmp_path
):
    from tests.test_html_valid import assert_valid_html

    group, robin = careful_group
    MembershipFactory(group=group, state="pending")
    activate_totp(robin)
    client.force_login(robin)
    pages = {"dashboard-one": client.get(reverse("groups:dashboard")).content.decode()}
    other = SupportGroupFactory(name="Second circle", join_policy="approval")
    MembershipFactory(user=robin, group=other, role="facilitator")
    MembershipFactory(group=other, state="pending")
    pages["dashboard-two"] = client.get(reverse("groups:dashboard")).content.decode()
    going(evening, reminder_lead_minutes=[15], discreet_mode=False)
    going(evening, reminder_lead_minutes=[15])
    mail.outbox.clear()
    run(START - timedelta(minutes=15))
    for number, message in enumerate(mail.outbox):
        assert "Join the meeting" in html_of(message)
        pages[f"reminder-{number}"] = html_of(message)
    assert len(pages) == 4
    assert_valid_html(pages, tmp_path)


def test_the_new_messages_show_nothing_revealing_on_a_discreet_member_s_lock_screen(
    client, evening, django_capture_on_commit_callbacks
):
    from accounts.services.users import user_delete
    from tests.test_lock_screen import lock_screen, names_nothing

    group = SupportGroupFactory(name="Ketamine Recovery Circle", join_policy="approval")
    robin = UserFactory(display_name="Robin")
    MembershipFactory(user=robin, group=group, role="facilitator")
    open_group = SupportGroupFactory(name="Alcohol support circle")
    sam = UserFactory(display_name="Sam")
    going(evening, reminder_lead_minutes=[15])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        membership_join(user=sam, group=group, accept_conduct=True)  # Robin is told
        membership_join(user=sam, group=open_group, accept_conduct=True)  # a welcome
        user_delete(user=UserFactory(display_name="Kim"))  # a confirmation
    run(START - timedelta(minutes=15))  # a reminder with a Join button
    subjects = {message.subject for message in mail.outbox}
    assert {
        "Kinship: Someone asks to join",
        "Kinship: Welcome: you have joined",
        "Kinship: your account is deleted",
        "Kinship: A reminder: your appointment in 15 minutes, at 19:00 EST",
    } <= subjects
    names = [group.name, open_group.name, "Harbour Circle", "Evening sharing", LINK]
    for message in mail.outbox:
        for shown in lock_screen(message):
            assert names_nothing(shown, *names), f"{message.subject!r} shows {shown!r}"


NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("lead", "sent_before", "said"),
    [
        (15, timedelta(minutes=15), "in 15 minutes, at 19:00 EST"),
        (15, timedelta(minutes=15, seconds=40), "in 15 minutes, at 19:00 EST"),  # a bit early
        (15, timedelta(minutes=12), "in 12 minutes, at 19:00 EST"),  # late: the real time
        (60, timedelta(minutes=60), "in 1 hour, at 19:00 EST"),
        (60, timedelta(minutes=52), "in 52 minutes, at 19:00 EST"),
        (180, timedelta(minutes=180), "in 3 hours, at 19:00 EST"),
        (1440, timedelta(minutes=1440), "tomorrow at 19:00 EST"),
        (1440, timedelta(hours=20), "tomorrow at 19:00 EST"),
        (2880, timedelta(minutes=2880), "on Tuesday 1 December at 19:00 EST"),
        (1440, timedelta(hours=13), "today at 19:00 EST"),  # 06:00 the same day, late
    ],
)
def test_a_reminder_says_when_from_its_lead_time_in_the_member_s_zone(lead, sent_before, said):
    from groups.reminders import starts_when

    assert starts_when(lead=lead, starts_at=START, now=START - sent_before, zone=NEW_YORK) == said

"""Mail that respects people's evenings: group news waits for the end of a member's quiet
hours, in their zone, across daylight-saving changes, while reminders do not wait; a daily
or weekly digest holds each announcement once. On a controlled clock, with the real zones
of New York and London."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from groups.models import Announcement
from groups.news import NEWS_DIGEST
from groups.services.groups import announcement_post
from notifications.models import OutboxMessage
from notifications.outbox import outbox_dispatch, outbox_send
from notifications.quiet import digest_due, quiet_end
from tests.factories import (
    HostedMeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    RsvpFactory,
    SupportGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
NEW_YORK = "America/New_York"
EVENINGS = {"quiet_from": time(22, 0), "quiet_until": time(8, 0)}


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def sent(at: datetime) -> list:
    before = len(mail.outbox)
    outbox_send(outbox_dispatch(now=at).claimed, now=lambda: at)
    return mail.outbox[before:]


@pytest.fixture
def group():
    return SupportGroupFactory(name="Harbour Circle", time_zone=NEW_YORK)


@pytest.fixture
def robin(group):
    robin = UserFactory(display_name="Robin", is_facilitator=True, reminder_lead_minutes=[])
    MembershipFactory(user=robin, group=group, role="facilitator")
    return robin


def member(group, **fields):
    user = UserFactory(
        **{"time_zone": NEW_YORK, "discreet_mode": False, "reminder_lead_minutes": [], **fields}
    )
    MembershipFactory(user=user, group=group)
    return user


def post(group, robin, title: str, at: datetime):
    """Post at `at`; what it records waits in the outbox for `sent` (no dispatch on commit:
    the test's transaction never commits)."""
    with time_machine.travel(at, tick=False):
        return announcement_post(group=group, author=robin, title=title, body="Details inside.")


# --- the rules themselves ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "ends"),
    [
        # 23:00 EST on Saturday 7 March 2026; clocks go forward at 02:00: 08:00 EDT is 12:00 UTC.
        (utc(2026, 3, 8, 4, 0), utc(2026, 3, 8, 12, 0)),
        # 23:00 EDT on Saturday 31 October 2026; clocks go back at 02:00: 08:00 EST is 13:00 UTC.
        (utc(2026, 11, 1, 3, 0), utc(2026, 11, 1, 13, 0)),
        # 06:30 EST, before the end on the same morning.
        (utc(2026, 12, 2, 11, 30), utc(2026, 12, 2, 13, 0)),
        # 21:59 EST and 08:00 EST: not quiet.
        (utc(2026, 12, 3, 2, 59), None),
        (utc(2026, 12, 2, 13, 0), None),
    ],
)
def test_quiet_hours_across_midnight_are_read_on_the_members_wall_clock(at, ends):
    assert quiet_end(at, zone=NEW_YORK, start=time(22, 0), end=time(8, 0)) == ends


def test_quiet_hours_within_a_day_and_none_without_both_times():
    siesta = {"zone": "Europe/London", "start": time(13, 0), "end": time(15, 0)}
    assert quiet_end(utc(2026, 7, 1, 12, 30), **siesta) == utc(2026, 7, 1, 14, 0)  # BST
    assert quiet_end(utc(2026, 7, 1, 14, 0), **siesta) is None
    assert quiet_end(utc(2026, 7, 1, 12, 30), zone="Europe/London", start=None, end=None) is None


def test_a_digest_goes_at_eight_in_the_members_zone_and_a_weekly_one_on_monday():
    user = UserFactory.build(time_zone=NEW_YORK, quiet_from=None, quiet_until=None)
    friday_night = utc(2026, 3, 7, 1, 0)  # Friday 6 March, 20:00 EST
    assert digest_due(friday_night, user, weekly=False) == utc(2026, 3, 7, 13, 0)  # Sat 08:00 EST
    assert digest_due(friday_night, user, weekly=True) == utc(2026, 3, 9, 12, 0)  # Mon 08:00 EDT
    user.quiet_from, user.quiet_until = time(21, 0), time(9, 30)  # 08:00 is in them
    assert digest_due(friday_night, user, weekly=False) == utc(2026, 3, 7, 14, 30)


# --- news waits, reminders do not -------------------------------------------------------------


def test_an_announcement_at_night_waits_for_the_end_of_the_members_quiet_hours(group, robin):
    night_owl = member(group, **EVENINGS)
    anytime = member(group)
    at = utc(2026, 3, 8, 4, 0)  # Saturday 7 March, 23:00 EST, hours before clocks go forward
    post(group, robin, "Room change", at)
    assert [m.to for m in sent(at)] == [[anytime.email]]
    assert sent(utc(2026, 3, 8, 11, 59)) == []  # 07:59 EDT
    [held] = sent(utc(2026, 3, 8, 12, 0))  # 08:00 EDT
    assert held.to == [night_owl.email]
    assert "Room change" in held.subject


def test_a_reminder_inside_the_quiet_hours_still_goes(group, robin):
    night_owl = member(group, **EVENINGS, reminder_lead_minutes=[60])
    series = MeetingSeriesFactory(group=group, title="Late sharing", time_zone=NEW_YORK)
    meeting = HostedMeetingFactory(series=series, occurrence_start=utc(2026, 12, 3, 4, 30))
    RsvpFactory(meeting=meeting, user=night_owl, answer="going")
    [reminder] = sent(utc(2026, 12, 3, 3, 30))  # 22:30 EST, inside the quiet hours
    assert reminder.to == [night_owl.email]
    assert "A reminder" in reminder.body


# --- digests ----------------------------------------------------------------------------------


def test_a_daily_digest_holds_each_announcement_once_and_none_goes_empty(group, robin):
    other = SupportGroupFactory(name="Tide Circle", time_zone=NEW_YORK)
    MembershipFactory(user=robin, group=other, role="facilitator")
    reader = member(group, news_delivery="daily")
    MembershipFactory(user=reader, group=other)
    monday = utc(2026, 12, 7, 14, 0)  # Monday, 09:00 EST
    for hours, title, where in [(0, "Room change", group), (3, "New time", other)]:
        post(where, robin, title, monday + timedelta(hours=hours))
    assert sent(monday + timedelta(hours=4)) == []
    assert OutboxMessage.objects.filter(kind=NEWS_DIGEST).count() == 1  # one for the day
    tuesday_eight = utc(2026, 12, 8, 13, 0)
    [digest] = sent(tuesday_eight)
    assert digest.to == [reader.email]
    assert digest.subject == "Kinship: 2 announcements from your groups"
    assert digest.body.count("Harbour Circle: Room change") == 1
    assert "Tide Circle: New time" in digest.body
    post(group, robin, "Bring a friend", tuesday_eight + timedelta(hours=1))
    [second] = sent(utc(2026, 12, 9, 13, 0))
    assert "Bring a friend" in second.body
    assert "Room change" not in second.body
    # An announcement taken down before its digest: the digest does not go.
    post(group, robin, "Oops", utc(2026, 12, 9, 15, 0))
    Announcement.objects.filter(title="Oops").delete()
    assert sent(utc(2026, 12, 10, 13, 0)) == []


def test_a_weekly_digest_goes_on_monday_and_the_others_still_get_each(group, robin):
    weekly = member(group, news_delivery="weekly")
    each = member(group)
    wednesday = utc(2026, 12, 9, 17, 0)
    post(group, robin, "Picnic", wednesday)
    assert [m.to for m in sent(wednesday)] == [[each.email]]
    assert sent(utc(2026, 12, 13, 13, 0)) == []  # Sunday
    [digest] = sent(utc(2026, 12, 14, 13, 0))  # Monday 08:00 EST
    assert digest.to == [weekly.email]
    assert "This week's announcements from your groups:" in digest.body


# --- the preferences ----------------------------------------------------------------------------


def test_quiet_hours_need_both_times_and_a_refused_form_changes_nothing(client):
    user = UserFactory(display_name="Ash")
    client.force_login(user)
    url = reverse("accounts:profile")
    form = client.get(url).content.decode()
    assert 'name="quiet_from"' in form
    assert 'value="daily"' in form
    data = {
        "display_name": "Ash",
        "time_zone": user.time_zone,
        "language": "en",
        "reminder_scope": "going",
        "group_update_emails": "on",
        "discreet_mode": "on",
        "news_delivery": "weekly",
        "quiet_from": "22:00",
        "quiet_until": "",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "Give both times, or neither for no quiet hours." in refused.content.decode()
    user.refresh_from_db()
    assert (user.quiet_from, user.news_delivery) == (None, "each")
    assert client.post(url, {**data, "quiet_until": "07:30"}).status_code == 302
    user.refresh_from_db()
    assert (user.quiet_from, user.quiet_until, user.news_delivery) == (
        time(22, 0),
        time(7, 30),
        "weekly",
    )


def test_a_member_who_switches_to_a_digest_is_not_told_again_what_was_mailed(group, robin):
    reader = member(group)
    morning = utc(2026, 12, 7, 14, 0)  # Monday, 09:00 EST
    post(group, robin, "Room change", morning)
    [each] = sent(morning)
    assert "Room change" in each.subject
    reader.news_delivery = "daily"
    reader.save()
    post(group, robin, "New time", morning + timedelta(hours=2))
    [digest] = sent(utc(2026, 12, 8, 13, 0))
    assert digest.subject == "Kinship: 1 announcement from your groups"
    assert "New time" in digest.body
    assert "Room change" not in digest.body

"""With discreet mode on, nothing we send a member names a group, topic or substance where a
lock screen or a shared calendar would show it: the subject, the sender's name, a calendar
title. Later issues add their messages (reminders, announcements, decisions, calendar
entries) to `every_message_for`, so this test grows with them."""

import re
from datetime import time, timedelta
from email.utils import parseaddr

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from groups.calendars.feeds import calendar_feed_get_or_create
from groups.meetings.recurrence import Recurrence
from groups.services.groups import announcement_post
from groups.services.meetings import meeting_cancel, meeting_move, meetings_extend, series_update
from groups.services.memberships import (
    membership_approve,
    membership_decline,
    membership_join,
    membership_promote,
    membership_remove,
)
from groups.services.rsvps import rsvp_answer
from tests.conftest import sign_in_recently
from tests.factories import (
    MeetingSeriesFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
)

# What must never show: our topics and audiences, and what a group is about.
REVEALING = re.compile(
    r"recover|ketamine|substance|addict|alcohol|stimulant|sober|relapse|craving|"
    r"support group|family and friends|loved one",
    re.IGNORECASE,
)


def assert_discreet(message) -> None:
    sender_name, _ = parseaddr(message.from_email)
    for shown in (message.subject, sender_name):
        assert not REVEALING.search(shown), f"reveals too much: {shown!r}"


GROUP_NAME = "Ketamine Recovery Circle"
FACILITATOR_NAME = "Robin Quayle"


def every_message_for(client, user, django_capture_on_commit_callbacks) -> list:
    """Trigger each message the platform can send this member today."""
    facilitator = UserFactory(is_facilitator=True, display_name=FACILITATOR_NAME)
    group = SupportGroupFactory(name=GROUP_NAME, join_policy="approval")
    MembershipFactory(user=facilitator, group=group, role="facilitator")
    other = SupportGroupFactory(name=f"{GROUP_NAME}: family and friends", join_policy="approval")
    MembershipFactory(user=facilitator, group=other, role="facilitator")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
        sign_in_recently(client, user)
        client.post(reverse("account_email"), {"action_add": "", "email": "next@example.org"})
        client.post(
            reverse("account_change_password"),
            {
                "oldpassword": "correct-horse-battery-staple",
                "password1": "fresh-long-secret-81",
                "password2": "fresh-long-secret-81",
            },
        )

    # Groups: a request and each decision on it, an announcement, a decline. One commit each,
    # as on the site: the messages are built once their change has committed.
    def committed(action, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(**kwargs)

    membership = committed(membership_join, user=user, group=group, accept_conduct=True)
    committed(membership_approve, membership=membership, by=facilitator, message="Welcome!")
    committed(
        announcement_post,
        group=group,
        author=facilitator,
        title="Cravings after a relapse",
        body="Talk.",
    )
    # Meetings: a waiting-list place, a move, a cancellation, and meetings a new schedule drops.
    series = MeetingSeriesFactory.create(
        group=group, rsvp_limit=1, title="Ketamine recovery evening"
    )
    meetings_extend(series=series)
    first, second, third = series.meetings.order_by("starts_at")[:3]
    committed(rsvp_answer, user=user, meeting=first, going=True)
    committed(rsvp_answer, user=user, meeting=second, going=True)
    committed(rsvp_answer, user=facilitator, meeting=third, going=True)
    committed(rsvp_answer, user=user, meeting=third, going=True)
    committed(rsvp_answer, user=facilitator, meeting=third, going=False)  # user promoted
    day = first.starts_at.astimezone(series.zone).date() + timedelta(days=1)
    committed(meeting_move, meeting=first, day=day, at=time(18))
    committed(meeting_cancel, meeting=second, reason="The hall is closed.")
    committed(
        series_update,
        series=series,
        recurrence=Recurrence.from_rrule(series.rrule, time_zone=series.time_zone),
        start=series.start_date,
        fields={"start_time": time(20)},
    )  # drops the first and third, which the user is going to
    committed(membership_promote, membership=membership, by=facilitator)
    committed(membership_remove, membership=membership, by=facilitator)
    declined = committed(membership_join, user=user, group=other, accept_conduct=True)
    committed(membership_decline, membership=declined, by=facilitator)
    return list(mail.outbox)


@pytest.mark.django_db
def test_with_discreet_mode_on_no_subject_or_sender_names_a_group_or_topic(
    client, member, django_capture_on_commit_callbacks
):
    assert member.discreet_mode
    messages = every_message_for(client, member, django_capture_on_commit_callbacks)

    assert len(messages) >= 3
    # The group messages are among them: join requested, approved, announcement, a waiting
    # list place, a moved, a cancelled and two dropped meetings, promoted, removed, then a
    # second request and its decline.
    assert sum(GROUP_NAME in message.body for message in messages) == 13
    for message in messages:
        assert_discreet(message)


@pytest.mark.django_db
def test_with_discreet_mode_on_calendar_titles_name_no_group_or_topic(client, member):
    group = SupportGroupFactory(name=GROUP_NAME, slug="ketamine-recovery-circle")
    MembershipFactory(user=member, group=group)
    series = MeetingSeriesFactory(group=group, title="Ketamine recovery evening")
    meetings_extend(series=series)
    meeting = series.meetings.first()
    meeting_cancel(
        meeting=series.meetings.last(), reason="The alcohol support group needs the hall."
    )
    client.force_login(member)
    feed = calendar_feed_get_or_create(user=member)
    bodies = [
        client.get(reverse("groups:personal-calendar", args=[feed.token])).content,
        client.get(reverse("groups:meeting-ics", args=[group.slug, meeting.pk])).content,
    ]
    for body in bodies:
        calendar = Calendar.from_ical(body)
        shown = [str(calendar.get("X-WR-CALNAME", ""))]
        shown += [str(event.get("SUMMARY")) for event in calendar.walk("VEVENT")]
        shown += [str(event.get("DESCRIPTION", "")) for event in calendar.walk("VEVENT")]
        assert len(shown) > 2
        for text in shown:
            assert not REVEALING.search(text), f"reveals too much: {text!r}"

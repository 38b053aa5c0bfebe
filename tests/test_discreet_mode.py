"""With discreet mode on, nothing we send a member names a group, topic or substance where a
lock screen or a shared calendar would show it: the subject, the sender's name, a calendar
title. Later issues add their messages (reminders, announcements, decisions, calendar
entries) to `every_message_for`, so this test grows with them."""

import re
from email.utils import parseaddr

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import sign_in_recently

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


def every_message_for(client, user, django_capture_on_commit_callbacks) -> list:
    """Trigger each message the platform can send this member today."""
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
    return list(mail.outbox)


@pytest.mark.django_db
def test_with_discreet_mode_on_no_subject_or_sender_names_a_group_or_topic(
    client, member, django_capture_on_commit_callbacks
):
    assert member.discreet_mode
    messages = every_message_for(client, member, django_capture_on_commit_callbacks)

    assert len(messages) >= 3
    for message in messages:
        assert_discreet(message)

"""What a mail server and a mail client get from us is well-formed: one charset per part, a
calendar part that says it is an invitation to publish, bodies in 7-bit lines (so a relay
without 8BITMIME has nothing to re-encode, and a DKIM signature survives), and an
unsubscribe header only where unsubscribing does something."""

from __future__ import annotations

import email
import email.policy
import re

import pytest

from tests.notifications.test_outbox_mime import a_reminder

pytestmark = pytest.mark.django_db


def as_sent(message) -> bytes:
    """The bytes Django's SMTP backend hands to smtplib."""
    return message.message().as_bytes(linesep="\r\n")


def charsets_written(raw: bytes) -> list[int]:
    """How many charset parameters each text part's Content-Type has, as written (a strict
    parse keeps the last of two, so it would not tell)."""
    return [
        len(re.findall(r"\bcharset=", part["Content-Type"], re.IGNORECASE))
        for part in email.message_from_bytes(raw).walk()
        if part.get_content_maintype() == "text"
    ]


def test_a_reminders_calendar_part_has_one_charset_and_no_method():
    raw = as_sent(a_reminder())
    assert charsets_written(raw) == [1, 1, 1]  # text, HTML, calendar
    parsed = email.message_from_bytes(raw, policy=email.policy.strict)
    [calendar] = [part for part in parsed.walk() if part.get_content_type() == "text/calendar"]
    assert calendar.get_param("charset") == "utf-8"
    # The calendar carries no METHOD (no ORGANIZER: RFC 5546 3.2.1), so neither does its
    # part: RFC 6047 (2.4) has them say the same.
    assert calendar.get_param("method") is None
    assert b"METHOD:" not in calendar.get_payload(decode=True)
    assert calendar.get_filename() == "meeting.ics"


def test_every_message_kind_parses_strictly_in_7_bit_lines_with_unsubscribe_only_where_it_works(
    client, django_capture_on_commit_callbacks
):
    from notifications.models import OutboxMessage
    from tests.factories import UserFactory
    from tests.test_discreet_mode import every_message_for

    member = UserFactory(display_name="Zoë Ångström", discreet_mode=False)
    messages = [
        *every_message_for(client, member, django_capture_on_commit_callbacks),
        a_reminder(),
        *the_newer_kinds(django_capture_on_commit_callbacks),
    ]
    assert len(messages) >= 15
    categories = dict(OutboxMessage.objects.values_list("pk", "category"))
    # Move and cancellation notices, with the meeting's .ics added at send time.
    assert OutboxMessage.objects.filter(kind="meeting-notice").count() >= 2
    assert sum(any(name == "meeting.ics" for name, *_ in m.attachments) for m in messages) >= 3
    seen = set()
    for message in messages:
        raw = as_sent(message)
        subject = message.subject
        for line in raw.split(b"\r\n"):
            assert line.isascii(), (subject, line)
            assert len(line) <= 998, subject
        assert set(charsets_written(raw)) == {1}, subject
        parsed = email.message_from_bytes(raw, policy=email.policy.strict)  # raises on defects
        for part in parsed.walk():
            assert not part.defects, (subject, part.defects)
            for name, value in part.items():
                assert not value.defects, (subject, name, value.defects)
            if part.get_content_maintype() == "text":
                assert part.get_param("charset") == "utf-8", subject
                assert part["Content-Transfer-Encoding"] in ("quoted-printable", "base64")
                assert part.get_content()  # and reads back
        row = re.match(r"<outbox-(\d+)[.@]", parsed["Message-ID"])  # notifications.email
        assert row, subject
        category = categories[int(row[1])]
        seen.add(category)
        offers = "List-Unsubscribe" in parsed
        assert offers == (category in ("reminders", "updates")), (subject, category)
        assert ("List-Unsubscribe-Post" in parsed) == offers, subject
    assert seen == {"account", "updates", "reminders"}


def the_newer_kinds(capture):
    """Messages every_message_for does not trigger: a welcome to an open group (discreet and
    not), a facilitator's notice of a request, and the confirmation of a deleted account
    (sent to an address that no longer has an account)."""
    from django.core import mail

    from accounts.services.users import user_delete
    from groups.services.memberships import membership_join
    from tests.factories import MembershipFactory, SupportGroupFactory, UserFactory

    mail.outbox.clear()
    group = SupportGroupFactory(name="Zoë's open circle — évening")
    facilitator = UserFactory(display_name="Ånna", discreet_mode=False)
    MembershipFactory(user=facilitator, group=group, role="facilitator")
    approval = SupportGroupFactory(name="Ça va circle", join_policy="approval")
    MembershipFactory(user=facilitator, group=approval, role="facilitator")
    with capture(execute=True):
        membership_join(user=UserFactory(discreet_mode=False), group=group, accept_conduct=True)
        membership_join(user=UserFactory(), group=group, accept_conduct=True)
        membership_join(user=UserFactory(display_name="Zoë"), group=approval, accept_conduct=True)
        user_delete(user=UserFactory(display_name="Zoë Ångström"))
    subjects = [message.subject for message in mail.outbox]
    assert "Kinship: Welcome to Zoë's open circle — évening" in subjects
    assert "Kinship: Welcome: you have joined" in subjects
    assert "Kinship: Ça va circle: someone asks to join" in subjects
    assert "Kinship: your account is deleted" in subjects
    return list(mail.outbox)


@pytest.mark.parametrize(
    "body",
    [
        "Zoë says: ça va — 🙂\n\nshort lines, one with a trailing space \nend",
        "Zoë says: ça va — 🙂 " * 100 + "\n\nand a line longer than SMTP allows before it",
    ],
)
def test_any_text_leaves_in_7_bit_lines_and_reads_back_as_it_was(body):
    from notifications.email import OutboxEmail

    message = OutboxEmail("Zoë", body, "from@example.org", ["to@example.org"])
    message.attach_alternative(f"<p>{body}</p>", "text/html")
    raw = as_sent(message)
    assert all(line.isascii() and len(line) <= 998 for line in raw.split(b"\r\n"))
    parsed = email.message_from_bytes(raw, policy=email.policy.strict)
    text = parsed.get_body(preferencelist=("plain",)).get_content()
    assert text.replace("\r\n", "\n") == body
    html = parsed.get_body(preferencelist=("html",)).get_content()
    assert html.replace("\r\n", "\n") == f"<p>{body}</p>"

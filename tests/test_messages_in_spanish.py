"""Every kind of message we send a Spanish-speaking member is in Spanish, subject included,
in discreet mode too, whatever language the person who caused it reads: a facilitator
reading English cancels a meeting, a Spanish-speaking member is told in Spanish.

What is Spanish is read from the catalogue itself (the msgid's translation), so the test
follows the translators' wording and fails when a message is built in the sender's
language or a string has no translation.

Every kind of e-mail is here: each test says which kinds it checks (`sends`), and fails
unless it rendered their templates; test_every_kind_of_email_has_a_spanish_check compares
those kinds with the templates on disk (ours, and allauth's), so a new kind of e-mail
without a Spanish check here fails by name."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import allauth
import pytest
import time_machine
from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY
from django.core import mail
from django.test import Client
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import translation
from fido2.cose import ES256
from fido2.utils import sha256, websafe_decode, websafe_encode
from fido2.webauthn import (
    AttestationObject,
    AttestedCredentialData,
    AuthenticatorData,
    CollectedClientData,
)

from accounts.services.export_requests import export_request
from accounts.services.users import user_delete
from groups.emails import DISCREET_OPENING
from groups.meetings.recurrence import Frequency, Recurrence
from groups.meetings.rsvp_links import cant_make_it_url
from groups.models import HostingAnswer
from groups.services.groups import announcement_post
from groups.services.meetings import meeting_cancel, meeting_move, series_create, series_update
from groups.services.memberships import (
    membership_approve,
    membership_decline,
    membership_join,
    membership_promote,
    membership_remove,
)
from groups.services.reports import report_file, report_resolve
from groups.services.rsvps import rsvp_answer
from notifications.outbox import outbox_dispatch, outbox_send
from resources.models import Resource
from resources.services.curation import resource_save, resource_submit
from tests.conftest import phone_of, sign_in_recently
from tests.factories import (
    DEFAULT_PASSWORD,
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    RsvpFactory,
    SupportGroupFactory,
    UserFactory,
    totp_code,
)

pytestmark = pytest.mark.django_db
START = datetime(2026, 12, 3, 0, 0, tzinfo=UTC)  # Wednesday 2 December, 19:00 in New York
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")
CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)

# --- every kind, and the test that checks it ------------------------------------------------

TEMPLATES = Path(settings.BASE_DIR) / "templates"
ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
# Where allauth's e-mails are, each kind's templates ours where we override them, else its own.
ALLAUTH_FOLDERS = ("account/email", "mfa/email")
# Kinds that exist on disk but that nothing on the site sends, and why; the settings that
# keep them off are checked (test_the_kinds_we_do_not_send_stay_off).
NOT_SENT = {
    "account/email/login_code_message.txt": "signing in by a mailed code is off",
    "account/email/password_reset_code_message.txt": "a password is reset by a link",
    "account/email/email_confirm_message.txt": "allauth renders no e-mail from it any more",
}
# Kind (its text template) -> the test below that checks it in Spanish.
KINDS: dict[str, str] = {}


def sends(*templates: str) -> Callable[[Callable], Callable]:
    """Mark a test as the Spanish check of these kinds of e-mail (their text templates)."""

    def mark(test: Callable) -> Callable:
        for template in templates:
            assert template not in KINDS, f"{template} is checked by {KINDS[template]} already"
            KINDS[template] = test.__name__
        return test

    return mark


def kind_templates() -> set[str]:
    """Every kind of e-mail on disk: templates/<app>/emails/*.txt but the partials (`_`), and
    each of allauth's <prefix>_message.txt (ours or its own) but its bases."""
    kinds = {
        path.relative_to(TEMPLATES).as_posix()
        for path in TEMPLATES.glob("*/emails/*.txt")
        if not path.name.startswith("_")
    }
    for root in (TEMPLATES, ALLAUTH_TEMPLATES):
        for folder in ALLAUTH_FOLDERS:
            kinds |= {
                f"{folder}/{path.name}"
                for path in (root / folder).glob("*_message.txt")
                if not path.name.startswith("base_")
            }
    return kinds


@pytest.fixture(autouse=True)
def _sends_what_it_claims(request):
    """The templates the test rendered. Afterwards, each kind the test `sends` must be among
    them: a test is the check of a kind only if that kind of e-mail went out in it."""
    names: set[str] = set()

    def record(sender, template, context, **kwargs):
        names.add(template.name)

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)
    claimed = {kind for kind, test in KINDS.items() if test == request.node.originalname}
    assert claimed <= names, f"{request.node.name} sent no {sorted(claimed - names)}"


# --- reading the messages -------------------------------------------------------------------


def spanish(msgid: str) -> str:
    """The longest stretch of the msgid's Spanish translation that holds no placeholder."""
    with translation.override("es"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no Spanish for {msgid!r}"
    return max(PLACEHOLDER.split(text), key=len).strip()


def english(msgid: str) -> str:
    return max(PLACEHOLDER.split(msgid), key=len).strip()


def assert_in_spanish(text: str, msgid: str) -> None:
    assert spanish(msgid) in text, (msgid, text)
    assert english(msgid) not in text, (msgid, text)


def body_of(message) -> str:
    """The text part on one line, as the sentences to look for are written in a template."""
    return " ".join(message.body.split())


def discreet_opening() -> str:
    with translation.override("es"):
        return str(DISCREET_OPENING).format(site="Kinship")


def assert_subject_in_spanish(
    message, user, *, discreet: str, plain: str | None, group: str = ""
) -> None:
    """The subject in Spanish: with discreet mode its own (`discreet`, which names no
    group), without it the one naming the group (`plain`; None for one that has no words
    of ours, only the group's name and a title). And the discreet opening first, or not."""
    if user.discreet_mode:
        assert_in_spanish(message.subject, discreet)
        assert not group or group not in message.subject, message.subject
        assert discreet_opening() in body_of(message)
    else:
        if plain is not None:
            assert_in_spanish(message.subject, plain)
        assert group in message.subject, message.subject
        assert discreet_opening() not in body_of(message)


def assert_notices_in_spanish(messages: list, told: dict[str, str]) -> None:
    """allauth's notices of a change to an account: one per subject of `told` (a msgid,
    mapped to a sentence of its body), in whatever order they went out, each in Spanish."""
    prefix = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
    subjects = sorted(message.subject for message in messages)
    assert subjects == sorted(prefix + spanish(subject) for subject in told), subjects
    for message in messages:
        [sentence] = [
            sentence
            for subject, sentence in told.items()
            if message.subject == prefix + spanish(subject)
        ]
        assert_in_spanish(body_of(message), sentence)
        assert_in_spanish(body_of(message), "If you made this change, there is nothing else to do.")


# --- the people and the outbox --------------------------------------------------------------


@pytest.fixture(params=[True, False], ids=["discreet", "plain"])
def discreet(request) -> bool:
    """A test that takes it runs with discreet mode on (the default), then off."""
    return request.param


@pytest.fixture
def meeting():
    """A meeting whose facilitator said they will host it (so that no hosting alert joins
    the messages a test looks at; test_who_is_hosting_asks_and_warns_in_spanish takes the
    answer back)."""
    group = SupportGroupFactory(name="Harbour Circle", time_zone="America/New_York")
    series = MeetingSeriesFactory(group=group, title="Evening sharing", rsvp_limit=1)
    meeting = MeetingFactory(series=series, occurrence_start=START)
    host = UserFactory(display_name="Kai", reminder_lead_minutes=[])
    MembershipFactory(user=host, group=group, role="facilitator")
    HostingAnswer.objects.create(meeting=meeting, user=host, answer=HostingAnswer.Answer.WILL_HOST)
    return meeting


@pytest.fixture
def ana(meeting, discreet):
    """Reads Kinship in Spanish; a member of the meeting's group."""
    user = UserFactory(
        language="es",
        discreet_mode=discreet,
        reminder_lead_minutes=[60],
        time_zone="America/New_York",
    )
    MembershipFactory(user=user, group=meeting.group)
    return user


@pytest.fixture
def robin():
    """Reads Kinship in English: facilitates the groups and, an admin too, curates the library
    and works reports. Causes most of what the others are told."""
    return UserFactory(language="en", display_name="Robin", is_facilitator=True, is_staff=True)


def run(at: datetime) -> None:
    outbox_send(outbox_dispatch(now=at).claimed, now=lambda: at)


def soon() -> datetime:
    return datetime.now(tz=UTC) + timedelta(seconds=5)


def to(user_or_address) -> list:
    address = getattr(user_or_address, "email", user_or_address)
    return [message for message in mail.outbox if message.to == [address]]


def english_browser() -> Client:
    return Client(headers={"accept-language": "en-US,en;q=0.9"})


# --- meetings -------------------------------------------------------------------------------


@sends("groups/emails/meeting_reminder.txt")
def test_a_reminder_by_email_and_by_push_is_in_spanish(meeting, ana, vapid, push_service):
    RsvpFactory(meeting=meeting, user=ana, answer="going")
    ana.reminders_by = "both"
    ana.save()
    phone, _ = phone_of(ana, push_service, vapid)

    with translation.override("en"):
        run(START - timedelta(hours=1))

    [message] = to(ana)
    assert_subject_in_spanish(
        message,
        ana,
        discreet="A reminder: your appointment %(starts)s",
        plain="Starts %(starts)s: %(meeting)s, %(group)s",
        group="Harbour Circle",
    )
    assert_in_spanish(body_of(message), "The meeting is attached as a calendar file.")
    [shown] = push_service.delivered(phone)
    if ana.discreet_mode:
        assert_in_spanish(shown["title"], "Appointment at %(time)s")
        assert_in_spanish(shown["body"], "Starts %(starts)s. Tap to join when the room opens.")
        assert "Harbour" not in shown["title"] + shown["body"]
    else:
        assert_in_spanish(
            shown["body"], "%(group)s: starts %(starts)s. Tap to join when the room opens."
        )
        assert "Harbour Circle" in shown["body"]


@sends("groups/emails/meeting_moved.txt", "groups/emails/meeting_cancelled.txt")
def test_a_move_and_a_cancellation_by_a_facilitator_reading_english_reach_her_in_spanish(
    meeting, ana, vapid, push_service, django_capture_on_commit_callbacks
):
    RsvpFactory(meeting=meeting, user=ana, answer="going")
    phone, _ = phone_of(ana, push_service, vapid)
    ana.changes_by = "both"
    ana.save()
    now = START - timedelta(days=1)
    with time_machine.travel(now, tick=False), translation.override("en"):
        with django_capture_on_commit_callbacks(execute=True):
            meeting_move(meeting=meeting, day=date(2026, 12, 3), at=time(19))
        with django_capture_on_commit_callbacks(execute=True):
            meeting_cancel(meeting=meeting, reason="The room is closed.")
        run(now)

    [moved, cancelled] = to(ana)
    assert_subject_in_spanish(
        moved,
        ana,
        discreet="A meeting has moved",
        plain="%(group)s: a meeting has moved",
        group="Harbour Circle",
    )
    assert_in_spanish(body_of(moved), "It now takes place on %(when)s.")
    assert "jueves 3 de diciembre de 2026" in body_of(moved)  # the day, as Spanish writes it
    assert_subject_in_spanish(
        cancelled,
        ana,
        discreet="A meeting was cancelled",
        plain="%(group)s: a meeting is cancelled",
        group="Harbour Circle",
    )
    assert_in_spanish(body_of(cancelled), "Your other meetings with the group are not affected.")
    titles = " · ".join(shown["title"] for shown in push_service.delivered(phone))
    if ana.discreet_mode:
        assert_in_spanish(titles, "An appointment is cancelled")
    else:
        assert_in_spanish(titles, "Cancelled: %(meeting)s")


TUESDAYS = Recurrence(frequency=Frequency.WEEKLY, weekdays=(1,))
WEDNESDAYS = Recurrence(frequency=Frequency.WEEKLY, weekdays=(2,))


@sends("groups/emails/meeting_rescheduled.txt", "groups/emails/meeting_removed.txt")
def test_a_new_schedule_that_moves_then_drops_her_meeting_is_told_in_spanish(
    discreet, robin, django_capture_on_commit_callbacks
):
    now = datetime(2026, 10, 1, 12, tzinfo=UTC)
    group = SupportGroupFactory(name="Tide Circle", time_zone="America/New_York")
    MembershipFactory(user=robin, group=group, role="facilitator")
    luz = UserFactory(language="es", discreet_mode=discreet, time_zone="America/New_York")
    MembershipFactory(user=luz, group=group)
    with time_machine.travel(now, tick=False), translation.override("en"):
        series = series_create(
            group=group,
            actor=robin,
            recurrence=TUESDAYS,
            start=date(2026, 10, 6),
            fields={
                "title": "Evening sharing",
                "start_time": time(19),
                "duration_minutes": 90,
                "time_zone": "",
                "attendance_option": "online",
            },
            now=now,
        )
        rsvp_answer(user=luz, meeting=series.meetings.order_by("starts_at").first(), going=True)
        with django_capture_on_commit_callbacks(execute=True):
            series_update(
                series=series,
                recurrence=TUESDAYS,
                start=date(2026, 10, 6),
                fields={"start_time": time(18)},
                now=now,
                by=robin,
            )
        with django_capture_on_commit_callbacks(execute=True):
            series_update(
                series=series, recurrence=WEDNESDAYS, start=date(2026, 10, 7), fields={}, now=now
            )
        run(now)

    [rescheduled, removed] = to(luz)
    assert_subject_in_spanish(
        rescheduled,
        luz,
        discreet="A meeting's time has changed",
        plain="%(group)s: a meeting's time has changed",
        group="Tide Circle",
    )
    assert_in_spanish(body_of(rescheduled), "It was planned for %(was_when)s.")
    assert "martes 6 de octubre de 2026" in body_of(rescheduled)
    assert_subject_in_spanish(
        removed,
        luz,
        discreet="A meeting no longer takes place",
        plain="%(group)s: the schedule has changed",
        group="Tide Circle",
    )
    assert_in_spanish(body_of(removed), "The new schedule is on the group's page: %(group_url)s")


@sends("groups/emails/waitlist_promoted.txt", "groups/emails/cant_make_it_confirmed.txt")
def test_a_place_from_the_waiting_list_and_i_cant_make_it_are_in_spanish(
    meeting, ana, discreet, django_capture_on_commit_callbacks
):
    holder = UserFactory(language="es", discreet_mode=discreet)
    MembershipFactory(user=holder, group=meeting.group)
    RsvpFactory(meeting=meeting, user=holder, answer="going")
    now = START - timedelta(hours=3)
    with time_machine.travel(now, tick=False), translation.override("en"):
        rsvp_answer(user=ana, meeting=meeting, going=True)  # full: waiting
        with django_capture_on_commit_callbacks(execute=True):
            english_browser().post(cant_make_it_url(user=holder, meeting=meeting))
        run(now)

    [place] = to(ana)
    assert_subject_in_spanish(
        place,
        ana,
        discreet="A place is yours",
        plain="%(group)s: a place is yours",
        group="Harbour Circle",
    )
    assert_in_spanish(
        body_of(place),
        "If you can no longer come, please say so, so the next person can have the place: "
        "%(meeting_url)s",
    )
    [noted] = to(holder)
    assert_subject_in_spanish(
        noted,
        holder,
        discreet="Noted: you can't make it",
        plain="%(group)s: you can't make it, noted",
        group="Harbour Circle",
    )
    assert_in_spanish(
        body_of(noted),
        "Tapped by mistake, or your plans changed? You can take it back until the meeting "
        "starts: %(undo_url)s",
    )


# --- memberships and announcements ----------------------------------------------------------


@sends(
    "groups/emails/join_requested.txt",
    "groups/emails/join_request_received.txt",
    "groups/emails/request_approved.txt",
    "groups/emails/announcement.txt",
)
def test_joining_approval_and_an_announcement_are_in_spanish(
    discreet, robin, django_capture_on_commit_callbacks
):
    group = SupportGroupFactory(name="Tide Circle", join_policy="approval")
    MembershipFactory(user=robin, group=group, role="facilitator")
    co_facilitator = UserFactory(language="es", discreet_mode=discreet)
    MembershipFactory(user=co_facilitator, group=group, role="facilitator")
    luz = UserFactory(language="es", discreet_mode=discreet)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        membership = membership_join(user=luz, group=group, accept_conduct=True)
        membership_approve(membership=membership, by=robin)
        announcement_post(group=group, author=robin, title="Summer", body="Hello")
    run(soon())

    [requested, approved, announced] = to(luz)
    assert_subject_in_spanish(
        requested,
        luz,
        discreet="Your request was sent",
        plain="Your request to join %(group)s",
        group="Tide Circle",
    )
    assert_in_spanish(
        body_of(requested),
        "We have passed your request to join %(group)s to its facilitators. They usually "
        "answer within a few days, and we will write to you as soon as they do.",
    )
    assert_subject_in_spanish(
        approved,
        luz,
        discreet="Your request was answered",
        plain="Welcome to %(group)s",
        group="Tide Circle",
    )
    assert_in_spanish(
        body_of(approved),
        "Good news: the facilitators of %(group)s have welcomed you to the group.",
    )
    assert_subject_in_spanish(
        announced, luz, discreet="A new announcement", plain=None, group="Tide Circle"
    )
    assert_in_spanish(body_of(announced), "A message from the facilitators of %(group)s:")
    [asked, _announced] = to(co_facilitator)
    assert_subject_in_spanish(
        asked,
        co_facilitator,
        discreet="Someone asks to join",
        plain="%(group)s: someone asks to join",
        group="Tide Circle",
    )
    assert_in_spanish(
        body_of(asked),
        "To answer (approve or decline, with a message of your own if you like): %(answer_url)s",
    )
    [told] = to(robin)
    assert "Someone asks to join" in told.subject  # Robin reads English


@sends("groups/emails/request_declined.txt")
def test_a_declined_request_is_in_spanish(discreet, robin, django_capture_on_commit_callbacks):
    group = SupportGroupFactory(name="Tide Circle", join_policy="approval")
    MembershipFactory(user=robin, group=group, role="facilitator")
    luz = UserFactory(language="es", discreet_mode=discreet)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        membership = membership_join(user=luz, group=group, accept_conduct=True)
        membership_decline(membership=membership, by=robin, message="We are full.")
    run(soon())

    [_requested, declined] = to(luz)
    assert_subject_in_spanish(
        declined,
        luz,
        discreet="Your request was answered",
        plain="About your request to join %(group)s",
        group="Tide Circle",
    )
    assert_in_spanish(
        body_of(declined),
        "The facilitators of %(group)s were not able to take you into the group this time.",
    )
    assert_in_spanish(body_of(declined), "Their message to you:")


@sends("groups/emails/listing_question.txt", "groups/emails/listing_lapsed.txt")
def test_is_your_group_still_meeting_and_its_unlisting_are_in_spanish(
    discreet, django_capture_on_commit_callbacks
):
    from groups.listings import ANSWER_WITHIN, STALE_AFTER, listings_review

    created = datetime(2026, 9, 1, tzinfo=UTC)
    group = SupportGroupFactory(name="Tide Circle", created_at=created)
    luz = UserFactory(language="es", discreet_mode=discreet)
    MembershipFactory(user=luz, group=group, role="facilitator")
    asked_at = created + STALE_AFTER + timedelta(days=1)  # nothing in its schedule
    for at in (asked_at, asked_at + ANSWER_WITHIN):
        with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
            listings_review(now=at)
        run(at)

    [asked, lapsed] = to(luz)
    assert_subject_in_spanish(
        asked,
        luz,
        discreet="Is your group still meeting?",
        plain="Is %(group)s still meeting?",
        group="Tide Circle",
    )
    assert_in_spanish(
        body_of(asked),
        "People find groups in our directory and in meeting finder apps, and a group that "
        "has stopped meeting sends them to an empty room. If it still meets, say so on your "
        "dashboard (one button): %(dashboard_url)s",
    )
    assert_subject_in_spanish(
        lapsed,
        luz,
        discreet="A group is out of the directory",
        plain="%(group)s is out of the directory until someone confirms it meets",
        group="Tide Circle",
    )


@sends(
    "groups/emails/hosting_cover_asked.txt",
    "groups/emails/hosting_unconfirmed.txt",
    "groups/emails/hosting_at_risk.txt",
)
def test_who_is_hosting_asks_and_warns_in_spanish(meeting, ana, robin, discreet):
    from groups.hosting import HOSTS_ALERT_BEFORE, MEMBERS_ALERT_BEFORE, hosting_answer

    group = meeting.group
    HostingAnswer.objects.filter(meeting=meeting).delete()  # its host can't any more
    MembershipFactory(user=robin, group=group, role="facilitator")
    luz = UserFactory(language="es", discreet_mode=discreet, reminder_lead_minutes=[])
    MembershipFactory(user=luz, group=group, role="backup")
    RsvpFactory(meeting=meeting, user=ana, answer="going")
    asked_at = START - timedelta(days=2)
    with time_machine.travel(asked_at, tick=False), translation.override("en"):
        hosting_answer(meeting=meeting, user=robin, will_host=False, now=asked_at)
    run(asked_at)
    for at in (START - HOSTS_ALERT_BEFORE, START - MEMBERS_ALERT_BEFORE):
        with translation.override("en"):
            run(at)

    [cover, unconfirmed] = to(luz)
    assert_subject_in_spanish(
        cover,
        luz,
        discreet="Can you host a meeting?",
        plain="%(group)s: can you host a meeting?",
        group="Harbour Circle",
    )
    assert_in_spanish(body_of(cover), "If you can't either, there is nothing you need to do.")
    assert_subject_in_spanish(
        unconfirmed,
        luz,
        discreet="A meeting has no host yet",
        plain="%(group)s: nobody has said they will host a meeting",
        group="Harbour Circle",
    )
    assert_in_spanish(
        body_of(unconfirmed), "If you can host it, say so on its page, in one tap: %(hosting_url)s"
    )
    [at_risk] = to(ana)
    assert_subject_in_spanish(
        at_risk,
        ana,
        discreet="A meeting may not take place",
        plain="%(group)s: a meeting may not take place",
        group="Harbour Circle",
    )
    assert_in_spanish(
        body_of(at_risk),
        "It may still go ahead: someone may yet say they will host. If it is cancelled, we "
        "will tell you at once.",
    )


@sends(
    "groups/emails/backup_named.txt",
    "groups/emails/handover_offered.txt",
    "groups/emails/handover_closed.txt",
    "groups/emails/term_reminder.txt",
)
def test_cover_handover_and_the_service_term_are_in_spanish(robin, discreet):
    from groups.handovers import (
        OFFER_OPEN_FOR,
        backup_name,
        handover_accept,
        handover_offer,
        handovers_expire,
        term_reminder_due,
        term_set,
    )
    from groups.models import Membership

    group = SupportGroupFactory(name="Tide Circle", time_zone="America/New_York")
    MembershipFactory(user=robin, group=group, role="facilitator")
    luz, noe = (
        UserFactory(language="es", discreet_mode=discreet, time_zone="America/New_York")
        for _ in range(2)
    )
    for user in (luz, noe):
        MembershipFactory(user=user, group=group)
    at = START - timedelta(days=60)
    with time_machine.travel(at, tick=False), translation.override("en"):
        backup_name(membership=Membership.objects.get(user=luz), by=robin)
        # Offered to Luz, who accepts; then to Noe, who lets it lapse.
        handover_accept(handover=handover_offer(group=group, by=robin, to=luz, now=at), by=luz)
        handover_offer(group=group, by=robin, to=noe, now=at)
        handovers_expire(now=at + OFFER_OPEN_FOR)
        term_set(group=group, user=luz, ends_on=date(2027, 1, 1), now=at)
    run(at + OFFER_OPEN_FOR)
    run(term_reminder_due(date(2027, 1, 1), "America/New_York"))

    [named, offered, reminder] = to(luz)
    assert_subject_in_spanish(
        named,
        luz,
        discreet="You are a backup facilitator",
        plain="%(group)s: you are a backup facilitator",
        group="Tide Circle",
    )
    assert_in_spanish(
        body_of(named),
        "You will be asked when a meeting has nobody to host it. You can step down at any "
        "time on the group's page.",
    )
    assert_subject_in_spanish(
        offered,
        luz,
        discreet="Someone offers to hand something over to you",
        plain="%(group)s: %(name)s offers to hand over to you",
        group="Tide Circle",
    )
    assert_in_spanish(
        body_of(offered), "%(who)s would like you to take over %(what)s as its facilitator."
    )
    assert_subject_in_spanish(
        reminder,
        luz,
        discreet="Your service term ends on %(day)s",
        plain="%(group)s: your service term ends on %(day)s",
        group="Tide Circle",
    )
    assert "1 de enero de 2027" in reminder.subject
    assert_in_spanish(
        body_of(reminder),
        "Nothing happens by itself when the day comes: you stay a facilitator until you hand "
        "over or step down.",
    )
    [_, expired] = to(noe)
    assert_subject_in_spanish(
        expired,
        noe,
        discreet="An offer has expired",
        plain="%(group)s: an offer to hand over has expired",
        group="Tide Circle",
    )
    assert_in_spanish(
        body_of(expired),
        "The offer for you to take over %(what)s has expired. Nothing has changed.",
    )


@sends("groups/emails/handover_answered.txt")
def test_an_accepted_handover_is_told_in_spanish(discreet):
    from groups.handovers import handover_accept, handover_offer

    group = SupportGroupFactory(name="Tide Circle")
    luz = UserFactory(language="es", discreet_mode=discreet, display_name="Luz")
    MembershipFactory(user=luz, group=group, role="facilitator")
    kai = UserFactory(language="en", display_name="Kai")
    MembershipFactory(user=kai, group=group)
    with translation.override("en"):
        handover_accept(handover=handover_offer(group=group, by=luz, to=kai), by=kai)
    run(soon())
    [answered] = to(luz)
    assert_subject_in_spanish(
        answered,
        luz,
        discreet="Your offer was answered",
        plain="%(group)s: %(name)s accepted your handover",
        group="Tide Circle",
    )
    assert_in_spanish(body_of(answered), "You stay on as a co-facilitator, as you chose.")


@sends("groups/emails/news_digest.txt")
def test_a_digest_of_group_news_is_in_spanish(robin, discreet):
    from notifications.quiet import digest_due

    group = SupportGroupFactory(name="Tide Circle", time_zone="America/New_York")
    MembershipFactory(user=robin, group=group, role="facilitator")
    luz = UserFactory(
        language="es",
        discreet_mode=discreet,
        news_delivery="weekly",
        time_zone="America/New_York",
    )
    MembershipFactory(user=luz, group=group)
    posted = START - timedelta(days=1)
    with time_machine.travel(posted, tick=False), translation.override("en"):
        announcement_post(group=group, author=robin, title="Summer", body="Hello")
    run(digest_due(posted, luz, weekly=True))
    [digest] = to(luz)
    if luz.discreet_mode:
        assert_in_spanish(digest.subject, "News from your groups")
    else:
        with translation.override("es"):
            assert digest.subject.endswith(
                translation.ngettext(
                    "%(count)d announcement from your groups",
                    "%(count)d announcements from your groups",
                    1,
                )
                % {"count": 1}
            )
    assert "Tide Circle" not in digest.subject
    assert_in_spanish(body_of(digest), "This week's announcements from your groups:")


@sends("groups/emails/check_in.txt")
def test_the_gentle_check_in_is_in_spanish(discreet):
    from groups.check_ins import check_ins_plan
    from groups.models import Attendance
    from tests.factories import HostedMeetingFactory

    group = SupportGroupFactory(name="Tide Circle", time_zone="America/New_York")
    series = MeetingSeriesFactory(group=group, time_zone="America/New_York")
    luz = UserFactory(
        language="es", discreet_mode=discreet, check_ins=True, reminder_lead_minutes=[]
    )
    MembershipFactory(user=luz, group=group)
    missed = [
        HostedMeetingFactory(series=series, occurrence_start=START - timedelta(days=days))
        for days in (14, 7)
    ]
    for meeting in missed:
        Attendance.objects.create(meeting=meeting, user=meeting.hosting_answers.get().user)
        RsvpFactory(meeting=meeting, user=luz, answer="going")
    at = START - timedelta(days=6)
    with translation.override("en"):
        check_ins_plan(now=at)
        run(at)
    [check_in] = to(luz)
    assert_subject_in_spanish(
        check_in,
        luz,
        discreet="Thinking of you",
        plain="%(group)s: thinking of you",
        group="Tide Circle",
    )
    assert_in_spanish(
        body_of(check_in),
        "If things are hard right now, you don't have to wait for a meeting to talk to someone:",
    )


@sends(
    "groups/emails/welcome.txt",
    "groups/emails/member_promoted.txt",
    "groups/emails/member_removed.txt",
)
def test_joining_an_open_group_a_new_role_and_a_removal_are_in_spanish(
    meeting, discreet, robin, django_capture_on_commit_callbacks
):
    group = meeting.group
    HostingAnswer.objects.filter(meeting=meeting).delete()  # its host can't any more
    MembershipFactory(user=robin, group=group, role="facilitator")
    luz = UserFactory(language="es", discreet_mode=discreet, time_zone="America/New_York")
    with (
        time_machine.travel(START - timedelta(days=1), tick=False),
        translation.override("en"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        membership = membership_join(user=luz, group=group, accept_conduct=True)
        membership_promote(membership=membership, by=robin)
        membership_remove(membership=membership, by=robin)
        run(START - timedelta(days=1))

    [welcome, promoted, removed] = to(luz)
    assert_subject_in_spanish(
        welcome,
        luz,
        discreet="Welcome: you have joined",
        plain="Welcome to %(group)s",
        group="Harbour Circle",
    )
    assert_in_spanish(body_of(welcome), "The next meeting: %(when)s")
    assert "miércoles 2 de diciembre de 2026" in body_of(welcome)
    assert_subject_in_spanish(
        promoted,
        luz,
        discreet="You have a new role",
        plain="You are now a co-facilitator of %(group)s",
        group="Harbour Circle",
    )
    assert_in_spanish(
        body_of(promoted),
        "Facilitators protect their accounts with a second factor; you will be asked to set "
        "one up the first time you use a facilitator tool.",
    )
    assert_subject_in_spanish(
        removed,
        luz,
        discreet="A change to your membership",
        plain="About your membership of %(group)s",
        group="Harbour Circle",
    )
    assert_in_spanish(
        body_of(removed), "A facilitator of %(group)s has ended your membership of the group."
    )


# --- reports --------------------------------------------------------------------------------


@sends(
    "groups/emails/report_received.txt",
    "groups/emails/report_alert.txt",
    "groups/emails/report_resolved.txt",
)
def test_a_report_its_alerts_and_its_resolution_are_in_spanish(
    discreet, robin, django_capture_on_commit_callbacks
):
    group = SupportGroupFactory(name="Tide Circle")
    luz = UserFactory(language="es", discreet_mode=discreet)
    MembershipFactory(user=luz, group=group)
    admin = UserFactory(language="es", discreet_mode=discreet, is_staff=True)
    co_facilitator = UserFactory(language="es", discreet_mode=discreet)
    MembershipFactory(user=co_facilitator, group=group, role="facilitator")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        report = report_file(reporter=luz, reason="safety", text="She said goodbye.", group=group)
        report_resolve(report=report, by=robin, note="Spoke to her.")
    run(soon())

    # Their subjects name no group, so discreet mode keeps them.
    [received, resolved] = to(luz)
    subject = "We received your report"
    assert_subject_in_spanish(received, luz, discreet=subject, plain=subject)
    assert_in_spanish(
        body_of(received),
        "Thank you for telling us about this. An admin will look at your report (number "
        "%(number)s) and may contact you if they need to know more. We will write to you "
        "again when it is resolved.",
    )
    subject = "Your report was resolved (report %(number)s)"
    assert_subject_in_spanish(resolved, luz, discreet=subject, plain=subject)
    assert_in_spanish(
        body_of(resolved),
        "If something still worries you, or it happens again, please send a new report.",
    )
    subject = "Urgent: someone may be in danger (report %(number)s)"
    for recipient, sentence in [
        (admin, "Open the report to handle it (you will be asked to sign in): %(manage_url)s"),
        (
            co_facilitator,
            "You are told because you facilitate this group and may be able to help before "
            "an admin reads this. An admin will follow up. Please keep this report to "
            "yourself.",
        ),
    ]:
        [alert] = to(recipient)
        assert_subject_in_spanish(alert, recipient, discreet=subject, plain=subject)
        assert_in_spanish(
            body_of(alert),
            "Someone has reported that a person may be in danger. Please look at it now.",
        )
        assert_in_spanish(body_of(alert), "Someone may be in danger")  # the reason
        assert_in_spanish(body_of(alert), sentence)
    [told] = to(robin)
    assert "Urgent: someone may be in danger" in told.subject  # Robin, an admin, reads English


# --- the library ----------------------------------------------------------------------------


@sends("resources/emails/review_waiting.txt")
def test_a_resource_waiting_for_review_is_told_in_spanish(
    discreet, robin, django_capture_on_commit_callbacks
):
    curator = UserFactory(language="es", discreet_mode=discreet, is_staff=True)
    resource = resource_save(
        resource=Resource(title="Talking therapies", summary="What CBT is.", body="Words.")
    )
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        resource_submit(resource=resource, by=robin)
    run(soon())

    [message] = to(curator)
    subject = "A resource is waiting for your review"  # names no topic: the same in both modes
    assert_subject_in_spanish(message, curator, discreet=subject, plain=subject)
    assert_in_spanish(
        body_of(message),
        "Before it reaches the library, an admin other than its author reads it and "
        "publishes it or sends it back. You can do that here (you will be asked to sign "
        "in): %(review_url)s",
    )


# --- the account: its data and its end ------------------------------------------------------


@sends("accounts/emails/export_ready.txt", "accounts/emails/account_deleted.txt")
def test_her_data_export_and_the_deletion_of_her_account_are_in_spanish(
    django_capture_on_commit_callbacks,
):
    luz = UserFactory(language="es")
    address = luz.email
    with translation.override("en"):
        with django_capture_on_commit_callbacks(execute=True):
            export_request(user=luz)  # built by a worker (here, at once)
        run(soon())
        with django_capture_on_commit_callbacks(execute=True):
            user_delete(user=luz)  # by an admin reading English
        run(soon())

    [ready, deleted] = to(address)
    assert_in_spanish(ready.subject, "%(site)s: your data is ready to download")
    assert_in_spanish(
        body_of(ready),
        "The copy of your data that you asked for is ready. Sign in and download it here:",
    )
    assert_in_spanish(deleted.subject, "%(site)s: your account is deleted")
    assert_in_spanish(
        body_of(deleted),
        "Your %(site)s account is deleted, as was asked. This is the last message we send to "
        "this address about it.",
    )


# --- allauth's e-mails: signing up, passwords, addresses, second factors --------------------


def sign_up(client: Client, email: str) -> None:
    client.post(
        reverse("account_signup"),
        {
            "email": email,
            "display_name": "Luz",
            "time_zone": "America/New_York",
            "password1": "quiet-morning-walk-42",
            "password2": "quiet-morning-walk-42",
        },
    )


@sends("account/email/email_confirmation_signup_message.txt")
def test_a_visitor_reading_spanish_gets_her_sign_up_code_in_spanish(
    django_capture_on_commit_callbacks,
):
    visitor = Client(headers={"accept-language": "es-MX,es;q=0.9"})
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        sign_up(visitor, "luz@example.org")
    run(soon())

    [message] = to("luz@example.org")
    assert_in_spanish(message.subject, "Your sign-up code")
    assert_in_spanish(
        body_of(message),
        "Thank you for signing up. Here is the code that confirms this e-mail address:",
    )


@sends("account/email/account_already_exists_message.txt")
def test_signing_up_with_her_address_from_an_english_browser_tells_her_in_spanish(
    django_capture_on_commit_callbacks,
):
    luz = UserFactory(language="es")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        sign_up(english_browser(), luz.email)
    run(soon())

    [message] = to(luz)
    assert_in_spanish(message.subject, "About your sign-up")
    assert_in_spanish(
        body_of(message),
        "If it wasn't you, you can ignore this message. Your account is safe and stays as it is.",
    )


@sends("account/email/unknown_account_message.txt")
def test_a_reset_for_an_unknown_address_answers_in_the_language_the_visitor_reads(
    django_capture_on_commit_callbacks,
):
    # No account, so no preference: the language of the page she asked from.
    visitor = Client(headers={"accept-language": "es-MX,es;q=0.9"})
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        visitor.post(reverse("account_reset_password"), {"email": "nadie@example.org"})
    run(soon())

    [message] = to("nadie@example.org")
    assert_in_spanish(message.subject, "About your request")
    assert_in_spanish(
        body_of(message),
        "If it was you, you may have signed up with a different address. You are also welcome "
        "to create an account:",
    )


@sends("account/email/password_reset_key_message.txt", "account/email/password_reset_message.txt")
def test_a_password_reset_asked_for_from_an_english_browser_reaches_her_in_spanish(
    django_capture_on_commit_callbacks,
):
    luz = UserFactory(language="es")
    browser = english_browser()
    with translation.override("en"):
        with django_capture_on_commit_callbacks(execute=True):
            browser.post(reverse("account_reset_password"), {"email": luz.email})
        run(soon())
        [link_message] = to(luz)
        link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", link_message.body)
        form = browser.get(link.group(1), follow=True)
        with django_capture_on_commit_callbacks(execute=True):
            browser.post(
                form.redirect_chain[-1][0],
                {"password1": "new-quiet-password-7", "password2": "new-quiet-password-7"},
            )
        run(soon())

    [link_message, reset] = to(luz)
    assert_in_spanish(link_message.subject, "Reset your password")
    assert_in_spanish(
        body_of(link_message),
        "We received a request to reset the password of the account that uses this e-mail address.",
    )
    assert_in_spanish(reset.subject, "Your password was reset")
    assert_in_spanish(body_of(reset), "Your password was reset.")


@sends(
    "account/email/email_confirmation_message.txt",
    "account/email/email_changed_message.txt",
    "account/email/email_deleted_message.txt",
    "account/email/password_changed_message.txt",
)
def test_changes_to_her_addresses_and_password_are_told_in_spanish(
    django_capture_on_commit_callbacks,
):
    luz = UserFactory(language="es")
    old, new = luz.email, "luz.nueva@example.org"
    # A second address of hers, as the admin can add one (on the site, a new address
    # replaces the old once confirmed: ACCOUNT_CHANGE_EMAIL).
    second = EmailAddress.objects.create(user=luz, email="luz.otra@example.org", verified=True)
    browser = english_browser()
    with translation.override("en"):
        sign_in_recently(browser, luz)
        with django_capture_on_commit_callbacks(execute=True):
            browser.post(reverse("account_email"), {"action_remove": "", "email": second.email})
            browser.post(reverse("account_email"), {"action_add": "", "email": new})
        run(soon())
        [confirm] = to(new)
        with django_capture_on_commit_callbacks(execute=True):
            browser.post(
                reverse("account_email_verification_sent"),
                {"code": CODE.search(confirm.body).group(1)},
            )
            browser.post(
                reverse("account_change_password"),
                {
                    "oldpassword": DEFAULT_PASSWORD,
                    "password1": "fresh-long-secret-81",
                    "password2": "fresh-long-secret-81",
                },
            )
        run(soon())

    assert_in_spanish(confirm.subject, "Your confirmation code")
    assert_in_spanish(
        body_of(confirm), "Here is the code that confirms this e-mail address for your account:"
    )
    assert_notices_in_spanish(
        to(old),
        {
            "An e-mail address was removed": "The e-mail address %(deleted_email)s was "
            "removed from your account.",
            "Your e-mail address was changed": "The e-mail address of your account was "
            "changed from %(from_email)s to %(to_email)s.",
        },
    )
    assert_notices_in_spanish(
        [message for message in to(new) if message is not confirm],
        {"Your password was changed": "Your password was changed."},
    )


@sends("account/email/password_set_message.txt")
def test_a_password_set_for_an_account_without_one_is_told_in_spanish(
    django_capture_on_commit_callbacks,
):
    luz = UserFactory(language="es")
    browser = english_browser()
    sign_in_recently(browser, luz)
    # As after signing in with a passkey alone: an account with no password of its own.
    luz.set_unusable_password()
    luz.save(update_fields=["password"])
    session = browser.session
    session[HASH_SESSION_KEY] = luz.get_session_auth_hash()
    session.save()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        browser.post(
            reverse("account_set_password"),
            {"password1": "fresh-long-secret-81", "password2": "fresh-long-secret-81"},
        )
    run(soon())

    [message] = to(luz)
    assert_in_spanish(message.subject, "Your password was set")
    assert_in_spanish(body_of(message), "A password was set for your account.")


def security_key_answer(creation_options: dict) -> dict:
    """What a security key gives the browser to register it (a new P-256 key, attestation
    "none"), for the challenge of `creation_options`: what allauth checks, it checks for
    real."""
    options = creation_options["publicKey"]
    rp_id = options["rp"]["id"]
    key = ec.generate_private_key(ec.SECP256R1())
    credential_id = os.urandom(16)
    authenticator_data = AuthenticatorData.create(
        sha256(rp_id.encode()),
        AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.AT,
        0,
        AttestedCredentialData.create(
            b"\0" * 16, credential_id, ES256.from_cryptography_key(key.public_key())
        ),
    )
    client_data = CollectedClientData.create(
        type="webauthn.create",
        challenge=websafe_decode(options["challenge"]),
        origin=f"https://{rp_id}",
    )
    return {
        "id": websafe_encode(credential_id),
        "rawId": websafe_encode(credential_id),
        "type": "public-key",
        "response": {
            "clientDataJSON": websafe_encode(client_data),
            "attestationObject": websafe_encode(
                AttestationObject.create("none", authenticator_data, {})
            ),
        },
        "clientExtensionResults": {},
    }


@sends(
    "mfa/email/totp_activated_message.txt",
    "mfa/email/recovery_codes_generated_message.txt",
    "mfa/email/webauthn_added_message.txt",
    "mfa/email/webauthn_removed_message.txt",
    "mfa/email/totp_deactivated_message.txt",
)
def test_her_second_factors_coming_and_going_are_told_in_spanish(
    django_capture_on_commit_callbacks,
):
    luz = UserFactory(language="es")
    browser = english_browser()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        sign_in_recently(browser, luz)
        browser.get(reverse("mfa_activate_totp"))
        secret = browser.session["mfa.totp.secret"]
        browser.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
        browser.post(reverse("mfa_generate_recovery_codes"))
        options = browser.get(reverse("mfa_add_webauthn")).context["js_data"]
        browser.post(
            reverse("mfa_add_webauthn"),
            {
                "name": "Llave",
                "credential": json.dumps(security_key_answer(options["creation_options"])),
            },
        )
        key = Authenticator.objects.get(user=luz, type=Authenticator.Type.WEBAUTHN)
        browser.post(reverse("mfa_remove_webauthn", args=[key.pk]))
        browser.post(reverse("mfa_deactivate_totp"))
    run(soon())

    assert_notices_in_spanish(
        to(luz),
        {
            "Authenticator App Activated": "Authenticator app activated.",
            "New backup codes for signing in": "A new set of one-time backup codes for "
            "signing in has been made. They are listed under two-factor authentication in "
            "your account settings.",
            "Security Key Added": "A new security key has been added.",
            "Security Key Removed": "A security key has been removed.",
            "Authenticator App Deactivated": "Authenticator app deactivated.",
        },
    )


# --- every kind ------------------------------------------------------------------------------


def test_every_kind_of_email_has_a_spanish_check():
    on_disk = kind_templates()
    unchecked = on_disk - KINDS.keys() - NOT_SENT.keys()
    assert not unchecked, (
        f"No Spanish check for {sorted(unchecked)}: add a test of it here, marked "
        "@sends(<its template>), or say in NOT_SENT why nothing sends it."
    )
    gone = (KINDS.keys() | NOT_SENT.keys()) - on_disk
    assert not gone, f"Checked here but no longer on disk: {sorted(gone)}"
    assert not KINDS.keys() & NOT_SENT.keys()


def test_the_kinds_we_do_not_send_stay_off():
    assert not allauth_settings.LOGIN_BY_CODE_ENABLED, NOT_SENT
    assert not allauth_settings.PASSWORD_RESET_BY_CODE_ENABLED, NOT_SENT

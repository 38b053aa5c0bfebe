"""Messages about groups: what a member is told, and how discreet mode shapes it.

With discreet mode on (the default), what a phone's lock screen or a notification shows of a
message (the sender, the subject and the opening lines) says what kind of news it is and
nothing of whom it is from: the subject is the message's discreet one ("A meeting was
cancelled", "Your request was answered"), which names no group, topic or substance, and the
body opens with DISCREET_OPENING, long enough that the group's name, its topics and its
facilitators come only after what any lock screen shows (about 100 to 140 characters;
tests/test_lock_screen.py checks the first 200).
Every message is recorded in the outbox (notifications.outbox) in the transaction of the
change it reports, and sent once that has committed. News from a group (category "updates")
is not sent to members who turned it off.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.emails import email_send_later, member_notify_later
from accounts.models import User
from groups.calendars.ics import meeting_calendar_build
from groups.meetings.joining import join_urls_for, meeting_place_for
from groups.meetings.times import format_meeting_time
from groups.models import Meeting, Membership, Rsvp, SupportGroup
from groups.pushes import cant_make_it_push, meeting_change_push, waitlist_push
from groups.selectors import meeting_list_upcoming_for_group
from lib.crisis import crisis_lines
from lib.i18n import in_language_of
from lib.urls import absolute_reverse
from notifications.channels import About
from notifications.email import email_from_payload, email_to_payload
from notifications.kinds import outbox_builder
from notifications.models import OutboxMessage
from notifications.push import PushMessage

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The subject of a message to a discreet member that has no discreet subject of its own.
# Every message of ours gives one that says what it is about (member_email's
# `discreet_subject`), so that a member can tell a cancellation from an approval.
# Translators: the subject of an e-mail in discreet mode; it shows on a phone's lock screen, so
# it must name no group, topic or substance. %(site)s is the site's name.
DISCREET_SUBJECT = gettext_lazy("An update from %(site)s")
# resources.emails formats this one too, with str.format: keep {site} (the site's name).
DISCREET_OPENING = gettext_lazy(
    # Translators: the first lines of an e-mail in discreet mode, which a phone's lock screen
    # shows: they must name no group, topic or substance, and be about as long as the
    # English, so that what follows is out of sight. {site} is the site's name.
    "This is a message from {site}. You have discreet mode on, so what it is about comes "
    "further down, out of sight of your phone's lock screen and of anyone glancing at your "
    "notifications. Open the message to read it."
)


def site_subject(subject: StrOrPromise) -> str:
    """A subject as every e-mail's is written: the site's name, then what it is about."""
    # Translators: every e-mail's subject: the site's name, then what the message is about.
    return _("%(site)s: %(subject)s") % {"site": settings.SITE_NAME, "subject": subject}


def member_email(
    *,
    user: User,
    template: str,
    subject: StrOrPromise,
    context: dict[str, object],
    html: bool = False,
    discreet_subject: StrOrPromise | None = None,
) -> EmailMultiAlternatives:
    """Build one message to `user` from templates/groups/emails/<template>.txt, and with
    `html` its HTML part from <template>.html: a message quoting Markdown (an announcement)
    or with a button (a reminder's "Join") shows it as the site does, where any other gets
    its HTML part from its text (notifications.email.finalise). With discreet mode the
    subject is `discreet_subject`: what the message is about, in words that name no group,
    topic, substance or person."""
    if user.discreet_mode:
        subject = discreet_subject or DISCREET_SUBJECT % {"site": settings.SITE_NAME}
    subject = site_subject(subject)
    context = {
        **context,
        "user": user,
        "subject": subject,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "profile_url": absolute_reverse("accounts:profile"),
        "crisis_lines": crisis_lines(),
        "discreet_opening": (
            DISCREET_OPENING.format(site=settings.SITE_NAME) if user.discreet_mode else ""
        ),
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"groups/emails/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    if html:
        message.attach_alternative(
            render_to_string(f"groups/emails/{template}.html", context), "text/html"
        )
    return message


def _membership_email(
    template: str, subject: StrOrPromise, discreet_subject: StrOrPromise
) -> Callable[[Membership], EmailMultiAlternatives]:
    def build(membership: Membership) -> EmailMultiAlternatives:
        group = membership.group
        with in_language_of(membership.user):
            return member_email(
                user=membership.user,
                template=template,
                subject=subject % {"group": group.name},
                discreet_subject=discreet_subject,
                context={
                    "membership": membership,
                    "group": group,
                    "group_url": absolute_reverse("groups:group-detail", args=[group.slug]),
                },
            )

    return build


# The second subject of each is the one in discreet mode (member_email).
join_requested = _membership_email(
    "join_requested",
    # Translators: an e-mail's subject; %(group)s is the group's name.
    gettext_lazy("Your request to join %(group)s"),
    # Translators: an e-mail's subject in discreet mode, shown on a phone's lock screen: it
    # must name no group, topic or substance.
    gettext_lazy("Your request was sent"),
)
request_approved = _membership_email(
    "request_approved",
    # Translators: an e-mail's subject; %(group)s is the group's name.
    gettext_lazy("Welcome to %(group)s"),
    # Translators: an e-mail's subject in discreet mode, shown on a phone's lock screen: it
    # must name no group, topic or substance.
    gettext_lazy("Your request was answered"),
)
request_declined = _membership_email(
    "request_declined",
    # Translators: an e-mail's subject; %(group)s is the group's name.
    gettext_lazy("About your request to join %(group)s"),
    # Translators: an e-mail's subject in discreet mode, shown on a phone's lock screen: it
    # must name no group, topic or substance.
    gettext_lazy("Your request was answered"),
)
member_removed = _membership_email(
    "member_removed",
    # Translators: an e-mail's subject; %(group)s is the group's name.
    gettext_lazy("About your membership of %(group)s"),
    # Translators: an e-mail's subject in discreet mode, shown on a phone's lock screen: it
    # must name no group, topic or substance.
    gettext_lazy("A change to your membership"),
)
member_promoted = _membership_email(
    "member_promoted",
    # Translators: an e-mail's subject; %(group)s is the group's name.
    gettext_lazy("You are now a co-facilitator of %(group)s"),
    # Translators: an e-mail's subject in discreet mode, shown on a phone's lock screen: it
    # must name no group, topic or substance.
    gettext_lazy("You have a new role"),
)


UPDATES = OutboxMessage.Category.UPDATES


def send_later(builder: Callable[[Membership], EmailMultiAlternatives], membership_id: int) -> None:
    """Record the message about a membership decision in the outbox."""
    membership = Membership.objects.select_related("user", "group").get(pk=membership_id)
    email_send_later(builder(membership), user=membership.user, category=UPDATES)


def _member_list_url(group: SupportGroup) -> str:
    # Where requests are answered: the member list, at its "Waiting for an answer" section.
    return absolute_reverse("groups:member-list", args=[group.slug]) + "#pending-title"


def join_request_to_facilitators_later(membership: Membership) -> None:
    """Tell the group's facilitators that someone asks to join: who, and where to answer.
    Not the request's message, which may say more about the person than an e-mail should
    carry (it is on the member list)."""
    group = membership.group
    facilitators = User.objects.filter(
        memberships__group=group,
        memberships__state=Membership.State.ACTIVE,
        memberships__role=Membership.Role.FACILITATOR,
        is_active=True,
    ).exclude(pk=membership.user_id)
    for facilitator in facilitators:
        with in_language_of(facilitator):
            message = member_email(
                user=facilitator,
                template="join_request_received",
                # Translators: an e-mail's subject; %(group)s is the group's name.
                subject=_("%(group)s: someone asks to join") % {"group": group.name},
                # Translators: the subject in discreet mode, on a phone's lock screen: no group,
                # topic or substance.
                discreet_subject=_("Someone asks to join"),
                context={
                    "membership": membership,
                    "requester": membership.user.display_name,
                    "has_message": bool(membership.request_message),
                    "group": group,
                    "answer_url": _member_list_url(group),
                },
            )
            email_send_later(message, user=facilitator, category=UPDATES)


def welcome_later(membership: Membership, *, now: datetime | None = None) -> None:
    """Welcome a member who has just joined (an open group, or by invitation): what happens
    next, the group's next meeting, how to leave, how to turn these e-mails off."""
    now = now or timezone.now()
    group = membership.group
    user = membership.user
    upcoming = meeting_list_upcoming_for_group(group=group, now=now, limit=10)
    meeting = next((m for m in upcoming if not m.is_cancelled), None)
    with in_language_of(user):
        context: dict[str, object] = {
            "membership": membership,
            "group": group,
            "group_url": absolute_reverse("groups:group-detail", args=[group.slug]),
            "leave_url": absolute_reverse("groups:group-leave", args=[group.slug]),
            "my_meetings_url": absolute_reverse("groups:my-meetings"),
            "next_meeting": None,
        }
        if meeting is not None:
            context |= {**_meeting_context(meeting, user), "next_meeting": meeting}
        message = member_email(
            user=user,
            template="welcome",
            # Translators: an e-mail's subject; %(group)s is the group's name.
            subject=_("Welcome to %(group)s") % {"group": group.name},
            # Translators: the subject in discreet mode, on a phone's lock screen: no group, topic
            # or substance.
            discreet_subject=_("Welcome: you have joined"),
            context=context,
        )
        email_send_later(message, user=user, category=UPDATES)


def announcement_recipients(*, group: SupportGroup, author_id: int | None) -> QuerySet[User]:
    """Who an announcement is e-mailed to: the group's active members except its author."""
    return User.objects.filter(
        memberships__group=group,
        memberships__state=Membership.State.ACTIVE,
        is_active=True,
        group_update_emails=True,
    ).exclude(pk=author_id)  # type: ignore[misc]  # pk=None is valid (IS NULL)


# --- meetings: changes and the waiting list ---------------------------------------------------

MEETING_CHANGE_SUBJECTS = {
    # Translators: an e-mail's subject; %(group)s is the group's name.
    "cancelled": gettext_lazy("%(group)s: a meeting is cancelled"),
    # Translators: an e-mail's subject; %(group)s is the group's name.
    "moved": gettext_lazy("%(group)s: a meeting has moved"),
    # Translators: an e-mail's subject; %(group)s is the group's name.
    "removed": gettext_lazy("%(group)s: the schedule has changed"),
}
MEETING_CHANGE_DISCREET_SUBJECTS = {
    # Translators: an e-mail's subject in discreet mode, shown on a phone's lock screen: it
    # must name no group, topic or substance.
    "cancelled": gettext_lazy("A meeting was cancelled"),
    # Translators: an e-mail's subject in discreet mode, shown on a phone's lock screen: it
    # must name no group, topic or substance.
    "moved": gettext_lazy("A meeting has moved"),
    # Translators: an e-mail's subject in discreet mode, shown on a phone's lock screen: it
    # must name no group, topic or substance.
    "removed": gettext_lazy("A meeting no longer takes place"),
}
# The changes whose notice carries the meeting's .ics as it is when the notice is sent (a
# removed meeting no longer exists by then).
WITH_CALENDAR = {"cancelled", "moved"}
# A notice about a meeting with that meeting's calendar file: an outbox row whose message was
# built when it was queued (its payload, as for any message) and whose .ics is added at send
# time (meeting_notice_build), so a calendar imports the meeting's latest state and SEQUENCE.
MEETING_NOTICE = "meeting-notice"


def _meeting_context(meeting: Meeting, user: User) -> dict[str, object]:
    group = meeting.group
    return {
        "meeting": meeting,
        "group": group,
        # The member's join address, never the real link (groups.meetings.joining).
        "place": meeting_place_for(
            meeting, join_urls=join_urls_for(user=user, series=[meeting.series])
        ),
        "when": format_meeting_time(
            meeting.starts_at, viewer_zone=user.time_zone, meeting_zone=meeting.series.time_zone
        ),
        "usual_when": format_meeting_time(
            meeting.occurrence_start,
            viewer_zone=user.time_zone,
            meeting_zone=meeting.series.time_zone,
        ),
        "meeting_url": absolute_reverse("groups:meeting-detail", args=[group.slug, meeting.pk]),
        "group_url": absolute_reverse("groups:group-detail", args=[group.slug]),
    }


def meeting_change_later(meeting: Meeting, *, change: str) -> None:
    """Tell everyone who RSVP'd (going, or waiting for a place) about a cancellation, a move
    or a removal. Built now, while a removed meeting and its RSVPs still exist."""
    recipients = User.objects.filter(
        rsvps__meeting=meeting,
        rsvps__answer__in=[Rsvp.Answer.GOING, Rsvp.Answer.WAITLISTED],
        is_active=True,
    )
    for user in recipients:
        with in_language_of(user):
            message = member_email(
                user=user,
                template=f"meeting_{change}",
                subject=MEETING_CHANGE_SUBJECTS[change] % {"group": meeting.group.name},
                discreet_subject=MEETING_CHANGE_DISCREET_SUBJECTS[change],
                context={
                    **_meeting_context(meeting, user),
                    "with_calendar": change in WITH_CALENDAR,
                },
            )
            push = meeting_change_push(
                meeting=meeting, user=user, change=change, now=timezone.now()
            )
            # News about a meeting that is over is no news.
            if change in WITH_CALENDAR:
                meeting_notice_send_later(message, user=user, meeting=meeting, push=push)
            else:
                member_notify_later(
                    message,
                    user=user,
                    about=About.CHANGES,
                    push=push,
                    category=UPDATES,
                    expires_at=meeting.ends_at,
                )


def meeting_notice_send_later(
    message: EmailMultiAlternatives, *, user: User, meeting: Meeting, push: PushMessage
) -> list[OutboxMessage]:
    """Record a notice about `meeting` that is to carry its .ics (see MEETING_NOTICE), as
    member_notify_later records any news: in the current transaction, sent after the commit,
    by the way the member chose for changes (by e-mail not at all to a member who turned
    news from groups off)."""
    return member_notify_later(
        message,
        user=user,
        about=About.CHANGES,
        push=push,
        category=UPDATES,
        expires_at=meeting.ends_at,
        kind=MEETING_NOTICE,
        payload={
            "email": email_to_payload(message),
            "meeting": meeting.pk,
            "discreet": user.discreet_mode,
            "join_url": join_urls_for(user=user, series=[meeting.series]).get(
                meeting.series_id, ""
            ),
        },
    )


# Registered when this module is first imported: groups.reminders (loaded by the app's
# ready()) imports it, as do the services that record these notices.
@outbox_builder(MEETING_NOTICE)
def meeting_notice_build(
    row: OutboxMessage, now: datetime, prepared: Any
) -> EmailMultiAlternatives:
    """The notice as it was written, with the meeting's calendar file as the meeting is now:
    a cancelled one says STATUS:CANCELLED, a moved one its new time, each with the SEQUENCE
    its last change raised, so a calendar that imported it before updates its entry."""
    message = email_from_payload(row.payload["email"])
    meeting = (
        Meeting.objects.select_related("series", "series__group", "group")
        .filter(pk=row.payload["meeting"])
        .first()
    )
    if meeting is not None:
        # No method parameter, as on a reminder's: the calendar has no METHOD.
        message.attach(
            "meeting.ics",
            meeting_calendar_build(
                meeting=meeting,
                discreet=row.payload["discreet"],
                join_url=row.payload.get("join_url", ""),
                now=now,
            ),
            "text/calendar",
        )
    return message


def waitlist_promoted_later(rsvp: Rsvp) -> None:
    rsvp = Rsvp.objects.select_related("user", "meeting__series__group", "meeting__group").get(
        pk=rsvp.pk
    )
    meeting = rsvp.meeting
    with in_language_of(rsvp.user):
        message = member_email(
            user=rsvp.user,
            template="waitlist_promoted",
            # Translators: an e-mail's subject; %(group)s is the group's name.
            subject=_("%(group)s: a place is yours") % {"group": meeting.group.name},
            # Translators: the subject in discreet mode, on a phone's lock screen: no group, topic
            # or substance.
            discreet_subject=_("A place is yours"),
            context=_meeting_context(meeting, rsvp.user),
        )
        # A place at a meeting that has started is no news worth sending.
        member_notify_later(
            message,
            user=rsvp.user,
            about=About.WAITLIST,
            push=waitlist_push(meeting=meeting, user=rsvp.user, now=timezone.now()),
            category=UPDATES,
            expires_at=meeting.starts_at,
        )


def meeting_rescheduled_later(meeting: Meeting, *, was: datetime) -> None:
    """Tell everyone who RSVP'd (going, or waiting for a place) that an edit of the series'
    schedule moved their meeting from `was` to its new time; their answer stands, and the
    notice carries the meeting's .ics (meeting_notice_send_later), as a move's does."""
    recipients = User.objects.filter(
        rsvps__meeting=meeting,
        rsvps__answer__in=[Rsvp.Answer.GOING, Rsvp.Answer.WAITLISTED],
        is_active=True,
    )
    for user in recipients:
        with in_language_of(user):
            context = _meeting_context(meeting, user)
            context["was_when"] = format_meeting_time(
                was, viewer_zone=user.time_zone, meeting_zone=meeting.series.time_zone
            )
            message = member_email(
                user=user,
                template="meeting_rescheduled",
                # Translators: an e-mail's subject; %(group)s is the group's name.
                subject=_("%(group)s: a meeting's time has changed")
                % {"group": meeting.group.name},
                # Translators: the subject in discreet mode, on a phone's lock screen: no group,
                # topic or substance.
                discreet_subject=_("A meeting's time has changed"),
                context=context,
            )
            push = meeting_change_push(
                meeting=meeting, user=user, change="rescheduled", now=timezone.now(), was=was
            )
            meeting_notice_send_later(message, user=user, meeting=meeting, push=push)


def cant_make_it_confirmed_later(*, meeting: Meeting, user: User, undo_url: str) -> None:
    """Confirm the reminder's one tap "I can't make it", with its undo, by the way the
    member chose for these confirmations: the tap was made on a page that may have been
    closed at once, and a member who tapped by mistake should find the way back."""
    with in_language_of(user):
        context = {
            **_meeting_context(meeting, user),
            "undo_url": undo_url,
        }
        message = member_email(
            user=user,
            template="cant_make_it_confirmed",
            # Translators: an e-mail's subject; %(group)s is the group's name.
            subject=_("%(group)s: you can't make it, noted") % {"group": meeting.group.name},
            # Translators: the subject in discreet mode, on a phone's lock screen: no group, topic
            # or substance.
            discreet_subject=_("Noted: you can't make it"),
            context=context,
        )
        member_notify_later(
            message,
            user=user,
            about=About.CANT_MAKE_IT,
            push=cant_make_it_push(meeting=meeting, user=user, undo_url=undo_url),
            # An answer to the member's own tap on a reminder: sent whatever news from groups
            # they turned off.
            category=OutboxMessage.Category.REMINDERS,
            expires_at=meeting.starts_at,
        )

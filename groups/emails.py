"""Messages about groups: what a member is told, and how discreet mode shapes it.

With discreet mode on (the default), what a phone's lock screen or a notification shows of a
message (the sender, the subject and the opening lines) says only that there is news from us:
the subject is a neutral one, and the body opens with DISCREET_OPENING, long enough that the
group's name, its topics and its facilitators come only after what any lock screen shows
(about 100 to 140 characters; tests/test_lock_screen.py checks the first 200).
Every message is recorded in the outbox (notifications.outbox) in the transaction of the
change it reports, and sent once that has committed. News from a group (category "updates")
is not sent to members who turned it off.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import QuerySet
from django.template.loader import render_to_string

from accounts.emails import email_send_later
from accounts.models import User
from groups.meetings.places import meeting_place
from groups.meetings.times import format_meeting_time
from groups.models import Announcement, Meeting, Membership, Rsvp, SupportGroup
from lib.crisis import crisis_lines
from lib.urls import absolute_reverse
from notifications.models import OutboxMessage

DISCREET_SUBJECT = "An update from {site}"
DISCREET_OPENING = (
    "This is a message from {site}. You have discreet mode on, so what it is about comes "
    "further down, out of sight of your phone's lock screen and of anyone glancing at your "
    "notifications. Open the message to read it."
)


def member_email(
    *, user: User, template: str, subject: str, context: dict[str, object], html: bool = False
) -> EmailMultiAlternatives:
    """Build one message to `user` from templates/groups/emails/<template>.txt, and with
    `html` its HTML part from <template>.html: a message quoting Markdown (an announcement)
    shows it as the site does, where any other gets its HTML part from its text
    (notifications.email.finalise)."""
    if user.discreet_mode:
        subject = DISCREET_SUBJECT.format(site=settings.SITE_NAME)
    subject = f"{settings.SITE_NAME}: {subject}"
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
    template: str, subject: str
) -> Callable[[Membership], EmailMultiAlternatives]:
    def build(membership: Membership) -> EmailMultiAlternatives:
        group = membership.group
        return member_email(
            user=membership.user,
            template=template,
            subject=subject.format(group=group.name),
            context={
                "membership": membership,
                "group": group,
                "group_url": absolute_reverse("groups:group-detail", args=[group.slug]),
            },
        )

    return build


join_requested = _membership_email("join_requested", "Your request to join {group}")
request_approved = _membership_email("request_approved", "Welcome to {group}")
request_declined = _membership_email("request_declined", "About your request to join {group}")
member_removed = _membership_email("member_removed", "About your membership of {group}")
member_promoted = _membership_email("member_promoted", "You are now a co-facilitator of {group}")


UPDATES = OutboxMessage.Category.UPDATES


def send_later(builder: Callable[[Membership], EmailMultiAlternatives], membership_id: int) -> None:
    """Record the message about a membership decision in the outbox."""
    membership = Membership.objects.select_related("user", "group").get(pk=membership_id)
    email_send_later(builder(membership), user=membership.user, category=UPDATES)


def announcement_recipients(*, group: SupportGroup, author_id: int | None) -> QuerySet[User]:
    """Who an announcement is e-mailed to: the group's active members except its author."""
    return User.objects.filter(
        memberships__group=group,
        memberships__state=Membership.State.ACTIVE,
        is_active=True,
        group_update_emails=True,
    ).exclude(pk=author_id)  # type: ignore[misc]  # pk=None is valid (IS NULL)


def announcement_send_later(announcement: Announcement) -> None:
    group = announcement.group
    recipients = announcement_recipients(group=group, author_id=announcement.author_id)
    group_url = absolute_reverse("groups:group-detail", args=[group.slug])
    for user in recipients:
        message = member_email(
            user=user,
            template="announcement",
            subject=f"{group.name}: {announcement.title}",
            context={"announcement": announcement, "group": group, "group_url": group_url},
            html=True,
        )
        email_send_later(message, user=user, category=UPDATES)


# --- meetings: changes and the waiting list ---------------------------------------------------

MEETING_CHANGE_SUBJECTS = {
    "cancelled": "{group}: a meeting is cancelled",
    "moved": "{group}: a meeting has moved",
    "removed": "{group}: the schedule has changed",
}


def _meeting_context(meeting: Meeting, user: User) -> dict[str, object]:
    group = meeting.group
    return {
        "meeting": meeting,
        "group": group,
        "place": meeting_place(meeting),
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
    subject = MEETING_CHANGE_SUBJECTS[change].format(group=meeting.group.name)
    for user in recipients:
        message = member_email(
            user=user,
            template=f"meeting_{change}",
            subject=subject,
            context=_meeting_context(meeting, user),
        )
        # News about a meeting that is over is no news.
        email_send_later(message, user=user, category=UPDATES, expires_at=meeting.ends_at)


def waitlist_promoted_later(rsvp: Rsvp) -> None:
    rsvp = Rsvp.objects.select_related("user", "meeting__series__group", "meeting__group").get(
        pk=rsvp.pk
    )
    meeting = rsvp.meeting
    message = member_email(
        user=rsvp.user,
        template="waitlist_promoted",
        subject=f"{meeting.group.name}: a place is yours",
        context=_meeting_context(meeting, rsvp.user),
    )
    # A place at a meeting that has started is no news worth sending.
    email_send_later(message, user=rsvp.user, category=UPDATES, expires_at=meeting.starts_at)

"""What the groups app holds about a person, for the account's export and deletion."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services.exports import export_section, iso_utc
from accounts.services.users import deletion_check, deletion_step
from groups.models import (
    Attendance,
    AttendanceLetter,
    CalendarFeed,
    Handover,
    HostingAnswer,
    JoinAddress,
    Membership,
    Rsvp,
    SupportGroup,
)
from groups.services.rsvps import rsvp_release_for_membership


@export_section("memberships")
def memberships_for_export(user: User) -> list[dict]:
    return [
        {
            "group": membership.group.name,
            "role": membership.role,
            "state": membership.state,
            "requested_or_joined_at": iso_utc(membership.created_at),
            "code_of_conduct_accepted_at": iso_utc(membership.conduct_accepted_at),
            "message_to_facilitators": membership.request_message,
            "decided_at": iso_utc(membership.decided_at),
            "decision_message": membership.decision_message,
            "service_term_ends_on": (
                membership.term_ends_on.isoformat() if membership.term_ends_on else None
            ),
        }
        for membership in Membership.objects.filter(user=user).select_related("group")
    ]


@export_section("reports")
def reports_for_export(user: User) -> list[dict]:
    return [
        {
            "reason": report.reason,
            "text": report.text,
            "status": report.status,
            "filed_at": iso_utc(report.created_at),
        }
        for report in user.reports.all()
    ]


@deletion_check("last-facilitator")
def last_facilitator_blockers(user: User) -> list[str]:
    """A group must not be left without a facilitator: hand over before leaving for good."""
    led = SupportGroup.objects.filter(
        state=SupportGroup.State.ACTIVE,
        memberships__user=user,
        memberships__state=Membership.State.ACTIVE,
        memberships__role=Membership.Role.FACILITATOR,
    )
    blockers = []
    for group in led:
        others = group.memberships.filter(
            state=Membership.State.ACTIVE, role=Membership.Role.FACILITATOR
        ).exclude(user=user)
        if not others.exists():
            blockers.append(
                # Translators: why an account cannot be deleted yet; %(group)s is a group's name.
                _(
                    "You are the only facilitator of “%(group)s”. Make another member "
                    "co-facilitator in its member list first, so the group is not left alone."
                )
                % {"group": group.name}
            )
    return blockers


@deletion_step("memberships")
def end_memberships(user: User) -> None:
    """The person leaves every group; the rows stay (as "Former member") for the groups'
    history, without the messages they wrote."""
    Membership.objects.filter(user=user).update(
        state=Membership.State.LEFT,
        role=Membership.Role.MEMBER,
        request_message="",
    )


@export_section("rsvps")
def rsvps_for_export(user: User) -> list[dict]:
    return [
        {
            "group": rsvp.meeting.group.name,
            "meeting": rsvp.meeting.series.title,
            "starts_at": iso_utc(rsvp.meeting.starts_at),
            "answer": rsvp.answer,
            "answered_at": iso_utc(rsvp.created_at),
        }
        for rsvp in Rsvp.objects.filter(user=user).select_related(
            "meeting__group", "meeting__series"
        )
    ]


@export_section("attendance")
def attendance_for_export(user: User) -> list[dict]:
    return [
        {
            "group": attendance.meeting.group.name,
            "meeting": attendance.meeting.series.title,
            "starts_at": iso_utc(attendance.meeting.starts_at),
            "recorded_at": iso_utc(attendance.recorded_at),
        }
        for attendance in Attendance.objects.filter(user=user).select_related(
            "meeting__group", "meeting__series"
        )
    ]


@export_section("attendance_letters")
def letters_for_export(user: User) -> list[dict]:
    return [
        {
            "code": letter.code,
            "from": letter.date_from.isoformat(),
            "to": letter.date_to.isoformat(),
            "issued_at": iso_utc(letter.created_at),
            "revoked_at": iso_utc(letter.revoked_at),
            "meetings": letter.entries,
        }
        for letter in AttendanceLetter.objects.filter(user=user)
    ]


@export_section("online_rooms")
def join_addresses_for_export(user: User) -> list[dict]:
    """The member's join addresses (not their tokens, which are keys) and each opening:
    when, for which meeting, what it showed (never the link, never a network address)."""
    return [
        {
            "group": address.series.group.name,
            "meeting": address.series.title,
            "since": iso_utc(address.created_at),
            "revoked_at": iso_utc(address.revoked_at),
            "openings": [
                {
                    "opened_at": iso_utc(opening.opened_at),
                    "meeting_starts_at": iso_utc(opening.meeting.starts_at)
                    if opening.meeting
                    else None,
                    "shown": opening.get_outcome_display(),
                }
                for opening in address.openings.all()
            ],
        }
        for address in JoinAddress.objects.filter(user=user)
        .select_related("series__group")
        .prefetch_related("openings__meeting")
    ]


@export_section("hosting")
def hosting_for_export(user: User) -> list[dict]:
    """What the person said about hosting meetings (groups.hosting)."""
    return [
        {
            "group": answer.meeting.group.name,
            "meeting": answer.meeting.series.title,
            "starts_at": iso_utc(answer.meeting.starts_at),
            "answer": answer.answer,
            "answered_at": iso_utc(answer.answered_at),
        }
        for answer in HostingAnswer.objects.filter(user=user).select_related(
            "meeting__group", "meeting__series"
        )
    ]


@export_section("handovers")
def handovers_for_export(user: User) -> list[dict]:
    """The offers to take a group or a series over that the person made or was made."""
    return [
        {
            "group": handover.group.name,
            "meeting": handover.series.title if handover.series else None,
            "offered_to_me": handover.offered_to_id == user.pk,
            "stay_on": handover.stay_on,
            "message": handover.message,
            "state": handover.state,
            "offered_at": iso_utc(handover.created_at),
            "expires_at": iso_utc(handover.expires_at),
            "decided_at": iso_utc(handover.decided_at),
        }
        for handover in Handover.objects.filter(
            Q(offered_to=user) | Q(offered_by=user)
        ).select_related("group", "series")
    ]


@deletion_step("meetings")
def end_meeting_answers(user: User) -> None:
    """Places at coming meetings go to the people waiting; letters stop verifying; the
    personal calendar address stops working. Past attendance stays, as "Former member", for
    the groups' counts."""
    for membership in Membership.objects.filter(user=user):
        rsvp_release_for_membership(membership=membership)
    Rsvp.objects.filter(user=user).delete()
    AttendanceLetter.objects.filter(user=user).delete()
    CalendarFeed.objects.filter(user=user).delete()
    JoinAddress.objects.filter(user=user).delete()  # and their openings

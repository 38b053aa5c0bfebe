"""Attendance and proof of attendance: who was at a meeting (recorded by a facilitator), and
the letters a member issues from that record.

Only a facilitator's record counts: an RSVP says someone meant to come, not that they came, so
letters are built from `Attendance` rows alone (groups.attendance.letters).

Who may be checked in is one read (groups.selectors.membership_list_for_check_in), shared by
the check-in list and `attendance_record`, so the list a facilitator sees and what a save
accepts cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, User
from accounts.services.audit import audit_record
from groups.attendance.letters import letter_entries, local_today, years_before
from groups.models import Attendance, AttendanceLetter, Meeting
from groups.selectors import CHECK_IN_OPENS_BEFORE, membership_list_for_check_in

# A letter covers at most this many years: long enough for a court or a program, short enough
# that one piece of paper stays readable.
LETTER_MAX_YEARS = 2


class AttendanceError(ValidationError):
    """Attendance that cannot be recorded, or a letter that cannot be issued, with a message
    for the person."""


def attendance_check_in_problem(*, meeting: Meeting, now: datetime | None = None) -> str | None:
    """Why attendance cannot be taken for `meeting` now, in words for the facilitator; None
    when it can."""
    now = now or timezone.now()
    if meeting.is_cancelled:
        return _("This meeting was cancelled, so there is no attendance to take.")
    if meeting.starts_at - CHECK_IN_OPENS_BEFORE > now:
        return _(
            "The check-in list opens an hour before the meeting starts. Please come back then."
        )
    return None


# --- writes -----------------------------------------------------------------------------------


@transaction.atomic
def attendance_record(
    *,
    meeting: Meeting,
    present_user_ids: Iterable[int],
    by: User,
    now: datetime | None = None,
) -> int:
    """Make exactly `present_user_ids` the people recorded at `meeting`: add the newly
    checked, remove the unchecked. Returns how many are recorded.

    Refuses everything (nothing changes) when one id is not someone who may be checked in,
    so a tampered form cannot slip a stranger into a group's record. The meeting row is locked
    so two facilitators saving at once are applied one after the other."""
    now = now or timezone.now()
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    problem = attendance_check_in_problem(meeting=meeting, now=now)
    if problem:
        raise AttendanceError(problem, code="closed")
    wanted = set(present_user_ids)
    allowed = set(membership_list_for_check_in(meeting=meeting).values_list("user_id", flat=True))
    if not wanted <= allowed:
        raise AttendanceError(
            _(
                "Some of the people marked are not in this group, so nothing was saved. "
                "Please reload the check-in list and try again."
            ),
            code="not_member",
        )
    recorded = set(Attendance.objects.filter(meeting=meeting).values_list("user_id", flat=True))
    Attendance.objects.filter(meeting=meeting, user_id__in=recorded - wanted).delete()
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, user_id=user_id, recorded_by=by, recorded_at=now)
            for user_id in sorted(wanted - recorded)
        ],
        ignore_conflicts=True,
    )
    audit_record(
        action=AuditEvent.Action.ATTENDANCE_RECORDED,
        subject=None,
        actor=by,
        details={"group": meeting.group_id, "meeting": meeting.pk, "present": len(wanted)},
    )
    return len(wanted)


def _check_letter_range(*, date_from: date, date_to: date, today: date) -> None:
    errors: dict[str, list[str]] = {}
    if date_to > today:
        errors.setdefault("date_to", []).append(
            _("The end date can't be in the future. Please choose today or an earlier day.")
        )
    if date_from > date_to:
        errors.setdefault("date_from", []).append(
            _("The start date must be on or before the end date.")
        )
    elif date_from < years_before(date_to, LETTER_MAX_YEARS):
        errors.setdefault("date_from", []).append(
            _(
                "A letter can cover at most two years. Please choose a later start date, "
                "or ask for two letters."
            )
        )
    if errors:
        raise AttendanceError(errors)


@transaction.atomic
def letter_issue(
    *,
    user: User,
    date_from: date,
    date_to: date,
    now: datetime | None = None,
) -> AttendanceLetter:
    """Issue a proof of attendance for the meetings `user` was recorded at between the two
    dates (inclusive, as days in the member's own zone).

    What the letter states is copied into it now (display name, zone, entries), so the page a
    third party checks keeps saying exactly what the paper says, whatever changes later."""
    now = now or timezone.now()
    _check_letter_range(
        date_from=date_from, date_to=date_to, today=local_today(user.time_zone, now=now)
    )
    entries = letter_entries(user=user, date_from=date_from, date_to=date_to)
    if not entries:
        raise AttendanceError(
            _(
                "No meeting in these dates has your attendance recorded, so there is nothing to "
                "put in a letter. Facilitators record who came at each meeting; if you were "
                "there, ask them to check you in."
            ),
            code="empty",
        )
    letter = AttendanceLetter.objects.create(
        user=user,
        display_name=user.display_name,
        date_from=date_from,
        date_to=date_to,
        time_zone=user.time_zone,
        entries=entries,
        organisation_name=settings.ORGANISATION_NAME,
        created_at=now,
    )
    audit_record(
        action=AuditEvent.Action.LETTER_ISSUED,
        subject=user,
        actor=user,
        details={"letter": letter.pk},
    )
    return letter


@transaction.atomic
def letter_revoke(
    *,
    letter: AttendanceLetter,
    now: datetime | None = None,
) -> AttendanceLetter:
    """Withdraw a letter: its code stops verifying at once. Revoking twice keeps the first
    date (a conditional update, so two clicks cannot move it)."""
    revoked = AttendanceLetter.objects.filter(pk=letter.pk, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now()
    )
    letter.refresh_from_db(fields=["revoked_at"])
    if revoked:
        audit_record(
            action=AuditEvent.Action.LETTER_REVOKED,
            subject=letter.user,
            actor=letter.user,
            details={"letter": letter.pk},
        )
    return letter

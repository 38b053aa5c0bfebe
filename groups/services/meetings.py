"""Meeting series and their meetings: creating and editing schedules, keeping the stored
meetings a rolling horizon ahead, cancelling and moving one meeting.

Meetings are rows computed from the series' rule (groups.meetings.recurrence) for
`groups.models.HORIZON` ahead; the periodic task `groups.tasks.meetings_extend_horizon` keeps
that window filled. Everyone who RSVP'd (going or waitlisted) to a meeting that changes is
told by e-mail after the commit.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify

from accounts.models import User
from groups import emails
from groups.meetings.recurrence import (
    WEEKDAY_CODES,
    Recurrence,
    first_date,
    local_instant,
    occurrences,
)
from groups.models import HORIZON, Meeting, MeetingSeries, Rsvp, SupportGroup
from groups.reminders import reminders_follow_move
from groups.services.errors import MeetingError
from groups.services.rsvps import rsvp_fill_free_places

# Fields of a series that decide when its meetings are: changing one re-plans the future.
SCHEDULE_FIELDS = ("rrule", "start_date", "start_time", "duration_minutes", "time_zone")

Status = Meeting.Status
Answer = Rsvp.Answer


def series_unique_slug(*, group: SupportGroup, title: str) -> str:
    """Stable for the life of the series (meeting finder apps keep favourites by it)."""
    base = slugify(f"{group.slug}-{title}")[:50] or "meeting"
    while True:
        slug = f"{base}-{get_random_string(6, 'abcdefghjkmnpqrstuvwxyz23456789')}"
        if not MeetingSeries.objects.filter(slug=slug).exists():
            return slug


def _apply_recurrence(series: MeetingSeries, recurrence: Recurrence, start: date) -> None:
    series.rrule = recurrence.to_rrule(time_zone=series.time_zone, start_time=series.start_time)
    series.start_date = first_date(recurrence=recurrence, start=start)
    days = recurrence.weekdays or (series.start_date.weekday(),)
    series.weekdays = ",".join(WEEKDAY_CODES[day] for day in sorted(set(days)))


@transaction.atomic
def series_create(
    *,
    group: SupportGroup,
    actor: User,
    recurrence: Recurrence,
    start: date,
    fields: dict[str, object],
    now: datetime | None = None,
) -> MeetingSeries:
    """A new schedule (or a one-off meeting) for `group`, with its meetings stored."""
    series = MeetingSeries(group=group, created_by=actor, **fields)
    if not series.time_zone:
        series.time_zone = group.time_zone
    _apply_recurrence(series, recurrence, start)
    series.slug = series_unique_slug(group=group, title=series.title)
    series.full_clean()
    series.save()
    meetings_extend(series=series, now=now)
    return series


@transaction.atomic
def series_update(
    *,
    series: MeetingSeries,
    recurrence: Recurrence,
    start: date,
    fields: dict[str, object],
    now: datetime | None = None,
) -> MeetingSeries:
    """Change a schedule. Past meetings are never touched. Future meetings the new schedule
    still has at the same instant keep their RSVPs (and a move or cancellation made to them);
    the others are removed, and whoever RSVP'd to them is told."""
    now = now or timezone.now()
    series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
    before = {name: getattr(series, name) for name in SCHEDULE_FIELDS}
    places_before = series.rsvp_limit
    for name, value in fields.items():
        setattr(series, name, value)
    _apply_recurrence(series, recurrence, start)
    series.full_clean()
    series.sequence += 1
    series.save()
    if {name: getattr(series, name) for name in SCHEDULE_FIELDS} != before:
        _replan_future(series, now=now)
    if series.rsvp_limit != places_before:
        rsvp_fill_free_places(series=series, now=now)
    return series


def _replan_future(series: MeetingSeries, *, now: datetime) -> None:
    wanted = set(
        occurrences(
            rule=series.rrule,
            start_date=series.start_date,
            start_time=series.start_time,
            time_zone=series.time_zone,
            since=now,
            until=now + HORIZON,
        )
    )
    length = timedelta(minutes=series.duration_minutes)
    future = list(series.meetings.filter(starts_at__gt=now))
    dropped = [meeting for meeting in future if meeting.occurrence_start not in wanted]
    for meeting in future:
        if meeting.occurrence_start in wanted and meeting.ends_at - meeting.starts_at != length:
            meeting.ends_at = meeting.starts_at + length
            meeting.sequence += 1
            meeting.save(update_fields=["ends_at", "sequence", "updated_at"])
    for meeting in dropped:
        if meeting.status == Status.SCHEDULED:
            emails.meeting_change_later(meeting, change="removed")
    Meeting.objects.filter(pk__in=[meeting.pk for meeting in dropped]).delete()
    meetings_extend(series=series, now=now)


def meetings_extend(*, series: MeetingSeries | None = None, now: datetime | None = None) -> int:
    """Store every meeting of `series` (or of every series of an active group) from now to
    the horizon that is not stored yet; returns how many were added.

    Safe to run twice at once: the unique (series, occurrence) constraint drops doubles."""
    now = now or timezone.now()
    until = now + HORIZON
    future = Meeting.objects.filter(occurrence_start__gte=now)
    if series is not None:
        all_series = [series]
        future = future.filter(series=series)
    else:
        all_series = list(MeetingSeries.objects.filter(group__state=SupportGroup.State.ACTIVE))
        future = future.filter(series__group__state=SupportGroup.State.ACTIVE)
    stored = set(future.values_list("series_id", "occurrence_start"))
    new: list[Meeting] = []
    for one in all_series:
        length = timedelta(minutes=one.duration_minutes)
        for start in occurrences(
            rule=one.rrule,
            start_date=one.start_date,
            start_time=one.start_time,
            time_zone=one.time_zone,
            since=now,
            until=until,
        ):
            if (one.pk, start) not in stored:
                new.append(
                    Meeting(
                        series=one,
                        group_id=one.group_id,
                        occurrence_start=start,
                        starts_at=start,
                        ends_at=start + length,
                    )
                )
    Meeting.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    return len(new)


def _locked_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("series", "group").get(pk=meeting.pk)


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, reason: str, now: datetime | None = None) -> Meeting:
    """Cancel one meeting; everyone who RSVP'd is told, with the reason."""
    now = now or timezone.now()
    meeting = _locked_meeting(meeting)
    if meeting.is_cancelled:
        raise MeetingError("This meeting is already cancelled.", code="already_cancelled")
    if meeting.has_started(now=now):
        raise MeetingError(
            "This meeting has already started, so it can no longer be cancelled.",
            code="started",
        )
    reason = reason.strip()
    if not reason:
        raise MeetingError("Please say why, so members know what happened.", code="reason_required")
    meeting.status = Status.CANCELLED
    meeting.cancel_reason = reason
    meeting.sequence += 1
    meeting.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
    emails.meeting_change_later(meeting, change="cancelled")
    return meeting


@transaction.atomic
def meeting_move(
    *,
    meeting: Meeting,
    day: date,
    at: time,
    place: str = "",
    online_url: str = "",
    now: datetime | None = None,
) -> Meeting:
    """Move one meeting to `day` at `at` (in the series' zone) and/or to another place;
    everyone who RSVP'd is told, and their RSVPs stay."""
    now = now or timezone.now()
    meeting = _locked_meeting(meeting)
    if meeting.is_cancelled:
        raise MeetingError(
            "This meeting is cancelled. Add a one-off meeting instead.", code="cancelled"
        )
    if meeting.has_started(now=now):
        raise MeetingError("This meeting has already started.", code="started")
    starts_at = local_instant(day, at, meeting.series.zone)
    if starts_at <= now:
        raise MeetingError(
            "The new time is in the past. Choose a time that is still to come.", code="past"
        )
    length = meeting.ends_at - meeting.starts_at
    changed = (
        starts_at != meeting.starts_at
        or place.strip() != meeting.place_override
        or online_url != meeting.online_url_override
    )
    if not changed:
        return meeting
    moved_in_time = starts_at != meeting.starts_at
    meeting.starts_at = starts_at
    meeting.ends_at = starts_at + length
    meeting.place_override = place.strip()
    meeting.online_url_override = online_url
    meeting.sequence += 1
    meeting.save()
    if moved_in_time:
        reminders_follow_move(meeting=meeting, now=now)
    emails.meeting_change_later(meeting, change="moved")
    return meeting

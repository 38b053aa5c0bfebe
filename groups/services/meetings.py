"""Meeting series and their meetings: creating and editing schedules, keeping the stored
meetings a rolling horizon ahead, cancelling and moving one meeting.

Meetings are rows computed from the series' rule (groups.meetings.recurrence) for
`groups.models.HORIZON` ahead; the periodic task `groups.tasks.meetings_extend_horizon` keeps
that window filled. Everyone who RSVP'd (going or waitlisted) to a meeting that changes is
told by e-mail after the commit.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from groups import emails
from groups.meetings.recurrence import (
    WEEKDAY_CODES,
    Recurrence,
    clock_change_notes,
    first_date,
    local_instant,
    occurrences,
)
from groups.models import HORIZON, Meeting, MeetingSeries, Rsvp, SupportGroup
from groups.reminders import reminders_follow_move
from groups.services.errors import MeetingError
from groups.services.online import online_link_changed
from groups.services.rsvps import rsvp_fill_free_places

# Fields of a series that decide when its meetings are: changing one re-plans the future.
SCHEDULE_FIELDS = ("rrule", "start_date", "start_time", "duration_minutes", "time_zone")

Status = Meeting.Status
Answer = Rsvp.Answer
# Who is told when their meeting changes: whoever said they would come or waits for a place.
TOLD = (Answer.GOING, Answer.WAITLISTED)


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


@dataclass
class SeriesChange:
    """What an edit of a series does to its future meetings, worked out before anything is
    saved: the facilitator sees it (series_change_preview), then series_update applies it.

    A future meeting whose day the new schedule still has follows to the new time on that day
    and keeps everything done to it: its RSVPs, its cancellation (a cancelled day stays
    cancelled), its new place, and a move in time (a moved meeting stays where it was moved).
    Only meetings on days the new schedule no longer has are removed."""

    series: MeetingSeries  # as it will be, unsaved
    schedule_changed: bool
    retimed: list[tuple[Meeting, datetime]] = field(default_factory=list)  # (meeting, new start)
    cancelled_kept: list[tuple[Meeting, datetime]] = field(default_factory=list)
    moved_kept: list[tuple[Meeting, datetime]] = field(default_factory=list)
    relengthened: list[Meeting] = field(default_factory=list)
    removed: list[Meeting] = field(default_factory=list)
    added: int = 0
    answers_follow: int = 0  # RSVPs of the meetings that change time
    people_told: int = 0
    clock_notes: list[str] = field(default_factory=list)

    @property
    def changes_meetings(self) -> bool:
        return bool(
            self.retimed
            or self.cancelled_kept
            or self.moved_kept
            or self.relengthened
            or self.removed
            or self.added
        )


def _edited_series(
    series: MeetingSeries, recurrence: Recurrence, start: date, fields: dict[str, object]
) -> MeetingSeries:
    edited = copy.copy(series)
    for name, value in fields.items():
        setattr(edited, name, value)
    _apply_recurrence(edited, recurrence, start)
    return edited


def _stored_until(series: MeetingSeries, now: datetime) -> datetime:
    """Meetings are stored up to the horizon; a one-off at any distance (it is one row, and a
    facilitator planning months ahead must see it on the schedule)."""
    return datetime.max.replace(tzinfo=UTC) if not series.rrule else now + HORIZON


def _wanted_starts(series: MeetingSeries, now: datetime) -> list[datetime]:
    return list(
        occurrences(
            rule=series.rrule,
            start_date=series.start_date,
            start_time=series.start_time,
            time_zone=series.time_zone,
            since=now,
            until=_stored_until(series, now),
        )
    )


def _planned_day(instant: datetime, series: MeetingSeries) -> date:
    """The local day an occurrence belongs to (a start in the spring-forward gap lands an
    hour later on the same day)."""
    return instant.astimezone(series.zone).date()


def _series_change(
    series: MeetingSeries,
    edited: MeetingSeries,
    *,
    now: datetime,
) -> SeriesChange:
    schedule_changed = any(
        getattr(series, name) != getattr(edited, name) for name in SCHEDULE_FIELDS
    )
    change = SeriesChange(series=edited, schedule_changed=schedule_changed)
    change.clock_notes = clock_change_notes(
        rule=edited.rrule,
        start_date=edited.start_date,
        start_time=edited.start_time,
        time_zone=edited.time_zone,
        since=now,
    )
    if not schedule_changed:
        return change
    wanted = _wanted_starts(edited, now)
    length = timedelta(minutes=edited.duration_minutes)
    meetings = list(series.meetings.all())
    future = [meeting for meeting in meetings if meeting.starts_at > now]
    # Occurrences that stay where they are (and those of past meetings) are taken.
    claimed = {meeting.occurrence_start for meeting in meetings if meeting.starts_at <= now}
    wanted_set = set(wanted)
    claimed |= {
        meeting.occurrence_start for meeting in future if meeting.occurrence_start in wanted_set
    }
    free_by_day: dict[date, datetime] = {}
    for instant in wanted:
        if instant not in claimed:
            free_by_day.setdefault(_planned_day(instant, edited), instant)
    old_zone = series.zone
    for meeting in future:
        if meeting.occurrence_start in wanted_set:
            moved_in_time = meeting.starts_at != meeting.occurrence_start
            if not moved_in_time and meeting.ends_at - meeting.starts_at != length:
                change.relengthened.append(meeting)
            continue
        new_start = free_by_day.pop(meeting.occurrence_start.astimezone(old_zone).date(), None)
        if new_start is None:
            change.removed.append(meeting)
        elif meeting.is_cancelled:
            change.cancelled_kept.append((meeting, new_start))
        elif meeting.starts_at != meeting.occurrence_start:
            change.moved_kept.append((meeting, new_start))
        else:
            change.retimed.append((meeting, new_start))
    change.added = len(free_by_day)
    retimed_ids = [meeting.pk for meeting, _ in change.retimed]
    told_ids = retimed_ids + [meeting.pk for meeting in change.removed if not meeting.is_cancelled]
    change.answers_follow = Rsvp.objects.filter(meeting_id__in=retimed_ids).count()
    change.people_told = (
        Rsvp.objects.filter(meeting_id__in=told_ids, answer__in=TOLD, user__is_active=True)
        .values("user_id")
        .distinct()
        .count()
    )
    return change


def series_change_preview(
    *,
    series: MeetingSeries,
    recurrence: Recurrence,
    start: date,
    fields: dict[str, object],
    now: datetime | None = None,
) -> SeriesChange:
    """What series_update would do with these values, without saving anything."""
    now = now or timezone.now()
    # As stored: a bound ModelForm has already written the new values onto its instance.
    series = MeetingSeries.objects.get(pk=series.pk)
    return _series_change(series, _edited_series(series, recurrence, start, fields), now=now)


@transaction.atomic
def series_update(
    *,
    series: MeetingSeries,
    recurrence: Recurrence,
    start: date,
    fields: dict[str, object],
    now: datetime | None = None,
    by: User | None = None,
) -> MeetingSeries:
    """Change a schedule (see SeriesChange for what becomes of each future meeting; the form
    shows series_change_preview first). Past meetings are never touched. Whoever said they
    would come (or waits for a place) to a meeting that changes time or no longer takes place
    is told."""
    now = now or timezone.now()
    series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
    places_before, link_before = series.rsvp_limit, series.online_url
    edited = _edited_series(series, recurrence, start, fields)
    change = _series_change(series, edited, now=now)
    edited.full_clean()
    edited.sequence += 1
    edited.save()
    if change.schedule_changed:
        _apply_change(change, now=now)
    if edited.rsvp_limit != places_before:
        rsvp_fill_free_places(series=edited, now=now)
    if edited.online_url != link_before:
        online_link_changed(by=by, group_id=edited.group_id, series_id=edited.pk)
    return edited


def _apply_change(change: SeriesChange, *, now: datetime) -> None:
    series = change.series
    length = timedelta(minutes=series.duration_minutes)
    for meeting in change.removed:
        if meeting.status == Status.SCHEDULED:
            emails.meeting_change_later(meeting, change="removed")
    Meeting.objects.filter(pk__in=[meeting.pk for meeting in change.removed]).delete()
    for meeting in change.relengthened:
        meeting.ends_at = meeting.starts_at + length
        meeting.sequence += 1
        meeting.save(update_fields=["ends_at", "sequence", "updated_at"])
    for meeting, new_start in change.cancelled_kept:
        meeting.occurrence_start = meeting.starts_at = new_start
        meeting.ends_at = new_start + length
        meeting.sequence += 1
        meeting.save(
            update_fields=["occurrence_start", "starts_at", "ends_at", "sequence", "updated_at"]
        )
    for meeting, new_start in change.moved_kept:
        # It stays where the facilitator moved it; only its place in the rule changes.
        meeting.occurrence_start = new_start
        meeting.ends_at = meeting.starts_at + length
        meeting.sequence += 1
        meeting.save(update_fields=["occurrence_start", "ends_at", "sequence", "updated_at"])
    for meeting, new_start in change.retimed:
        was = meeting.starts_at
        meeting.series = series
        meeting.occurrence_start = meeting.starts_at = new_start
        meeting.ends_at = new_start + length
        meeting.sequence += 1
        meeting.save(
            update_fields=["occurrence_start", "starts_at", "ends_at", "sequence", "updated_at"]
        )
        reminders_follow_move(meeting=meeting, now=now)
        emails.meeting_rescheduled_later(meeting, was=was)
    meetings_extend(series=series, now=now)


def meetings_extend(*, series: MeetingSeries | None = None, now: datetime | None = None) -> int:
    """Store every meeting of `series` (or of every series of an active group) from now to
    the horizon that is not stored yet; returns how many were added.

    Safe to run twice at once: the unique (series, occurrence) constraint drops doubles."""
    now = now or timezone.now()
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
            until=_stored_until(one, now),
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
        raise MeetingError(_("This meeting is already cancelled."), code="already_cancelled")
    if meeting.has_started(now=now):
        raise MeetingError(
            _("This meeting has already started, so it can no longer be cancelled."),
            code="started",
        )
    reason = reason.strip()
    if not reason:
        raise MeetingError(
            _("Please say why, so members know what happened."), code="reason_required"
        )
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
    by: User | None = None,
) -> Meeting:
    """Move one meeting to `day` at `at` (in the series' zone) and/or to another place;
    everyone who RSVP'd is told, and their RSVPs stay."""
    now = now or timezone.now()
    meeting = _locked_meeting(meeting)
    if meeting.is_cancelled:
        raise MeetingError(
            _("This meeting is cancelled. Add a one-off meeting instead."), code="cancelled"
        )
    if meeting.has_started(now=now):
        raise MeetingError(_("This meeting has already started."), code="started")
    # A UTC instant, so that adding the length counts real minutes, not the wall clock's
    # (a 60-minute meeting at 01:30 on the night the clocks go back ends at 01:30 again).
    starts_at = local_instant(day, at, meeting.series.zone).astimezone(UTC)
    if starts_at <= now:
        raise MeetingError(
            _("The new time is in the past. Choose a time that is still to come."), code="past"
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
    if online_url != meeting.online_url_override:
        online_link_changed(by=by, group_id=meeting.group_id, meeting_id=meeting.pk)
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

"""The facilitator side of meetings: a group's schedule, its series, and changing one meeting
(cancel, move). Every view goes through `facilitator_view` (see groups/views/facilitate.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from accounts.http import AuthenticatedHttpRequest
from groups.forms import MeetingCancelForm, MeetingMoveForm, SeriesForm
from groups.hosting import hosting_attach
from groups.meetings.recurrence import Frequency, Recurrence, occurrences
from groups.meetings.times import format_meeting_time
from groups.models import Meeting, MeetingSeries, SupportGroup
from groups.permissions import GroupAccess
from groups.selectors import (
    meeting_get_for_page,
    meeting_list_for_schedule,
    series_list_for_group,
)
from groups.services.errors import MeetingError
from groups.services.meetings import (
    SeriesChange,
    meeting_cancel,
    meeting_move,
    series_change_preview,
    series_create,
    series_update,
)
from groups.views.access import facilitator_view
from lib.forms import form_page_status, posted_data

SCHEDULE_MEETINGS = 30


def _today_in(group: SupportGroup) -> date:
    return timezone.now().astimezone(ZoneInfo(group.time_zone)).date()


@require_safe
@facilitator_view
def schedule(
    request: AuthenticatedHttpRequest, group: SupportGroup, access: GroupAccess
) -> HttpResponse:
    series = series_list_for_group(group=group)
    descriptions = [
        (one, Recurrence.from_rrule(one.rrule, time_zone=one.time_zone).describe())
        for one in series
    ]
    meetings = list(meeting_list_for_schedule(group=group, now=timezone.now())[:SCHEDULE_MEETINGS])
    for meeting in meetings:
        meeting.group = group  # the hosting buttons' address, without a query each
    hosting_attach(meetings, user=request.user)  # who hosts each, and the buttons
    return render(
        request,
        "groups/schedule.html",
        {
            "group": group,
            "access": access,
            "series": descriptions,
            "meetings": meetings,
            "viewer_zone": request.user.time_zone,
        },
    )


@require_http_methods(["GET", "POST"])
@facilitator_view
def series_create_view(
    request: AuthenticatedHttpRequest, group: SupportGroup, access: GroupAccess
) -> HttpResponse:
    initial = {"frequency": Frequency.ONCE} if request.GET.get("once") else {}
    form = SeriesForm(posted_data(request), group=group, today=_today_in(group), initial=initial)
    if request.method == "POST" and form.is_valid():
        series = series_create(
            group=group,
            actor=request.user,
            recurrence=form.recurrence(),
            start=form.cleaned_data["start"],
            fields=form.series_fields(),
        )
        messages.success(request, _created_message(series, viewer_zone=request.user.time_zone))
        return redirect("groups:schedule", slug=group.slug)
    return render(
        request,
        "groups/series_form.html",
        {"group": group, "access": access, "form": form, "series": None},
        status=form_page_status(form),
    )


def _created_message(series: MeetingSeries, *, viewer_zone: str) -> str:
    """What the facilitator reads after adding a schedule: its first meeting's date and time
    (however far ahead), and how many are planned."""
    meetings = list(series.meetings.order_by("starts_at")[:2])
    words = {"title": series.title}
    if not meetings:
        upcoming = occurrences(
            rule=series.rrule,
            start_date=series.start_date,
            start_time=series.start_time,
            time_zone=series.time_zone,
            since=timezone.now(),
            until=datetime.max.replace(tzinfo=UTC),
        )
        start = next(upcoming, None)
        if start is None:
            # Translators: %(title)s is the name of a meeting series just added.
            return _("“%(title)s” is on the schedule. It has no meeting still to come.") % words
        first = format_meeting_time(start, viewer_zone=viewer_zone, meeting_zone=series.time_zone)
        return _(
            # Translators: %(title)s is a meeting series' name, %(first)s the day and time of
            # its first meeting.
            "“%(title)s” is on the schedule, the first meeting on %(first)s. We keep thirteen "
            "weeks of meetings planned, so they appear on the schedule from thirteen weeks "
            "before."
        ) % {**words, "first": first}
    first = format_meeting_time(
        meetings[0].starts_at, viewer_zone=viewer_zone, meeting_zone=series.time_zone
    )
    if not series.rrule:
        return _(
            # Translators: %(title)s is a meeting's name, %(first)s its day and time.
            "“%(title)s” is on the schedule: one meeting, on %(first)s. Members see it on the "
            "group's page."
        ) % {**words, "first": first}
    count = series.meetings.count()
    return ngettext(
        # Translators: %(title)s is a meeting series' name, %(first)s the day and time of its
        # first meeting.
        "“%(title)s” is on the schedule, with %(count)d meeting planned so far, the first on "
        "%(first)s. Members see them on the group's page.",
        "“%(title)s” is on the schedule, with %(count)d meetings planned so far, the first on "
        "%(first)s. Members see them on the group's page.",
        count,
    ) % {**words, "count": count, "first": first}


def change_summary(change: SeriesChange, *, telling_now: bool = False) -> str:
    """ "3 meetings change time, 1 cancelled meeting stays cancelled, 12 answers follow,
    12 people will be told." (with `telling_now`, once it is saved: "12 people are being
    told.")"""

    # Each part is one clause of a list: "3 meetings change time".
    parts = []
    if change.retimed:
        parts.append(
            ngettext(
                "%(count)d meeting changes time",
                "%(count)d meetings change time",
                len(change.retimed),
            )
            % {"count": len(change.retimed)}
        )
    if change.relengthened:
        parts.append(
            ngettext(
                "%(count)d meeting changes length",
                "%(count)d meetings change length",
                len(change.relengthened),
            )
            % {"count": len(change.relengthened)}
        )
    if change.cancelled_kept:
        parts.append(
            ngettext(
                "%(count)d cancelled meeting stays cancelled",
                "%(count)d cancelled meetings stay cancelled",
                len(change.cancelled_kept),
            )
            % {"count": len(change.cancelled_kept)}
        )
    if change.moved_kept:
        parts.append(
            ngettext(
                "%(count)d moved meeting stays where it was moved",
                "%(count)d moved meetings stay where they were moved",
                len(change.moved_kept),
            )
            % {"count": len(change.moved_kept)}
        )
    if change.removed:
        parts.append(
            ngettext(
                "%(count)d meeting no longer takes place",
                "%(count)d meetings no longer take place",
                len(change.removed),
            )
            % {"count": len(change.removed)}
        )
    if change.added:
        parts.append(
            ngettext(
                "%(count)d new meeting is added", "%(count)d new meetings are added", change.added
            )
            % {"count": change.added}
        )
    if change.retimed:
        parts.append(
            ngettext("%(count)d answer follows", "%(count)d answers follow", change.answers_follow)
            % {"count": change.answers_follow}
        )
    if telling_now:
        told = ngettext(
            # Translators: the last clause of the list of changes once a schedule is saved.
            "%(count)d person is being told",
            "%(count)d people are being told",
            change.people_told,
        )
    else:
        # Translators: the last clause of the list of changes a schedule's edit will make.
        told = ngettext(
            "%(count)d person will be told", "%(count)d people will be told", change.people_told
        )
    parts.append(told % {"count": change.people_told})
    # Translators: the list of changes ("3 meetings change time, 12 people will be told"),
    # ended by a full stop.
    return _("%(changes)s.") % {"changes": ", ".join(parts)}


# Buttons of the preview page: save what it shows, or go back to the form as it was filled in.
CONFIRM, BACK = "confirm", "back"


def _posted_pairs(request: AuthenticatedHttpRequest) -> list[tuple[str, str]]:
    """What the facilitator typed, carried through the preview in hidden fields."""
    skip = {"csrfmiddlewaretoken", CONFIRM, BACK}
    return [
        (name, value)
        for name, values in request.POST.lists()
        if name not in skip
        for value in values
    ]


@require_http_methods(["GET", "POST"])
@facilitator_view
def series_edit(
    request: AuthenticatedHttpRequest, group: SupportGroup, access: GroupAccess, series_id: int
) -> HttpResponse:
    """Edit a schedule in two steps when meetings change: the form posts to a preview of what
    becomes of each future meeting and who is told; its button saves (and "Change it" goes
    back to the form as it was filled in). An edit that changes no meeting saves at once."""
    series = get_object_or_404(MeetingSeries, pk=series_id, group=group)
    form = SeriesForm(posted_data(request), instance=series, group=group, today=_today_in(group))
    status = form_page_status(form)
    if request.method == "POST" and BACK in request.POST:
        status = 200 if form.is_valid() else status
    elif request.method == "POST" and form.is_valid():
        arguments = {
            "series": series,
            "recurrence": form.recurrence(),
            "start": form.cleaned_data["start"],
            "fields": form.series_fields(),
        }
        change = series_change_preview(**arguments)
        if change.changes_meetings and CONFIRM not in request.POST:
            return _series_preview(request, group, access, series, change)
        series_update(**arguments, by=request.user)
        if change.changes_meetings:
            # Translators: %(changes)s is the list of what became of the meetings ("3
            # meetings change time, 12 people are being told.").
            saved = _("The schedule is saved. %(changes)s") % {
                "changes": change_summary(change, telling_now=True)
            }
        else:
            saved = _("The schedule is saved.")
        messages.success(request, saved)
        return redirect("groups:schedule", slug=group.slug)
    return render(
        request,
        "groups/series_form.html",
        {"group": group, "access": access, "form": form, "series": series},
        status=status,
    )


def _series_preview(
    request: AuthenticatedHttpRequest,
    group: SupportGroup,
    access: GroupAccess,
    series: MeetingSeries,
    change: SeriesChange,
) -> HttpResponse:
    return render(
        request,
        "groups/series_preview.html",
        {
            "group": group,
            "access": access,
            "series": series,
            "change": change,
            "summary": change_summary(change),
            "zone": change.series.time_zone,
            "viewer_zone": request.user.time_zone,
            "posted": _posted_pairs(request),
            "confirm": CONFIRM,
            "back": BACK,
        },
    )


@require_http_methods(["GET", "POST"])
@facilitator_view
def meeting_cancel_view(
    request: AuthenticatedHttpRequest, group: SupportGroup, access: GroupAccess, meeting_id: int
) -> HttpResponse:
    meeting = meeting_get_for_page(group=group, meeting_id=meeting_id)
    form = MeetingCancelForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            meeting_cancel(meeting=meeting, reason=form.cleaned_data["reason"])
        except MeetingError as refused:
            form.add_error(None, refused)
        else:
            told = meeting.going_count + meeting.waitlist_count
            messages.success(
                request,
                ngettext(
                    "The meeting is cancelled. We're telling the %(count)d person who said "
                    "they'd come or were waiting.",
                    "The meeting is cancelled. We're telling the %(count)d people who said "
                    "they'd come or were waiting.",
                    told,
                )
                % {"count": told},
            )
            return redirect("groups:schedule", slug=group.slug)
    return render(
        request,
        "groups/meeting_cancel.html",
        {
            "group": group,
            "access": access,
            "meeting": meeting,
            "form": form,
            "viewer_zone": request.user.time_zone,
        },
        status=form_page_status(form),
    )


@require_http_methods(["GET", "POST"])
@facilitator_view
def meeting_move_view(
    request: AuthenticatedHttpRequest, group: SupportGroup, access: GroupAccess, meeting_id: int
) -> HttpResponse:
    meeting = meeting_get_for_page(group=group, meeting_id=meeting_id)
    local = meeting.starts_at.astimezone(meeting.series.zone)
    form = MeetingMoveForm(
        posted_data(request),
        zone_name=meeting.series.time_zone,
        link=meeting.online_url_override,
        initial={"day": local.date(), "at": local.time(), "place": meeting.place_override},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sequence = meeting.sequence
        try:
            moved = meeting_move(
                meeting=meeting,
                day=data["day"],
                at=data["at"],
                place=data["place"],
                online_url=data["online_url"],
                by=request.user,
            )
        except MeetingError as refused:
            form.add_error(None, refused)
        else:
            if moved.sequence == sequence:  # the service changes nothing it is given back
                form.add_error(
                    None,
                    _(
                        "Nothing has changed: the date, time, place and link are the ones the "
                        "meeting already has. Change one of them to move it, or leave it as it "
                        "is."
                    ),
                )
                return _move_page(request, group, access, meeting, form)
            messages.success(
                request,
                _(
                    "The meeting is moved. Everyone who said they'd come keeps their place and "
                    "is told the new details."
                ),
            )
            return redirect("groups:schedule", slug=group.slug)
    return _move_page(request, group, access, meeting, form)


def _move_page(
    request: AuthenticatedHttpRequest,
    group: SupportGroup,
    access: GroupAccess,
    meeting: Meeting,
    form: MeetingMoveForm,
) -> HttpResponse:
    return render(
        request,
        "groups/meeting_move.html",
        {
            "group": group,
            "access": access,
            "meeting": meeting,
            "form": form,
            "viewer_zone": request.user.time_zone,
        },
        status=form_page_status(form),
    )

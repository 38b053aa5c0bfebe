"""The facilitator side of meetings: a group's schedule, its series, and changing one meeting
(cancel, move). Every view goes through `facilitator_view` (see groups/views/facilitate.py)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from groups.forms import MeetingCancelForm, MeetingMoveForm, SeriesForm
from groups.meetings.recurrence import Frequency, Recurrence
from groups.models import MeetingSeries, SupportGroup
from groups.permissions import GroupAccess
from groups.selectors import (
    meeting_get_for_page,
    meeting_list_for_schedule,
    series_list_for_group,
)
from groups.services.errors import MeetingError
from groups.services.meetings import (
    meeting_cancel,
    meeting_move,
    series_create,
    series_update,
)
from groups.views.access import facilitator_view
from lib.forms import form_page_status, posted_data

SCHEDULE_MEETINGS = 30


def _today_in(group: SupportGroup) -> date:
    return timezone.now().astimezone(ZoneInfo(group.time_zone)).date()


@require_GET
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
        count = series.meetings.count()
        messages.success(
            request,
            f"“{series.title}” is on the schedule, with {count} meeting{'s' if count != 1 else ''} "
            "planned so far. Members see them on the group's page.",
        )
        return redirect("groups:schedule", slug=group.slug)
    return render(
        request,
        "groups/series_form.html",
        {"group": group, "access": access, "form": form, "series": None},
        status=form_page_status(form),
    )


@require_http_methods(["GET", "POST"])
@facilitator_view
def series_edit(
    request: AuthenticatedHttpRequest, group: SupportGroup, access: GroupAccess, series_id: int
) -> HttpResponse:
    series = get_object_or_404(MeetingSeries, pk=series_id, group=group)
    form = SeriesForm(posted_data(request), instance=series, group=group, today=_today_in(group))
    if request.method == "POST" and form.is_valid():
        series_update(
            series=series,
            recurrence=form.recurrence(),
            start=form.cleaned_data["start"],
            fields=form.series_fields(),
        )
        messages.success(
            request,
            "The schedule is saved. Future meetings follow it; anyone who had answered for a "
            "meeting that no longer takes place has been told.",
        )
        return redirect("groups:schedule", slug=group.slug)
    return render(
        request,
        "groups/series_form.html",
        {"group": group, "access": access, "form": form, "series": series},
        status=form_page_status(form),
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
                f"The meeting is cancelled. We're telling the {told} "
                f"{'person' if told == 1 else 'people'} who said they'd come or were waiting.",
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
        initial={
            "day": local.date(),
            "at": local.time(),
            "place": meeting.place_override,
            "online_url": meeting.online_url_override,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting_move(
                meeting=meeting,
                day=data["day"],
                at=data["at"],
                place=data["place"],
                online_url=data["online_url"],
            )
        except MeetingError as refused:
            form.add_error(None, refused)
        else:
            messages.success(
                request,
                "The meeting is moved. Everyone who said they'd come keeps their place and "
                "is told the new details.",
            )
            return redirect("groups:schedule", slug=group.slug)
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

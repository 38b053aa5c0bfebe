"""A series' online room, for its facilitators: the link (changed, never shown), each
member's access (revoked or given back), the room of a meeting (locked for the rest of it),
who opened their join address, and any address that looks passed on. A backup facilitator
who hosts a meeting sees the room's meetings and locks or opens one, without the link or the
members' access."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from accounts.models import AuditEvent
from accounts.services.audit import audit_record
from groups.forms import SeriesLinkForm
from groups.meetings.joining import (
    join_addresses_for,
    meeting_openers,
    room_opens_at,
    series_forwarded_addresses,
)
from groups.models import JoinAddress, Meeting, MeetingSeries, Membership, SupportGroup
from groups.permissions import GroupAccess
from groups.services.errors import MeetingError
from groups.services.online import (
    join_access_restore,
    join_access_revoke,
    room_lock,
    room_unlock,
    series_link_change,
)
from groups.views.access import facilitator_view, meeting_runner_view
from lib.forms import form_page_status, posted_data

# What the room page looks back over for passed-on addresses, and how many meetings it shows.
FORWARDED_LOOKBACK = timedelta(days=28)
ROOM_MEETINGS = 4


def _online_series(group: SupportGroup, series_id: int) -> MeetingSeries:
    series = get_object_or_404(MeetingSeries, pk=series_id, group=group)
    if not series.meets_online:
        raise Http404("This series does not meet online.")
    series.group = group
    return series


def _room_page(
    request: AuthenticatedHttpRequest,
    group: SupportGroup,
    access: GroupAccess,
    series: MeetingSeries,
    form: SeriesLinkForm,
) -> HttpResponse:
    now = timezone.now()
    # Each member's access is the facilitators' to change: a backup's page leaves it out.
    members = (
        list(
            Membership.objects.filter(group=group, state=Membership.State.ACTIVE)
            .select_related("user")
            .order_by("user__display_name", "pk")
        )
        if access.can_manage_meetings
        else []
    )
    addresses = {
        a.user_id: a
        for a in JoinAddress.objects.filter(series=series, user__in=[m.user for m in members])
    }
    forwarded = series_forwarded_addresses(series=series, since=now - FORWARDED_LOOKBACK)
    rows = [
        {
            "membership": membership,
            "address": addresses.get(membership.user_id),
            "forwarded": forwarded.get(membership.user_id, 0),
        }
        for membership in members
    ]
    meetings = list(
        Meeting.objects.filter(series=series, ends_at__gt=now - timedelta(hours=12)).order_by(
            "starts_at", "pk"
        )[:ROOM_MEETINGS]
    )
    for meeting in meetings:
        meeting.series = series
    shown = [
        {
            "meeting": meeting,
            "opens_at": room_opens_at(meeting),
            "is_on": room_opens_at(meeting) <= now < meeting.ends_at,
            "is_over": meeting.ends_at <= now,
            "openers": meeting_openers(meeting=meeting)
            if meeting.starts_at - timedelta(hours=2) <= now
            else [],
        }
        for meeting in meetings
    ]
    # The page names the group's members, which is health information: each look is kept.
    audit_record(
        action=AuditEvent.Action.MEMBER_LIST_VIEWED,
        subject=None,
        actor=request.user,
        details={"group": group.pk, "series": series.pk},
    )
    return render(
        request,
        "groups/series_room.html",
        {
            "group": group,
            "access": access,
            "series": series,
            "form": form,
            "rows": rows,
            "meetings": shown,
            "viewer_zone": request.user.time_zone,
            "has_link": bool(series.online_url or group.online_url),
            "uses_group_link": not series.online_url and bool(group.online_url),
        },
        status=form_page_status(form),
    )


@require_safe
@meeting_runner_view  # a backup too, without the link and the members' access (facilitators')
def series_room(
    request: AuthenticatedHttpRequest, group: SupportGroup, access: GroupAccess, series_id: int
) -> HttpResponse:
    series = _online_series(group, series_id)
    return _room_page(request, group, access, series, SeriesLinkForm(link=series.online_url))


@require_POST
@facilitator_view
def series_room_link(
    request: AuthenticatedHttpRequest, group: SupportGroup, access: GroupAccess, series_id: int
) -> HttpResponse:
    series = _online_series(group, series_id)
    form = SeriesLinkForm(posted_data(request), link=series.online_url)
    if not form.is_valid():
        return _room_page(request, group, access, series, form)
    new = form.cleaned_data["online_url"]
    if new == series.online_url:
        messages.info(request, _("The link is unchanged."))
    else:
        series_link_change(series=series, url=new, by=request.user)
        messages.success(
            request,
            _(
                "The link is changed. Every member's join address leads to the new one; nobody "
                "needs a new address."
            ),
        )
    return redirect("groups:series-room", slug=group.slug, series_id=series.pk)


@require_http_methods(["GET", "POST"])
@facilitator_view
def series_room_access(
    request: AuthenticatedHttpRequest,
    group: SupportGroup,
    access: GroupAccess,
    series_id: int,
    user_id: int,
    action: str,
) -> HttpResponse:
    """Revoke one member's access (GET asks to confirm), or give it back."""
    if action not in {"revoke", "restore"}:
        raise Http404("No such action.")
    series = _online_series(group, series_id)
    membership = get_object_or_404(
        Membership.objects.select_related("user"),
        group=group,
        user_id=user_id,
        state=Membership.State.ACTIVE,
    )
    address = join_addresses_for(user=membership.user, series=[series])[series.pk]
    address.series = series
    if request.method == "GET":
        if action == "restore":  # one tap from the room page; nothing to confirm
            return redirect("groups:series-room", slug=group.slug, series_id=series.pk)
        return render(
            request,
            "groups/series_room_access_confirm.html",
            {
                "group": group,
                "access": access,
                "series": series,
                "membership": membership,
                "action": action,
                "address": address,
            },
        )
    words = {"name": membership.user.display_name, "series": series.title}
    if action == "revoke":
        join_access_revoke(address=address, by=request.user)
        messages.success(
            request,
            # Translators: %(name)s is a member's display name, %(series)s a meeting's name.
            _(
                "%(name)s can no longer enter %(series)s online. Their join address now says "
                "so, kindly, and points them to the group's page."
            )
            % words,
        )
    else:
        join_access_restore(address=address, by=request.user)
        messages.success(
            request,
            # Translators: %(name)s is a member's display name, %(series)s a meeting's name.
            _(
                "%(name)s can enter %(series)s online again, with a new join address: their "
                "pages, calendar and next reminders carry it. The old one stays closed."
            )
            % words,
        )
    return redirect("groups:series-room", slug=group.slug, series_id=series.pk)


@require_POST
@meeting_runner_view  # whoever hosts the meeting, a backup too
def meeting_room_lock(
    request: AuthenticatedHttpRequest,
    group: SupportGroup,
    access: GroupAccess,
    meeting_id: int,
    action: str,
) -> HttpResponse:
    """Lock the room for the rest of a meeting, or open it again."""
    if action not in {"lock", "unlock"}:
        raise Http404("No such action.")
    meeting = get_object_or_404(
        Meeting.objects.select_related("series"), pk=meeting_id, group=group
    )
    if action == "lock":
        try:
            room_lock(meeting=meeting, by=request.user)
        except MeetingError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                _(
                    "The room is locked for the rest of this meeting. Late joiners see a "
                    "gentle note; facilitators still get in."
                ),
            )
    else:
        room_unlock(meeting=meeting, by=request.user)
        messages.success(request, _("The room is open again: join addresses lead in."))
    return redirect("groups:series-room", slug=group.slug, series_id=meeting.series_id)

"""Calendars (RFC 5545): one meeting as a download, a listed group's public feed, a member's
personal feed (its address is a secret token that the member can reset). The calendars
themselves are built in groups.calendars."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from groups.calendars.feeds import calendar_feed_reset
from groups.calendars.ics import (
    group_calendar_build,
    meeting_calendar_build,
    personal_calendar_build,
)
from groups.meetings.joining import join_address_url, join_addresses_for, join_urls_for
from groups.meetings.places import online_link_target
from groups.models import (
    CalendarFeed,
    JoinAddress,
    Meeting,
    MeetingSeries,
    Membership,
    SupportGroup,
)
from groups.permissions import group_access
from groups.selectors import (
    calendar_feed_for,
    calendar_feed_get_by_token,
    calendar_group_get_public,
    calendar_meeting_get,
)
from lib.fragments import Built, fragment
from lib.responses import private_response

CONTENT_TYPE = "text/calendar; charset=utf-8"
# What the calendars read: a write to any of these shows on the next request.
CALENDAR_TABLES = (
    Meeting,
    MeetingSeries,
    SupportGroup,
    Membership,
    CalendarFeed,
    User,
    JoinAddress,
)
# Besides writes, a feed changes as its window (a few months back) moves on: a meeting leaving
# it a few minutes late is no change anyone sees, so a feed is built again at least this often.
CALENDAR_REBUILT = timedelta(minutes=5)
# Phones re-read subscriptions every few hours at most; a quarter of an hour spares us the
# rest while a cancellation still reaches them the same day.
PUBLIC_FEED_MAX_AGE = 15 * 60


def _calendar_response(body: bytes, *, filename: str, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@require_safe
def meeting_ics(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    """One meeting, with its place and link: for those who see members-only details."""
    group = get_object_or_404(SupportGroup, slug=slug)
    access = group_access(user=request.user, group=group)
    if not access.can_view_group:
        raise Http404("No such group.")
    if not access.can_see_members_only_details:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied("Only the group's members can add its meetings to a calendar.")
    meeting = calendar_meeting_get(group=group, meeting_id=meeting_id)
    if meeting is None:
        raise Http404("No such meeting.")
    # Members-only details are for active members and admins: someone signed in. A member's
    # file carries their own join address (an admin who is not a member gets none).
    user = cast(User, request.user)
    join_url = (
        join_urls_for(user=user, series=[meeting.series]).get(meeting.series_id, "")
        if access.is_active_member
        else ""
    )
    body = meeting_calendar_build(meeting=meeting, discreet=user.discreet_mode, join_url=join_url)
    return private_response(_calendar_response(body, filename="meeting.ics", attachment=True))


@require_safe
def group_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """A listed group's public feed: times and the city, never the street or the link."""

    def calendar() -> Built:
        group = calendar_group_get_public(slug=slug)
        if group is None:  # a 404, not kept: addresses nobody has would fill the cache
            return Built(None, keep=False)
        return Built(group_calendar_build(group=group), until=timezone.now() + CALENDAR_REBUILT)

    body = fragment("group-calendar", tables=CALENDAR_TABLES, vary=(slug,), build=calendar)
    if body is None:
        raise Http404("No such group.")
    response = _calendar_response(body, filename=f"{slug}.ics")
    patch_cache_control(response, public=True, max_age=PUBLIC_FEED_MAX_AGE)
    return response


@never_cache
@require_safe
def personal_calendar(request: HttpRequest, token: str) -> HttpResponse:
    """A member's feed, by the secret token alone (calendar apps send no cookies). An unknown
    or reset token is a plain 404; the request log redacts the token (config.logs)."""
    feed = calendar_feed_get_by_token(token=token)
    if feed is None:
        raise Http404("No such calendar.")
    body = fragment(
        "personal-calendar",
        tables=CALENDAR_TABLES,
        vary=(feed.pk, feed.token),
        build=lambda: Built(
            personal_calendar_build(user=feed.user), until=timezone.now() + CALENDAR_REBUILT
        ),
    )
    return private_response(_calendar_response(body, filename="calendar.ics"))


def _next_url(request: HttpRequest) -> str | None:
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


@login_required
@require_http_methods(["GET", "POST"])
def personal_calendar_reset(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET asks to confirm (a page that works without JavaScript); POST makes a new address."""
    if request.method == "POST":
        had_one = calendar_feed_for(user=request.user) is not None
        calendar_feed_reset(user=request.user)
        messages.success(
            request,
            "Your calendar address has changed. Calendars subscribed to the old address will "
            "no longer update: subscribe again with the new one."
            if had_one
            else "Your personal calendar address is ready: subscribe to it below.",
        )
        return redirect(_next_url(request) or "groups:my-meetings")
    return render(request, "groups/calendar_reset_confirm.html", {"next": _next_url(request)})


@login_required
@require_safe
def online_link(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """Where the discreet online addresses of older calendar entries and reminders lead
    (before join addresses): a signed-in active member of the group to their own join
    address, which opens the room only in its window; anyone else to the same 404 as for an
    address that is not ours. They never lead to the link itself any more."""
    try:
        series, _meeting = online_link_target(token)
    except LookupError:
        raise Http404("No such link.") from None
    if not group_access(user=request.user, group=series.group).is_active_member:
        raise Http404("No such link.")
    address = join_addresses_for(user=request.user, series=[series]).get(series.pk)
    if address is None:  # the series no longer meets online
        return redirect("groups:group-detail", slug=series.group.slug)
    return redirect(join_address_url(address))

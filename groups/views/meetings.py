"""What members see of meetings: one meeting's page, answering for it, and "My meetings"."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from groups.calendars.ics import calendar_feed_links
from groups.hosting import hosting_attach
from groups.meetings.joining import join_urls_for, meeting_place_for
from groups.models import (
    Attendance,
    CalendarFeed,
    HostingAnswer,
    JoinAddress,
    Meeting,
    MeetingSeries,
    Membership,
    Rsvp,
    SupportGroup,
)
from groups.pages import meeting_page_panels, panel_tables_all
from groups.selectors import (
    calendar_feed_for,
    meeting_get_for_page,
    meeting_list_upcoming_for_user,
    rsvp_for,
)
from groups.services.errors import MeetingError
from groups.services.rsvps import rsvp_answer
from groups.views.access import viewable_group, viewer_zone
from lib.fragments import Built, earliest, fragment_private, private_html, this_hour
from lib.offline import OFFLINE_HEADER

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, WithAnnotations

    from groups.selectors import MeetingCounts


def meeting_is_open_for_answers(meeting: Meeting, *, now: datetime) -> bool:
    """Whether the RSVP buttons are offered: not for a cancelled meeting, nor once it began."""
    return not meeting.is_cancelled and not meeting.has_started(now=now)


def _places_left(meeting: WithAnnotations[Meeting, MeetingCounts]) -> int | None:
    limit = meeting.series.rsvp_limit
    return None if limit is None else max(limit - meeting.going_count, 0)


def _meeting_page(
    request: HttpRequest, slug: str, meeting_id: int, *, error: StrOrPromise = ""
) -> tuple[str, str, datetime | None]:
    """The meeting page's title, its HTML below the header, and until when that is true."""
    group, access = viewable_group(request, slug)
    meeting = meeting_get_for_page(group=group, meeting_id=meeting_id)
    rsvp, waitlist_position = rsvp_for(user=request.user, meeting=meeting)
    now = timezone.now()
    # A member's own join address, never the link itself (groups.meetings.joining).
    join_urls = (
        join_urls_for(user=cast(User, request.user), series=[meeting.series])
        if access.is_active_member
        else {}
    )
    if access.can_host:  # who hosts it, for those who may (groups.hosting)
        hosting_attach([meeting], user=cast(User, request.user), now=now)
    context = {
        "group": group,
        "access": access,
        "meeting": meeting,
        "place": meeting_place_for(meeting, join_urls=join_urls),
        "viewer_zone": viewer_zone(request, group),
        "rsvp": rsvp,
        "waitlist_position": waitlist_position,
        "places_left": _places_left(meeting),
        "is_open_for_answers": meeting_is_open_for_answers(meeting, now=now),
        "has_started": meeting.has_started(now=now),
        "error": error,
        "shows_hosting": access.can_host,
        **meeting_page_panels(meeting=meeting, for_members=access.can_see_members_only_details),
    }
    html = render_to_string("groups/fragments/_meeting_page.html", context, request)
    # The answer buttons go when it starts; "has started" turns to "has ended" at its end.
    return (
        f"{meeting.series.title}, {group.name}",
        html,
        earliest(meeting.starts_at, meeting.ends_at),
    )


def _render_meeting(
    request: HttpRequest, slug: str, meeting_id: int, *, error: StrOrPromise = ""
) -> HttpResponse:
    title, html, _until = _meeting_page(request, slug, meeting_id, error=error)
    return render(
        request,
        "groups/meeting_detail.html",
        {"title": title, "page": mark_safe(html)},  # noqa: S308 - our templates' HTML
        status=400 if error else 200,
    )


@require_safe
def meeting_detail(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _render_meeting(request, slug, meeting_id)

    def page() -> Built:
        title, html, until = _meeting_page(request, slug, meeting_id)
        return Built((title, html), until=until)

    # A member's own page (their answer, their buttons), kept until something on it changes.
    title, html = fragment_private(
        request,
        "meeting-page",
        tables=(*MY_MEETINGS_TABLES, Attendance, HostingAnswer, *panel_tables_all()),
        vary=(slug, meeting_id, request.user.time_zone, this_hour(timezone.now())),
        build=page,
    )
    return render(
        request,
        "groups/meeting_detail.html",
        {"title": title, "page": mark_safe(html)},  # noqa: S308 - our templates' HTML
    )


ANSWER_MESSAGES: dict[str, StrOrPromise] = {
    Rsvp.Answer.GOING: gettext_lazy("You're going. We'll see you there."),
    Rsvp.Answer.WAITLISTED: gettext_lazy(
        "The meeting is full, so you're on the waiting list. If a place opens up, it's yours "
        "in turn and we'll e-mail you."
    ),
    Rsvp.Answer.NOT_GOING: gettext_lazy("Thanks for letting the group know you can't come."),
}


@login_required
@require_POST
def meeting_rsvp(request: AuthenticatedHttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    group, access = viewable_group(request, slug)
    meeting = meeting_get_for_page(group=group, meeting_id=meeting_id)
    if not access.can_rsvp:
        raise PermissionDenied("Only the group's members can answer for its meetings.")
    answer = request.POST.get("answer")
    if answer not in {Rsvp.Answer.GOING, Rsvp.Answer.NOT_GOING}:
        return _render_meeting(
            request, slug, meeting_id, error=_("Choose whether you are going or not.")
        )
    try:
        rsvp = rsvp_answer(user=request.user, meeting=meeting, going=answer == Rsvp.Answer.GOING)
    except MeetingError as refused:
        return _render_meeting(request, slug, meeting_id, error=refused.message)
    messages.success(request, ANSWER_MESSAGES[rsvp.answer])
    # The buttons on "My meetings", the home page and the group page bring the person back.
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("groups:meeting-detail", slug=group.slug, meeting_id=meeting.pk)


# What "My meetings" reads: a write to any of these shows on the next request.
MY_MEETINGS_TABLES = (
    Meeting,
    MeetingSeries,
    SupportGroup,
    Membership,
    Rsvp,
    CalendarFeed,
    User,
    JoinAddress,
)


@login_required
@require_safe
def my_meetings(request: AuthenticatedHttpRequest) -> HttpResponse:
    now = timezone.now()

    def page() -> Built:
        meetings = meeting_list_upcoming_for_user(user=request.user, now=now)
        join_urls = join_urls_for(
            user=request.user, series=list({m.series_id: m.series for m in meetings}.values())
        )
        rows = [
            (
                meeting,
                meeting_place_for(meeting, join_urls=join_urls),
                meeting_is_open_for_answers(meeting, now=now),
            )
            for meeting in meetings
        ]
        feed = calendar_feed_for(user=request.user)
        context = {
            "rows": rows,
            "viewer_zone": request.user.time_zone,
            **calendar_feed_links(feed=feed),
        }
        html = render_to_string("groups/fragments/_my_meetings.html", context, request)
        # A meeting's buttons go when it starts; it leaves the list when it ends.
        until = earliest(*(m.starts_at for m in meetings), *(m.ends_at for m in meetings))
        return Built(html, until=until)

    html = private_html(
        request,
        "my-meetings",
        tables=MY_MEETINGS_TABLES,
        vary=(request.user.time_zone, this_hour(now)),
        build=page,
    )
    rendered_at = now.replace(microsecond=0)
    response = render(
        request, "groups/my_meetings.html", {"page": html, "rendered_at": rendered_at}
    )
    # The app may keep this page (the next eight weeks) for when the phone is offline.
    response[OFFLINE_HEADER] = "member"
    return response

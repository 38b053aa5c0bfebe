"""What members and visitors see: the directory, a group's page, joining, leaving, invitations."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest, HtmxHttpRequest
from accounts.models import User
from groups.forms import DirectoryFilterForm, FacilitatorNameForm, JoinForm
from groups.handovers import handovers_open_for
from groups.meeting_guide import series_public_conference_url
from groups.meetings.joining import (
    join_address_url,
    join_addresses_for,
    join_urls_for,
    meeting_place_for,
)
from groups.meetings.places import series_public_place
from groups.meetings.recurrence import Recurrence
from groups.models import (
    Invitation,
    Meeting,
    MeetingSeries,
    Membership,
    SupportGroup,
    Topic,
)
from groups.pages import group_page_panels
from groups.permissions import GroupAccess, group_access, user_can_create_groups
from groups.selectors import (
    announcement_list_for_group,
    group_get_for_page,
    group_list_directory,
    invitation_get_by_token,
    meeting_list_upcoming_for_group,
    meeting_next_start,
    rsvp_for,
    series_list_for_group,
)
from groups.services.memberships import (
    MembershipError,
    membership_join,
    membership_leave,
    membership_name_public_set,
)
from groups.views.access import viewable_group, viewer_zone
from lib.forms import form_page_status
from lib.fragments import Built, earliest, fragment, html_fragment, this_hour

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from groups.selectors import GroupPageCounts


GROUPS_PER_PAGE = 20
Policy = SupportGroup.JoinPolicy


# What the directory reads: a write to any of these shows on the next request.
DIRECTORY_TABLES = (
    SupportGroup,
    SupportGroup.topics.through,
    Topic,
    MeetingSeries,
    Meeting,
    Membership,
)


@require_safe
def group_list(request: HtmxHttpRequest) -> HttpResponse:
    member = request.user if request.user.is_authenticated else None
    form = DirectoryFilterForm(request.GET, for_member=member is not None)
    filters = form.filters()
    # Members read times (and filter days and hours) in their profile's zone; visitors in
    # the one they chose, the site's until then.
    zone = member.time_zone if member else (form.chosen_zone() or settings.TIME_ZONE)
    refused = form.refused()
    now = timezone.now()
    context = {
        "form": form,
        "is_filtered": any(filters.values()),
        "is_refused": refused,
        "asks_zone": member is None,
        "filters_chosen": len(filters["formats"])
        + len(filters["languages"])
        + len(filters["topics"])
        + len(filters["audiences"])
        + len(filters["days"])
        + len(filters["times"]),
        "can_create": user_can_create_groups(request.user),
        "viewer_zone": zone,
        "now": now,
    }
    # htmx asks for the results only; a history restore (back button, cache miss) needs
    # the whole page.
    partial = bool(request.htmx and not request.htmx.history_restore_request)
    asked = (sorted((key, sorted(values)) for key, values in request.GET.lists()), zone)

    def results() -> Built:
        groups = (
            SupportGroup.objects.none()
            if refused
            else group_list_directory(**filters, zone=zone, viewer=member, now=now)
        )
        page = Paginator(groups, GROUPS_PER_PAGE).get_page(request.GET.get("page"))
        html = render_to_string(
            "groups/fragments/_group_results.html",
            {**context, "page_obj": page, "partial": partial},
            request,
        )
        # The next meeting shown changes when one starts, anywhere.
        return Built(html, until=meeting_next_start(now=now))

    context["results"] = html_fragment(
        "directory-results",
        tables=DIRECTORY_TABLES,
        vary=(*asked, this_hour(now), member.pk if member else None, partial),
        build=results,
    )
    # A refused search is a 400 for a page; htmx swaps only 2xx answers, so the results it
    # asked for (which say what was wrong) come with a 200.
    status = 400 if refused and not partial else 200
    if partial:
        response = HttpResponse(context["results"], status=status)
    else:
        context["filters"] = html_fragment(
            "directory-form",
            tables=(Topic,),
            vary=(*asked, this_hour(now), member is None),
            build=lambda: Built(
                render_to_string("groups/fragments/_directory_form.html", context, request)
            ),
        )
        response = render(request, "groups/group_list.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _is_full(group: SupportGroup) -> bool:
    # The group of a page's access always comes from group_get_for_page, which counts members.
    counted = cast("WithAnnotations[SupportGroup, GroupPageCounts]", group)
    return group.member_limit is not None and counted.active_member_count >= group.member_limit


def membership_status(access: GroupAccess, *, invited: bool = False) -> str:
    """Which join/leave control the viewer sees: one word the templates switch on.

    The service decides for real (and says why not); this only picks what to offer."""
    group = access.group
    if not group.is_active:
        return "closed"
    membership = access.membership
    if access.is_facilitator:
        return "facilitator"
    if access.is_active_member:
        return "member"
    if access.is_pending:
        return "pending"
    if membership is not None and membership.state == Membership.State.REMOVED:
        return "removed"
    if group.join_policy == Policy.INVITATION and not invited:
        return "invitation_only"
    if not access.user.is_authenticated:
        return "anonymous"
    if _is_full(group) and (group.join_policy != Policy.APPROVAL or invited):
        return "full"
    if group.join_policy == Policy.APPROVAL and not invited:
        return "can_request"
    return "can_join"


# What a group's page reads for visitors (no announcements, no members-only panels): a
# write to any of these shows on the next request.
GROUP_PAGE_TABLES = (*DIRECTORY_TABLES, User)  # User: the facilitators' names


@require_safe
def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    now = timezone.now()

    def page() -> Built:
        group, access = viewable_group(request, slug)  # 404 for who may not see it
        context = _group_page_context(request, group, access, now=now)
        meetings = cast("list[Meeting]", context["meetings"])
        html = render_to_string("groups/fragments/_group_page.html", context, request)
        # The next meeting and the list change when a listed meeting starts or ends.
        until = earliest(*(m.starts_at for m in meetings), *(m.ends_at for m in meetings))
        return Built((group.name, html), until=until)

    if request.user.is_authenticated:  # a member's page holds their answers and forms
        name, html = page().value
    else:  # every visitor sees the same
        name, html = fragment(
            "group-page",
            tables=GROUP_PAGE_TABLES,
            vary=(slug, this_hour(now)),
            build=page,
        )
    return render(
        request,
        "groups/group_detail.html",
        {"group_name": name, "page": mark_safe(html)},  # noqa: S308 - our templates' HTML
    )


def _group_page_context(
    request: HttpRequest, group: SupportGroup, access: GroupAccess, *, now: datetime
) -> dict[str, object]:
    announcements = (
        announcement_list_for_group(group=group) if access.can_see_members_only_details else []
    )
    all_series = series_list_for_group(group=group)
    # A member's own join addresses (never the link itself: groups.meetings.joining).
    join_urls = (
        join_urls_for(user=cast(User, request.user), series=list(all_series))
        if access.is_active_member
        else {}
    )
    schedule = [
        (
            series,
            Recurrence.from_rrule(series.rrule, time_zone=series.time_zone).describe(),
            series_public_place(series),
            series_public_conference_url(series),
            join_urls.get(series.pk, ""),
        )
        for series in all_series
    ]
    meetings = meeting_list_upcoming_for_group(group=group, now=now)
    return {
        "group": group,
        "access": access,
        "status": membership_status(access),
        # An offer to take the group (or a series) over, waiting for this member's answer.
        "handover_offers": (
            list(handovers_open_for(user=cast(User, request.user), group=group))
            if access.is_active_member
            else []
        ),
        "join_urls": join_urls,
        "announcements": announcements,
        **group_page_panels(group=group, for_members=access.can_see_members_only_details),
        "schedule": schedule,
        "meetings": meetings,
        "viewer_zone": viewer_zone(request, group),
        **_next_meeting_context(request, access, meetings, join_urls=join_urls, now=now),
    }


def _next_meeting_context(
    request: HttpRequest,
    access: GroupAccess,
    meetings: list[Meeting],
    *,
    join_urls: dict[int, str],
    now: datetime,
) -> dict[str, object]:
    """The group page's first card: the next meeting that is not cancelled; for a member, with
    their answer, its place and the RSVP buttons."""
    upcoming = next((meeting for meeting in meetings if not meeting.is_cancelled), None)
    if upcoming is None or not access.can_rsvp:
        return {"next_meeting": upcoming, "next_meeting_for_member": False}
    rsvp, _position = rsvp_for(user=request.user, meeting=upcoming)
    return {
        "next_meeting": upcoming,
        "next_meeting_for_member": True,
        "next_meeting_answer": rsvp.answer if rsvp else None,
        "next_meeting_place": meeting_place_for(upcoming, join_urls=join_urls),
        "next_meeting_open": not upcoming.has_started(now=now),
    }


@require_safe
@never_cache  # a member's copy holds the link
def series_join(request: HttpRequest, slug: str, series_slug: str) -> HttpResponse:
    """The series' public join page, where meeting finders send people for a series whose
    link the group keeps private (its `conference_url` in the Meeting Guide feed): what the
    meeting is, and how to join the group (open groups) or ask to (approval groups). An
    active member is led to their own join address; the link itself is on no page."""
    group, access = viewable_group(request, slug)
    series = get_object_or_404(MeetingSeries, group=group, slug=series_slug)
    series.group = group  # the page's copy, with its member counts: no second query
    if not series.meets_online:
        raise Http404("This series does not meet online.")
    address = (
        join_addresses_for(user=cast(User, request.user), series=[series]).get(series.pk)
        if access.is_active_member
        else None
    )
    return render(
        request,
        "groups/series_join.html",
        {
            "group": group,
            "access": access,
            "status": membership_status(access),
            "series": series,
            "description": Recurrence.from_rrule(
                series.rrule, time_zone=series.time_zone
            ).describe(),
            # What anyone may know (a published link included); a member's own address.
            "place": series_public_place(series),
            "join_url": join_address_url(address) if address is not None else "",
            "revoked": address is not None and address.is_revoked,
            "for_members": access.is_active_member,
        },
    )


def _join(
    request: HttpRequest, *, group: SupportGroup, form: JoinForm, **extra
) -> Membership | None:
    """Bind the form and call the service; None (with the reason on the form) if refused."""
    if not form.is_valid():
        return None
    try:
        return membership_join(
            # Only signed-in people get here: group_join requires it, and invitation_accept
            # sends visitors to sign in before they can post.
            user=cast(User, request.user),
            group=group,
            accept_conduct=form.cleaned_data["accept_conduct"],
            message=form.cleaned_data.get("message", ""),
            **extra,
        )
    except MembershipError as error:
        form.add_error(None, error)
        return None


def _joined_message(request: HttpRequest, membership: Membership, before: str | None) -> None:
    words = {"name": membership.group.name}
    if membership.state == before:  # joining twice changes nothing
        if membership.is_active:
            # Translators: %(name)s is the group's name.
            messages.info(request, _("You're already a member of %(name)s.") % words)
        else:
            # Translators: %(name)s is the group's name.
            messages.info(request, _("Your request to join %(name)s is already waiting.") % words)
    elif membership.is_active:
        messages.success(
            request,
            # Translators: %(name)s is the group's name.
            _("Welcome to %(name)s. You can now see where and when the group meets.") % words,
        )
    else:
        messages.success(
            request,
            # Translators: %(name)s is the group's name.
            _(
                "Your request was sent to the facilitators of %(name)s. We'll e-mail you when "
                "they have answered."
            )
            % words,
        )


@login_required
@require_http_methods(["GET", "POST"])
def group_join(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group, access = viewable_group(request, slug)
    status = membership_status(access)
    if request.method == "GET" and status not in {"can_join", "can_request"}:
        return redirect("groups:group-detail", slug=group.slug)  # its page says why
    before = access.membership.state if access.membership else None
    data = request.POST if request.method == "POST" else None
    form = JoinForm(data, asks_message=group.join_policy == Policy.APPROVAL)
    if request.method == "POST":
        membership = _join(request, group=group, form=form)
        if membership is not None:
            _joined_message(request, membership, before)
            return redirect("groups:group-detail", slug=group.slug)
    return render(
        request,
        "groups/join_confirm.html",
        {"group": group, "form": form, "status": status},
        status=form_page_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_leave(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group, access = viewable_group(request, slug)
    if not access.can_leave:
        # Translators: %(name)s is the group's name.
        messages.info(request, _("You're not a member of %(name)s.") % {"name": group.name})
        return redirect("groups:group-detail", slug=group.slug)
    error = None
    if request.method == "POST":
        was_pending = access.is_pending
        try:
            # can_leave means there is a membership (active or pending) to leave.
            membership_leave(membership=cast(Membership, access.membership))
        except MembershipError as refused:
            error = refused.message
        else:
            words = {"name": group.name}
            if was_pending:
                # Translators: %(name)s is the group's name.
                messages.success(request, _("Your request to join %(name)s is withdrawn.") % words)
            else:
                messages.success(
                    request,
                    # Translators: %(name)s is the group's name.
                    _("You left %(name)s. You're welcome back any time.") % words,
                )
            if group.is_active:
                return redirect("groups:group-detail", slug=group.slug)
            return redirect("groups:group-list")
    return render(
        request,
        "groups/leave_confirm.html",
        {"group": group, "access": access, "error": error},
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_get_by_token(token=token)
    group = group_get_for_page(slug=invitation.group.slug)
    access = group_access(user=request.user, group=group)
    if access.can_leave:  # already in (or asked): the invitation is not needed
        return redirect("groups:group-detail", slug=group.slug)
    if not (invitation.is_usable() and group.is_active):
        # Not the group's name: whoever holds an old link learns nothing more from it.
        lifetime_days = Invitation.DEFAULT_LIFETIME.days
        return render(
            request, "groups/invitation_gone.html", {"lifetime_days": lifetime_days}, status=410
        )
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    before = access.membership.state if access.membership else None
    form = JoinForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        membership = _join(request, group=group, form=form, invitation=invitation)
        if membership is not None:
            _joined_message(request, membership, before)
            return redirect("groups:group-detail", slug=group.slug)
    return render(
        request,
        "groups/invitation_accept.html",
        {
            "group": group,
            "form": form,
            "invitation": invitation,
            "status": membership_status(access, invited=True),
        },
        status=form_page_status(form),
    )


@login_required
@require_POST
def facilitator_name(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """A facilitator chooses whether visitors to the group's page see their name."""
    group, access = viewable_group(request, slug)
    if access.membership is None or not access.is_facilitator:
        raise PermissionDenied("Only the group's facilitators choose this.")
    form = FacilitatorNameForm(request.POST, instance=access.membership)
    form.is_valid()  # a checkbox: anything else it is sent means "no"
    membership_name_public_set(
        membership=access.membership, public=bool(form.cleaned_data.get("name_public"))
    )
    messages.success(
        request,
        _("Visitors to the group's page now see your name.")
        if access.membership.name_public
        else _('Visitors to the group\'s page now see "a facilitator" instead of your name.'),
    )
    return redirect("groups:group-detail", slug=group.slug)

"""The view-level access helpers every view about a group goes through: the one public place
for them (groups.permissions holds the rules themselves).

`viewable_group` for pages anyone allowed may see (404 otherwise, so that a group's existence
stays private); `facilitator_view` for facilitator pages: signed in, then the group must be
visible to the person (404), then they must be able to facilitate it (403), then they must
have a second factor (sent to set one up); `meeting_runner_view` the same for running a
meeting (attendance, the online room), which a backup facilitator may do too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import redirect_to_second_factor_setup
from groups.models import SupportGroup
from groups.permissions import GroupAccess, group_access, group_access_by_slug
from groups.selectors import group_get_for_page


def viewer_zone(request: HttpRequest, group: SupportGroup) -> str:
    """Times are shown in the member's zone; visitors see the group's own."""
    return request.user.time_zone if request.user.is_authenticated else group.time_zone


def viewable_group(request: HttpRequest, slug: str) -> tuple[SupportGroup, GroupAccess]:
    """The group and the viewer's access to it; 404 when the viewer may not see it."""
    group = group_get_for_page(slug=slug)
    access = group_access(user=request.user, group=group)
    if not access.can_view_group:
        raise Http404("No such group.")
    return group, access


def visible_group_access(request: HttpRequest, slug: str) -> GroupAccess:
    """The viewer's access to the group `slug`, without the page's counts; 404 when there is
    no such group or the viewer may not see it."""
    access = group_access_by_slug(user=request.user, slug=slug)
    if access is None or not access.can_view_group:
        raise Http404("No such group.")
    return access


def lacks_second_factor(request: AuthenticatedHttpRequest) -> bool:
    # The rule of accounts.permissions (facilitators and admins need a second factor), applied
    # to whoever facilitates this group: a member promoted to co-facilitator does not carry
    # the site-wide facilitator flag, yet sees the same member list.
    return not is_mfa_enabled(request.user)


def facilitated_group(
    request: HttpRequest, slug: str, *, runs_meetings: bool = False
) -> tuple[SupportGroup, GroupAccess]:
    """The group `slug` if the signed-in person may facilitate it (with `runs_meetings`: may
    run its meetings, as a backup may): 404 if they may not see it, 403 if they may see it
    but not do that."""
    access = visible_group_access(request, slug)
    group = access.group
    if not (access.can_run_meetings if runs_meetings else access.can_facilitate):
        raise PermissionDenied("Only this group's facilitators can do that.")
    return group, access


FacilitatorView = Callable[..., HttpResponse]


def facilitator_view(view: FacilitatorView) -> Callable[..., HttpResponse]:
    """Wraps `view(request, group, access, **kwargs)` in the checks of `facilitated_group`
    and the second-factor rule, in that order."""

    @login_required
    @wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, slug: str, **kwargs: Any) -> HttpResponse:
        group, access = facilitated_group(request, slug)
        if lacks_second_factor(request):
            return redirect_to_second_factor_setup(request)
        return view(request, group, access, **kwargs)

    return wrapped


def meeting_runner_view(view: FacilitatorView) -> Callable[..., HttpResponse]:
    """`facilitator_view` for what whoever hosts a meeting does, a backup facilitator too
    (GroupAccess.can_run_meetings): take its attendance, open or lock its room. Scheduling,
    cancelling and moving stay with `facilitator_view`."""

    @login_required
    @wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, slug: str, **kwargs: Any) -> HttpResponse:
        group, access = facilitated_group(request, slug, runs_meetings=True)
        if lacks_second_factor(request):
            return redirect_to_second_factor_setup(request)
        return view(request, group, access, **kwargs)

    return wrapped

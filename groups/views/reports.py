"""Reporting a concern about a group, an announcement or a person. Anyone signed in who can
see the thing may report it; the admins are e-mailed at once (groups.services.reports) and
work the reports in the admin area (staff, /manage/reports/)."""

from __future__ import annotations

from typing import TypedDict

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from accounts.permissions import user_lacks_required_second_factor
from groups import selectors
from groups.forms import ReportForm
from groups.models import Announcement, SupportGroup
from groups.permissions import GroupAccess, group_access
from groups.services.reports import report_file
from lib.forms import form_page_status


class ReportTarget(TypedDict, total=False):
    """What a report is about: the keyword arguments of `report_file` that name it."""

    group: SupportGroup
    announcement: Announcement
    person: User


def _visible_group(request: HttpRequest, slug: str) -> tuple[SupportGroup, GroupAccess]:
    group = get_object_or_404(SupportGroup, slug=slug)
    access = group_access(user=request.user, group=group)
    if not access.can_report:
        raise Http404("No such group.")
    return group, access


def _report_page(
    request: AuthenticatedHttpRequest, *, about: str, back_url: str, target: ReportTarget
) -> HttpResponse:
    """The form, or once it is sent, the acknowledgement (the reporter is e-mailed one too).
    `about` is the page's first sentence: what the report is about."""
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        report = report_file(
            reporter=request.user,
            reason=form.cleaned_data["reason"],
            text=form.cleaned_data["text"],
            **target,
        )
        return render(request, "groups/report_sent.html", {"report": report, "back_url": back_url})
    return render(
        request,
        "groups/report_form.html",
        {"form": form, "about": about, "back_url": back_url},
        status=form_page_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_group(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group, _access = _visible_group(request, slug)
    return _report_page(
        request,
        # Translators: the start of the page for reporting a concern; %(group)s is its name.
        about=_("About the group %(group)s.") % {"group": group.name},
        back_url=reverse("groups:group-detail", args=[group.slug]),
        target={"group": group},
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_announcement(
    request: AuthenticatedHttpRequest, slug: str, announcement_id: int
) -> HttpResponse:
    group, access = _visible_group(request, slug)
    # Announcements are for members: to anyone else they do not exist.
    if not access.can_see_members_only_details:
        raise Http404("No such announcement.")
    announcement = get_object_or_404(Announcement, pk=announcement_id, group=group)
    return _report_page(
        request,
        # Translators: the start of the page for reporting a concern about an announcement.
        about=_("About the announcement “%(title)s” in %(group)s.")
        % {"title": announcement.title, "group": group.name},
        back_url=reverse("groups:group-detail", args=[group.slug]),
        target={"group": group, "announcement": announcement},
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_person(request: AuthenticatedHttpRequest, slug: str, user_id: int) -> HttpResponse:
    """A concern about someone, from the place where the reporter sees them: the group's
    people page, or its member list for a facilitator (who needs a second factor to see
    the members who are hidden from the others)."""
    group, access = _visible_group(request, slug)
    if not access.can_see_visible_members or request.user.pk == user_id:
        raise Http404("No such person here.")
    person = selectors.person_get_reportable(
        group=group,
        person_id=user_id,
        sees_everyone=access.can_see_member_list
        and not user_lacks_required_second_factor(request.user),
    )
    return _report_page(
        request,
        # Translators: the start of the page for reporting a concern about a person; %(person)s
        # is their display name, %(group)s the group's name.
        about=_("About %(person)s, in %(group)s.")
        % {"person": person.display_name, "group": group.name},
        back_url=reverse("groups:visible-members", args=[group.slug]),
        target={"group": group, "person": person},
    )

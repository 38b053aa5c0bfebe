"""Who is hosting? One meeting's hosting page, where its facilitators and backups say "I will
host this one" or "I can't host this one" (the buttons on the dashboard, the schedule and the
meeting's page post here too). The rules are in groups.hosting.

Signed in, then the group must be visible (404), then the person must be able to host its
meetings (403). No second factor is asked here: the page names who hosts, not the members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedHttpRequest
from groups.hosting import (
    HOSTS_ALERT_BEFORE,
    MEMBERS_ALERT_BEFORE,
    HostingError,
    HostingOutcome,
    hosting_answer,
    hosting_attach,
)
from groups.models import HostingAnswer, Meeting
from groups.permissions import GroupAccess
from groups.selectors import meeting_get_for_page
from groups.views.access import visible_group_access

WILL_HOST, CANT_HOST = HostingAnswer.Answer.WILL_HOST, HostingAnswer.Answer.CANT_HOST


def _hosting_group(request: AuthenticatedHttpRequest, slug: str) -> GroupAccess:
    access = visible_group_access(request, slug)
    if not access.can_host:
        raise PermissionDenied("Only the group's facilitators and backups host its meetings.")
    return access


def _done_message(outcome: HostingOutcome) -> str:
    if outcome.answer.answer == WILL_HOST:
        return _("Thank you: you're hosting this meeting. The others can see it.")
    if outcome.covered:
        return _("Noted: you can't host this one. Someone else has said they will.")
    if outcome.asked:
        return ngettext(
            "Noted: you can't host this one. We have asked the %(count)d other person who "
            "could host it.",
            "Noted: you can't host this one. We have asked the %(count)d others who could host it.",
            outcome.asked,
        ) % {"count": outcome.asked}
    return _("Noted: you can't host this one. There is nobody else in the group left to ask.")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_hosting(request: AuthenticatedHttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    access = _hosting_group(request, slug)
    group = access.group
    meeting = meeting_get_for_page(group=group, meeting_id=meeting_id)
    if request.method != "POST":
        return _page(request, access, meeting)
    answer = request.POST.get("answer")
    if answer not in {WILL_HOST, CANT_HOST}:
        return _page(
            request, access, meeting, error=_("Choose whether you will host it or not."), status=400
        )
    try:
        outcome = hosting_answer(meeting=meeting, user=request.user, will_host=answer == WILL_HOST)
    except HostingError as refused:
        return _page(request, access, meeting, error=str(refused.message), status=400)
    messages.success(request, _done_message(outcome))
    # The buttons on the dashboard, the schedule and the meeting's page bring the person back.
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("groups:meeting-hosting", slug=group.slug, meeting_id=meeting.pk)


def _page(
    request: AuthenticatedHttpRequest,
    access: GroupAccess,
    meeting: Meeting,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    hosting_attach([meeting], user=request.user)
    return render(
        request,
        "groups/meeting_hosting.html",
        {
            "group": access.group,
            "access": access,
            "meeting": meeting,
            "viewer_zone": request.user.time_zone,
            "has_started": meeting.has_started(now=timezone.now()),
            "error": error,
            "hosts_hours": int(HOSTS_ALERT_BEFORE.total_seconds() // 3600),
            "members_hours": int(MEMBERS_ALERT_BEFORE.total_seconds() // 3600),
        },
        status=status,
    )

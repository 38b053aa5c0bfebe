"""Cover and handover (the rules are in groups.handovers): the facilitators' handover page
(offer the group or a series, withdraw an open offer, set one's service term), the page
where the member it was offered to accepts or declines, and a backup's stepping down."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from groups.forms import HandoverForm, TermForm
from groups.handovers import (
    OFFER_OPEN_FOR,
    TERM_REMINDER_BEFORE,
    HandoverError,
    backup_end,
    handover_accept,
    handover_decline,
    handover_offer,
    handover_withdraw,
    handovers_open_in,
    term_set,
)
from groups.models import Handover, Membership, SupportGroup
from groups.permissions import GroupAccess
from groups.views.access import facilitator_view, visible_group_access
from lib.forms import form_page_status, posted_data


def _page(
    request: AuthenticatedHttpRequest,
    group: SupportGroup,
    access: GroupAccess,
    *,
    form: HandoverForm | None = None,
    term_form: TermForm | None = None,
) -> HttpResponse:
    membership = access.membership
    form = form or HandoverForm(group=group, by=request.user)
    term_form = term_form or TermForm(
        initial={"ends_on": membership.term_ends_on if membership else None}
    )
    status = max(form_page_status(form), form_page_status(term_form))
    return render(
        request,
        "groups/handover.html",
        {
            "group": group,
            "access": access,
            "form": form,
            "term_form": term_form,
            "open_offers": handovers_open_in(group),
            "term_ends_on": membership.term_ends_on if membership else None,
            "offer_days": OFFER_OPEN_FOR.days,
            "reminder_weeks": TERM_REMINDER_BEFORE.days // 7,
        },
        status=status,
    )


def _may_hand_over(access: GroupAccess) -> None:
    """An admin may facilitate a group but not hand it over: it is not theirs to give."""
    if not access.can_hand_over:
        raise PermissionDenied("Only the group's own facilitators hand it over.")


@require_http_methods(["GET", "POST"])
@facilitator_view
def handover(
    request: AuthenticatedHttpRequest, group: SupportGroup, access: GroupAccess
) -> HttpResponse:
    _may_hand_over(access)
    if request.method != "POST":
        return _page(request, group, access)
    form = HandoverForm(posted_data(request), group=group, by=request.user)
    if form.is_valid():
        chosen: Membership = form.cleaned_data["to"]
        try:
            offer = handover_offer(
                group=group,
                by=request.user,
                to=chosen.user,
                series=form.cleaned_data["series"],
                stay_on=form.cleaned_data["stay_on"],
                message=form.cleaned_data["message"],
            )
        except HandoverError as refused:
            form.add_error(None, refused)
        else:
            messages.success(
                request,
                _("We have told %(name)s. Nothing changes unless they accept.")
                % {"name": offer.offered_to.display_name},
            )
            return redirect("groups:handover", slug=group.slug)
    return _page(request, group, access, form=form)


@require_POST
@facilitator_view
def handover_withdraw_view(
    request: AuthenticatedHttpRequest, group: SupportGroup, access: GroupAccess, handover_id: int
) -> HttpResponse:
    _may_hand_over(access)
    offer = get_object_or_404(Handover, pk=handover_id, group=group)
    try:
        handover_withdraw(handover=offer, by=request.user)
    except HandoverError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(
            request,
            _("Offer withdrawn. We have told %(name)s.") % {"name": offer.offered_to.display_name},
        )
    return redirect("groups:handover", slug=group.slug)


@require_POST
@facilitator_view
def term_set_view(
    request: AuthenticatedHttpRequest, group: SupportGroup, access: GroupAccess
) -> HttpResponse:
    _may_hand_over(access)
    term_form = TermForm(posted_data(request))
    if term_form.is_valid():
        ends_on = term_form.cleaned_data["ends_on"]
        try:
            term_set(group=group, user=request.user, ends_on=ends_on)
        except HandoverError as refused:
            term_form.add_error("ends_on", refused)
        else:
            messages.success(
                request,
                _("Your service term is saved. We will remind you four weeks before it ends.")
                if ends_on
                else _("Your service term is cleared: you facilitate with no end date."),
            )
            return redirect("groups:handover", slug=group.slug)
    return _page(request, group, access, term_form=term_form)


# --- the member it was offered to ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def handover_answer(request: AuthenticatedHttpRequest, slug: str, handover_id: int) -> HttpResponse:
    """The offer, for the member it was made to: what changes, and accept or decline. 404
    for anyone else (an offer names two people)."""
    access = visible_group_access(request, slug)
    offer = get_object_or_404(
        Handover.objects.select_related("group", "series", "offered_by"),
        pk=handover_id,
        group=access.group,
        offered_to=request.user,
    )
    error = ""
    if request.method == "POST":
        answer = request.POST.get("answer")
        try:
            if answer == "accept":
                accepted = handover_accept(handover=offer, by=request.user)
                messages.success(
                    request,
                    _("You now facilitate it. Thank you for taking it on.")
                    if accepted.handover.series_id is None
                    else _("You now lead this meeting. Thank you for taking it on."),
                )
                return redirect("groups:dashboard")
            if answer == "decline":
                handover_decline(handover=offer, by=request.user)
                messages.success(request, _("You declined. Nothing has changed."))
                return redirect("groups:group-detail", slug=access.group.slug)
            error = _("Choose whether to accept or decline.")
        except HandoverError as refused:
            error = " ".join(refused.messages)
    return render(
        request,
        "groups/handover_answer.html",
        {
            "group": access.group,
            "access": access,
            "offer": offer,
            "is_open": offer.is_open(now=timezone.now()),
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def backup_step_down(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """A backup facilitator stops being one, from the group's page."""
    access = visible_group_access(request, slug)
    if access.membership is None or not access.is_backup:
        raise PermissionDenied("Only a backup facilitator steps down.")
    backup_end(membership=access.membership, by=request.user)
    messages.success(request, _("You are no longer a backup facilitator. Thank you for your help."))
    return redirect("groups:group-detail", slug=slug)

"""The admin area: reports, the resource review queue and join requests, for admins only.

Every write goes through the services that own it (groups.services.reports, the library's
curation with its four-eyes rule, the membership decisions), which audit it and tell the
people concerned; each action ends with a message, and what cannot be taken back (resolving
a report, which mails the reporter; sending a resource back; declining a request) has a
confirmation page of its own."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from accounts.models import AuditEvent
from accounts.services.audit import audit_record
from groups.forms import MembershipDecisionForm
from groups.hosting import (
    HOSTS_ALERT_BEFORE,
    MEMBERS_ALERT_BEFORE,
    meetings_without_host,
    meetings_without_host_count,
)
from groups.models import Membership, Report
from groups.services.memberships import MembershipError, membership_approve, membership_decline
from groups.services.reports import report_resolve, report_update
from lib.forms import form_page_status, posted_data
from resources.models import Resource
from resources.services.curation import resource_publish, resource_return_to_draft
from staff import selectors
from staff.forms import ReportResolveForm, ReportUpdateForm, ResourceReturnForm
from staff.permissions import admin_required

PAGE_SIZE = 25


@require_safe
@admin_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    counts = selectors.report_counts()
    return render(
        request,
        "staff/index.html",
        {
            "open_reports": counts[Report.Status.OPEN],
            "reports_in_progress": counts[Report.Status.IN_PROGRESS],
            "resources_in_review": selectors.resource_review_queue().count(),
            "join_requests": selectors.join_requests_for_admins().count(),
            "meetings_without_host": meetings_without_host_count(),
            "hosts_hours": int(HOSTS_ALERT_BEFORE.total_seconds() // 3600),
        },
    )


# --- reports --------------------------------------------------------------------------------


@require_safe
@admin_required
def report_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Report.Status.values:
        status = ""
    page = Paginator(selectors.report_list_for_admins(status=status or None), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "staff/report_list.html",
        {
            "page": page,
            "status": status,
            "status_label": Report.Status(status).label if status else "",
            "statuses": Report.Status.choices,
        },
    )


def _report(report_id: int) -> Report:
    try:
        return selectors.report_get_for_admins(report_id=report_id)
    except Report.DoesNotExist:
        raise Http404("No such report.") from None


@require_http_methods(["GET", "HEAD", "POST"])
@admin_required
def report_detail(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = _report(report_id)
    initial_status = (
        report.status if report.status != Report.Status.RESOLVED else Report.Status.IN_PROGRESS
    )
    form = ReportUpdateForm(
        posted_data(request),
        initial={"status": initial_status, "note": report.admin_note},
    )
    if request.method == "POST" and form.is_valid():
        report_update(
            report=report,
            by=request.user,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
        messages.success(
            request,
            # Translators: %(status)s is where the report now stands, such as "In progress".
            _("Report %(number)s saved: %(status)s.")
            % {"number": report.pk, "status": report.get_status_display()},
        )
        return redirect("staff:report-detail", report.pk)
    return render(
        request,
        "staff/report_detail.html",
        {"report": report, "form": form},
        status=form_page_status(form),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@admin_required
def report_resolve_confirm(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = _report(report_id)
    if report.status == Report.Status.RESOLVED:
        messages.info(request, _("Report %(number)s is already resolved.") % {"number": report.pk})
        return redirect("staff:report-detail", report.pk)
    form = ReportResolveForm(posted_data(request), initial={"note": report.admin_note})
    if request.method == "POST" and form.is_valid():
        try:
            report_resolve(report=report, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if report.reporter_id:
                resolved = _("Report %(number)s is resolved. We have e-mailed the reporter.")
            else:
                resolved = _("Report %(number)s is resolved.")
            messages.success(request, resolved % {"number": report.pk})
            return redirect("staff:report-list")
    return render(
        request,
        "staff/report_resolve.html",
        {"report": report, "form": form},
        status=form_page_status(form),
    )


# --- the resource review queue -------------------------------------------------------------


@require_safe
@admin_required
def review_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "staff/review_list.html", {"resources": selectors.resource_review_queue()}
    )


def _in_review(resource_id: int) -> Resource:
    return get_object_or_404(selectors.resource_review_queue(), pk=resource_id)


@require_safe
@admin_required
def review_detail(request: AuthenticatedHttpRequest, resource_id: int) -> HttpResponse:
    resource = _in_review(resource_id)
    return render(
        request,
        "staff/review_detail.html",
        {"resource": resource, "own": resource.author_id == request.user.pk},
    )


@require_POST
@admin_required
def review_publish(request: AuthenticatedHttpRequest, resource_id: int) -> HttpResponse:
    resource = _in_review(resource_id)
    try:
        resource_publish(resource=resource, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("staff:review-detail", resource.pk)
    messages.success(
        request, _("“%(title)s” is published in the library.") % {"title": resource.title}
    )
    return redirect("staff:review-list")


@require_http_methods(["GET", "HEAD", "POST"])
@admin_required
def review_return(request: AuthenticatedHttpRequest, resource_id: int) -> HttpResponse:
    resource = _in_review(resource_id)
    form = ResourceReturnForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        resource_return_to_draft(resource=resource, by=request.user, note=form.cleaned_data["note"])
        messages.success(
            request,
            _("“%(title)s” is back with its author as a draft.") % {"title": resource.title},
        )
        return redirect("staff:review-list")
    return render(
        request,
        "staff/review_return.html",
        {"resource": resource, "form": form},
        status=form_page_status(form),
    )


# --- join requests --------------------------------------------------------------------------


@require_safe
@admin_required
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.join_requests_for_admins(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # Who asks to join which group is health information: each look is kept, as for a
    # group's member list (by the groups' ids, never their names).
    audit_record(
        action=AuditEvent.Action.MEMBER_LIST_VIEWED,
        subject=None,
        actor=request.user,
        details={"join_requests": sorted({m.group_id for m in page.object_list})},
    )
    return render(
        request,
        "staff/request_list.html",
        {
            "page": page,
            "message_max_length": MembershipDecisionForm.base_fields["message"].max_length,  # type: ignore[attr-defined]  # a CharField
        },
    )


def _pending(membership_id: int) -> Membership:
    return get_object_or_404(selectors.join_requests_for_admins(), pk=membership_id)


@require_POST
@admin_required
def request_approve(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    membership = _pending(membership_id)
    form = MembershipDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors["message"]))
        return redirect("staff:request-list")
    name, group = membership.user.display_name, membership.group.name
    try:
        membership_approve(
            membership=membership, by=request.user, message=form.cleaned_data["message"]
        )
    except MembershipError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s is now a member of %(group)s. We have e-mailed them.")
            % {"name": name, "group": group},
        )
    return redirect("staff:request-list")


@require_http_methods(["GET", "HEAD", "POST"])
@admin_required
def request_decline(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    membership = _pending(membership_id)
    form = MembershipDecisionForm(posted_data(request))
    if request.method == "POST" and request.POST.get("confirm") == "yes" and form.is_valid():
        name, group = membership.user.display_name, membership.group.name
        try:
            membership_decline(
                membership=membership, by=request.user, message=form.cleaned_data["message"]
            )
        except MembershipError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("You declined %(name)s's request to join %(group)s. We have e-mailed them.")
                % {"name": name, "group": group},
            )
        return redirect("staff:request-list")
    return render(
        request,
        "staff/request_decline.html",
        {"membership": membership, "form": form},
        status=form_page_status(form) if form.errors else 200,
    )


# --- meetings nobody is hosting -------------------------------------------------------------


@require_safe
@admin_required
def unhosted_meetings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The meetings of the next 24 hours that nobody has said they will host (groups.hosting),
    the soonest first; those whose members going have been told stand out. One query,
    whatever their number."""
    return render(
        request,
        "staff/unhosted_meetings.html",
        {
            "rows": meetings_without_host(),
            "hosts_hours": int(HOSTS_ALERT_BEFORE.total_seconds() // 3600),
            "members_hours": int(MEMBERS_ALERT_BEFORE.total_seconds() // 3600),
        },
    )

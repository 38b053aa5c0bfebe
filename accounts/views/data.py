"""Your data: download a copy of it, or delete the account."""

from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.forms import AccountDeleteForm
from accounts.models import DataExport
from accounts.services.export_requests import export_request
from accounts.services.exports import export_latest, export_record_download
from accounts.services.users import user_delete, user_deletion_blockers

if TYPE_CHECKING:
    from accounts.http import AuthenticatedHttpRequest

LIFETIME_HOURS = int(DataExport.LIFETIME.total_seconds() // 3600)


def _is_post(request: HttpRequest) -> bool:
    return request.method == "POST"


def _is_not_post(request: HttpRequest) -> bool:
    return request.method != "POST"


@login_required
@require_http_methods(["GET", "POST"])
# Reading the page (and its htmx refresh) shows only the state of the file; asking for one
# needs a recent password, and so does the download.
@reauthentication_required(enabled=_is_post)
def export_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        export = export_request(user=request.user)
        if export.status == DataExport.Status.READY:
            messages.success(request, _("Your file is ready to download."))
        else:
            messages.success(request, _("We're preparing your file…"))
        return redirect("accounts:export")

    context = {"export": export_latest(user=request.user), "lifetime_hours": LIFETIME_HOURS}
    if request.htmx:
        response = render(request, "fragments/_export_status.html", context)
    else:
        response = render(request, "accounts/export.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_safe
@reauthentication_required
def export_download(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    # Someone else's token and an unknown one look the same: not found.
    export = DataExport.objects.filter(token=token, user=request.user).first()
    if export is None:
        raise Http404
    if export.is_expired():
        context = {"lifetime_hours": LIFETIME_HOURS}
        return render(request, "accounts/export_expired.html", context, status=410)
    if export.status != DataExport.Status.READY:
        return redirect("accounts:export")

    export_record_download(export=export)
    day = timezone.localdate(export.ready_at, zoneinfo.ZoneInfo(request.user.time_zone))
    response = HttpResponse(export.content, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="kinship-data-{day:%Y-%m-%d}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
# The page needs a recent password like every sensitive one. The POST is not suspended by
# allauth's re-authentication (that would store the typed password in the session while the
# member re-enters it): it carries the password, and the code, and checks them itself.
@reauthentication_required(enabled=_is_not_post)
def account_delete(request: AuthenticatedHttpRequest) -> HttpResponse:
    blockers = user_deletion_blockers(user=request.user)
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and not blockers and form.is_valid():
        try:
            user_delete(user=request.user, request=request)
        except ValidationError as error:  # a check that started to hold since the page loaded
            blockers = error.messages
        else:
            messages.success(request, _("Your account has been deleted."))
            return redirect("home")
    return render(request, "accounts/delete.html", {"form": form, "blockers": blockers})

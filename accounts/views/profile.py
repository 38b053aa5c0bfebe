from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.forms import ProfileForm
from accounts.models import User
from accounts.panels import profile_panels
from accounts.selectors import audit_events_for_member
from accounts.services.users import user_update_profile
from lib.forms import form_page_status
from notifications.models import PushSubscription

if TYPE_CHECKING:
    from accounts.http import AuthenticatedHttpRequest


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Bind to a copy: a rejected form must not leave half-applied values on request.user.
    user = User.objects.get(pk=request.user.pk)
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
        user_update_profile(user=request.user, changes=changes)
        messages.success(request, _("Your profile and preferences are saved."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "push_devices": PushSubscription.objects.filter(user=request.user).count(),
            **profile_panels(user=request.user),
        },
        status=form_page_status(form),
    )


@login_required
@require_safe
def security_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/security.html",
        {
            "events": audit_events_for_member(user=request.user),
            "ip_retention_days": settings.AUDIT_IP_RETENTION_DAYS,
            "retention_days": settings.AUDIT_RETENTION_DAYS,
        },
    )

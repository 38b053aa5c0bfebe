from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from accounts.models import AuditEvent, User
from accounts.services.users import ROLE_FIELDS, user_record_role_changes
from lib.admin import ReadOnlyModelAdmin


def admin_login_through_our_sign_in(
    request: HttpRequest, extra_context: dict[str, Any] | None = None
) -> HttpResponse:
    """The admin has no sign-in form of its own: ours applies, with its rate limits and the
    second factor. A signed-in person who is not an admin simply may not enter."""
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect_to_login(
        request.GET.get("next") or reverse("admin:index"), reverse("account_login")
    )


admin.site.login = admin_login_through_our_sign_in  # type: ignore[method-assign]  # replaced on purpose, on this one site


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["display_name"]
    list_display = ["display_name", "email", "is_facilitator", "is_staff", "is_active"]
    list_filter = ["is_facilitator", "is_staff", "is_active"]
    search_fields = ["display_name", "email"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["display_name", "time_zone"]}),
        ("Roles", {"fields": ["is_active", "is_facilitator", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "display_name", "time_zone", "password1", "password2"],
            },
        )
    ]

    def save_model(self, request, obj, form, change):
        before = {}
        if change:
            stored = User.objects.filter(pk=obj.pk).values(*ROLE_FIELDS).first() or {}
            before = dict(stored)
        super().save_model(request, obj, form, change)
        user_record_role_changes(user=obj, before=before, actor=request.user)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyModelAdmin):
    """Read-only: the trail is append-only, for admins as for everyone."""

    list_display = ["created_at", "action", "subject", "actor", "ip_address"]
    list_filter = ["action"]
    search_fields = ["subject__display_name", "subject__email"]
    list_select_related = ["subject", "actor"]
    date_hierarchy = "created_at"

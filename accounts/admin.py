from __future__ import annotations

from typing import Any

from allauth.mfa.admin import AuthenticatorAdmin as AllauthAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from allauth.usersessions.admin import UserSessionAdmin as AllauthUserSessionAdmin
from allauth.usersessions.models import UserSession
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEvent, User
from accounts.services.users import ROLE_FIELDS, user_record_role_changes
from lib.admin import KinshipModelAdmin, ReadOnlyModelAdmin


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
class UserAdmin(KinshipModelAdmin, DjangoUserAdmin):
    ordering = ["display_name"]
    list_display = ["display_name", "email", "is_facilitator", "is_staff", "is_active"]
    list_filter = ["is_facilitator", "is_staff", "is_active"]
    search_fields = ["display_name", "email"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["display_name", "time_zone"]}),
        (_("Roles"), {"fields": ["is_active", "is_facilitator", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
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


# Roles are flags on the user (accounts.models.User), never Django's groups: their page would
# only invite confusion.
admin.site.unregister(Group)


class LookAndRemoveAdmin(KinshipModelAdmin):
    """Rows an admin may look at and remove (an authenticator lost with a phone, a session
    to end), never add or edit: allauth creates them through its own flows."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(LookAndRemoveAdmin, AllauthAuthenticatorAdmin):
    # Never `data`: it holds the secret of the authenticator app and the recovery codes.
    fields = ["user", "type", "created_at", "last_used_at"]
    list_select_related = ["user"]


admin.site.unregister(UserSession)


@admin.register(UserSession)
class UserSessionAdmin(LookAndRemoveAdmin, AllauthUserSessionAdmin):
    # Never the session's key or data: whoever holds them is signed in as the member.
    fields = ["user", "created_at", "last_seen_at", "ip", "user_agent"]
    list_select_related = ["user"]

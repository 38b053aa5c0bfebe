from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import AuditEvent, OutboxMessage, User
from accounts.selectors import outbox_counts_per_hour
from accounts.services.outbox import outbox_retry
from accounts.services.users import ROLE_FIELDS, user_record_role_changes


def admin_login_through_our_sign_in(request, extra_context=None):
    """The admin has no sign-in form of its own: ours applies, with its rate limits and the
    second factor. A signed-in person who is not an admin simply may not enter."""
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect_to_login(
        request.GET.get("next") or reverse("admin:index"), reverse("account_login")
    )


admin.site.login = admin_login_through_our_sign_in


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
        user_record_role_changes(user=obj, before=before, actor=request.user, request=request)


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Records admins look at but never write: nobody adds, edits or deletes them here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyModelAdmin):
    """Read-only: the trail is append-only, for admins as for everyone."""

    list_display = ["created_at", "action", "subject", "actor", "ip_address"]
    list_filter = ["action"]
    search_fields = ["subject__display_name", "subject__email"]
    list_select_related = ["subject", "actor"]
    date_hierarchy = "created_at"


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyModelAdmin):
    """The mail pipeline for operators: what is waiting, what went out, what failed, per hour,
    and a way to send a failed message again. The message text stays out of view."""

    change_list_template = "admin/accounts/outboxmessage/change_list.html"
    list_display = ["pk", "kind", "category", "state", "due_at", "attempts", "last_error"]
    list_filter = ["state", "kind", "category"]
    date_hierarchy = "due_at"
    fields = [
        "kind",
        "category",
        "user",
        "meeting_id",
        "lead_minutes",
        "state",
        "due_at",
        "expires_at",
        "attempts",
        "last_error",
        "created_at",
        "queued_at",
        "claimed_at",
        "finished_at",
    ]
    actions = ["retry"]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "hours": outbox_counts_per_hour()}
        return super().changelist_view(request, extra_context)

    @admin.action(description="Send the selected failed or expired messages again")
    def retry(self, request, queryset):
        count = outbox_retry(ids=list(queryset.values_list("pk", flat=True)))
        skipped = queryset.count() - count
        text = f"{count} message{'s' if count != 1 else ''} will be sent again."
        if skipped:
            text += f" {skipped} skipped: only failed or expired messages can be retried."
        self.message_user(request, text, messages.SUCCESS if count else messages.WARNING)

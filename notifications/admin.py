from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from lib.admin import ReadOnlyModelAdmin
from notifications.models import OutboxMessage
from notifications.selectors import outbox_counts_per_hour
from notifications.services import outbox_retry


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyModelAdmin):
    """The mail pipeline for operators: what is waiting, what went out, what failed, per hour,
    and a way to send a failed message again. The message text stays out of view."""

    change_list_template = "admin/notifications/outboxmessage/change_list.html"
    list_display = ["pk", "kind", "category", "state", "due_at", "attempts", "last_error"]
    list_filter = ["state", "channel", "kind", "category"]
    date_hierarchy = "due_at"
    fields = [
        "channel",
        "kind",
        "category",
        "user",
        "target_id",
        "variant",
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

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {**(extra_context or {}), "hours": outbox_counts_per_hour()}
        return super().changelist_view(request, extra_context)

    @admin.action(description="Send the selected failed or expired messages again")
    def retry(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = outbox_retry(ids=list(queryset.values_list("pk", flat=True)))
        skipped = queryset.count() - count
        text = f"{count} message{'s' if count != 1 else ''} will be sent again."
        if skipped:
            text += f" {skipped} skipped: only failed or expired messages can be retried."
        self.message_user(request, text, messages.SUCCESS if count else messages.WARNING)

"""The admin for groups: curating topics, looking after groups, and the report queue.

Memberships are read-only here: every change to one goes through the services (which audit
it and tell the person), so it is made on the site's member list, not in the admin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict, cast

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.http import AuthenticatedHttpRequest
from groups.models import (
    Announcement,
    Meeting,
    MeetingSeries,
    Membership,
    Report,
    SupportGroup,
    Topic,
)
from groups.services.groups import group_archive
from groups.services.reports import report_update
from lib.admin import KinshipModelAdmin, ReadOnlyModelAdmin

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _ActiveMembers(TypedDict):
    """What SupportGroupAdmin.get_queryset annotates on each group."""

    active_members: int


@admin.register(Topic)
class TopicAdmin(KinshipModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["user", "role", "state", "created_at", "decided_at"]
    readonly_fields = cast(list[str], fields)  # plain names, no field groups
    extra = 0
    can_delete = False
    show_change_link = False
    ordering = ["state", "role", "user__display_name"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(SupportGroup)
class SupportGroupAdmin(KinshipModelAdmin):
    list_display = ["name", "state", "format", "join_policy", "listed", "members", "created_at"]
    list_filter = ["state", "format", "join_policy", "audience", "listed", "topics"]
    search_fields = ["name", "slug", "city"]
    date_hierarchy = "created_at"
    # Archiving has its own action (audited); the slug is the group's address and stays.
    # The listing's freshness is the review's and the facilitators' answer (groups.listings).
    readonly_fields = [
        "slug",
        "state",
        "created_by",
        "created_at",
        "updated_at",
        "listing_asked_at",
        "listing_confirmed_at",
        "listing_lapsed_at",
    ]
    inlines = [MembershipInline]
    actions = ["archive_groups"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_members=Count(
                    "memberships", filter=Q(memberships__state=Membership.State.ACTIVE)
                )
            )
        )

    @admin.display(description=gettext_lazy("Active members"), ordering="active_members")
    def members(self, group: WithAnnotations[SupportGroup, _ActiveMembers]) -> int:
        return group.active_members

    @admin.action(description=gettext_lazy("Archive the selected groups"))
    def archive_groups(
        self, request: AuthenticatedHttpRequest, queryset: QuerySet[SupportGroup]
    ) -> None:
        archived = 0
        for group in queryset.filter(state=SupportGroup.State.ACTIVE):
            group_archive(group=group, by=request.user)
            archived += 1
        self.message_user(
            request,
            ngettext("%(count)d group archived.", "%(count)d groups archived.", archived)
            % {"count": archived},
            messages.SUCCESS,
        )


@admin.register(Membership)
class MembershipAdmin(ReadOnlyModelAdmin):
    list_display = ["user", "group", "role", "state", "created_at", "decided_at"]
    list_filter = ["state", "role"]
    search_fields = ["user__display_name", "group__name"]
    list_select_related = ["user", "group"]
    date_hierarchy = "created_at"


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(ReadOnlyModelAdmin):
    """Read-only: schedules change on the group's schedule page, which re-plans the meetings
    and tells the people who answered."""

    list_display = ["title", "group", "rrule", "start_date", "start_time", "time_zone"]
    list_filter = ["attendance_option", "openness"]
    search_fields = ["title", "slug", "group__name"]
    list_select_related = ["group"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyModelAdmin):
    """Read-only, like series: cancelling and moving tell people, so they happen on the site."""

    list_display = ["series", "group", "starts_at", "status"]
    list_filter = ["status"]
    search_fields = ["series__title", "group__name"]
    list_select_related = ["series", "group"]
    date_hierarchy = "starts_at"


@admin.register(Announcement)
class AnnouncementAdmin(KinshipModelAdmin):
    """For handling reports about a message: admins can read it and, if need be, delete it."""

    list_display = ["title", "group", "author", "created_at"]
    search_fields = ["title", "group__name"]
    list_select_related = ["group", "author"]
    readonly_fields = ["group", "author", "title", "body", "created_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(KinshipModelAdmin):
    """The queue: open reports first. Admins set the status and a note; each save is audited,
    and resolving one tells the reporter (groups.services.reports). The admin area
    (/manage/reports/) is where admins work them day to day."""

    list_display = ["__str__", "status", "reason", "created_at", "subject"]
    list_filter = ["status", "reason"]
    list_select_related = ["group", "announcement", "person", "reporter"]
    date_hierarchy = "created_at"
    fields = [
        "reporter",
        "group",
        "announcement",
        "person",
        "reason",
        "text",
        "created_at",
        "status",
        "admin_note",
        "handled_by",
        "resolved_at",
        "resolved_by",
        "updated_at",
    ]
    # Admins work a report by its status and note; what was reported stays as filed. (The
    # cast: `fields` holds plain names, no field groups.)
    readonly_fields = [
        name for name in cast(list[str], fields) if name not in {"status", "admin_note"}
    ]

    @admin.display(description=gettext_lazy("About"))
    def subject(self, report: Report) -> str:
        if report.announcement_id:
            # Translators: what a report is about, in the admin's list of reports.
            return _("Announcement: %(announcement)s") % {"announcement": report.announcement}
        if report.person_id:
            # Translators: what a report is about, in the admin's list of reports.
            return _("Person: %(person)s") % {"person": report.person}
        if report.group_id:
            # Translators: what a report is about, in the admin's list of reports.
            return _("Group: %(group)s") % {"group": report.group}
        return "—"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        report_update(
            report=obj,
            by=request.user,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["admin_note"],
        )

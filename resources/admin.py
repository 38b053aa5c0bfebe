"""The admin for the library: where admins write, review, publish and feature resources.

Every write goes through resources.services.curation: saving computes the reading time and
the search index, and the state moves only through the workflow actions (which record who
moved it and when, and keep four eyes on publication). The state itself is read-only here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, cast

from django import forms
from django.contrib import admin, messages
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from lib.admin import KinshipModelAdmin, LabelledChangelistForm
from resources.models import Category, Resource, StateChange, Tag
from resources.selectors import AUDIENCE_CHOICES, AUDIENCE_FIELDS
from resources.services.curation import (
    CurationError,
    resource_archive,
    resource_index,
    resource_publish,
    resource_return_to_draft,
    resource_save,
    resource_submit,
)
from resources.validators import validate_resource_file

if TYPE_CHECKING:
    from typing import TypedDict

    from django_stubs_ext import StrOrPromise, WithAnnotations

    class _ResourceCount(TypedDict):
        resource_count: int


State = Resource.State
DUE_SOON = timedelta(days=30)


def _assume_https(db_field, kwargs: dict) -> dict:
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"  # Django 6's default; links are https anyway
    return kwargs


def _formfield(db_field, **kwargs):
    return db_field.formfield(**_assume_https(db_field, kwargs))


@admin.register(Category)
class CategoryAdmin(KinshipModelAdmin):
    list_display = ["name", "slug", "position", "resource_count"]
    list_editable = ["position"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(resource_count=Count("resources"))

    @admin.display(description=_("Resources"), ordering="resource_count")
    def resource_count(self, category: WithAnnotations[Category, _ResourceCount]) -> int:
        return category.resource_count


@admin.register(Tag)
class TagAdmin(KinshipModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


FEATURED_NEEDS_PUBLISHED = _(
    "Only published resources can be on the library's front page: publish this one first "
    "(or untick “on the library's front page”)."
)


def _check_featured(form: forms.ModelForm) -> None:
    # The state is read-only in the admin, so the stored state is the one that counts.
    if form.cleaned_data.get("featured") and form.instance.state != State.PUBLISHED:
        form.add_error("featured", FEATURED_NEEDS_PUBLISHED)


class ResourceAdminForm(forms.ModelForm):
    """The curators' form. The model checks links (http and https only) and file names; this
    form checks what an uploaded file contains and its size, that each kind has what it
    needs, and that only published resources are featured."""

    class Meta:
        model = Resource
        formfield_callback = _formfield
        # The admin narrows these to its fieldsets minus the read-only fields.
        fields = [
            "title",
            "slug",
            "kind",
            "summary",
            "body",
            "language",
            "external_url",
            "file",
            "phone",
            "text_line",
            "hours",
            "for_recovery",
            "for_loved_ones",
            "for_facilitators",
            "categories",
            "tags",
            "review_by",
            "featured",
            "featured_position",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        slug = self.fields.get("slug")
        if slug is not None:
            # Left empty, resource_save makes one from the title.
            slug.required = False
            slug.help_text = gettext(
                "The resource's address. Left empty, it is made from the title."
            )

    def clean_file(self):
        file = self.cleaned_data.get("file")
        # Only a new upload is checked: a stored file was checked when it came in.
        if isinstance(file, UploadedFile):
            validate_resource_file(file)
        return file

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind in {Resource.Kind.LINK, Resource.Kind.VIDEO} and not (
            cleaned.get("external_url") or "external_url" in self.errors
        ):
            self.add_error(
                "external_url", gettext("A link or a video needs its address (http or https).")
            )
        # A stored file comes back as the initial value; a cleared one as False.
        if kind == Resource.Kind.FILE and not (cleaned.get("file") or "file" in self.errors):
            self.add_error("file", gettext("A file resource needs a PDF or an image."))
        if kind == Resource.Kind.HOTLINE and not (cleaned.get("phone") or cleaned.get("text_line")):
            self.add_error("phone", gettext("A helpline needs a phone number or a text line."))
        _check_featured(self)
        return cleaned


class ResourceFeaturedForm(LabelledChangelistForm):
    """The changelist's editable columns (featured, featured_position)."""

    class Meta:
        model = Resource
        fields = ["featured", "featured_position"]

    def clean(self):
        cleaned = super().clean()
        _check_featured(self)
        return cleaned


class ReviewFilter(admin.SimpleListFilter):
    """What needs a curator's attention: published information whose review date has passed
    or comes within 30 days, and what facilitators suggested."""

    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("overdue", gettext("Overdue")),
            ("due_soon", gettext("Due within 30 days")),
            ("suggested", gettext("Suggested by a facilitator")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        published = queryset.filter(state=State.PUBLISHED)
        if self.value() == "overdue":
            return published.filter(review_by__lt=today)
        if self.value() == "due_soon":
            return published.filter(review_by__gte=today, review_by__lte=today + DUE_SOON)
        if self.value() == "suggested":
            return queryset.filter(suggested_by_facilitator=True)
        return queryset


class AudienceFilter(admin.SimpleListFilter):
    title = _("audience")
    parameter_name = "audience"

    def lookups(self, request, model_admin):
        return AUDIENCE_CHOICES

    def queryset(self, request, queryset):
        field = AUDIENCE_FIELDS.get(self.value() or "")
        return queryset.filter(**{field: True}) if field else queryset


class StateChangeInline(admin.TabularInline):
    """The resource's history: read-only, written only by the workflow services."""

    model = StateChange
    # Translators: one step of a resource's history (from draft to in review, say).
    verbose_name = _("move")
    verbose_name_plural = _("history")
    fields = ["at", "from_state", "to_state", "by", "note"]
    readonly_fields = cast("list[str]", fields)  # plain names, no groups
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


@admin.register(Resource)
class ResourceAdmin(KinshipModelAdmin):
    form = ResourceAdminForm
    list_display = [
        "title",
        "kind",
        "state",
        "author",
        "published_at",
        "review",
        "featured",
        "featured_position",
        "preview",
    ]
    list_display_links = ["title"]
    list_editable = ["featured", "featured_position"]
    list_filter = [
        "state",
        ReviewFilter,
        "kind",
        "categories",
        AudienceFilter,
        "featured",
    ]
    list_select_related = ["author"]
    search_fields = ["title", "summary", "body"]
    search_help_text = _("Searches titles, summaries and text.")
    # The front page's featured items first, in their order there.
    ordering = ["-featured", "featured_position", "title"]
    save_on_top = True
    inlines = [StateChangeInline]
    actions = ["send_for_review", "publish", "archive", "back_to_draft"]
    fieldsets = [
        (_("Content"), {"fields": ["title", "slug", "kind", "summary", "body", "language"]}),
        (_("Link and file"), {"fields": ["external_url", "file"]}),
        (
            _("Helpline"),
            {
                "fields": ["phone", "text_line", "hours"],
                "description": _("For helplines: how to reach them and when."),
            },
        ),
        (
            _("Audience and labels"),
            {
                "fields": [
                    "for_recovery",
                    "for_loved_ones",
                    "for_facilitators",
                    "categories",
                    "tags",
                ]
            },
        ),
        (
            _("Curation"),
            {
                "fields": [
                    "state",
                    "preview",
                    "author",
                    "suggested_by_facilitator",
                    "published_at",
                    "published_by",
                    "review_by",
                    "featured",
                    "featured_position",
                    "reading_minutes",
                    "created_at",
                    "updated_at",
                ],
                "description": _(
                    "The state moves only through the actions on the list of resources "
                    "(send for review, publish, archive, back to draft). Another admin "
                    "publishes what you wrote."
                ),
            },
        ),
    ]
    readonly_fields = [
        "state",
        "preview",
        "author",
        "suggested_by_facilitator",
        "published_at",
        "published_by",
        "reading_minutes",
        "created_at",
        "updated_at",
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return super().formfield_for_dbfield(db_field, request, **_assume_https(db_field, kwargs))

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        # Once published, the address may be bookmarked and shared: it stays.
        if obj is not None and obj.published_at is not None:
            readonly.append("slug")
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ["title"]} if obj is None or obj.published_at is None else {}

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", ResourceFeaturedForm)
        return super().get_changelist_form(request, **kwargs)

    # The public page shows drafts to admins, so it is the preview: exactly what members
    # will see once the resource is published.
    def view_on_site(self, resource: Resource) -> str:
        return reverse("resources:resource-detail", args=[resource.slug])

    @admin.display(description=_("Preview"))
    def preview(self, resource: Resource) -> str:
        if not resource.pk:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            self.view_on_site(resource),
            gettext("Preview"),
        )

    @admin.display(description=_("Review by"), ordering="review_by")
    def review(self, resource: Resource) -> str:
        if resource.review_by is None:
            return "—"
        if resource.is_published and resource.review_by < timezone.localdate():
            return format_html(
                "{} <strong>{}</strong>",
                resource.review_by.isoformat(),
                # Translators: after a review date that has passed, in the list of resources.
                gettext("⚠ overdue"),
            )
        return resource.review_by.isoformat()

    # Saving -------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        resource_save(resource=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Categories and tags are saved by now; keep the search index in step.
        resource_index(form.instance)

    # Workflow actions ---------------------------------------------------------------------

    def _move_each(
        self,
        request: HttpRequest,
        queryset: QuerySet[Resource],
        *,
        move,
        target: str,
        done: Callable[[int], str],
        already: Callable[[int], str],
        refusals: dict[str, str],
    ) -> None:
        """Apply one workflow service to each selected resource, then say what happened:
        how many moved (`done`), how many were refused and why (those stay as they were),
        and how many were in the target state already (`already`)."""
        moved, unchanged = 0, 0
        refused: dict[StrOrPromise, int] = {}
        for resource in queryset.order_by("pk"):
            if resource.state == target:
                unchanged += 1
                continue
            try:
                move(resource=resource, by=request.user)
            except CurationError as error:
                reason = refusals.get(error.code or "", error.message)
                refused[reason] = refused.get(reason, 0) + 1
            else:
                moved += 1
        if moved:
            self.message_user(request, done(moved), messages.SUCCESS)
        for reason, count in refused.items():
            self.message_user(
                request,
                ngettext(
                    "%(count)d resource refused, nothing changed for them: %(reason)s",
                    "%(count)d resources refused, nothing changed for them: %(reason)s",
                    count,
                )
                % {"count": count, "reason": reason},
                messages.WARNING,
            )
        if unchanged:
            self.message_user(request, already(unchanged), messages.INFO)

    @admin.action(description=_("Send for review"))
    def send_for_review(self, request: HttpRequest, queryset: QuerySet[Resource]) -> None:
        self._move_each(
            request,
            queryset,
            move=resource_submit,
            target=State.IN_REVIEW,
            done=lambda n: (
                ngettext(
                    "%(count)d resource sent for review; another admin reads and publishes them.",
                    "%(count)d resources sent for review; another admin reads and publishes them.",
                    n,
                )
                % {"count": n}
            ),
            already=lambda n: (
                ngettext(
                    "%(count)d resource already in review, left as it was.",
                    "%(count)d resources already in review, left as they were.",
                    n,
                )
                % {"count": n}
            ),
            refusals={"not_draft": gettext("only a draft can be sent for review.")},
        )

    @admin.action(description=_("Publish (another admin's resources, in review)"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Resource]) -> None:
        self._move_each(
            request,
            queryset,
            move=resource_publish,
            target=State.PUBLISHED,
            done=lambda n: (
                ngettext("%(count)d resource published.", "%(count)d resources published.", n)
                % {"count": n}
            ),
            already=lambda n: (
                ngettext(
                    "%(count)d resource already published, left as it was.",
                    "%(count)d resources already published, left as they were.",
                    n,
                )
                % {"count": n}
            ),
            refusals={
                "own_resource": gettext(
                    "you wrote them, and another admin must review and publish what you wrote "
                    "(four eyes)."
                ),
                "not_in_review": gettext(
                    "only a resource in review can be published; send the draft for review first."
                ),
            },
        )

    @admin.action(description=_("Archive (take out of the library)"))
    def archive(self, request: HttpRequest, queryset: QuerySet[Resource]) -> None:
        self._move_each(
            request,
            queryset,
            move=resource_archive,
            target=State.ARCHIVED,
            done=lambda n: (
                ngettext(
                    "%(count)d resource archived: members no longer see them.",
                    "%(count)d resources archived: members no longer see them.",
                    n,
                )
                % {"count": n}
            ),
            already=lambda n: (
                ngettext(
                    "%(count)d resource already archived, left as it was.",
                    "%(count)d resources already archived, left as they were.",
                    n,
                )
                % {"count": n}
            ),
            refusals={},
        )

    @admin.action(description=_("Back to draft"))
    def back_to_draft(self, request: HttpRequest, queryset: QuerySet[Resource]) -> None:
        self._move_each(
            request,
            queryset,
            move=resource_return_to_draft,
            target=State.DRAFT,
            done=lambda n: (
                ngettext(
                    "%(count)d resource back to draft.", "%(count)d resources back to draft.", n
                )
                % {"count": n}
            ),
            already=lambda n: (
                ngettext(
                    "%(count)d resource already draft, left as it was.",
                    "%(count)d resources already draft, left as they were.",
                    n,
                )
                % {"count": n}
            ),
            refusals={},
        )

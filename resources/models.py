from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lib.fields import SingleLineCharField

# A link must be one a browser opens safely: never javascript:, data: or file:.
http_url = URLValidator(schemes=["http", "https"])

# How long health information is trusted before someone reads it again.
REVIEW_AFTER = timedelta(days=365)


class Category(models.Model):
    slug = models.SlugField(unique=True)
    name = SingleLineCharField(max_length=60)
    description = SingleLineCharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    slug = models.SlugField(unique=True)
    name = SingleLineCharField(max_length=40)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def resource_upload_to(resource: Resource, filename: str) -> str:
    # A name of our own: what the uploader called the file (a person's name?) stays out.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"resources/{timezone.now():%Y/%m}/{resource.slug}.{suffix}"


class Resource(models.Model):
    """An item of the library. Only published resources are shown to anyone but admins;
    the workflow (draft → in review → published → archived) lives in
    resources.services.curation."""

    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        LINK = "link", _("Link")
        FILE = "file", _("File")
        VIDEO = "video", _("Video")
        HOTLINE = "hotline", _("Helpline")
        WORKSHEET = "worksheet", _("Worksheet")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    title = SingleLineCharField(max_length=120)
    slug = models.SlugField(max_length=130, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ARTICLE)
    summary = models.CharField(
        max_length=300, help_text=_("One or two sentences, shown in lists and search results.")
    )
    body = models.TextField(
        max_length=40000, blank=True, help_text=_("Markdown. Links and emphasis are kept.")
    )
    external_url = models.URLField(
        _("link"),
        blank=True,
        max_length=500,
        validators=[http_url],
        help_text=_("http or https."),
    )
    file = models.FileField(
        upload_to=resource_upload_to,
        blank=True,
        validators=[FileExtensionValidator(["pdf", "png", "jpg", "jpeg", "webp", "gif"])],
        help_text=_("A PDF or an image, at most 10 MB."),
    )
    categories = models.ManyToManyField(Category, related_name="resources", blank=True)
    tags = models.ManyToManyField(Tag, related_name="resources", blank=True)
    for_recovery = models.BooleanField(_("for people in recovery"), default=True)
    for_loved_ones = models.BooleanField(_("for family and friends"), default=False)
    for_facilitators = models.BooleanField(_("for facilitators"), default=False)
    reading_minutes = models.PositiveSmallIntegerField(default=0, editable=False)
    # The language it is written in; a version in another language names the resource it
    # translates (each version is a resource of its own, curated and published on its own,
    # with four eyes for each). The library shows each reader the version in their
    # language, and the original where there is none (resources.selectors).
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    translation_of = models.ForeignKey(
        "self",
        verbose_name=_("translation of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translations",
        help_text=_("For a version in another language: the resource it translates."),
    )
    # Helplines.
    phone = SingleLineCharField(max_length=40, blank=True)
    text_line = SingleLineCharField(_("text line"), max_length=80, blank=True)
    hours = SingleLineCharField(
        max_length=120, blank=True, help_text=_("e.g. 24 hours, every day.")
    )
    # Curation.
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    suggested_by_facilitator = models.BooleanField(default=False, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    review_by = models.DateField(
        null=True,
        blank=True,
        help_text=_("When someone should read it again: a year after publication by default."),
    )
    featured = models.BooleanField(_("on the library's front page"), default=False)
    featured_position = models.PositiveSmallIntegerField(default=0)
    # Kept by resources.services.curation on PostgreSQL (weighted title > summary > body).
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["state", "title"])]
        constraints = [
            # One version per language of a resource.
            models.UniqueConstraint(
                fields=["translation_of", "language"],
                condition=models.Q(translation_of__isnull=False),
                name="resources_one_version_per_language",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        original = self.translation_of
        if original is not None and (
            original.pk == self.pk or original.translation_of_id is not None
        ):
            raise ValidationError(
                {"translation_of": _("Choose the original resource, not another version.")}
            )
        if original is not None and original.language == self.language:
            raise ValidationError(
                {"language": _("A version in another language needs another language.")}
            )

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class StateChange(models.Model):
    """Who moved a resource through the workflow, and when."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="history")
    from_state = models.CharField(max_length=10, choices=Resource.State.choices)
    to_state = models.CharField(max_length=10, choices=Resource.State.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.resource}: {self.from_state} → {self.to_state}"


class Bookmark(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks"
    )
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "resource"], name="bookmark_once"),
        ]

    def __str__(self) -> str:
        # Translators: how a saved resource is named in the Django admin.
        return gettext("%(member)s saved %(resource)s") % {
            "member": self.user,
            "resource": self.resource,
        }


class GroupResource(models.Model):
    """A published resource a facilitator attached to a group, or to one of its meetings."""

    group = models.ForeignKey(
        "support_groups.SupportGroup", on_delete=models.CASCADE, related_name="resource_links"
    )
    meeting = models.ForeignKey(
        "support_groups.Meeting",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="resource_links",
    )
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="group_links")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "resource"],
                condition=models.Q(meeting__isnull=True),
                name="group_resource_once",
            ),
            models.UniqueConstraint(
                fields=["meeting", "resource"],
                condition=models.Q(meeting__isnull=False),
                name="meeting_resource_once",
            ),
        ]

    def __str__(self) -> str:
        # Translators: how a resource shared with a group is named in the Django admin.
        return gettext("%(resource)s in %(group)s") % {
            "resource": self.resource,
            "group": self.group,
        }

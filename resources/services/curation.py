"""Writing and curating the library: saving a resource (its reading time and search index),
the workflow draft → in review → published → archived with four eyes on publication, and
facilitators' suggestions. Every move is recorded (resources.StateChange)."""

from __future__ import annotations

import math
import re
from datetime import datetime

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from lib.i18n import search_config
from resources import emails
from resources.models import REVIEW_AFTER, Category, Resource, StateChange, Tag

State = Resource.State
WORDS_PER_MINUTE = 200


class CurationError(ValidationError):
    """A move in the workflow that cannot happen, with the reason."""


def reading_minutes(text: str) -> int:
    words = len(re.findall(r"\w+", text or ""))
    return max(1, math.ceil(words / WORDS_PER_MINUTE)) if words else 0


def resource_unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:120] or "resource"
    slug, n = base, 2
    others = Resource.objects.exclude(pk=exclude_pk)  # type: ignore[misc]  # pk=None is IS NULL: excludes nothing
    while others.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def resource_index(resource: Resource) -> None:
    """Refresh the full-text vector (PostgreSQL): title weighs most, then the summary, then
    the body, stemmed in the resource's language (Spanish with PostgreSQL's Spanish
    stemmer). Elsewhere search reads the columns directly."""
    if connection.vendor != "postgresql":
        return
    config = search_config(resource.language)
    vector = (
        SearchVector("title", weight="A", config=config)
        + SearchVector("summary", weight="B", config=config)
        + SearchVector("body", weight="C", config=config)
    )
    Resource.objects.filter(pk=resource.pk).update(search_vector=vector)


@transaction.atomic
def resource_save(
    *,
    resource: Resource,
    categories: list[Category] | None = None,
    tags: list[Tag] | None = None,
) -> Resource:
    """Save a resource written or changed by an admin (or suggested by a facilitator)."""
    if not resource.slug:
        resource.slug = resource_unique_slug(resource.title, exclude_pk=resource.pk)
    resource.reading_minutes = reading_minutes(resource.body)
    resource.full_clean()
    resource.save()
    if categories is not None:
        resource.categories.set(categories)
    if tags is not None:
        resource.tags.set(tags)
    resource_index(resource)
    return resource


def _move(resource: Resource, *, to: str, by: User | None, note: str = "") -> Resource:
    StateChange.objects.create(
        resource=resource, from_state=resource.state, to_state=to, by=by, note=note
    )
    resource.state = to
    return resource


def _ensure_admin(user: User) -> None:
    if not user.is_staff:
        raise PermissionDenied(_("Only admins curate the library."))


@transaction.atomic
def resource_submit(*, resource: Resource, by: User) -> Resource:
    """Draft → in review: ready for a second admin to read, and the other admins are
    e-mailed that it waits for them."""
    _ensure_admin(by)
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if resource.state != State.DRAFT:
        raise CurationError(_("Only a draft can be sent for review."), code="not_draft")
    _move(resource, to=State.IN_REVIEW, by=by)
    resource.save(update_fields=["state", "updated_at"])
    emails.review_waiting_later(resource=resource, submitted_by=by)
    return resource


@transaction.atomic
def resource_publish(*, resource: Resource, by: User, now: datetime | None = None) -> Resource:
    """In review → published, by an admin other than its author (four eyes): health
    information is read by a second person before anyone relies on it."""
    _ensure_admin(by)
    now = now or timezone.now()
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if resource.state != State.IN_REVIEW:
        raise CurationError(
            _("Only a resource in review can be published: send the draft for review first."),
            code="not_in_review",
        )
    if resource.author_id == by.pk:
        raise CurationError(
            _("You wrote this resource, so another admin must review and publish it."),
            code="own_resource",
        )
    _move(resource, to=State.PUBLISHED, by=by)
    resource.published_at = now
    resource.published_by = by
    if resource.review_by is None or resource.review_by <= now.date():
        resource.review_by = (now + REVIEW_AFTER).date()
    resource.save(
        update_fields=["state", "published_at", "published_by", "review_by", "updated_at"]
    )
    return resource


@transaction.atomic
def resource_archive(*, resource: Resource, by: User) -> Resource:
    _ensure_admin(by)
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if resource.state == State.ARCHIVED:
        return resource
    _move(resource, to=State.ARCHIVED, by=by)
    resource.featured = False
    resource.save(update_fields=["state", "featured", "updated_at"])
    return resource


@transaction.atomic
def resource_return_to_draft(*, resource: Resource, by: User, note: str = "") -> Resource:
    """Back to its author for changes (from review), or out of the library (when archived)."""
    _ensure_admin(by)
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if resource.state == State.DRAFT:
        return resource
    _move(resource, to=State.DRAFT, by=by, note=note)
    resource.save(update_fields=["state", "updated_at"])
    return resource


@transaction.atomic
def resource_suggest(
    *, facilitator: User, title: str, summary: str, external_url: str = "", body: str = ""
) -> Resource:
    """A facilitator's suggestion arrives as a draft for the admins."""
    if not (facilitator.is_facilitator or facilitator.is_staff):
        raise PermissionDenied("Only facilitators can suggest resources.")
    resource = Resource(
        title=title.strip(),
        summary=summary.strip(),
        external_url=external_url,
        body=body,
        kind=Resource.Kind.LINK if external_url and not body else Resource.Kind.ARTICLE,
        author=facilitator,
        suggested_by_facilitator=True,
    )
    return resource_save(resource=resource)

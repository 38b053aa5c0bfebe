"""Reads of the library: the front page, filtered lists and search, one resource with its
related ones, a member's saved resources. Only published resources, except for admins.

Search is PostgreSQL full-text search (English stemming, so "cravings" finds "craving";
title weighs more than summary, summary more than body; ranked; with highlighted snippets),
on the vector resources.services.curation keeps. On SQLite (the zero-setup database) it is
FTS5's, ranked by BM25 with snippets too (resources.sqlite_search). Elsewhere every word but
the commonest ("for", "my") must appear as a whole word (or its plural) in the title,
summary or body, as in the group directory (lib.search)."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from functools import reduce
from typing import TYPE_CHECKING

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext_lazy

from accounts.models import User
from lib.i18n import current_language, search_config
from lib.search import searched_words, whole_word_q
from resources.models import Bookmark, Category, GroupResource, Resource, Tag
from resources.search_families import word_family
from resources.sqlite_search import sqlite_ranked

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from groups.models import Meeting, SupportGroup

# Around the matched words of a snippet; private-use characters nobody types, so the template
# escapes everything else and turns only these into <mark> (resources.templatetags.library).
MARK_START, MARK_END = "\ue000", "\ue001"
MAX_QUERY_WORDS = 12
MAX_QUERY_LENGTH = 200
FEATURED = 6
RELATED = 4


def _published() -> QuerySet[Resource]:
    return Resource.objects.filter(state=Resource.State.PUBLISHED)


def _with_labels(resources: QuerySet[Resource]) -> QuerySet[Resource]:
    return resources.prefetch_related(
        Prefetch("categories", queryset=Category.objects.order_by("position", "name")),
        Prefetch("tags", queryset=Tag.objects.order_by("name")),
    )


def search_words(q: str) -> str:
    """What of a query is searched: at most MAX_QUERY_WORDS words of at most
    MAX_QUERY_LENGTH characters, without characters that mean something to a search syntax
    or a pattern (they are spaces here, never operators). A "word" of apostrophes and hyphens
    alone (the dash in "kidney - bladder") is no word: the fallback would require it."""
    cleaned = "".join(ch if ch.isalnum() or ch in " '-" else " " for ch in q[:MAX_QUERY_LENGTH])
    words = [word for word in cleaned.split() if any(ch.isalnum() for ch in word)]
    return " ".join(words[:MAX_QUERY_WORDS])


AUDIENCE_CHOICES = [
    ("recovery", gettext_lazy("People in recovery")),
    ("loved_ones", gettext_lazy("Family and friends")),
    ("facilitators", gettext_lazy("Facilitators")),
]
AUDIENCE_FIELDS = {
    "recovery": "for_recovery",
    "loved_ones": "for_loved_ones",
    "facilitators": "for_facilitators",
}


def resource_list_library(
    *,
    q: str = "",
    kinds: Sequence[str] = (),
    audiences: Sequence[str] = (),
    categories: Sequence[Category] = (),
    tags: Sequence[Tag] = (),
    language: str | None = None,
) -> QuerySet[Resource]:
    """Published resources matching every filter, each in the reader's `language` where it
    has a version in it (the current language by default); with words, ranked by relevance
    and with a highlighted `snippet`; without, by title."""
    language = _reading(language)
    resources = _with_labels(_one_version_each(_published(), language=language))
    if kinds:
        resources = resources.filter(kind__in=kinds)
    if audiences:
        audience = Q()
        for name in audiences:
            audience |= Q(**{AUDIENCE_FIELDS[name]: True})
        resources = resources.filter(audience)
    if categories:
        resources = resources.filter(categories__in=categories).distinct()
    if tags:
        resources = resources.filter(tags__in=tags).distinct()
    words = search_words(q)
    if not words:
        return resources.order_by("title", "pk")
    if connection.vendor == "postgresql":
        query = _search_query(words, language=language)
        return (
            resources.filter(search_vector=query)
            .annotate(
                rank=SearchRank(F("search_vector"), query),
                snippet=SearchHeadline(
                    "body",
                    query,
                    config=search_config(language),
                    start_sel=MARK_START,
                    stop_sel=MARK_END,
                    max_words=30,
                    min_words=12,
                    max_fragments=1,
                ),
            )
            .order_by("-rank", "title", "pk")
        )
    if connection.vendor == "sqlite":
        return _sqlite_search(resources, searched_words(words.split()))
    for word in searched_words(words.split()):
        resources = resources.filter(whole_word_q(word, ["title", "summary", "body"]))
    return resources.order_by("title", "pk")


def _one_version_each(resources: QuerySet[Resource], *, language: str) -> QuerySet[Resource]:
    """Of each resource and its versions in other languages (resources.models.Resource
    .translation_of), the one in `language` if it is published, else every other: a
    Spanish reader sees the Spanish version of an article, and the English one where there
    is no Spanish version yet."""
    family = Coalesce("translation_of_id", "id")
    in_language = (
        _published()
        .filter(language=language)
        .annotate(family=Coalesce("translation_of_id", "id"))
        .filter(family=OuterRef("family"))
    )
    return resources.annotate(family=family).filter(Q(language=language) | ~Exists(in_language))


def _search_query(words: str, *, language: str) -> SearchQuery:
    """Every word, stemmed as the reader's language stems it (its stop words left out), or
    any other word of its family (resources.search_families: "ansiedad" finds "ansioso")."""

    def any_of(word: str) -> SearchQuery:
        forms = sorted({(language, word), *word_family(word)})
        queries = [
            SearchQuery(form, search_type="plain", config=search_config(code))
            for code, form in forms
        ]
        return reduce(operator.or_, queries)

    # search_words gave at least one word.
    return reduce(operator.and_, (any_of(word) for word in words.split()))


def _sqlite_search(resources: QuerySet[Resource], words: list[str]) -> QuerySet[Resource]:
    """Ranked by SQLite's BM25 (resources.sqlite_search), with its snippets."""
    if not words:
        return resources.order_by("title", "pk")
    ranked = sqlite_ranked(words, mark=(MARK_START, MARK_END))
    if not ranked:
        return resources.none()
    place = Case(
        *(When(pk=pk, then=Value(n)) for n, (pk, _) in enumerate(ranked)),
        output_field=IntegerField(),
    )
    snippet = Case(
        *(When(pk=pk, then=Value(text)) for pk, text in ranked),
        output_field=CharField(),
    )
    return (
        resources.filter(pk__in=[pk for pk, _ in ranked])
        .annotate(rank=place, snippet=snippet)
        .order_by("rank", "title", "pk")
    )


def _reading(language: str | None) -> str:
    return language or current_language()


def _as_read_in(resources: list[Resource], *, language: str) -> list[Resource]:
    """Each resource swapped for its published version in `language`, where it has one (one
    query): the featured and the helplines are chosen once, in the original, and shown to
    each reader in their language."""
    families = {resource.translation_of_id or resource.pk for resource in resources}
    if not families or all(resource.language == language for resource in resources):
        return resources
    versions = {
        version.translation_of_id or version.pk: version
        for version in _with_labels(
            _published()
            .filter(language=language)
            .filter(Q(translation_of_id__in=families) | Q(pk__in=families))
        )
    }
    return [
        resource
        if resource.language == language
        else versions.get(resource.translation_of_id or resource.pk, resource)
        for resource in resources
    ]


def resource_list_featured(*, language: str | None = None) -> list[Resource]:
    featured = _with_labels(_published().filter(featured=True)).order_by(
        "featured_position", "title"
    )[:FEATURED]
    return _as_read_in(list(featured), language=_reading(language))


def resource_list_hotlines(*, language: str | None = None) -> list[Resource]:
    language = _reading(language)
    return list(
        _one_version_each(_published(), language=language)
        .filter(kind=Resource.Kind.HOTLINE)
        .order_by("title")
    )


def resource_versions(*, resource: Resource) -> list[Resource]:
    """The resource's published versions in other languages (its original among them), for
    the "also in" links of its page."""
    family = resource.translation_of_id or resource.pk
    return list(
        _published()
        .filter(Q(pk=family) | Q(translation_of_id=family))
        .exclude(pk=resource.pk)
        .order_by("language")
    )


def category_list_with_counts() -> list[Category]:
    return list(
        Category.objects.annotate(
            published_count=Count("resources", filter=Q(resources__state=Resource.State.PUBLISHED))
        ).order_by("position", "name")
    )


def resource_get_for_page(*, slug: str, user: User | AnonymousUser) -> Resource:
    """A published resource, or any resource for an admin; 404 otherwise (a draft's address
    tells nobody that it exists)."""
    resources = _with_labels(Resource.objects.all())
    if not (user.is_authenticated and user.is_staff):
        resources = resources.filter(state=Resource.State.PUBLISHED)
    resource = resources.filter(slug=slug).first()
    if resource is None:
        raise Http404("No such resource.")
    return resource


def resource_list_related(*, resource: Resource, limit: int = RELATED) -> list[Resource]:
    """Other published resources sharing a category or a tag, the most shared first, in the
    resource's language where they have a version in it (never a version of itself)."""
    category_ids = [category.pk for category in resource.categories.all()]
    tag_ids = [tag.pk for tag in resource.tags.all()]
    family = resource.translation_of_id or resource.pk
    return list(
        _one_version_each(_published(), language=resource.language)
        .exclude(Q(pk=family) | Q(translation_of_id=family))
        .filter(Q(categories__in=category_ids) | Q(tags__in=tag_ids))
        .annotate(shared=Count("pk"))
        .order_by("-shared", "title")[:limit]
    )


def bookmark_list_for_user(*, user: User) -> QuerySet[Bookmark]:
    """The member's saved resources that are still published, newest first."""
    return (
        Bookmark.objects.filter(user=user, resource__state=Resource.State.PUBLISHED)
        .select_related("resource")
        .order_by("-created_at", "-pk")
    )


def resource_is_saved(*, user: User | AnonymousUser, resource: Resource) -> bool:
    return user.is_authenticated and Bookmark.objects.filter(user=user, resource=resource).exists()


def resource_links_for_group(
    *, group: SupportGroup, whole_group_only: bool = False
) -> list[GroupResource]:
    """What a group's facilitators shared with it (the whole group, or also single meetings),
    still published, newest first."""
    links = GroupResource.objects.filter(group=group, resource__state=Resource.State.PUBLISHED)
    if whole_group_only:
        links = links.filter(meeting=None)
    return list(
        links.select_related("resource", "meeting", "meeting__series").order_by(
            "-created_at", "-pk"
        )
    )


def resource_links_for_meeting(*, meeting: Meeting) -> list[GroupResource]:
    return list(
        GroupResource.objects.filter(meeting=meeting, resource__state=Resource.State.PUBLISHED)
        .select_related("resource")
        .order_by("-created_at", "-pk")
    )

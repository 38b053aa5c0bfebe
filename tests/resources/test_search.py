"""Search relevance on the starter library (resources.starter), through the library page as
a visitor uses it: what people type finds what they need, first.

On PostgreSQL results are ranked (title > summary > body) and English words are stemmed; the
SQLite fallback (for trying the project out) finds resources that contain every word and
lists them by title, so there "first" is only asserted where ranking exists."""

from __future__ import annotations

import pytest
from django.urls import reverse

from resources.models import Resource
from resources.starter import ALL_RESOURCES, RESOURCES, starter_library_seed
from tests.resources.conftest import ResourceFactory, on_postgresql

pytestmark = pytest.mark.django_db
LIBRARY = reverse("resources:resource-list")

THERAPY = "cbt-and-other-therapies"
LONG_TERM_EFFECTS = "long-term-effects-bladder-kidneys-memory"
NEEDS_POSTGRESQL = (
    "stemming and ranking are PostgreSQL full-text search; the SQLite fallback matches "
    "letters and lists by title (CI runs this on PostgreSQL)"
)


@pytest.fixture
def library():
    starter_library_seed()
    assert Resource.objects.filter(state=Resource.State.PUBLISHED).count() == len(ALL_RESOURCES)


def search(client, q: str) -> list[Resource]:
    response = client.get(LIBRARY, {"q": q})
    assert response.status_code == 200
    return list(response.context["page_obj"])


def assert_first_or_found(results: list[Resource], slug: str) -> None:
    """First on PostgreSQL (ranked); among the results on SQLite (listed by title)."""
    slugs = [resource.slug for resource in results]
    assert slug in slugs, slugs
    if on_postgresql():
        assert slugs[0] == slug, slugs


def test_the_articles_the_relevance_tests_name_are_in_the_starter_library():
    slugs = {spec.slug for spec in RESOURCES}
    assert {THERAPY, LONG_TERM_EFFECTS} <= slugs


@pytest.mark.parametrize("q", ["CBT", "cbt", "cognitive behavioural therapy"])
def test_cbt_ranks_the_therapy_article_first(client, library, q):
    results = search(client, q)
    assert results[0].slug == THERAPY, [r.slug for r in results]


def test_bladder_finds_the_long_term_effects_article_first(client, library):
    results = search(client, "bladder")
    assert_first_or_found(results, LONG_TERM_EFFECTS)


@pytest.mark.parametrize("q", ["help for my son", "Help for my son?", "help for my daughter"])
def test_help_for_my_son_finds_material_for_loved_ones(client, library, q):
    results = search(client, q)
    assert results, "nothing found"
    assert results[0].for_loved_ones, [r.slug for r in results]
    if on_postgresql():
        assert all(r.for_loved_ones for r in results[:3]), [r.slug for r in results]


def test_a_search_never_finds_what_an_admin_took_out_of_the_library(client, library):
    Resource.objects.filter(slug=THERAPY).update(state=Resource.State.ARCHIVED)
    assert THERAPY not in [r.slug for r in search(client, "CBT")]


def test_stemming_finds_craving_for_cravings_and_back(client, library):
    if not on_postgresql():
        pytest.skip(NEEDS_POSTGRESQL)
    only_singular = ResourceFactory(
        title="Riding out the urge",
        summary="A few minutes that pass.",
        body="When a craving comes, notice it, name it and wait: it rises and falls.",
    )
    assert "cravings" not in f"{only_singular.title} {only_singular.summary} {only_singular.body}"
    found = [r.slug for r in search(client, "cravings")]
    assert only_singular.slug in found
    # …and the singular finds the starter library's plural.
    assert "worksheet-cravings-log" in [r.slug for r in search(client, "craving")]
    assert only_singular.slug in [r.slug for r in search(client, "craved")]


def test_title_matches_outrank_body_matches(client, library):
    if not on_postgresql():
        pytest.skip(NEEDS_POSTGRESQL)
    in_body = ResourceFactory(
        title="An evening walk",
        summary="Getting outside after work.",
        body="A walk helps with sleep, and with much else besides, most days of the week.",
    )
    in_title = ResourceFactory(
        title="Sleep in early recovery",
        summary="Why nights are hard at first.",
        body="Nights can be long for a while. It gets better.",
    )
    slugs = [r.slug for r in search(client, "sleep")]
    assert slugs.index(in_title.slug) < slugs.index(in_body.slug), slugs

    # In the starter library: every resource with "craving(s)" in its title comes before
    # every resource that has it only in its summary or body.
    results = search(client, "cravings")
    in_titles = ["craving" in r.title.lower() for r in results]
    assert any(in_titles) and not all(in_titles), [r.title for r in results]
    assert in_titles == sorted(in_titles, reverse=True), [r.title for r in results]


def test_results_are_highlighted_where_the_words_matched(client, library):
    if not on_postgresql():
        pytest.skip("snippets (SearchHeadline) exist on PostgreSQL only")
    response = client.get(LIBRARY, {"q": "bladder"})
    html = response.content.decode()
    assert "<mark>bladder</mark>" in html.lower()

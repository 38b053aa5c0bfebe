"""The library in two languages: each reader sees the version of a resource in their own
language where there is one, and the original where there is not; Spanish text is searched
with PostgreSQL's Spanish stemmer and our word families (resources.search_families)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from resources.models import Resource
from resources.selectors import resource_list_library
from resources.starter import starter_library_seed
from tests.conftest import skip_or_fail
from tests.resources.conftest import on_postgresql

pytestmark = pytest.mark.django_db
LIBRARY = reverse("resources:resource-list")


@pytest.fixture
def library():
    starter_library_seed()
    return Resource.objects.filter(state=Resource.State.PUBLISHED)


def slugs(resources) -> set[str]:
    return {resource.slug for resource in resources}


def test_a_spanish_reader_sees_each_spanish_version_instead_of_its_original(library):
    spanish = library.filter(language="es")
    originals = {
        version.translation_of.slug for version in spanish.select_related("translation_of")
    }
    shown = slugs(resource_list_library(language="es"))

    assert slugs(spanish) <= shown
    assert not originals & shown  # never both versions of one resource
    untranslated = slugs(library.filter(language="en")) - originals
    assert untranslated <= shown  # the rest, in English, until someone translates it


def test_an_english_reader_sees_no_spanish_version_of_an_english_resource(library):
    shown = slugs(resource_list_library(language="en"))
    assert shown == slugs(library.filter(language="en"))


def test_a_version_in_draft_leaves_the_original_in_its_place(library):
    version = library.filter(language="es").select_related("translation_of").first()
    Resource.objects.filter(pk=version.pk).update(state=Resource.State.IN_REVIEW)

    shown = slugs(resource_list_library(language="es"))
    assert version.slug not in shown and version.translation_of.slug in shown


def test_the_library_page_follows_the_browsers_language(client, library):
    page = client.get(LIBRARY, HTTP_ACCEPT_LANGUAGE="es")
    shown = slugs(page.context["page_obj"])
    assert "linea-988-de-prevencion-del-suicidio-y-crisis" in shown
    assert "988-suicide-and-crisis-lifeline" not in shown


def test_a_search_for_ansiedad_finds_the_text_that_says_ansioso(library):
    if not on_postgresql():
        skip_or_fail("Spanish stemming is PostgreSQL's full-text search")
    found = list(resource_list_library(q="ansiedad", language="es"))
    saying_anxious = [r for r in found if "ansios" in r.body.lower()]
    assert saying_anxious, [r.slug for r in found]
    # Found through the word family, not because it says "ansiedad" itself.
    assert any("ansiedad" not in r.body.lower() for r in saying_anxious)


def test_spanish_words_are_stemmed_in_spanish(library):
    if not on_postgresql():
        skip_or_fail("Spanish stemming is PostgreSQL's full-text search")
    # "recaídas" in the query, "recaída" and "recaer" in the text.
    found = slugs(resource_list_library(q="recaídas", language="es"))
    assert "prevencion-de-recaidas" in found

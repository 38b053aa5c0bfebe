"""The starter library (resources.starter, `manage.py seed_resources`): what it publishes,
that every text is marked as general information with a review date, that it links only to
the two public pages we chose, that seeding again changes nothing, and that the words are our
own rather than the organisation's article."""

from __future__ import annotations

import os
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.forms.models import model_to_dict

from resources.models import Category, Resource, StateChange, Tag
from resources.selectors import resource_list_library
from resources.starter import ALL_RESOURCES, starter_library_seed
from resources.starter_specs import CLOSINGS, DISCLAIMER, LIFELINE_URL, SAMHSA_HELPLINE_URL

ALLOWED_URLS = {SAMHSA_HELPLINE_URL, LIFELINE_URL}
NOT_ADVICE = {"en": "not medical advice", "es": "no consejo médico"}
WORDS_PER_WINDOW = 8
NOW = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    starter_library_seed(now=NOW)
    return Resource.objects.all()


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower().replace("\u2019", "'"))


def snapshot() -> dict[str, object]:
    """Everything the seed writes, in a form two runs can be compared by."""
    resources = {
        resource.slug: (
            model_to_dict(resource, exclude=["categories", "tags", "file"]),
            resource.updated_at,
            sorted(resource.categories.values_list("slug", flat=True)),
            sorted(resource.tags.values_list("slug", flat=True)),
        )
        for resource in Resource.objects.all()
    }
    return {
        "resources": resources,
        "categories": list(Category.objects.values()),
        "tags": list(Tag.objects.values()),
        "history": list(StateChange.objects.values()),
    }


def test_the_seed_publishes_a_starter_library(seeded):
    assert 15 <= seeded.filter(language="en").count() <= 25
    assert set(seeded.values_list("state", flat=True)) == {Resource.State.PUBLISHED}
    assert not seeded.filter(published_at__isnull=True).exists()
    assert 5 <= Category.objects.count() <= 7
    for resource in seeded:
        assert resource.categories.exists(), resource.slug
        assert resource.tags.exists(), resource.slug
        assert resource.for_recovery or resource.for_loved_ones or resource.for_facilitators
        assert resource.reading_minutes >= 1
    kinds = set(seeded.values_list("kind", flat=True))
    assert {"article", "worksheet", "hotline", "link"} <= kinds
    assert seeded.filter(for_loved_ones=True, for_recovery=False).exists()
    assert seeded.filter(for_facilitators=True, kind="article").exists()
    featured = seeded.filter(featured=True)
    assert 4 <= featured.count() <= 6
    assert featured.filter(kind=Resource.Kind.HOTLINE).exists()
    positions = list(featured.values_list("featured_position", flat=True))
    assert len(set(positions)) == len(positions)


def test_every_article_and_worksheet_ends_by_saying_it_is_not_medical_advice(seeded):
    for resource in seeded.filter(kind__in=["article", "worksheet"]):
        disclaimer = DISCLAIMER if resource.language == "en" else CLOSINGS[resource.language][0]
        assert resource.body.rstrip().endswith(disclaimer), resource.slug
    for resource in seeded:
        closing = resource.body.splitlines()[-1]
        assert NOT_ADVICE[resource.language] in closing, resource.slug


def test_the_spanish_versions_translate_published_originals_including_the_helplines(seeded):
    spanish = seeded.filter(language="es").select_related("translation_of")
    assert spanish.count() >= 8 + 2
    for version in spanish:
        assert version.translation_of is not None, version.slug
        assert version.translation_of.language == "en" and version.translation_of.is_published
    helplines = spanish.filter(kind=Resource.Kind.HOTLINE)
    assert {h.translation_of.slug for h in helplines} == {
        "988-suicide-and-crisis-lifeline",
        "samhsa-national-helpline",
    }
    lifeline = helplines.get(translation_of__slug="988-suicide-and-crisis-lifeline")
    assert "AYUDA" in lifeline.body and "marca 2" in lifeline.body


def test_every_body_has_substance_and_headings(seeded):
    for resource in seeded:
        count = len(words(resource.body))
        assert 150 <= count <= 500, f"{resource.slug}: {count} words"
        assert "\n## " in f"\n{resource.body}", resource.slug
        assert len(resource.summary) <= 300


def test_every_resource_is_due_for_review_a_year_after_publication(seeded):
    for resource in seeded:
        assert resource.published_at == NOW
        assert resource.review_by == (resource.published_at + timedelta(days=365)).date()


def test_links_go_only_to_the_two_public_pages_over_https(seeded):
    urls = set(seeded.exclude(external_url="").values_list("external_url", flat=True))
    assert urls == ALLOWED_URLS
    assert all(url.startswith("https://") for url in urls)
    assert set(seeded.filter(kind="link").values_list("external_url", flat=True)) == urls
    # No other address hides in the text.
    for resource in seeded:
        for url in re.findall(r"(?:https?:|www\.)\S*", resource.body + resource.summary):
            assert url in ALLOWED_URLS, (resource.slug, url)


def test_helplines_say_how_to_reach_them_and_when(seeded):
    hotlines = seeded.filter(kind=Resource.Kind.HOTLINE)
    assert hotlines.count() >= 3
    for hotline in hotlines:
        assert hotline.phone or hotline.text_line, hotline.slug
        assert hotline.hours, hotline.slug
    by_slug = {hotline.slug: hotline for hotline in hotlines}
    assert by_slug["988-suicide-and-crisis-lifeline"].phone == "988"
    assert by_slug["samhsa-national-helpline"].phone == "1-800-662-4357"
    assert "741741" in by_slug["crisis-text-line"].text_line
    assert by_slug["emergency-call-911"].phone == "911"


def test_seeding_twice_changes_nothing():
    assert starter_library_seed(now=NOW) == len(ALL_RESOURCES)
    before = snapshot()
    outcomes: Counter[str] = Counter()
    assert starter_library_seed(now=NOW + timedelta(days=3), outcomes=outcomes) == 0
    assert outcomes == Counter(unchanged=len(ALL_RESOURCES))
    assert snapshot() == before


def test_changed_text_is_put_back_and_starts_a_new_review_year(seeded):
    resource = seeded.get(slug="relapse-prevention")
    resource.body = "Something else entirely."
    resource.save()
    resource.tags.clear()
    later = NOW + timedelta(days=40)
    assert starter_library_seed(now=later) == 1
    resource.refresh_from_db()
    assert resource.body.endswith(DISCLAIMER)
    assert set(resource.tags.values_list("slug", flat=True)) >= {"relapse", "cravings"}
    assert resource.published_at == later
    assert resource.review_by == (later + timedelta(days=365)).date()


def test_a_resource_an_admin_archived_stays_archived(seeded):
    seeded.filter(slug="who-is-more-at-risk").update(state=Resource.State.ARCHIVED)
    outcomes: Counter[str] = Counter()
    starter_library_seed(now=NOW, outcomes=outcomes)
    assert outcomes["skipped"] == 1
    assert Resource.objects.get(slug="who-is-more-at-risk").state == Resource.State.ARCHIVED


def test_author_and_publisher_are_two_different_admins(admin_user, other_admin):
    with pytest.raises(ValueError, match="different"):
        starter_library_seed(admin_author=admin_user, admin_publisher=admin_user)
    starter_library_seed(admin_author=admin_user, admin_publisher=other_admin, now=NOW)
    resource = Resource.objects.get(slug="cbt-and-other-therapies")
    assert resource.author == admin_user
    assert resource.published_by == other_admin
    change = resource.history.get()
    assert (change.to_state, change.by, change.at) == ("published", other_admin, NOW)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="aware"):
        starter_library_seed(now=datetime(2026, 3, 2, 12, 0))  # noqa: DTZ001 - the point


def search(q: str) -> list[str]:
    return [resource.slug for resource in resource_list_library(q=q)]


def test_the_starter_library_answers_the_searches_members_make(seeded):
    assert search("CBT")[0] == "cbt-and-other-therapies"
    assert "long-term-effects-bladder-kidneys-memory" in search("bladder")
    assert "help-for-parents" in search("help for my son")
    assert "relapse-prevention" in search("cravings")
    assert "worksheet-cravings-log" in search("cravings")


def test_the_command_seeds_and_reports_counts():
    out = StringIO()
    call_command("seed_resources", stdout=out)
    assert f"{len(ALL_RESOURCES)} resources created" in out.getvalue()
    out = StringIO()
    call_command("seed_resources", stdout=out)
    assert f"0 resources created, 0 updated, {len(ALL_RESOURCES)} unchanged" in out.getvalue()
    assert Resource.objects.count() == len(ALL_RESOURCES)


# --- Originality -------------------------------------------------------------------------------


def seed_article_sentences() -> list[list[str]]:
    """The sentences (as words) of the organisation's article(s) in the shared seed folder,
    which lives beside the repository and is not part of it."""
    folder = Path(
        os.environ.get("KINSHIP_SEED_DIR") or Path(settings.BASE_DIR).parent / "shared/seed"
    )
    texts = [path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.txt"))]
    sentences = []
    for text in texts:
        for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
            sentence_words = words(sentence)
            if len(sentence_words) >= WORDS_PER_WINDOW:
                sentences.append(sentence_words)
    return sentences


def copied_windows(text: str, sentences: list[list[str]]) -> list[str]:
    """Every run of WORDS_PER_WINDOW words of any sentence that appears in `text` as is
    (ignoring case, punctuation and spacing)."""
    padded = " " + " ".join(words(text)) + " "
    found = []
    for sentence in sentences:
        for start in range(len(sentence) - WORDS_PER_WINDOW + 1):
            window = " ".join(sentence[start : start + WORDS_PER_WINDOW])
            if f" {window} " in padded:
                found.append(window)
    return found


def test_no_sentence_of_the_organisations_article_is_copied(seeded):
    sentences = seed_article_sentences()
    if not sentences:
        pytest.skip("the organisation's article (../shared/seed/*.txt) is not here")
    # The check itself notices a copied sentence, however it is spaced or capitalised.
    planted = "Our own words.  " + " ".join(sentences[len(sentences) // 2]).upper() + "!"
    assert copied_windows(planted, sentences)
    for resource in seeded:
        text = f"{resource.title}. {resource.summary}. {resource.body}"
        assert copied_windows(text, sentences) == [], resource.slug


def test_every_starter_page_opens_for_a_visitor(client, seeded):
    response = client.get("/resources/")
    assert response.status_code == 200
    for resource in seeded:
        response = client.get(f"/resources/{resource.slug}/")
        assert response.status_code == 200, resource.slug
        assert NOT_ADVICE[resource.language] in response.content.decode()

"""Curating the library in the admin: writing through the service, checked uploads and
links, the workflow actions with four eyes on publication, review dates and featuring."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.contrib.postgres.search import SearchQuery
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from resources.models import Category, Resource, StateChange
from resources.services.curation import resource_save
from tests.factories import UserFactory, activate_totp

pytestmark = pytest.mark.django_db
State = Resource.State

ADD_URL = reverse("admin:resources_resource_add")
LIST_URL = reverse("admin:resources_resource_changelist")
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def signed_in(client: Client, user) -> Client:
    # The admin asks for a second factor (SECOND_FACTOR_REQUIRED_PATHS).
    activate_totp(user)
    client.force_login(user)
    return client


@pytest.fixture
def admin_client(client, admin_user):
    return signed_in(client, admin_user)


@pytest.fixture
def second_admin(db):
    return UserFactory(display_name="Sam", is_staff=True, is_superuser=True)


@pytest.fixture
def second_client(second_admin):
    return signed_in(Client(), second_admin)


def form_data(**overrides) -> dict:
    data = {
        "title": "Craving plans",
        "slug": "",
        "kind": "article",
        "summary": "Small steps for the hard hours.",
        "body": "word " * 450,
        "language": "en",
        "external_url": "",
        "phone": "",
        "text_line": "",
        "hours": "",
        "for_recovery": "on",
        "review_by": "",
        "featured_position": "0",
        # The read-only history inline.
        "history-TOTAL_FORMS": "0",
        "history-INITIAL_FORMS": "0",
        "history-MIN_NUM_FORMS": "0",
        "history-MAX_NUM_FORMS": "0",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def make_resource(author, *, title="Relapse prevention", state=State.DRAFT, **fields) -> Resource:
    resource = resource_save(
        resource=Resource(title=title, summary="A summary.", author=author, **fields)
    )
    if state != State.DRAFT:
        Resource.objects.filter(pk=resource.pk).update(state=state)
        resource.refresh_from_db()
    return resource


def run_action(client: Client, action: str, *resources: Resource):
    response = client.post(
        LIST_URL, {"action": action, "_selected_action": [r.pk for r in resources]}, follow=True
    )
    assert response.redirect_chain == [(LIST_URL, 302)]
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def form_errors(response) -> dict:
    assert response.status_code == 200, "the form was accepted"
    return response.context["adminform"].form.errors


# Writing ------------------------------------------------------------------------------------


def test_an_admin_writes_a_resource_through_the_add_form(admin_client, admin_user):
    category = Category.objects.create(slug="relapse", name="Relapse")
    assert admin_client.get(ADD_URL).status_code == 200

    response = admin_client.post(ADD_URL, form_data(categories=[category.pk]))

    assert response.status_code == 302, form_errors(response)
    resource = Resource.objects.get()
    assert (resource.slug, resource.state, resource.author) == (
        "craving-plans",
        State.DRAFT,
        admin_user,
    )
    assert resource.reading_minutes == 3  # 450 words at 200 a minute
    assert list(resource.categories.all()) == [category]
    if connection.vendor == "postgresql":
        found = Resource.objects.filter(search_vector=SearchQuery("plan", config="english"))
        assert list(found) == [resource]


def test_a_pdf_upload_is_stored_under_a_name_of_our_own(admin_client):
    upload = SimpleUploadedFile("Jane Doe notes.pdf", PDF, content_type="application/pdf")

    response = admin_client.post(ADD_URL, form_data(kind="file", file=upload))

    assert response.status_code == 302, form_errors(response)
    resource = Resource.objects.get()
    assert resource.file.name.startswith("resources/")
    assert resource.file.name.endswith("/craving-plans.pdf")


def test_an_executable_renamed_to_pdf_is_refused_and_nothing_is_saved(admin_client, settings):
    upload = SimpleUploadedFile("leaflet.pdf", EXECUTABLE, content_type="application/pdf")

    response = admin_client.post(ADD_URL, form_data(kind="file", file=upload))

    assert "is not a PDF or an image" in form_errors(response)["file"][0]
    assert not Resource.objects.exists()
    assert not (settings.MEDIA_ROOT).exists()


def test_a_file_over_ten_megabytes_is_refused(admin_client):
    upload = SimpleUploadedFile(
        "big.pdf", PDF + b"0" * (10 * 1024 * 1024), content_type="application/pdf"
    )

    response = admin_client.post(ADD_URL, form_data(kind="file", file=upload))

    assert "files can be at most 10 MB" in form_errors(response)["file"][0]
    assert not Resource.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "JavaScript://example.org/%0Aalert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "ftp://example.org/leaflet.pdf",
    ],
)
def test_links_other_than_http_and_https_are_refused(admin_client, url):
    response = admin_client.post(ADD_URL, form_data(kind="link", external_url=url))

    assert form_errors(response)["external_url"] == ["Enter a valid URL."]
    assert not Resource.objects.exists()


def test_each_kind_asks_for_what_it_needs(admin_client):
    response = admin_client.post(ADD_URL, form_data(kind="hotline"))
    assert "needs a phone number or a text line" in form_errors(response)["phone"][0]

    response = admin_client.post(ADD_URL, form_data(kind="link"))
    assert "needs its address" in form_errors(response)["external_url"][0]
    assert not Resource.objects.exists()


def test_editing_keeps_the_reading_time_in_step(admin_client, admin_user):
    resource = make_resource(admin_user, body="short")
    url = reverse("admin:resources_resource_change", args=[resource.pk])

    response = admin_client.post(url, form_data(title="Relapse prevention", slug=resource.slug))

    assert response.status_code == 302, form_errors(response)
    resource.refresh_from_db()
    assert (resource.reading_minutes, resource.state, resource.author) == (
        3,
        State.DRAFT,
        admin_user,
    )


def test_the_state_cannot_be_changed_through_the_form(admin_client, admin_user):
    resource = make_resource(admin_user)
    url = reverse("admin:resources_resource_change", args=[resource.pk])

    admin_client.post(url, form_data(title="Relapse prevention", state="published"))

    resource.refresh_from_db()
    assert resource.state == State.DRAFT
    assert not StateChange.objects.exists()


# The workflow -------------------------------------------------------------------------------


def test_an_author_cannot_publish_their_own_resource(admin_client, admin_user):
    resource = make_resource(admin_user)
    assert run_action(admin_client, "send_for_review", resource) == [
        ("success", "1 resource sent for review; another admin reads and publishes them.")
    ]

    notes = run_action(admin_client, "publish", resource)

    assert notes == [
        (
            "warning",
            "1 resource refused, nothing changed for them: you wrote them, and another admin "
            "must review and publish what you wrote (four eyes).",
        )
    ]
    resource.refresh_from_db()
    assert (resource.state, resource.published_at, resource.published_by) == (
        State.IN_REVIEW,
        None,
        None,
    )
    assert list(StateChange.objects.values_list("from_state", "to_state")) == [
        ("draft", "in_review")
    ]


def test_a_second_admin_publishes_with_a_review_date_a_year_later(
    admin_client, admin_user, second_client, second_admin
):
    resource = make_resource(admin_user)
    run_action(admin_client, "send_for_review", resource)

    with time_machine.travel("2025-03-10 15:00:00+00:00", tick=False):
        notes = run_action(second_client, "publish", resource)

    assert notes == [("success", "1 resource published.")]
    resource.refresh_from_db()
    assert resource.state == State.PUBLISHED
    assert resource.published_by == second_admin
    assert resource.published_at == datetime(2025, 3, 10, 15, tzinfo=UTC)
    assert resource.review_by == date(2026, 3, 10)
    history = StateChange.objects.order_by("pk")
    assert [(c.from_state, c.to_state, c.by) for c in history] == [
        ("draft", "in_review", admin_user),
        ("in_review", "published", second_admin),
    ]


def test_publishing_a_mixed_selection_says_what_was_refused_and_why(
    second_client, admin_user, second_admin
):
    theirs = make_resource(admin_user, title="Theirs", state=State.IN_REVIEW)
    mine = make_resource(second_admin, title="Mine", state=State.IN_REVIEW)
    draft = make_resource(admin_user, title="Draft")

    notes = run_action(second_client, "publish", theirs, mine, draft)

    assert [level for level, _ in notes] == ["success", "warning", "warning"]
    assert notes[0][1] == "1 resource published."
    assert "you wrote them" in notes[1][1]
    assert "only a resource in review can be published" in notes[2][1]
    states = dict(Resource.objects.values_list("title", "state"))
    assert states == {"Theirs": "published", "Mine": "in_review", "Draft": "draft"}


def test_archiving_and_back_to_draft_are_recorded(admin_client, admin_user):
    resource = make_resource(admin_user, state=State.PUBLISHED, featured=True)

    assert run_action(admin_client, "archive", resource) == [
        ("success", "1 resource archived: members no longer see them.")
    ]
    resource.refresh_from_db()
    assert (resource.state, resource.featured) == (State.ARCHIVED, False)

    assert run_action(admin_client, "back_to_draft", resource) == [
        ("success", "1 resource back to draft.")
    ]
    resource.refresh_from_db()
    assert resource.state == State.DRAFT
    assert list(StateChange.objects.order_by("pk").values_list("from_state", "to_state")) == [
        ("published", "archived"),
        ("archived", "draft"),
    ]


def test_a_published_resource_keeps_its_address(admin_client, admin_user, second_client):
    resource = make_resource(admin_user)
    run_action(admin_client, "send_for_review", resource)
    run_action(second_client, "publish", resource)
    url = reverse("admin:resources_resource_change", args=[resource.pk])
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(url, form_data(title="A new title", slug="a-new-title"))

    assert response.status_code == 302, form_errors(response)
    resource.refresh_from_db()
    assert (resource.title, resource.slug) == ("A new title", "relapse-prevention")


def test_the_history_shows_on_the_change_page(admin_client, admin_user):
    resource = make_resource(admin_user)
    run_action(admin_client, "send_for_review", resource)

    response = admin_client.get(reverse("admin:resources_resource_change", args=[resource.pk]))

    html = response.content.decode()
    assert "In review" in html
    assert reverse("resources:resource-detail", args=[resource.slug]) in html  # preview


def test_the_preview_is_the_public_page_which_admins_see_for_drafts(admin_client, admin_user):
    resource = make_resource(admin_user, title="Still a draft")
    public = reverse("resources:resource-detail", args=["still-a-draft"])

    response = admin_client.get(reverse("admin:resources_resource_change", args=[resource.pk]))

    assert f'href="{public}" class="viewsitelink"' in response.content.decode()
    page = admin_client.get(public)
    assert page.status_code == 200
    assert "Still a draft" in page.content.decode()


# Review dates and the front page ------------------------------------------------------------


def test_the_overdue_filter_lists_published_resources_past_their_review_date(
    admin_client, admin_user
):
    today = timezone.localdate()
    overdue = make_resource(
        admin_user, title="Overdue", state=State.PUBLISHED, review_by=today - timedelta(days=1)
    )
    make_resource(
        admin_user, title="Soon", state=State.PUBLISHED, review_by=today + timedelta(days=10)
    )
    make_resource(
        admin_user, title="Later", state=State.PUBLISHED, review_by=today + timedelta(days=200)
    )
    make_resource(admin_user, title="Old draft", review_by=today - timedelta(days=5))

    response = admin_client.get(LIST_URL, {"review": "overdue"})
    assert list(response.context["cl"].result_list) == [overdue]
    assert "⚠ overdue" in response.content.decode()

    response = admin_client.get(LIST_URL, {"review": "due_soon"})
    assert [r.title for r in response.context["cl"].result_list] == ["Soon"]


def test_the_review_filter_finds_facilitators_suggestions(admin_client, admin_user, facilitator):
    suggested = make_resource(facilitator, title="A podcast", suggested_by_facilitator=True)
    make_resource(admin_user, title="Written here")

    response = admin_client.get(LIST_URL, {"review": "suggested"})

    assert list(response.context["cl"].result_list) == [suggested]


def _list_editable_post(resource: Resource, *, featured: bool, position: int) -> dict:
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(resource.pk),
        "form-0-featured_position": str(position),
        "_save": "Save",
    }
    if featured:
        data["form-0-featured"] = "on"
    return data


def test_only_published_resources_can_be_featured(admin_client, admin_user):
    draft = make_resource(admin_user, title="Draft")
    published = make_resource(admin_user, title="Published", state=State.PUBLISHED)

    response = admin_client.post(LIST_URL, _list_editable_post(draft, featured=True, position=1))
    assert response.status_code == 200
    assert "Only published resources can be on the library" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.featured

    response = admin_client.post(
        LIST_URL, _list_editable_post(published, featured=True, position=2)
    )
    assert response.status_code == 302
    published.refresh_from_db()
    assert (published.featured, published.featured_position) == (True, 2)

    url = reverse("admin:resources_resource_change", args=[draft.pk])
    response = admin_client.post(url, form_data(title="Draft", slug=draft.slug, featured="on"))
    assert "Only published resources" in form_errors(response)["featured"][0]


def _changelist_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL)
    assert response.status_code == 200
    return len(queries)


def test_the_list_makes_the_same_number_of_queries_for_5_or_50_resources(
    admin_client, admin_user, second_admin
):
    category = Category.objects.create(slug="therapy", name="Therapy")
    authors = [admin_user, second_admin]

    def add(count: int) -> None:
        start = Resource.objects.count()
        for n in range(start, start + count):
            resource = make_resource(
                authors[n % 2],
                title=f"Resource {n}",
                state=State.PUBLISHED if n % 3 else State.DRAFT,
                review_by=timezone.localdate() - timedelta(days=n - 20),
            )
            resource.categories.add(category)

    add(5)
    few = _changelist_queries(admin_client)
    add(45)
    many = _changelist_queries(admin_client)

    assert Resource.objects.count() == 50
    assert few == many

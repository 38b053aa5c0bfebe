"""The library from the outside: what is listed and to whom, filters, pagination and search
input that should never break a page; resource pages and their sanitised Markdown; the
validation of links and files; the curation workflow with four eyes; bookmarks; resources
shared with a group; and query counts that do not grow with the library."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from resources.forms import SuggestForm
from resources.models import Bookmark, Category, GroupResource, Resource, StateChange, Tag
from resources.selectors import MARK_END, MARK_START, MAX_QUERY_LENGTH
from resources.services.curation import (
    CurationError,
    resource_archive,
    resource_publish,
    resource_save,
    resource_submit,
)
from resources.templatetags.library import highlighted
from resources.validators import MAX_FILE_BYTES, validate_resource_file
from tests.factories import (
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
    activate_totp,
)
from tests.queries import count_queries
from tests.resources.conftest import (
    CategoryFactory,
    ResourceFactory,
    TagFactory,
    index_all,
    on_postgresql,
)

pytestmark = pytest.mark.django_db
State = Resource.State
LIBRARY = reverse("resources:resource-list")
SAVED = reverse("resources:saved")
SUGGEST = reverse("resources:suggest")


def detail_url(resource: Resource) -> str:
    return reverse("resources:resource-detail", args=[resource.slug])


def save_url(resource: Resource) -> str:
    return reverse("resources:resource-save", args=[resource.slug])


def listed(response) -> list[str]:
    """The titles of the page of results (not the featured items nor the helplines)."""
    return [resource.title for resource in response.context["page_obj"]]


def between(html: str, start: str, end: str) -> str:
    """The part of `html` from the first `start` to the next `end`."""
    begin = html.index(start)
    return html[begin : html.index(end, begin)]


@pytest.fixture
def every_state():
    """One resource in each state of the workflow, and a helpline of each visibility."""
    return {
        "published": ResourceFactory(title="Published about sleep", featured=True),
        "draft": ResourceFactory(title="Draft about sleep", state=State.DRAFT, featured=True),
        "in_review": ResourceFactory(title="Reviewed about sleep", state=State.IN_REVIEW),
        "archived": ResourceFactory(title="Archived about sleep", state=State.ARCHIVED),
        "hotline_draft": ResourceFactory(
            title="Unpublished helpline", kind=Resource.Kind.HOTLINE, state=State.DRAFT
        ),
    }


# --- the library page -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["visitor", "member"])
@pytest.mark.parametrize("query", ["", "?q=sleep", "?kind=article"])
def test_library_lists_only_published_resources(client, member, every_state, who, query):
    if who == "member":
        client.force_login(member)
    response = client.get(LIBRARY + query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Published about sleep" in html
    for hidden in ("Draft about sleep", "Reviewed about sleep", "Archived about sleep"):
        assert hidden not in html
    assert "Unpublished helpline" not in html
    assert listed(response) == ["Published about sleep"]


def test_helplines_are_named_first_on_the_library_page_even_in_a_search(client):
    """By name before the search box (their numbers and hours after the results, so that on
    a phone the results still start on the first screen)."""
    ResourceFactory(
        title="Night line",
        kind=Resource.Kind.HOTLINE,
        phone="0800 123 456",
        hours="24 hours, every day",
    )
    ResourceFactory(title="Sleeping again", body="Rest after stopping.")
    for url in (LIBRARY, LIBRARY + "?q=sleeping", LIBRARY + "?q=nothingmatcheshere"):
        html = client.get(url).content.decode()
        named = between(html, "Need to talk to someone now?", "</p>")
        assert "Night line" in named, url
        assert 'href="#hotlines-title"' in named
        assert html.index("Need to talk to someone now?") < html.index('role="search"'), url
        assert "Night line" in between(html, 'id="hotlines-title"', "</section>")
        assert 'href="tel:0800123456"' in html


def test_each_filter_narrows_the_list(client):
    loved = CategoryFactory(name="Supporting someone")
    sleep = TagFactory(name="sleep")
    ResourceFactory(title="Plain article")
    ResourceFactory(title="Worksheet", kind=Resource.Kind.WORKSHEET)
    ResourceFactory(title="For family", for_recovery=False, for_loved_ones=True)
    ResourceFactory(title="In a category", categories=[loved])
    ResourceFactory(title="With a tag", tags=[sleep])
    ResourceFactory(title="Draft worksheet", kind=Resource.Kind.WORKSHEET, state=State.DRAFT)

    assert len(listed(client.get(LIBRARY))) == 5
    assert listed(client.get(LIBRARY, {"kind": "worksheet"})) == ["Worksheet"]
    assert listed(client.get(LIBRARY, {"audience": "loved_ones"})) == ["For family"]
    assert listed(client.get(LIBRARY, {"category": loved.slug})) == ["In a category"]
    assert listed(client.get(LIBRARY, {"tag": sleep.slug})) == ["With a tag"]
    assert listed(client.get(LIBRARY, {"kind": "worksheet", "category": loved.slug})) == []


def test_unknown_filter_values_are_dropped_not_reported(client):
    ResourceFactory(title="Plain article")
    response = client.get(LIBRARY, {"kind": "malware", "category": "no-such", "audience": "x"})
    assert response.status_code == 200
    assert listed(response) == ["Plain article"]


def test_pagination_keeps_the_filters(client):
    for n in range(25):
        ResourceFactory(title=f"Worksheet {n:02}", kind=Resource.Kind.WORKSHEET)
    for n in range(5):
        ResourceFactory(title=f"Article {n:02}")

    first = client.get(LIBRARY, {"kind": "worksheet", "q": "worksheet"})
    html = first.content.decode()
    assert len(listed(first)) == 20
    next_link = re.search(r'href="([^"]*)"\s+rel="next"', html)
    assert next_link, "no link to the next page"
    url = next_link.group(1).replace("&amp;", "&")
    assert "kind=worksheet" in url
    assert "q=worksheet" in url
    assert "page=2" in url

    second = client.get(LIBRARY + url)
    assert listed(second) == [f"Worksheet {n:02}" for n in range(20, 25)]
    previous = re.search(r'href="([^"]*)"\s+rel="prev"', second.content.decode())
    assert "kind=worksheet" in previous.group(1)


def test_an_empty_search_shows_the_front_page(client):
    ResourceFactory(title="Where to begin", featured=True)
    for query in ("", "   "):
        response = client.get(LIBRARY, {"q": query})
        assert response.status_code == 200
        assert response.context["is_filtered"] is False
        assert [r.title for r in response.context["featured"]] == ["Where to begin"]
        assert "Everything in the library" in response.content.decode()


def test_a_search_longer_than_the_limit_is_refused_with_a_message(client):
    """Not cut and searched as if that was what was asked, nor ignored to show everything."""
    ResourceFactory(title="Cravings at night", body="When cravings come at night.")
    query = "cravings " + "x" * 991
    assert len(query) == 1000 > MAX_QUERY_LENGTH
    response = client.get(LIBRARY, {"q": query})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Your search could not be read" in html
    assert f"A search can be at most {MAX_QUERY_LENGTH} characters (this one has 1000)" in html
    assert listed(response) == []
    assert "Everything in the library" not in html
    assert f'maxlength="{MAX_QUERY_LENGTH}"' in html  # a browser never gets there
    response = client.get(LIBRARY, {"q": ("cravings " * 22).strip()})
    assert response.status_code == 200  # 197 characters: within the limit
    assert listed(response) == ["Cravings at night"]


def test_search_matches_whole_words_not_letters_inside_a_word(client):
    """On SQLite as on PostgreSQL: "son" finds the son, not the person or the season."""
    ResourceFactory(title="When your son is using", body="Talking with him.")
    ResourceFactory(title="A person like me", body="Every season of recovery.")
    response = client.get(LIBRARY, {"q": "son"})
    assert listed(response) == ["When your son is using"]


def test_a_featured_resource_that_is_also_listed_repeats_no_id(client):
    ResourceFactory(title="Where to begin", featured=True)
    ResourceFactory(title="Sleeping again")
    html = client.get(LIBRARY).content.decode()
    assert html.count("Where to begin</a>") == 2  # featured, and in the list
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE resources_resource; --",
        ".*",
        "%",
        "_",
        "(",
        "\\",
        '"unbalanced',
        "cravings & | ! <-> :* )",
        "cravings%",
        "cravings - night",
        "crav_ngs",
        "NULL",
        "\x00",
    ],
)
def test_search_with_sql_or_pattern_characters_never_errors(client, query):
    ResourceFactory(title="Cravings at night", body="When cravings come at night.")
    ResourceFactory(title="Unbalanced days", body="Days that feel lopsided.")
    response = client.get(LIBRARY, {"q": query})
    assert response.status_code == 200
    assert Resource.objects.count() == 2
    # A metacharacter is never a wildcard: "%" and "_" don't match everything as words.
    # Operators and pattern characters are spaces between words, never operators.
    if query in {"cravings%", "cravings & | ! <-> :* )", "cravings - night"}:
        assert listed(response) == ["Cravings at night"]
    if query == '"unbalanced':
        assert listed(response) == ["Unbalanced days"]


def test_no_results_suggest_the_categories(client):
    topic = CategoryFactory(name="Cravings and triggers")
    empty = CategoryFactory(name="Nothing here yet")
    ResourceFactory(title="Cravings at night", categories=[topic])
    response = client.get(LIBRARY, {"q": "zebra"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing matches yet" in html
    assert "We found nothing for “zebra”" in html
    help_text = between(html, 'class="empty-state"', "</div>")
    assert f'href="{LIBRARY}?category={topic.slug}"' in help_text
    assert "Cravings and triggers" in help_text
    assert empty.name not in help_text  # an empty category is no help


# --- a resource's page ------------------------------------------------------------------------


@pytest.mark.parametrize("state", [State.DRAFT, State.IN_REVIEW, State.ARCHIVED])
def test_an_unpublished_resource_is_not_found_by_members_or_visitors(client, member, state):
    resource = ResourceFactory(title="Not out yet", state=state)
    assert client.get(detail_url(resource)).status_code == 404
    client.force_login(member)
    assert client.get(detail_url(resource)).status_code == 404


def test_an_admin_previews_a_draft_with_its_state_shown(staff_client):
    resource = ResourceFactory(title="Not out yet", state=State.DRAFT)
    response = staff_client.get(detail_url(resource))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not out yet" in html
    assert "Draft: only admins see this page until it is published." in html
    assert "Save for later" not in html  # a draft can't be saved


def test_a_published_resource_shows_no_state_banner(client):
    resource = ResourceFactory(title="Out now")
    html = client.get(detail_url(resource)).content.decode()
    assert "only admins see this page" not in html


def test_markdown_is_rendered_without_scripts_handlers_or_javascript_links(client):
    resource = ResourceFactory(
        title="Tricky text",
        body=(
            "## Heading\n\n"
            "Some **bold** words and [a good link](https://example.org/help).\n\n"
            "<script>alert('script')</script>\n\n"
            '<img src="x" onerror="alert(\'img\')">\n\n'
            '<a href="#" onclick="alert(\'click\')">inline</a>\n\n'
            "[a bad link](javascript:alert('link'))\n\n"
            '<a href="JaVaScRiPt:alert(1)">mixed case</a>\n\n'
            "[data link](data:text/html;base64,PHNjcmlwdD4=)\n\n"
            '<iframe src="https://example.org"></iframe>\n'
        ),
    )
    html = client.get(detail_url(resource)).content.decode()
    prose = between(html, '<div class="prose" lang="en">', "</div>")
    assert "<h2>Heading</h2>" in prose
    assert "<strong>bold</strong>" in prose
    assert 'href="https://example.org/help"' in prose
    lowered = prose.lower()
    for unsafe in ("<script", "onerror", "onclick", "javascript:", "data:", "<iframe", "<img"):
        assert unsafe not in lowered, unsafe


def test_snippets_escape_html_except_our_marks():
    snippet = f'<img src=x onerror="alert(1)"> a {MARK_START}craving{MARK_END} & <b>more</b>'
    rendered = str(highlighted(snippet))
    assert rendered == (
        "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; a <mark>craving</mark> &amp; "
        "&lt;b&gt;more&lt;/b&gt;"
    )
    # A literal "<mark>" typed into a resource is text, not a tag.
    assert str(highlighted("<mark>x</mark>")) == "&lt;mark&gt;x&lt;/mark&gt;"


def test_search_results_show_no_html_from_a_resource_body(client):
    ResourceFactory(
        title="Tricky snippet",
        body='Before <img src="x" onerror="alert(1)"> cravings after, <b>bold</b>.',
    )
    response = client.get(LIBRARY, {"q": "cravings"})
    assert listed(response) == ["Tricky snippet"]
    html = response.content.decode()
    results = between(html, 'id="results-title"', "</section>")
    assert "<img" not in results
    assert "<b>" not in results
    if on_postgresql():  # the snippet (SearchHeadline) exists on PostgreSQL only
        assert "<mark>cravings</mark>" in results
        assert "&lt;b&gt;" in results or "bold" in results


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "file:///etc/passwd",
        "ftp://example.org/file.pdf",
    ],
)
def test_unsafe_links_are_refused_by_the_model_and_the_suggest_form(url):
    resource = Resource(title="A link", slug="a-link", summary="Somewhere.", external_url=url)
    with pytest.raises(ValidationError) as refused:
        resource.full_clean()
    assert "external_url" in refused.value.message_dict

    form = SuggestForm(data={"title": "A link", "summary": "Somewhere.", "external_url": url})
    assert not form.is_valid()
    assert "external_url" in form.errors


def test_safe_links_are_accepted():
    resource = Resource(
        title="A link", slug="a-link", summary="Somewhere.", external_url="https://example.org/"
    )
    resource.full_clean()
    form = SuggestForm(data={"title": "A", "summary": "B", "external_url": "example.org/help"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["external_url"] == "https://example.org/help"


def test_a_facilitator_suggesting_a_javascript_link_creates_nothing(client, facilitator):
    activate_totp(facilitator)
    client.force_login(facilitator)
    response = client.post(
        SUGGEST, {"title": "Click me", "summary": "Fun.", "external_url": "javascript:alert(1)"}
    )
    assert response.status_code == 400
    assert not Resource.objects.exists()


@pytest.mark.parametrize(
    "head",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00",  # Windows executable
        b"\x7fELF\x02\x01\x01\x00",  # Linux executable
        b"#!/bin/sh\nrm -rf ~\n",
        b"<html><script>alert(1)</script>",
        b"",
    ],
)
def test_an_executable_renamed_to_pdf_is_refused(head):
    upload = SimpleUploadedFile("guide.pdf", head + b"\x00" * 64, "application/pdf")
    with pytest.raises(ValidationError) as refused:
        validate_resource_file(upload)
    assert refused.value.code == "file_type"


def test_a_file_over_the_limit_is_refused():
    upload = SimpleUploadedFile(
        "guide.pdf", b"%PDF-1.7\n" + b"0" * MAX_FILE_BYTES, "application/pdf"
    )
    with pytest.raises(ValidationError) as refused:
        validate_resource_file(upload)
    assert refused.value.code == "file_too_large"


@pytest.mark.parametrize(
    "name, head",
    [
        ("guide.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
        ("chart.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"),
        ("photo.webp", b"RIFF\x24\x00\x00\x00WEBPVP8 "),
    ],
)
def test_real_pdfs_and_images_are_accepted(name, head):
    upload = SimpleUploadedFile(name, head + b"\x00" * 64)
    upload.read(5)  # wherever the upload was left, it is checked from its start
    validate_resource_file(upload)
    assert upload.tell() == 5


# --- the curation workflow --------------------------------------------------------------------


@pytest.fixture
def written(admin_user):
    """A resource admin_user wrote and sent for review."""
    resource = resource_save(
        resource=Resource(
            title="Talking therapies", summary="What CBT is.", body="Words.", author=admin_user
        )
    )
    assert resource.state == State.DRAFT
    return resource_submit(resource=resource, by=admin_user)


def test_an_author_cannot_publish_their_own_resource(admin_user, written):
    with pytest.raises(CurationError) as refused:
        resource_publish(resource=written, by=admin_user)
    assert refused.value.code == "own_resource"
    written.refresh_from_db()
    assert written.state == State.IN_REVIEW
    assert written.published_at is None
    assert not StateChange.objects.filter(resource=written, to_state=State.PUBLISHED).exists()


def test_another_admin_publishes_a_resource_in_review(admin_user, other_admin, written):
    now = timezone.now()
    resource_publish(resource=written, by=other_admin, now=now)
    written.refresh_from_db()
    assert written.state == State.PUBLISHED
    assert written.published_by == other_admin
    assert written.published_at == now
    assert written.review_by == (now + timedelta(days=365)).date()
    moves = list(
        StateChange.objects.filter(resource=written)
        .order_by("at", "pk")
        .values_list("from_state", "to_state", "by")
    )
    assert moves == [
        (State.DRAFT, State.IN_REVIEW, admin_user.pk),
        (State.IN_REVIEW, State.PUBLISHED, other_admin.pk),
    ]


def test_a_draft_cannot_be_published_without_review(admin_user, other_admin):
    draft = resource_save(
        resource=Resource(title="Rushed", summary="Too fast.", body="Words.", author=admin_user)
    )
    with pytest.raises(CurationError) as refused:
        resource_publish(resource=draft, by=other_admin)
    assert refused.value.code == "not_in_review"
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_a_member_cannot_publish(member, written):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        resource_publish(resource=written, by=member)
    written.refresh_from_db()
    assert written.state == State.IN_REVIEW


def test_a_facilitators_suggestion_arrives_as_a_draft(client, facilitator):
    activate_totp(facilitator)
    client.force_login(facilitator)
    assert client.get(SUGGEST).status_code == 200
    response = client.post(
        SUGGEST,
        {
            "title": "A workbook our group liked",
            "summary": "Exercises for the first month.",
            "external_url": "https://example.org/workbook",
        },
    )
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.state == State.DRAFT
    assert resource.suggested_by_facilitator
    assert resource.author == facilitator
    assert resource.kind == Resource.Kind.LINK
    assert resource.slug == "a-workbook-our-group-liked"
    # Nobody but admins sees it yet.
    assert "A workbook our group liked" not in client.get(LIBRARY).content.decode()
    assert client.get(detail_url(resource)).status_code == 404


def test_a_member_cannot_suggest(member_client):
    assert member_client.get(SUGGEST).status_code == 403
    response = member_client.post(
        SUGGEST, {"title": "T", "summary": "S", "external_url": "https://example.org/"}
    )
    assert response.status_code == 403
    assert not Resource.objects.exists()


def test_a_facilitator_without_a_second_factor_is_sent_to_set_one_up_first(client, facilitator):
    """As for every other facilitator tool: nothing is kept of what they posted."""
    client.force_login(facilitator)
    for response in (
        client.get(SUGGEST),
        client.post(
            SUGGEST, {"title": "T", "summary": "S", "external_url": "https://example.org/"}
        ),
    ):
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
    assert not Resource.objects.exists()


def test_a_visitor_is_sent_to_sign_in_to_suggest(client):
    response = client.get(SUGGEST)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# --- bookmarks --------------------------------------------------------------------------------


def test_a_saved_resource_appears_on_the_saved_page(member_client, member):
    resource = ResourceFactory(title="Keep this one")
    response = member_client.post(save_url(resource))
    assert response.status_code == 302
    assert response["Location"] == detail_url(resource)
    assert "Keep this one" in member_client.get(SAVED).content.decode()
    assert "Remove from saved" in member_client.get(detail_url(resource)).content.decode()


def saved_titles(client) -> list[str]:
    return [bookmark.resource.title for bookmark in client.get(SAVED).context["page_obj"]]


def test_saving_twice_keeps_one_bookmark(member_client, member):
    resource = ResourceFactory(title="Keep this one")
    member_client.post(save_url(resource))
    member_client.post(save_url(resource))
    assert Bookmark.objects.filter(user=member, resource=resource).count() == 1


def test_a_bookmark_can_be_removed(member_client, member):
    resource = ResourceFactory(title="Keep this one")
    member_client.post(save_url(resource))
    member_client.post(save_url(resource), {"action": "remove"})
    assert not Bookmark.objects.filter(user=member).exists()
    assert saved_titles(member_client) == []


@pytest.mark.parametrize("state", [State.DRAFT, State.IN_REVIEW, State.ARCHIVED])
def test_an_unpublished_resource_cannot_be_saved(member_client, member, state):
    resource = ResourceFactory(title="Not out yet", state=state)
    assert member_client.post(save_url(resource)).status_code == 404
    assert not Bookmark.objects.exists()


def test_an_admin_cannot_save_a_draft_either(staff_client):
    resource = ResourceFactory(title="Not out yet", state=State.DRAFT)
    response = staff_client.post(save_url(resource), follow=True)
    assert response.status_code == 200
    assert "Only published resources can be saved." in response.content.decode()
    assert not Bookmark.objects.exists()


def test_saved_resources_need_sign_in(client):
    resource = ResourceFactory(title="Keep this one")
    for response in (client.get(SAVED), client.post(save_url(resource))):
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    assert not Bookmark.objects.exists()


def test_saving_only_by_post(member_client):
    resource = ResourceFactory(title="Keep this one")
    assert member_client.get(save_url(resource)).status_code == 405
    assert not Bookmark.objects.exists()


def test_the_saved_page_hides_resources_archived_since(member_client, member, admin_user):
    kept = ResourceFactory(title="Still here")
    gone = ResourceFactory(title="Taken down later")
    member_client.post(save_url(kept))
    member_client.post(save_url(gone))
    assert saved_titles(member_client) == ["Taken down later", "Still here"]
    resource_archive(resource=gone, by=admin_user)
    assert saved_titles(member_client) == ["Still here"]
    assert "Taken down later" not in member_client.get(SAVED).content.decode()


# --- resources shared with a group ------------------------------------------------------------


@pytest.fixture
def group(facilitator):
    group = SupportGroupFactory(name="Thursday Circle")
    MembershipFactory(user=facilitator, group=group, role="facilitator")
    return group


def shared_titles(client, group) -> list[str]:
    response = client.get(group_page(group))
    return [link.resource.title for link in response.context["shared_resources"]]


def shared_url(group) -> str:
    return reverse("resources:group-resources", args=[group.slug])


def group_page(group) -> str:
    return reverse("groups:group-detail", args=[group.slug])


def test_a_facilitator_shares_a_resource_that_members_see(
    client, fac_client, group, member, outsider
):
    MembershipFactory(user=member, group=group)
    resource = ResourceFactory(title="Coping with cravings")
    assert fac_client.get(shared_url(group)).status_code == 200
    response = fac_client.post(shared_url(group), {"resource": resource.slug})
    assert response.status_code == 302
    assert GroupResource.objects.filter(group=group, resource=resource).count() == 1
    assert "Coping with cravings" in fac_client.get(shared_url(group)).content.decode()

    client.force_login(member)
    assert "Coping with cravings" in client.get(group_page(group)).content.decode()
    client.force_login(outsider)
    response = client.get(group_page(group))
    assert response.status_code == 200
    assert "Coping with cravings" not in response.content.decode()
    client.logout()
    assert "Coping with cravings" not in client.get(group_page(group)).content.decode()


def test_sharing_twice_keeps_one_link_and_stopping_removes_it(fac_client, group):
    resource = ResourceFactory(title="Coping with cravings")
    fac_client.post(shared_url(group), {"resource": resource.slug})
    fac_client.post(shared_url(group), {"resource": resource.slug})
    link = GroupResource.objects.get(group=group)
    fac_client.post(shared_url(group), {"remove": link.pk})
    assert not GroupResource.objects.exists()


@pytest.mark.parametrize("state", [State.DRAFT, State.IN_REVIEW, State.ARCHIVED])
def test_an_unpublished_resource_cannot_be_shared(fac_client, group, state):
    resource = ResourceFactory(title="Not out yet", state=state)
    response = fac_client.post(shared_url(group), {"resource": resource.slug})
    assert response.status_code == 400
    assert response.context["form"].errors["resource"]
    assert not GroupResource.objects.exists()


def test_a_resource_archived_after_sharing_leaves_the_group_page(
    client, fac_client, group, member, admin_user
):
    MembershipFactory(user=member, group=group)
    resource = ResourceFactory(title="Coping with cravings")
    fac_client.post(shared_url(group), {"resource": resource.slug})
    client.force_login(member)
    assert shared_titles(client, group) == ["Coping with cravings"]
    resource_archive(resource=resource, by=admin_user)
    assert shared_titles(client, group) == []
    assert "Coping with cravings" not in client.get(group_page(group)).content.decode()


def test_members_and_other_facilitators_cannot_share(client, group, member):
    resource = ResourceFactory(title="Coping with cravings")
    MembershipFactory(user=member, group=group)
    client.force_login(member)
    assert client.get(shared_url(group)).status_code == 403
    assert client.post(shared_url(group), {"resource": resource.slug}).status_code == 403

    elsewhere = UserFactory(display_name="Sky", is_facilitator=True)
    MembershipFactory(user=elsewhere, group=SupportGroupFactory(), role="facilitator")
    activate_totp(elsewhere)
    client.force_login(elsewhere)
    assert client.get(shared_url(group)).status_code == 403
    assert client.post(shared_url(group), {"resource": resource.slug}).status_code == 403

    archived = SupportGroupFactory(state="archived")  # not visible to outsiders at all
    assert client.post(shared_url(archived), {"resource": resource.slug}).status_code == 404
    assert not GroupResource.objects.exists()


# --- query counts that don't grow with the library --------------------------------------------


def add_resources(count: int, *, start: int = 0) -> None:
    """`count` published resources in a few bulk inserts, half in a shared category and with a
    shared tag (so related resources and filters have plenty to find), some helplines, some
    featured, every one mentioning cravings; search vectors refreshed in one statement."""
    topic = Category.objects.get_or_create(slug="cravings", defaults={"name": "Cravings"})[0]
    other = Category.objects.get_or_create(slug="family", defaults={"name": "Family"})[0]
    tag = Tag.objects.get_or_create(slug="nights", defaults={"name": "nights"})[0]
    kinds = [Resource.Kind.ARTICLE, Resource.Kind.WORKSHEET, Resource.Kind.LINK]
    resources = Resource.objects.bulk_create(
        (
            Resource(
                title=f"Getting through cravings {n:05}",
                slug=f"getting-through-cravings-{n:05}",
                kind=Resource.Kind.HOTLINE if n % 500 == 1 else kinds[n % len(kinds)],
                summary="What helps when cravings come, in a few lines.",
                body=f"Cravings pass. Number {n} of the ways through a hard evening.",
                state=State.PUBLISHED,
                for_loved_ones=n % 2 == 0,
                featured=n % 400 == 3,
                published_at=timezone.now(),
                reading_minutes=1,
            )
            for n in range(start, start + count)
        ),
        batch_size=1000,
    )
    categories = Resource.categories.through
    categories.objects.bulk_create(
        (
            categories(resource_id=resource.pk, category_id=(topic if n % 2 else other).pk)
            for n, resource in enumerate(resources)
        ),
        batch_size=1000,
    )
    tags = Resource.tags.through
    tags.objects.bulk_create(
        (tags(resource_id=resource.pk, tag_id=tag.pk) for resource in resources[::2]),
        batch_size=1000,
    )
    index_all()


def queries_of(client, url: str) -> int:
    client.get(url)  # warm caches that are filled once per process (content types, …)
    return count_queries(client, url)  # the page rendered afresh, not the kept one


LIST_PAGES = [
    LIBRARY,
    LIBRARY + "?q=cravings",
    LIBRARY + "?q=getting+through+cravings&page=2",
    LIBRARY + "?kind=worksheet&audience=loved_ones&category=cravings&tag=nights",
    LIBRARY + "?q=zebra",
]


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "member"])
def test_library_pages_make_as_many_queries_with_2000_resources_as_with_20(
    client, member, signed_in
):
    if signed_in:
        client.force_login(member)
    add_resources(20)
    small = {url: queries_of(client, url) for url in LIST_PAGES}
    add_resources(1980, start=20)
    assert Resource.objects.count() == 2000
    large = {url: queries_of(client, url) for url in LIST_PAGES}
    assert large == small
    # A budget, so that a change that adds queries is noticed.
    assert small[LIBRARY] <= (12 if signed_in else 10), small


def test_a_search_finds_the_same_page_on_either_size(client):
    add_resources(20)
    first = listed(client.get(LIBRARY, {"q": "cravings"}))
    assert len(first) == 20
    add_resources(1980, start=20)
    response = client.get(LIBRARY, {"q": "cravings"})
    assert response.context["page_obj"].paginator.count == 2000
    assert len(listed(response)) == 20


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "member"])
def test_a_resource_page_makes_as_many_queries_with_2000_resources_as_with_20(
    client, member, signed_in
):
    if signed_in:
        client.force_login(member)
    add_resources(20)
    resource = Resource.objects.get(slug="getting-through-cravings-00005")
    Bookmark.objects.create(user=member, resource=resource)
    small = queries_of(client, detail_url(resource))
    html = client.get(detail_url(resource)).content.decode()
    assert html.count('href="/resources/getting-through-cravings-') >= 4  # related ones
    add_resources(1980, start=20)
    assert queries_of(client, detail_url(resource)) == small


def test_the_saved_page_makes_as_many_queries_with_many_bookmarks(member_client, member):
    add_resources(20)
    Bookmark.objects.bulk_create(Bookmark(user=member, resource=r) for r in Resource.objects.all())
    small = queries_of(member_client, SAVED)
    add_resources(480, start=20)
    Bookmark.objects.bulk_create(
        Bookmark(user=member, resource=r) for r in Resource.objects.filter(bookmarks=None)
    )
    assert queries_of(member_client, SAVED) == small


def test_a_resource_shared_for_one_meeting_shows_on_that_meetings_page_only(
    client, fac_client, group, member
):
    MembershipFactory(user=member, group=group)
    series = MeetingSeriesFactory(group=group)
    meeting = MeetingFactory(series=series)
    other = MeetingFactory(
        series=series, occurrence_start=meeting.occurrence_start + timedelta(weeks=1)
    )
    resource = ResourceFactory(title="Before Tuesday: a cravings log")
    response = fac_client.post(
        shared_url(group), {"resource": resource.slug, "meeting": meeting.pk}, follow=True
    )
    assert "is now on that meeting&#x27;s page" in response.content.decode()
    client.force_login(member)

    def meeting_page(m):
        url = reverse("groups:meeting-detail", args=[group.slug, m.pk])
        return client.get(url).content.decode()

    assert "Before Tuesday: a cravings log" in meeting_page(meeting)
    assert "Before Tuesday: a cravings log" not in meeting_page(other)
    assert shared_titles(client, group) == []  # not on the group page as a whole


def test_a_meeting_of_another_group_cannot_be_chosen(fac_client, group):
    resource = ResourceFactory(title="Coping with cravings")
    elsewhere = MeetingFactory()
    response = fac_client.post(
        shared_url(group), {"resource": resource.slug, "meeting": elsewhere.pk}
    )
    assert response.status_code == 400
    assert not GroupResource.objects.exists()


def test_a_forged_stop_sharing_value_is_a_400_and_changes_nothing(fac_client, group):
    resource = ResourceFactory(title="Coping with cravings")
    fac_client.post(shared_url(group), {"resource": resource.slug})
    response = fac_client.post(shared_url(group), {"remove": "1 OR 1=1"})
    assert response.status_code == 400
    assert GroupResource.objects.count() == 1


# --- uploaded files ----------------------------------------------------------------------------


@pytest.fixture
def pdf_resource(settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    resource = ResourceFactory(title="Cravings log (printable)")
    resource.file.save("my-own-name.pdf", ContentFile(b"%PDF-1.7\n%test\n"), save=True)
    return resource


def file_url(resource) -> str:
    return reverse("resources:resource-file", args=[resource.slug])


def test_a_published_resources_file_is_served_as_what_it_contains(client, pdf_resource):
    response = client.get(file_url(pdf_resource))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    detail = client.get(reverse("resources:resource-detail", args=[pdf_resource.slug]))
    assert file_url(pdf_resource) in detail.content.decode()


def test_a_drafts_file_is_as_private_as_its_page(client, member, admin_user, pdf_resource):
    Resource.objects.filter(pk=pdf_resource.pk).update(state=State.DRAFT)
    assert client.get(file_url(pdf_resource)).status_code == 404
    client.force_login(member)
    assert client.get(file_url(pdf_resource)).status_code == 404
    client.force_login(admin_user)
    assert client.get(file_url(pdf_resource)).status_code == 200


def test_a_resource_without_a_file_has_no_file_address(client):
    resource = ResourceFactory(title="Only words")
    assert client.get(file_url(resource)).status_code == 404

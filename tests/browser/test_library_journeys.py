"""The library in a browser: a member browses, searches, opens and saves a resource (and the
search works without JavaScript); an admin writes a resource in the admin that a second admin
publishes and a member then finds; the library on a phone, light and dark. Every page of ours
is scanned with axe-core (the Django admin is not ours, so its pages are not)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from resources.models import Bookmark, Resource
from resources.starter import starter_library_seed
from tests.browser.test_facilitator_journeys import sign_in
from tests.factories import UserFactory, activate_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
BLADDER_TITLE = "Long-term effects: bladder, kidneys and memory"
NEW_TITLE = "Walking as a daily anchor in early recovery"


@pytest.fixture
def library():
    """The starter library (22 published resources), written and published by two admins."""
    author = UserFactory(email="author@example.org", display_name="Sam", is_staff=True)
    publisher = UserFactory(email="publisher@example.org", display_name="Pat", is_staff=True)
    starter_library_seed(admin_author=author, admin_publisher=publisher)


@pytest.fixture
def new_page(browser, browser_context_args):
    """Opens pages in fresh browsers (each its own cookies), failing on any CSP block."""
    contexts, blocked = [], []

    def open_page(**options):
        context = browser.new_context(**browser_context_args, **options)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None,
        )
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not blocked, f"CSP blocked something: {blocked}"


def library_url(base_url: str) -> str:
    return base_url + reverse("resources:resource-list")


def search(page, words: str) -> None:
    page.get_by_label("Search the library").fill(words)
    page.get_by_role("button", name="Search", exact=True).click()
    expect(
        page.get_by_role("heading", level=2, name=re.compile(r"resources? found$"))
    ).to_be_visible()


def result_titles(page) -> list[str]:
    return page.locator("#results-title ~ .cards .resource-card h3").all_inner_texts()


def has_no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_member_searches_opens_and_saves_a_resource(
    page, site, assert_accessible, library, new_page
):
    member = UserFactory(email="morgan@example.org", display_name="Morgan")
    sign_in(page, site.url, member.email)

    page.goto(library_url(site.url))
    expect(page.get_by_role("heading", level=1)).to_have_text("Resources")
    # The helplines are named first, before the search and the cards; their numbers and
    # hours follow the results.
    named = page.locator("main .hotlines-now")
    expect(named.get_by_role("link", name="988 Suicide & Crisis Lifeline")).to_be_visible()
    main_order = page.locator("main .hotlines-now, main form[role=search]")
    assert main_order.first.evaluate("el => el.classList.contains('hotlines-now')")
    hotlines = page.locator("main section.hotlines")
    expect(
        hotlines.get_by_role("heading", name="Helplines, when you need to talk to someone")
    ).to_be_visible()
    expect(hotlines.get_by_role("link", name="988 Suicide & Crisis Lifeline")).to_be_visible()
    expect(page.get_by_role("heading", name="Good places to start")).to_be_visible()
    assert_accessible(page)

    search(page, "bladder")
    assert page.url.endswith("?q=bladder")
    assert page.title().startswith("“bladder” in the library")
    assert result_titles(page)[0] == BLADDER_TITLE
    assert_accessible(page)

    page.get_by_role("link", name=BLADDER_TITLE).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(BLADDER_TITLE)
    expect(page.get_by_text("General information, not medical advice.").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Save for later").click()
    expect(page.locator(".messages")).to_contain_text(f"Saved “{BLADDER_TITLE}”.")
    expect(page.get_by_role("button", name="Remove from saved")).to_be_visible()
    expect(page.get_by_role("button", name="Save for later")).to_have_count(0)
    assert Bookmark.objects.filter(user=member, resource__title=BLADDER_TITLE).exists()
    assert_accessible(page)

    page.locator("main").get_by_role("link", name="Resources", exact=True).click()
    page.get_by_role("link", name="Your saved resources").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Saved resources")
    expect(page.get_by_role("link", name=BLADDER_TITLE)).to_be_visible()
    assert_accessible(page)

    # The same search, with JavaScript switched off.
    no_js = new_page(java_script_enabled=False)
    no_js.goto(library_url(site.url))
    search(no_js, "bladder")
    assert result_titles(no_js)[0] == BLADDER_TITLE
    no_js.get_by_role("link", name=BLADDER_TITLE).first.click()
    expect(no_js.get_by_role("heading", level=1)).to_have_text(BLADDER_TITLE)


def admin_resources_url(base_url: str) -> str:
    return base_url + reverse("admin:resources_resource_changelist")


def run_action(page, title: str, action: str) -> None:
    """Tick the resource's row in the admin's list and run one of its actions."""
    page.get_by_role("checkbox", name=f"Select this object for an action - {title}").check()
    page.locator("select[name=action]").select_option(label=action)
    page.get_by_role("button", name="Go", exact=True).first.click()


def test_an_admin_writes_a_resource_another_publishes_it_and_a_member_finds_it(
    page, site, assert_accessible, library, new_page
):
    alex = UserFactory(
        email="alex@example.org", display_name="Alex", is_staff=True, is_superuser=True
    )
    jordan = UserFactory(
        email="jordan@example.org", display_name="Jordan", is_staff=True, is_superuser=True
    )
    alex_secret, jordan_secret = activate_totp(alex), activate_totp(jordan)

    # Admin A writes the resource in the admin.
    sign_in(page, site.url, alex.email, totp_secret=alex_secret)
    page.goto(site.url + reverse("admin:resources_resource_add"))
    page.get_by_label("Title").fill(NEW_TITLE)
    page.get_by_label("Kind").select_option(label="Article")
    page.get_by_label("Summary").fill("A short walk each morning gives the day a shape.")
    page.get_by_label("Body").fill(
        "Many people in recovery find that a **short walk** at the same time each day helps "
        "with restless mornings.\n\nStart with ten minutes."
    )
    page.get_by_label("Staying well", exact=True).check()
    page.get_by_role("button", name="Save", exact=True).last.click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # Sent for review, then refused when its own author tries to publish it.
    page.goto(admin_resources_url(site.url))
    run_action(page, NEW_TITLE, "Send for review")
    expect(page.locator(".messagelist")).to_contain_text("1 resource sent for review")
    run_action(page, NEW_TITLE, "Publish (another admin's resources, in review)")
    expect(page.locator(".messagelist")).to_contain_text(
        "1 resource refused, nothing changed for them: you wrote them"
    )
    resource = Resource.objects.get(title=NEW_TITLE)
    assert (resource.state, resource.author) == (Resource.State.IN_REVIEW, alex)

    # Admin A's preview is the public page, marked as not published yet.
    page.goto(site.url + reverse("resources:resource-detail", args=[resource.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_TITLE)
    expect(page.get_by_text("In review: only admins see this page")).to_be_visible()
    expect(page.get_by_role("button", name="Save for later")).to_have_count(0)
    assert_accessible(page)

    # Members don't find it yet.
    member = new_page()
    member.goto(library_url(site.url) + "?q=walking+anchor")
    expect(member.get_by_role("heading", name="Nothing matches yet")).to_be_visible()
    assert (
        member.goto(site.url + reverse("resources:resource-detail", args=[resource.slug])).status
        == 404
    )

    # Admin B publishes it.
    other = new_page()
    sign_in(other, site.url, jordan.email, totp_secret=jordan_secret)
    other.goto(admin_resources_url(site.url))
    run_action(other, NEW_TITLE, "Publish (another admin's resources, in review)")
    expect(other.locator(".messagelist")).to_contain_text("1 resource published.")
    resource.refresh_from_db()
    assert (resource.state, resource.published_by) == (Resource.State.PUBLISHED, jordan)

    # A member now finds it by its title's words, and opens it.
    member.goto(library_url(site.url))
    search(member, "walking anchor")
    assert result_titles(member)[0] == NEW_TITLE
    assert_accessible(member)
    member.get_by_role("link", name=NEW_TITLE).click()
    expect(member.get_by_role("heading", level=1)).to_have_text(NEW_TITLE)
    expect(member.locator(".prose strong")).to_have_text("short walk")
    expect(member.get_by_text("only admins see this page")).to_have_count(0)
    assert_accessible(member)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_library_reads_well_on_a_phone(page, site, assert_accessible, library, scheme):
    page.set_viewport_size(PHONE)
    page.emulate_media(color_scheme=scheme)
    member = UserFactory(email="morgan@example.org", display_name="Morgan")
    sign_in(page, site.url, member.email)

    page.goto(library_url(site.url))
    expect(page.locator("main section.hotlines")).to_be_visible()
    assert has_no_horizontal_scroll(page), "the library scrolls sideways"
    assert_accessible(page)

    search(page, "bladder")
    assert has_no_horizontal_scroll(page), "the search results scroll sideways"
    assert_accessible(page)

    page.get_by_role("link", name=BLADDER_TITLE).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(BLADDER_TITLE)
    assert has_no_horizontal_scroll(page), "the resource page scrolls sideways"
    assert_accessible(page)

    # A helpline's page too: long phone numbers and hours.
    page.goto(library_url(site.url))
    page.locator("main section.hotlines").get_by_role(
        "link", name="SAMHSA National Helpline"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SAMHSA National Helpline")
    assert has_no_horizontal_scroll(page), "the helpline's page scrolls sideways"
    assert_accessible(page)


@pytest.mark.parametrize("javascript", [True, False])
def test_the_library_shows_results_on_a_phones_first_screen(
    new_page, site, assert_accessible, library, javascript
):
    page = new_page(java_script_enabled=javascript, viewport={"width": 390, "height": 844})
    page.goto(library_url(site.url))
    first = page.locator("article.resource-card").first
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box is not None and box["y"] < 844, box
    # The helplines are named before anything else, their numbers follow the results.
    expect(page.locator("main .hotlines-now")).to_be_visible()
    expect(page.locator("main section.hotlines")).to_contain_text("Call")
    # A featured resource is listed again below: no id appears twice.
    duplicated = page.evaluate(
        "() => { const ids = [...document.querySelectorAll('[id]')].map(e => e.id);"
        " return ids.filter((id, i) => ids.indexOf(id) !== i); }"
    )
    assert duplicated == []
    # The filters wait in a closed panel that opens without JavaScript.
    expect(page.get_by_label("Worksheet")).to_be_hidden()
    page.locator("summary", has_text="Filter by kind, audience and topic").click()
    page.get_by_label("Worksheet").check()
    page.get_by_role("button", name="Search", exact=True).click()
    expect(
        page.get_by_role("heading", level=2, name=re.compile(r"resources? found$"))
    ).to_be_visible()
    expect(page.locator("summary", has_text="(1 chosen)")).to_be_visible()
    box = page.locator("#results-title ~ .cards .resource-card").first.bounding_box()
    assert box is not None and box["y"] < 844, box
    if javascript:
        assert_accessible(page)

"""The installable app's parts as the server gives them: the manifest, the service worker and
what it keeps, the offline page, the icons, and the headers that keep a member's pages off a
phone once they sign out. The browser's side is tests/browser/test_web_app_journeys.py."""

from __future__ import annotations

import json

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image

from lib.app_icons import ICONS, draw_icon
from lib.offline import OFFLINE_HEADER
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_manifest_has_what_installing_needs(client):
    response = client.get(reverse("web-manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == reverse("groups:my-meetings")
    assert (manifest["display"], manifest["scope"], manifest["name"]) == (
        "standalone",
        "/",
        "Kinship",
    )
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        if icon["type"] == "image/png":
            width, height = (int(n) for n in icon["sizes"].split("x"))
            assert Image.open(path).size == (width, height)


def test_every_page_links_the_manifest_and_both_theme_colours(client):
    html = client.get(reverse("home")).content.decode()
    assert f'rel="manifest" href="{reverse("web-manifest")}"' in html
    assert 'media="(prefers-color-scheme: dark)"' in html
    assert "apple-touch-icon" in html


def test_the_service_worker_is_served_from_the_root_uncached_with_its_shell(client):
    response = client.get(reverse("service-worker"))
    assert response.status_code == 200
    assert reverse("service-worker") == "/sw.js"
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    shell = json.loads(body.split("const SHELL = ", 1)[1].split(";\n", 1)[0])
    assert reverse("crisis") in shell and reverse("offline") in shell
    for url in shell:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url
        else:
            assert client.get(url).status_code == 200, url


def test_the_offline_page_says_what_still_works(client):
    html = client.get(reverse("offline")).content.decode()
    assert "You're offline" in html
    assert reverse("groups:my-meetings") in html and reverse("crisis") in html


def test_my_meetings_may_be_kept_offline_and_says_how_old_it_is_when_it_is(client):
    member = UserFactory(time_zone="Europe/London")
    client.force_login(member)
    response = client.get(reverse("groups:my-meetings"))
    assert response[OFFLINE_HEADER] == "member"
    html = response.content.decode()
    # Hidden until the service worker shows it from its cache (templates/sw.js).
    assert "data-offline-notice hidden" in html
    assert "This is My meetings as it was at" in html and "GMT" in html


def test_a_visitor_s_pages_tell_the_app_to_forget_a_members_and_signing_out_clears_all(
    client,
):
    assert client.get(reverse("home"))[OFFLINE_HEADER] == "visitor"
    client.force_login(UserFactory())
    assert OFFLINE_HEADER not in client.get(reverse("home"))
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_the_committed_icons_are_the_ones_the_mark_draws():
    """static/img/icons/ must be redrawn (python -m lib.app_icons) when the mark changes."""
    for name, size, maskable in ICONS:
        committed = Image.open(finders.find(f"img/icons/{name}")).convert("RGB")
        drawn = draw_icon(size, maskable=maskable)
        assert committed.size == drawn.size == (size, size)
        for point in ((size // 3, size // 2), (size * 2 // 3, size // 2), (2, 2)):
            assert committed.getpixel(point) == drawn.getpixel(point), (name, point)

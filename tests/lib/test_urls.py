"""Absolute links (lib.urls) are reversed once and remembered, but never across a change of
the site's address, its path prefix or its URL configuration."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import path, set_script_prefix

from lib.urls import absolute_reverse


def _view(request):  # pragma: no cover - never called, only reversed
    raise AssertionError


urlpatterns = [path("elsewhere/profile/", _view, name="profile")]


@pytest.fixture
def script_prefix():
    yield set_script_prefix
    set_script_prefix("/")


def test_links_follow_the_site_address_and_a_path_prefix(settings, script_prefix):
    settings.SITE_URL = "https://kinship.example.org"
    assert absolute_reverse("accounts:profile") == "https://kinship.example.org/accounts/profile/"
    settings.SITE_URL = "https://peer.example.net"
    assert absolute_reverse("accounts:profile") == "https://peer.example.net/accounts/profile/"
    script_prefix("/kinship/")
    assert (
        absolute_reverse("accounts:profile") == "https://peer.example.net/kinship/accounts/profile/"
    )
    assert absolute_reverse("groups:group-detail", args=["harbour"]).endswith(
        "/kinship/groups/harbour/"
    )


def test_links_follow_a_new_url_configuration(settings):
    before = absolute_reverse("accounts:profile")
    with override_settings(ROOT_URLCONF="tests.lib.test_urls"):
        assert absolute_reverse("profile") == f"{settings.SITE_URL}/elsewhere/profile/"
    assert absolute_reverse("accounts:profile") == before

"""Every page has a meta description (what a search engine or a shared link shows), and the
main public pages say what they are about."""

import re
from html import unescape

import pytest
from django.urls import reverse

from tests.factories import SupportGroupFactory
from tests.resources.conftest import ResourceFactory

pytestmark = pytest.mark.django_db
DESCRIPTION = re.compile(r'<meta name="description"\s+content="([^"]*)">')


def description(client, url: str) -> str:
    found = DESCRIPTION.findall(client.get(url).content.decode())
    assert len(found) == 1, url
    return unescape(found[0])


def test_every_page_has_a_description(client):
    for url in (reverse("account_login"), reverse("account_signup"), "/no-such-page/"):
        assert "peer-support recovery group" in description(client, url)


def test_the_main_public_pages_describe_themselves(client):
    group = SupportGroupFactory(name="Harbour Circle")
    resource = ResourceFactory(title="Cravings", summary="What helps when a craving comes.")
    pages = {
        reverse("home"): "ketamine dependence",
        reverse("crisis"): "in crisis",
        reverse("groups:group-list"): "Find a peer-support recovery group",
        reverse("groups:group-detail", args=[group.slug]): "Harbour Circle: a peer-support group",
        reverse("resources:resource-list"): "Trustworthy reading",
        reverse("resources:resource-detail", args=[resource.slug]): "What helps when a craving",
    }
    seen = set()
    for url, words in pages.items():
        text = description(client, url)
        assert words in text, (url, text)
        seen.add(text)
    assert len(seen) == len(pages)

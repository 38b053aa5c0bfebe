"""The library and the directory with real content through the Nu Html Checker: a featured
resource is listed again without repeating an id; cards with member badges, the zone box
and a refused search are valid too (tests/test_html_valid.py checks every page, empty)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from resources.starter import starter_library_seed
from tests.factories import MembershipFactory, SupportGroupFactory
from tests.test_html_valid import assert_valid_html

pytestmark = pytest.mark.django_db


def test_the_library_and_directory_with_content_are_valid_html(client, member, tmp_path):
    starter_library_seed()
    library = reverse("resources:resource-list")
    directory = reverse("groups:group-list")
    joined = SupportGroupFactory(name="Joined circle")
    MembershipFactory(user=member, group=joined)
    SupportGroupFactory(name="Other circle")
    pages = {
        "library": client.get(library).content.decode(),
        "library-search": client.get(library, {"q": "cravings"}).content.decode(),
        "library-refused": client.get(library, {"q": "x" * 300}).content.decode(),
        "directory": client.get(directory).content.decode(),
        "directory-refused": client.get(directory, {"zone": "IST"}).content.decode(),
    }
    assert "Good places to start" in pages["library"]
    client.force_login(member)
    pages["directory-member"] = client.get(directory).content.decode()
    assert "You're a member" in pages["directory-member"]
    assert_valid_html(pages, tmp_path)

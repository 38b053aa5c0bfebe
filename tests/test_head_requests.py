"""Pages answer HEAD as they answer GET (require_safe), without a body: link checkers,
uptime monitors and some browsers' prefetch send HEAD."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name", ["home", "crisis", "groups:group-list", "resources:resource-list", "staff:index"]
)
def test_public_pages_answer_head_like_get(client, name):
    get, head = client.get(reverse(name)), client.head(reverse(name))
    assert head.status_code == get.status_code != 405
    assert head.content == b""


@pytest.mark.parametrize("name", ["groups:my-meetings", "groups:my-attendance", "resources:saved"])
def test_signed_in_pages_answer_head(client, member, name):
    client.force_login(member)
    response = client.head(reverse(name))
    assert response.status_code == 200
    assert response.content == b""


def test_a_page_still_refuses_what_it_does_not_do(client):
    assert client.delete(reverse("home")).status_code == 405

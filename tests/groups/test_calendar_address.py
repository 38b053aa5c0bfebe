"""The personal calendar address is made by a POST, never by showing a page: reading "My
meetings" or the profile writes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from groups.models import CalendarFeed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["groups:my-meetings", "accounts:profile"])
def test_showing_a_page_makes_no_address_and_offers_to_make_one(client, member, page):
    client.force_login(member)
    html = client.get(reverse(page)).content.decode()
    assert not CalendarFeed.objects.filter(user=member).exists()
    assert "Make my calendar address" in html
    assert "webcal://" not in html


def test_making_the_address_shows_it_and_says_so(client, member):
    client.force_login(member)
    response = client.post(
        reverse("groups:personal-calendar-reset"),
        {"next": reverse("accounts:profile")},
        follow=True,
    )
    feed = CalendarFeed.objects.get(user=member)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("accounts:profile")
    assert "Your personal calendar address is ready" in html
    assert f"/calendar/{feed.token}.ics" in html
    assert "webcal://" in html
    assert "Make my calendar address" not in html


def test_an_existing_address_is_shown_as_it_is(client, member):
    feed = CalendarFeed.objects.create(user=member)
    client.force_login(member)
    html = client.get(reverse("groups:my-meetings")).content.decode()
    assert f"/calendar/{feed.token}.ics" in html
    assert "webcal://" in html
    assert CalendarFeed.objects.get(user=member).token == feed.token

"""A series' join page: where meeting finders send people (the feed's `conference_url`) for a
meeting whose group keeps its link private. It says the link is for members and how to join
the group, and shows the link to the group's active members only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from groups.meetings.joining import join_address_url
from groups.models import JoinAddress
from tests.factories import MeetingSeriesFactory, MembershipFactory, SupportGroupFactory

pytestmark = pytest.mark.django_db

LINK = "https://zoom.us/j/5550100"
DIAL_IN = "+1 555 0100,,4321#"


@pytest.fixture
def series():
    group = SupportGroupFactory(name="Cedar Online", online_url=LINK, join_policy="open")
    return MeetingSeriesFactory(
        group=group, slug="cedar-wednesday", title="Midweek", dial_in=DIAL_IN
    )


def join_page(series) -> str:
    return reverse("groups:series-join", args=[series.group.slug, series.slug])


def page(client, series) -> str:
    response = client.get(join_page(series))
    assert response.status_code == 200
    return response.content.decode()


def test_a_visitor_reads_that_the_link_is_for_members_and_how_to_join(client, series):
    html = page(client, series)
    assert "This meeting is for members of Cedar Online" in html
    assert "Sign in and join the group, and this page leads you to yours" in html
    assert "Sign in to join" in html and reverse("account_signup") in html
    assert f'href="{reverse("groups:group-detail", args=[series.group.slug])}"' in html
    assert LINK not in html and "0100" not in html


@pytest.mark.parametrize(
    ("join_policy", "offer"),
    [("open", "Join this group"), ("approval", "Ask to join"), ("invitation", "invitation only")],
)
def test_a_signed_in_outsider_is_offered_the_group_s_way_in(
    client, series, outsider, join_policy, offer
):
    series.group.join_policy = join_policy
    series.group.save()
    client.force_login(outsider)
    html = page(client, series)
    assert offer in html
    assert LINK not in html


def test_a_pending_member_waits_without_the_link(client, series, outsider):
    MembershipFactory(group=series.group, user=outsider, state="pending")
    client.force_login(outsider)
    html = page(client, series)
    assert "Your request is waiting" in html
    assert LINK not in html


def test_an_active_member_is_led_to_their_own_join_address_and_the_dial_in(client, series, member):
    MembershipFactory(group=series.group, user=member)
    client.force_login(member)
    response = client.get(join_page(series))
    html = response.content.decode()
    address = JoinAddress.objects.get(user=member, series=series)
    assert f'href="{join_address_url(address)}"' in html and DIAL_IN in html
    assert LINK not in html
    assert "Sign in to join" not in html
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]


def test_a_published_link_is_shown_to_everyone(client, series):
    series.group.publish_online_link = True
    series.group.save()
    assert f'href="{LINK}"' in page(client, series)


def test_there_is_no_join_page_for_a_series_that_meets_only_in_person(client, series):
    series.attendance_option = "in_person"
    series.save()
    assert client.get(join_page(series)).status_code == 404


def test_a_series_is_reached_only_through_its_own_group(client, series):
    other = SupportGroupFactory()
    url = reverse("groups:series-join", args=[other.slug, series.slug])
    assert client.get(url).status_code == 404
    missing = reverse("groups:series-join", args=[series.group.slug, "no-such-series"])
    assert client.get(missing).status_code == 404


def test_an_archived_group_s_join_page_is_gone_for_visitors(client, series):
    series.group.state = "archived"
    series.group.save()
    assert client.get(join_page(series)).status_code == 404


def test_the_group_page_leads_to_the_join_page_of_a_series_with_a_private_link(
    client, series, settings
):
    html = client.get(reverse("groups:group-detail", args=[series.group.slug])).content.decode()
    assert f'href="{settings.SITE_URL}{join_page(series)}"' in html
    assert LINK not in html


@pytest.mark.parametrize("viewer", ["anonymous", "member"])
def test_the_join_page_makes_as_many_queries_with_300_members_as_with_3(client, series, viewer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page(client, series)
        return len(captured)

    if viewer == "member":
        client.force_login(MembershipFactory(group=series.group).user)
    MembershipFactory.create_batch(3, group=series.group)
    queries()
    few = queries()
    MembershipFactory.create_batch(297, group=series.group)
    MeetingSeriesFactory.create_batch(20, group=series.group)
    assert queries() == few

"""The directory: filters that narrow, pages that keep them, htmx updates, fixed query counts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from groups.models import Meeting, MeetingSeries, Membership, SupportGroup, Topic
from groups.services.meetings import meetings_extend
from tests.factories import (
    MeetingSeriesFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
)
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

URL = reverse("groups:group-list")


def listed_names(response) -> list[str]:
    """The group names the results show, in order."""
    html = response.content.decode()
    results = html.split('id="group-results"', 1)[-1]
    return re.findall(r'<a href="/groups/[\w-]+/">([^<]+)</a>', results)


def topic(slug: str) -> Topic:
    return Topic.objects.get(slug=slug)


def test_the_directory_lists_active_listed_groups_by_name(client):
    SupportGroupFactory(name="Tuesday evening circle")
    SupportGroupFactory(name="Morning check-in")
    assert listed_names(client.get(URL)) == ["Morning check-in", "Tuesday evening circle"]


def test_unlisted_and_archived_groups_are_never_listed_whatever_the_filters(client):
    SupportGroupFactory(name="Open circle")
    SupportGroupFactory(name="Quiet circle", listed=False)
    SupportGroupFactory(name="Closed circle", state=SupportGroup.State.ARCHIVED)
    for query in ["", "?q=circle", "?format=online", "?audience=recovery&q=circle"]:
        response = client.get(URL + query)
        assert listed_names(response) == ["Open circle"], query
        html = response.content.decode()
        assert "Quiet circle" not in html
        assert "Closed circle" not in html


def test_format_filter_narrows_and_several_formats_match_any(client):
    SupportGroupFactory(name="Online one", format="online")
    SupportGroupFactory(name="Room one", format="in_person", city="Austin")
    SupportGroupFactory(name="Hybrid one", format="hybrid", city="Austin")
    assert listed_names(client.get(URL, {"format": "online"})) == ["Online one"]
    assert listed_names(client.get(URL, {"format": ["in_person", "hybrid"]})) == [
        "Hybrid one",
        "Room one",
    ]


def test_topic_filter_narrows_by_slug_and_lists_a_group_with_two_matching_topics_once(client):
    SupportGroupFactory(name="Ketamine group", topics=[topic("ketamine")])
    SupportGroupFactory(name="Both topics", topics=[topic("ketamine"), topic("alcohol")])
    SupportGroupFactory(name="Alcohol group", topics=[topic("alcohol")])
    SupportGroupFactory(name="No topic")
    assert listed_names(client.get(URL, {"topic": "ketamine"})) == [
        "Both topics",
        "Ketamine group",
    ]
    assert listed_names(client.get(URL, {"topic": ["ketamine", "alcohol"]})) == [
        "Alcohol group",
        "Both topics",
        "Ketamine group",
    ]


def test_audience_filter_includes_groups_for_both_audiences(client):
    SupportGroupFactory(name="Recovery group", audience="recovery")
    SupportGroupFactory(name="Family group", audience="loved_ones")
    SupportGroupFactory(name="Everyone group", audience="both")
    assert listed_names(client.get(URL, {"audience": "recovery"})) == [
        "Everyone group",
        "Recovery group",
    ]
    assert listed_names(client.get(URL, {"audience": "loved_ones"})) == [
        "Everyone group",
        "Family group",
    ]


def test_word_search_needs_every_word_somewhere_in_name_description_or_city(client):
    SupportGroupFactory(name="Evening circle", description="We talk about cravings.")
    SupportGroupFactory(
        name="Morning circle", description="Gentle start.", format="in_person", city="Portland"
    )
    SupportGroupFactory(name="Parents together", description="For PARENTS of young adults.")
    assert listed_names(client.get(URL, {"q": "circle"})) == ["Evening circle", "Morning circle"]
    assert listed_names(client.get(URL, {"q": "Circle CRAVINGS"})) == ["Evening circle"]
    assert listed_names(client.get(URL, {"q": "portland circle"})) == ["Morning circle"]
    assert listed_names(client.get(URL, {"q": "young"})) == ["Parents together"]
    assert listed_names(client.get(URL, {"q": "circle young"})) == []


def test_filters_combine_and_every_one_must_match(client):
    ketamine = topic("ketamine")
    SupportGroupFactory(name="Match", format="online", audience="both", topics=[ketamine])
    SupportGroupFactory(name="Wrong format", format="in_person", topics=[ketamine])
    SupportGroupFactory(name="Wrong topic", format="online", topics=[topic("alcohol")])
    SupportGroupFactory(name="Wrong audience", audience="recovery", topics=[ketamine])
    SupportGroupFactory(name="Wrong words", description="x", topics=[ketamine])
    response = client.get(
        URL,
        {"format": "online", "topic": "ketamine", "audience": "loved_ones", "q": "match"},
    )
    assert listed_names(response) == ["Match"]


def test_unknown_filter_values_are_ignored_not_an_error(client):
    SupportGroupFactory(name="Online one", format="online")
    SupportGroupFactory(name="Room one", format="in_person")
    response = client.get(URL, {"format": ["online", "zoom"], "topic": "gone", "page": "x"})
    assert response.status_code == 200
    # "zoom" makes the format filter invalid as a whole, so it is dropped: both groups show.
    assert listed_names(response) == ["Online one", "Room one"]


def test_the_filters_show_as_ticked_after_a_search(client):
    html = client.get(URL, {"format": "hybrid", "topic": "alcohol", "q": "night"}).content.decode()
    assert re.search(r'<input type="checkbox" name="format" value="hybrid"[^>]*checked', html)
    assert re.search(r'<input type="checkbox" name="topic" value="alcohol"[^>]*checked', html)
    assert 'value="night"' in html


def test_results_are_paginated_by_20_and_page_links_keep_the_filters(client):
    SupportGroup.objects.bulk_create(
        SupportGroup(name=f"Online {n:02}", slug=f"online-{n:02}", format="online")
        for n in range(45)
    )
    SupportGroupFactory(name="Room only", format="in_person")
    first = client.get(URL, {"format": "online", "q": "online"})
    assert len(listed_names(first)) == 20
    html = first.content.decode()
    assert "45 groups" in html
    assert 'href="?format=online&amp;q=online&amp;page=2"' in html
    third = client.get(URL, {"format": "online", "q": "online", "page": 3})
    assert listed_names(third) == [f"Online {n:02}" for n in range(40, 45)]
    assert 'href="?format=online&amp;q=online&amp;page=2"' in third.content.decode()


def test_each_result_shows_format_topics_audience_city_and_join_policy_not_member_count(client):
    group = SupportGroupFactory(
        name="Saturday room",
        format="in_person",
        city="Austin",
        region="TX",
        street="12 Hidden Lane",
        audience="loved_ones",
        join_policy="approval",
        topics=[topic("family-and-friends"), topic("ketamine")],
    )
    Membership.objects.create(user=UserFactory(), group=group, state="active")
    html = client.get(URL).content.decode()
    results = html.split('id="group-results"', 1)[1]
    assert "In person" in results
    assert "Ketamine, Family and friends" in results
    assert "Family and friends" in results
    assert "Austin, TX" in results
    assert "Approval: a facilitator accepts each request" in results
    assert "12 Hidden Lane" not in html
    assert "active member" not in html


def test_the_city_is_not_shown_for_online_groups(client):
    SupportGroupFactory(name="Online one", format="online", city="Springfield")
    assert "Springfield" not in client.get(URL).content.decode()


def test_an_htmx_request_gets_only_the_results_fragment(client):
    SupportGroupFactory(name="Online one", format="online")
    SupportGroupFactory(name="Room one", format="in_person")
    response = client.get(URL, {"format": "online"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "<form" not in html
    assert "Online one" in html
    assert "Room one" not in html
    assert 'data-hx-swap-oob="innerHTML"' in html  # the announced result count
    assert "HX-Request" in response["Vary"]


def test_an_htmx_history_restore_gets_the_whole_page(client):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    html = client.get(URL, headers=headers).content.decode()
    assert "<html" in html


def test_the_empty_result_offers_to_clear_the_filters(client):
    SupportGroupFactory(name="Online one")
    html = client.get(URL, {"q": "nothing-matches-this"}).content.decode()
    assert "No groups match these filters" in html
    assert f'href="{URL}"' in html and "Clear filters" in html


def test_only_approved_facilitators_see_start_a_group(client, member, facilitator):
    create = reverse("groups:group-create")
    assert create not in client.get(URL).content.decode()
    client.force_login(member)
    assert create not in client.get(URL).content.decode()
    client.force_login(facilitator)
    assert f'href="{create}"' in client.get(URL).content.decode()


def make_groups(count: int) -> None:
    """`count` active, listed groups with two topics and a facilitator each, in a few queries."""
    start = SupportGroup.objects.count()
    groups = SupportGroup.objects.bulk_create(
        SupportGroup(
            name=f"Group {start + n:04}",
            slug=f"group-{start + n:04}",
            format=["online", "in_person", "hybrid"][n % 3],
            city="Austin",
        )
        for n in range(count)
    )
    topics = list(Topic.objects.all())
    through = SupportGroup.topics.through
    through.objects.bulk_create(
        through(supportgroup_id=group.pk, topic_id=topics[i % len(topics)].pk)
        for n, group in enumerate(groups)
        for i in (n, n + 1)
    )
    people = UserFactory._meta.model.objects.bulk_create(
        UserFactory.build(email=f"bulk{start + n}@example.org") for n in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=person, group=group, role="facilitator", state="active")
        for person, group in zip(people, groups, strict=True)
    )
    # Each group meets on Tuesday evenings, with its next meeting stored.
    series = MeetingSeries.objects.bulk_create(
        MeetingSeriesFactory.build(group=group, slug=f"series-of-{group.slug}") for group in groups
    )
    soon = timezone.now() + timedelta(days=3)
    Meeting.objects.bulk_create(
        Meeting(
            series=one,
            group_id=one.group_id,
            occurrence_start=soon,
            starts_at=soon,
            ends_at=soon + timedelta(hours=1),
        )
        for one in series
    )


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize(
    "query",
    [
        "",
        "?format=online&format=hybrid&topic=ketamine&audience=recovery&q=group"
        "&day=TU&day=WE&time=evening",
    ],
)
def test_directory_makes_as_many_queries_with_500_groups_as_with_5(client, signed_in, query):
    if signed_in:
        client.force_login(UserFactory())
    make_groups(5)
    count_queries(client, URL + query)  # warm up: sessions, content types
    few = count_queries(client, URL + query)
    make_groups(495)
    many = count_queries(client, URL + query)
    assert few == many
    assert many <= 9
    htmx = count_queries(client, URL + query, headers={"HX-Request": "true"})
    assert htmx <= many


def _meets(group, rrule: str, weekdays: str, at: time) -> None:
    series = MeetingSeriesFactory.create(group=group, rrule=rrule, weekdays=weekdays, start_time=at)
    meetings_extend(series=series)


def test_day_and_time_filters_need_one_series_to_match_both(client):
    tuesday_evening = SupportGroupFactory(name="Tuesday evening")
    _meets(tuesday_evening, "FREQ=WEEKLY;BYDAY=TU", "TU", time(19))
    mixed = SupportGroupFactory(name="Tuesday morning, Friday evening")
    _meets(mixed, "FREQ=WEEKLY;BYDAY=TU", "TU", time(8))
    _meets(mixed, "FREQ=WEEKLY;BYDAY=FR", "FR", time(19))
    SupportGroupFactory(name="No schedule yet")
    assert listed_names(client.get(URL + "?day=TU&time=evening")) == ["Tuesday evening"]
    assert listed_names(client.get(URL + "?day=TU")) == [
        "Tuesday evening",
        "Tuesday morning, Friday evening",
    ]
    assert listed_names(client.get(URL + "?time=morning")) == ["Tuesday morning, Friday evening"]
    assert listed_names(client.get(URL + "?day=SU")) == []


@time_machine.travel(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)
def test_the_directory_shows_the_next_meeting_in_the_viewers_zone(client):
    group = SupportGroupFactory(name="London circle", time_zone="Europe/London")
    _meets(group, "FREQ=WEEKLY;BYDAY=TU", "TU", time(19))
    visitor = client.get(URL).content.decode()
    assert "Next meeting:" in visitor
    assert "19:00 GMT" in visitor  # a visitor reads the group's own clock
    client.force_login(UserFactory(time_zone="America/Chicago"))
    member = client.get(URL).content.decode()
    assert "13:00 CST (19:00 GMT where the group meets)" in member


def test_a_group_whose_meetings_are_all_past_matches_no_day(client):
    group = SupportGroupFactory(name="Finished")
    MeetingSeriesFactory(group=group, rrule="FREQ=WEEKLY;BYDAY=TU", weekdays="TU")
    assert listed_names(client.get(URL + "?day=TU")) == []


# --- issue 15: whole words, topics, a length limit, the viewer's zone, member badges -------


def test_word_search_matches_whole_words_not_letters_inside_a_word(client):
    SupportGroupFactory(name="Thursday Morning Circle", description="Every person is welcome.")
    SupportGroupFactory(name="Parents together", description="For parents of a son or daughter.")
    SupportGroupFactory(name="Family room", description="Our sons and daughters.")
    assert listed_names(client.get(URL, {"q": "son"})) == ["Family room", "Parents together"]
    assert listed_names(client.get(URL, {"q": "SON"})) == ["Family room", "Parents together"]
    assert listed_names(client.get(URL, {"q": "moRNing"})) == ["Thursday Morning Circle"]
    assert listed_names(client.get(URL, {"q": "morn"})) == []


def test_word_search_finds_every_group_tagged_with_the_topic(client):
    ketamine = topic("ketamine")
    SupportGroupFactory(name="Evening circle", description="We listen.", topics=[ketamine])
    SupportGroupFactory(name="Sunday room", description="Open to all.", topics=[ketamine])
    SupportGroupFactory(name="Ketamine and us", description="Peer support.")
    SupportGroupFactory(name="Alcohol circle", topics=[topic("alcohol")])
    assert listed_names(client.get(URL, {"q": "ketamine"})) == [
        "Evening circle",
        "Ketamine and us",
        "Sunday room",
    ]
    assert listed_names(client.get(URL, {"q": "ketamine sunday"})) == ["Sunday room"]


def test_a_search_longer_than_the_limit_is_refused_with_a_message_not_every_group(client):
    SupportGroupFactory(name="Evening circle")
    response = client.get(URL, {"q": "ketamine " * 400})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Your search could not be read" in html
    assert "A search can be at most 200 characters" in html
    assert listed_names(response) == []
    assert "ketamine ketamine" in html  # what was typed is still in the box
    # The results an htmx request asks for say so too (htmx swaps only a 2xx answer).
    partial = client.get(URL, {"q": "x" * 201}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "A search can be at most 200 characters" in partial.content.decode()


@time_machine.travel(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)
def test_day_and_time_filters_work_in_the_members_own_zone(client):
    """Tuesday 19:00 in New York is Wednesday 05:30 in India: that is what someone in India
    sees and filters on."""
    group = SupportGroupFactory(name="New York evening", time_zone="America/New_York")
    _meets(group, "FREQ=WEEKLY;BYDAY=TU", "TU", time(19))
    client.force_login(UserFactory(time_zone="Asia/Kolkata"))
    assert listed_names(client.get(URL, {"day": "WE", "time": "morning"})) == ["New York evening"]
    assert listed_names(client.get(URL, {"day": "TU"})) == []
    assert listed_names(client.get(URL, {"time": "evening"})) == []
    html = client.get(URL).content.decode()
    assert "Times in India Standard Time (Kolkata, IST)" in html
    assert "Wednesday 2 December 2026, 05:30 IST (19:00 EST where the group meets)" in html


@time_machine.travel(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)
def test_a_visitor_chooses_the_zone_the_filters_use_by_city_in_any_case(client):
    group = SupportGroupFactory(name="New York evening", time_zone="America/New_York")
    _meets(group, "FREQ=WEEKLY;BYDAY=TU", "TU", time(19))
    default = client.get(URL, {"day": "TU", "time": "evening"})
    assert listed_names(default) == ["New York evening"]
    assert "Times in Eastern Time (New York, EST)" in default.content.decode()
    india = client.get(URL, {"day": "WE", "time": "morning", "zone": "kolkata"})
    assert listed_names(india) == ["New York evening"]
    assert "Times in India Standard Time (Kolkata, IST)" in india.content.decode()
    assert listed_names(client.get(URL, {"day": "TU", "zone": "Kolkata"})) == []


def test_a_zone_that_could_be_several_is_refused_naming_them(client):
    SupportGroupFactory(name="Evening circle")
    response = client.get(URL, {"zone": "IST"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "India Standard Time (Kolkata)" in html
    assert "Israel Time (Jerusalem)" in html
    assert listed_names(response) == []


def test_cards_say_which_groups_the_member_belongs_to_or_waits_for(client, member):
    joined = SupportGroupFactory(name="Joined circle")
    asked = SupportGroupFactory(name="Asked circle", join_policy="approval")
    runs = SupportGroupFactory(name="Run circle")
    SupportGroupFactory(name="Other circle")
    left = SupportGroupFactory(name="Left circle")
    MembershipFactory(user=member, group=joined)
    MembershipFactory(user=member, group=asked, state="pending")
    MembershipFactory(user=member, group=runs, role="facilitator")
    MembershipFactory(user=member, group=left, state="left")
    MembershipFactory(group=SupportGroup.objects.get(name="Other circle"))  # someone else
    client.force_login(member)
    html = client.get(URL).content.decode()
    cards = dict(
        re.findall(r'<a href="/groups/[\w-]+/">([^<]+)</a>\s*</h3>(.*?)</article>', html, re.S)
    )
    assert "You're a member" in cards["Joined circle"]
    assert "Request pending" in cards["Asked circle"]
    assert "You facilitate this group" in cards["Run circle"]
    for name in ("Other circle", "Left circle"):
        assert "You're a member" not in cards[name] and "pending" not in cards[name]
    # Visitors see no badge at all.
    client.logout()
    assert "You're a member" not in client.get(URL).content.decode()


def test_badges_cost_no_query_per_card(client, member):
    make_groups(3)
    for group in SupportGroup.objects.all():
        MembershipFactory(user=member, group=group)
    client.force_login(member)
    count_queries(client, URL)
    few = count_queries(client, URL)
    make_groups(30)
    for group in SupportGroup.objects.exclude(memberships__user=member):
        MembershipFactory(user=member, group=group, state="pending")
    many = count_queries(client, URL)
    assert few == many
    html = client.get(URL).content.decode()
    assert "You're a member" in html and "Request pending" in html

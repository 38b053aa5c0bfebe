"""Issue 15, item 15: a new member's first-run welcome, the next meeting first on the home and
group pages, one-tap RSVP buttons on "My meetings", and Saved resources in the account menu."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from groups.models import Rsvp
from tests.factories import (
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    RsvpFactory,
    SupportGroupFactory,
    UserFactory,
)
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # a Monday
# Tuesday 3 March 2026, 19:00 in Chicago (CST, UTC-6): 01:00 on the 4th in UTC.
TUESDAY_EVENING = datetime(2026, 3, 4, 1, 0, tzinfo=UTC)


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def group():
    return SupportGroupFactory(name="Evening Circle", slug="evening-circle")


@pytest.fixture
def meeting(group):
    series = MeetingSeriesFactory(group=group, title="Tuesday sharing")
    return MeetingFactory(series=series, occurrence_start=TUESDAY_EVENING)


@pytest.fixture
def newcomer(client):
    user = UserFactory(display_name="Ivy", time_zone="America/Chicago")
    client.force_login(user)
    return user


# --- the first-run welcome ------------------------------------------------------------------------


def test_a_brand_new_member_gets_a_first_run_welcome_not_welcome_back(client, newcomer):
    html = text_of(client.get(reverse("home")))

    assert '<h1 id="home-title">Welcome to Kinship, Ivy</h1>' in html
    assert "Welcome back" not in html
    assert f'href="{reverse("groups:group-list")}">Find a group</a>' in html
    assert f'href="{reverse("accounts:profile")}">Set your time zone and reminders</a>' in html
    assert "Meeting times are shown in America/Chicago" in html
    first_run = html.split('class="first-run"')[1].split("</section>")[0]
    assert 'class="crisis-line__number">988</span>' in first_run


def test_the_welcome_goes_once_the_member_joins_a_group(client, newcomer, group):
    MembershipFactory(user=newcomer, group=group, state="pending")

    html = text_of(client.get(reverse("home")))

    assert "Welcome back, Ivy" in html
    assert 'class="first-run"' not in html
    assert "You have no meeting in the next eight weeks" in html


def test_a_member_can_put_the_welcome_away_without_javascript(client, newcomer):
    response = client.post(reverse("first-run-dismiss"), follow=True)

    html = text_of(response)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "The welcome is put away" in html
    assert "Welcome back, Ivy" in html
    assert 'class="first-run"' not in html


def test_the_welcome_stays_away_after_signing_in_again(client, newcomer):
    client.post(reverse("first-run-dismiss"))
    client.logout()
    client.force_login(newcomer)

    html = text_of(client.get(reverse("home")))

    assert "Welcome back, Ivy" in html
    assert 'class="first-run"' not in html


def test_putting_the_welcome_away_needs_a_post(client, newcomer):
    assert client.get(reverse("first-run-dismiss")).status_code == 405
    assert 'class="first-run"' in client.get(reverse("home")).content.decode()


# --- the next meeting, first ----------------------------------------------------------------------


def test_the_home_page_starts_with_the_next_meeting_and_its_rsvp(client, clock, newcomer, meeting):
    MembershipFactory(user=newcomer, group=meeting.group)

    html = text_of(client.get(reverse("home")))

    card = html.split('class="card next-meeting"')[1].split("</section>")[0]
    assert html.index('class="card next-meeting"') < html.index('class="site-footer"')
    assert "Your next meeting" in card
    assert "Tuesday sharing</a> · Evening Circle" in card
    assert "Tuesday 3 March 2026, 19:00 CST" in card
    assert "Not answered" in card
    assert reverse("groups:meeting-rsvp", args=[meeting.group.slug, meeting.pk]) in card
    assert 'value="going"' in card and 'value="not_going"' in card


def test_the_home_page_skips_a_cancelled_meeting(client, clock, newcomer, meeting, group):
    MembershipFactory(user=newcomer, group=group)
    meeting.status = "cancelled"
    meeting.save()
    later = MeetingFactory(series=meeting.series, occurrence_start=TUESDAY_EVENING + timedelta(7))

    card = text_of(client.get(reverse("home"))).split('class="card next-meeting"')[1]

    assert "Tuesday 10 March 2026" in card.split("</section>")[0]
    assert reverse("groups:meeting-rsvp", args=[group.slug, later.pk]) in card


def test_the_group_page_starts_with_the_next_meeting_and_a_members_answer(
    client, clock, newcomer, meeting, group
):
    MembershipFactory(user=newcomer, group=group)
    RsvpFactory(user=newcomer, meeting=meeting, answer="going")

    html = text_of(client.get(reverse("groups:group-detail", args=[group.slug])))

    card = html.split('class="card next-meeting"')[1].split("</section>")[0]
    assert html.index("next-meeting") < html.index('id="about-title"')
    assert "Tuesday 3 March 2026, 19:00 CST" in card
    assert "You're going" in card
    assert "/join/" in card  # the way in, for members: their own join address
    assert "https://meet.example.org/room" not in card
    assert reverse("groups:meeting-rsvp", args=[group.slug, meeting.pk]) in card


def test_a_visitor_sees_the_next_meetings_day_and_time_in_their_zone_only(
    client, clock, meeting, group
):
    client.force_login(UserFactory(time_zone="Asia/Tokyo"))

    html = text_of(client.get(reverse("groups:group-detail", args=[group.slug])))

    card = html.split('class="card next-meeting"')[1].split("</section>")[0]
    assert "Wednesday 4 March 2026, 10:00 JST" in card
    assert "meet.example.org" not in card
    assert "<form" not in card


# --- My meetings: Going / Not going in one tap -----------------------------------------------


def test_my_meetings_has_going_and_not_going_buttons(client, clock, newcomer, meeting, group):
    MembershipFactory(user=newcomer, group=group)

    html = text_of(client.get(reverse("groups:my-meetings")))

    assert "Answer or change" not in html
    assert 'name="answer" value="going"> Going' in html
    assert 'name="answer" value="not_going"> Not going' in html
    assert f'<input type="hidden" name="next" value="{reverse("groups:my-meetings")}">' in html


def test_one_tap_answers_and_comes_back_to_my_meetings(client, clock, newcomer, meeting, group):
    MembershipFactory(user=newcomer, group=group)
    url = reverse("groups:meeting-rsvp", args=[group.slug, meeting.pk])

    response = client.post(
        url, {"answer": "going", "next": reverse("groups:my-meetings")}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("groups:my-meetings")
    html = text_of(response)
    assert "You&#x27;re going. We&#x27;ll see you there." in html
    assert "You're going</span>" in html
    assert Rsvp.objects.get(user=newcomer, meeting=meeting).answer == "going"

    client.post(url, {"answer": "not_going", "next": reverse("groups:my-meetings")})
    assert Rsvp.objects.get(user=newcomer, meeting=meeting).answer == "not_going"


def test_an_answer_never_sends_the_member_to_another_site(client, clock, newcomer, meeting, group):
    MembershipFactory(user=newcomer, group=group)

    response = client.post(
        reverse("groups:meeting-rsvp", args=[group.slug, meeting.pk]),
        {"answer": "going", "next": "https://evil.example.com/"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("groups:meeting-detail", args=[group.slug, meeting.pk])


def test_no_buttons_for_a_cancelled_or_started_meeting(client, newcomer, meeting, group):
    MembershipFactory(user=newcomer, group=group)
    with time_machine.travel(meeting.starts_at + timedelta(minutes=5), tick=False):
        html = text_of(client.get(reverse("groups:my-meetings")))
    assert 'value="going"' not in html


# --- Saved resources in the account menu -------------------------------------------------------


def test_saved_resources_are_in_the_account_menu(client, newcomer):
    html = client.get(reverse("groups:group-list")).content.decode()

    menu = html.split('<ul class="account-menu__list">')[1].split("</ul>")[0]
    assert f'href="{reverse("resources:saved")}"' in menu
    assert "Saved resources" in menu


def test_the_new_parts_of_the_pages_are_valid_html(
    client, clock, newcomer, meeting, group, tmp_path
):
    from tests.test_html_valid import assert_valid_html

    pages = {
        "first-run": client.get(reverse("home")).content.decode(),
        "privacy": client.get(reverse("privacy")).content.decode(),
        "terms": client.get(reverse("terms")).content.decode(),
        "contact": client.get(reverse("contact")).content.decode(),
    }
    MembershipFactory(user=newcomer, group=group)
    pages["home-next-meeting"] = client.get(reverse("home")).content.decode()
    pages["group-next-meeting"] = client.get(
        reverse("groups:group-detail", args=[group.slug])
    ).content.decode()
    pages["my-meetings"] = client.get(reverse("groups:my-meetings")).content.decode()
    client.logout()
    pages["visitor-group"] = client.get(
        reverse("groups:group-detail", args=[group.slug])
    ).content.decode()

    assert_valid_html(pages, tmp_path)


def _queries(client, url: str) -> int:
    return count_queries(client, url)


def test_the_home_page_makes_as_many_queries_in_20_groups_as_in_2(client, clock, newcomer):
    """The next meeting, its place and its answer are read in a fixed number of queries,
    however many groups and meetings the member has."""

    def join(count: int) -> None:
        for _ in range(count):
            group = SupportGroupFactory()
            MembershipFactory(user=newcomer, group=group)
            series = MeetingSeriesFactory(group=group)
            for week in range(3):
                meeting = MeetingFactory(
                    series=series, occurrence_start=TUESDAY_EVENING + timedelta(weeks=week)
                )
                RsvpFactory(meeting=meeting, user=newcomer)

    join(2)
    _queries(client, reverse("home"))  # once, so caches (the site, the session) are warm
    few = _queries(client, reverse("home"))
    join(18)
    assert _queries(client, reverse("home")) == few
    assert "Your next meeting" in text_of(client.get(reverse("home")))

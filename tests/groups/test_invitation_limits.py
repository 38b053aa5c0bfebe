"""An invitation link lets in as many people as its facilitator chose (one by default), until
it expires: counting a use is one conditional UPDATE, so the last use goes to one person only."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import cast

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groups.models import Invitation, Membership
from groups.services.groups import invitation_create, invitation_use
from groups.services.memberships import MembershipError, membership_join
from tests.factories import MembershipFactory, SupportGroupFactory, UserFactory
from tests.test_html_valid import assert_valid_html

ACCEPT = {"accept_conduct": "on"}
CREATED = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
GONE = "This invitation can no longer be used"


def accept_url(invitation: Invitation) -> str:
    return reverse("groups:invitation-accept", args=[invitation.token])


def list_url(group) -> str:
    return reverse("groups:invitations", args=[group.slug])


def text(response) -> str:
    return unescape(response.content.decode())


def is_member(user, group) -> bool:
    return Membership.objects.filter(user=user, group=group, state="active").exists()


@pytest.fixture
def group(facilitator):
    group = SupportGroupFactory(name="Friends only", join_policy="invitation")
    MembershipFactory(user=facilitator, group=group, role="facilitator")
    return group


def signed_in(person) -> Client:
    """A browser of its own for each person: no messages or session carried over."""
    client = Client()
    client.force_login(person)
    return client


def accept_as(person, invitation: Invitation):
    return signed_in(person).post(accept_url(invitation), ACCEPT)


# --- one person by default ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_second_person_with_a_default_invitation_is_refused(fac_client, group):
    fac_client.post(list_url(group))  # the button alone: one person, 14 days
    invitation = Invitation.objects.get(group=group)
    assert invitation.max_uses == 1
    first, second = UserFactory.create_batch(2)

    assert accept_as(first, invitation).status_code == 302
    assert is_member(first, group)

    client = signed_in(second)
    for response in [
        client.get(accept_url(invitation)),
        client.post(accept_url(invitation), ACCEPT),
    ]:
        assert response.status_code == 410
        assert GONE in text(response)
        assert "Friends only" not in text(response)  # an old link tells nothing of its group
    assert not Membership.objects.filter(user=second).exists()
    invitation.refresh_from_db()
    assert invitation.uses == 1


@pytest.mark.django_db
def test_a_page_opened_before_the_last_use_went_cannot_use_it_again(group, facilitator):
    """The service counts in the database, not from the copy the page loaded."""
    invitation = invitation_create(group=group, by=facilitator)
    stale = Invitation.objects.get(pk=invitation.pk)  # read before anyone used it
    first, second = UserFactory.create_batch(2)
    membership_join(user=first, group=group, accept_conduct=True, invitation=invitation)
    with pytest.raises(MembershipError, match="used up") as refused:
        membership_join(user=second, group=group, accept_conduct=True, invitation=stale)
    assert refused.value.code == "invitation_unusable"
    assert not Membership.objects.filter(user=second).exists()
    assert Invitation.objects.get(pk=invitation.pk).uses == 1


@pytest.mark.django_db
def test_a_limit_of_three_lets_three_in_and_refuses_the_fourth(fac_client, group):
    response = fac_client.post(list_url(group), {"max_uses": "3", "days": "14"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(group=group)
    assert invitation.max_uses == 3
    people = UserFactory.create_batch(4)
    for person in people[:3]:
        assert accept_as(person, invitation).status_code == 302
    assert accept_as(people[3], invitation).status_code == 410
    assert [is_member(person, group) for person in people] == [True, True, True, False]
    invitation.refresh_from_db()
    assert (invitation.uses, invitation.uses_left, invitation.status()) == (3, 0, "used_up")


@pytest.mark.django_db
def test_a_member_accepting_again_uses_nothing(group, facilitator):
    invitation = invitation_create(group=group, by=facilitator, max_uses=2)
    person = UserFactory()
    client = signed_in(person)
    client.post(accept_url(invitation), ACCEPT)
    response = client.post(accept_url(invitation), ACCEPT)
    assert response.status_code == 302
    assert response["Location"] == reverse("groups:group-detail", args=[group.slug])
    # Nor through the service, which returns the membership unchanged.
    membership_join(user=person, group=group, accept_conduct=True, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.uses == 1
    assert Membership.objects.filter(group=group, user=person).count() == 1


@pytest.mark.django_db
def test_a_refusal_after_the_use_was_counted_gives_it_back(group, facilitator):
    """A full group refuses after the link's use is counted: the transaction undoes both."""
    group.member_limit = 1  # the facilitator already fills it
    group.save()
    invitation = invitation_create(group=group, by=facilitator)
    with pytest.raises(MembershipError) as refused:
        membership_join(user=UserFactory(), group=group, accept_conduct=True, invitation=invitation)
    assert refused.value.code == "group_full"
    invitation.refresh_from_db()
    assert invitation.uses == 0


# --- expiry ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_expired_invitation_is_refused_and_changes_nothing(group, facilitator):
    with time_machine.travel(CREATED, tick=False):
        invitation = invitation_create(
            group=group, by=facilitator, max_uses=5, lifetime=timedelta(days=2)
        )
    person = UserFactory()
    with time_machine.travel(CREATED + timedelta(days=2) - timedelta(seconds=1), tick=False):
        assert signed_in(person).get(accept_url(invitation)).status_code == 200
    with time_machine.travel(CREATED + timedelta(days=2), tick=False):
        client = signed_in(person)
        for response in [
            client.get(accept_url(invitation)),
            client.post(accept_url(invitation), ACCEPT),
        ]:
            assert response.status_code == 410
            assert GONE in text(response)
        with pytest.raises(MembershipError) as refused:
            membership_join(user=person, group=group, accept_conduct=True, invitation=invitation)
        assert refused.value.code == "invitation_unusable"
    assert not Membership.objects.filter(user=person).exists()
    invitation.refresh_from_db()
    assert invitation.uses == 0


# --- the facilitator's list ------------------------------------------------------------------


def rows_of(response) -> list[list[str]]:
    """The list's rows, newest first, each as the text of its cells."""
    assert response.status_code == 200
    html = response.content.decode()
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return [
        [
            " ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<td>(.*?)</td>", row, flags=re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    ]


@pytest.mark.django_db
def test_the_list_shows_uses_left_and_expiry_with_its_zone(
    fac_client, group, facilitator, settings
):
    facilitator.time_zone = "UTC"
    facilitator.save(update_fields=["time_zone"])
    with time_machine.travel(CREATED, tick=False):
        one = invitation_create(group=group, by=facilitator)
    with time_machine.travel(CREATED + timedelta(hours=1), tick=False):
        three = invitation_create(group=group, by=facilitator, max_uses=3, lifetime=timedelta(1))
    three_link = settings.SITE_URL + accept_url(three)
    with time_machine.travel(CREATED + timedelta(hours=2), tick=False):
        membership_join(user=UserFactory(), group=group, accept_conduct=True, invitation=one)
        fac_client.force_login(facilitator)  # a session of this moment, not of the real clock
        rows = rows_of(fac_client.get(list_url(group)))
    assert rows == [
        [
            three_link,
            "1 Dec 2026, 01:00 UTC",
            "2 Dec 2026, 01:00 UTC",
            "used 0 of 3 (3 left)",
            "Open Withdraw the link created 1 Dec 2026, 01:00 UTC",
        ],
        [
            "No longer works",
            "1 Dec 2026, 00:00 UTC",
            "15 Dec 2026, 00:00 UTC",
            "used 1 of 1",
            "Used up",
        ],
    ]

    # A day later the second link has expired; a facilitator elsewhere reads their own clock.
    facilitator.time_zone = "America/Chicago"
    facilitator.save(update_fields=["time_zone"])
    with time_machine.travel(CREATED + timedelta(days=1, hours=1), tick=False):
        fac_client.force_login(facilitator)
        rows = rows_of(fac_client.get(list_url(group)))
    assert rows[0] == [
        "No longer works",
        "30 Nov 2026, 19:00 CST",
        "1 Dec 2026, 19:00 CST",
        "used 0 of 3",
        "Expired",
    ]


# --- the create form -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"max_uses": "0"}, "A link needs to let at least 1 person in."),
        ({"max_uses": "-2"}, "A link needs to let at least 1 person in."),
        ({"max_uses": "51"}, "A link can let in at most 50 people."),
        ({"max_uses": "two"}, "Enter a whole number of people, for example 1."),
        ({"days": "0"}, "The link would expire at once or in the past: choose at least 1 day."),
        ({"days": "-3"}, "The link would expire at once or in the past: choose at least 1 day."),
        ({"days": "91"}, "A link can work for at most 90 days."),
        ({"days": "1.5"}, "Enter a whole number of days, for example 14."),
    ],
)
def test_bad_form_input_is_refused_with_400_and_creates_nothing(fac_client, group, data, message):
    response = fac_client.post(list_url(group), {"max_uses": "1", "days": "14", **data})
    assert response.status_code == 400
    html = text(response)
    assert message in html
    assert 'aria-invalid="true"' in html
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_the_form_offers_one_person_and_fourteen_days_and_says_why(fac_client, group):
    html = text(fac_client.get(list_url(group)))
    assert 'name="max_uses" value="1"' in html
    assert 'name="days" value="14"' in html
    assert "One by default" in html
    assert "two weeks give the person time" in html


@pytest.mark.django_db
def test_the_list_with_each_state_and_a_refused_form_is_valid_html(
    fac_client, group, facilitator, tmp_path
):
    used = invitation_create(group=group, by=facilitator)
    membership_join(user=UserFactory(), group=group, accept_conduct=True, invitation=used)
    invitation_create(group=group, by=facilitator, max_uses=3)
    Invitation.objects.create(group=group, expires_at=CREATED - timedelta(days=1))
    pages = {
        "invitations": fac_client.get(list_url(group)).content.decode(),
        "invitations-refused": fac_client.post(
            list_url(group), {"max_uses": "0", "days": "-1"}
        ).content.decode(),
    }
    assert "Used up" in pages["invitations"] and "Expired" in pages["invitations"]
    assert_valid_html(pages, tmp_path)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "limits",
    [
        {"max_uses": 0},
        {"max_uses": 51},
        {"lifetime": timedelta(0)},
        {"lifetime": -timedelta(days=1)},
        {"lifetime": timedelta(days=91)},
    ],
)
def test_the_service_refuses_limits_out_of_bounds(group, facilitator, limits):
    with pytest.raises(ValidationError):
        invitation_create(group=group, by=facilitator, **limits)
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_a_use_past_the_limit(group, facilitator):
    from django.db import IntegrityError

    invitation = invitation_create(group=group, by=facilitator)
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk).update(uses=2)


# --- races (PostgreSQL) ----------------------------------------------------------------------


def at_once(people: list, act: Callable[[object], str]) -> dict[int, str]:
    """Run `act(person)` for each person in their own thread, released together; the outcome
    of each by the person's pk (an unexpected exception as its repr)."""
    if connection.vendor != "postgresql":
        # SQLite serialises every write anyway; the row lock that decides the race is
        # PostgreSQL's. CI (KINSHIP_REQUIRE_SERVICES=1) runs the suite on PostgreSQL.
        pytest.skip("the race needs PostgreSQL's row locks (DATABASE_URL=postgres://…)")
    barrier = threading.Barrier(len(people), timeout=10)
    outcomes: dict[int, str] = {}

    def run(person) -> None:
        # Each thread has its own database connection (Django's are per thread).
        try:
            barrier.wait()
            outcomes[person.pk] = act(person)
        except Exception as error:  # reported by the caller's assertion
            outcomes[person.pk] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_people_accepting_the_last_use_at_once_only_one_gets_in():
    group = SupportGroupFactory(join_policy="invitation")
    invitation = Invitation.objects.create(
        group=group, expires_at=timezone.now() + timedelta(days=14)
    )
    people = UserFactory.create_batch(2)

    def accept(person) -> str:
        try:
            membership_join(user=person, group=group, accept_conduct=True, invitation=invitation)
        except MembershipError as error:
            return cast(str, error.code)  # every MembershipError has a code
        return "joined"

    outcomes = at_once(people, accept)
    assert sorted(outcomes.values()) == ["invitation_unusable", "joined"], outcomes
    assert Membership.objects.filter(group=group).count() == 1
    invitation.refresh_from_db()
    assert invitation.uses == 1


@pytest.mark.django_db(transaction=True)
def test_two_uses_of_the_last_place_counted_at_once_only_one_counts():
    """The conditional UPDATE on its own, without the group's row lock that membership_join
    also takes: each transaction stays open a moment after counting, so the second UPDATE
    runs while the first has counted but not committed."""
    group = SupportGroupFactory(join_policy="invitation")
    invitation = Invitation.objects.create(
        group=group, expires_at=timezone.now() + timedelta(days=14)
    )

    def use(person) -> str:
        with transaction.atomic():
            counted = invitation_use(invitation=invitation, now=timezone.now())
            time.sleep(0.3)
        return "counted" if counted else "refused"

    outcomes = at_once(UserFactory.create_batch(2), use)
    assert sorted(outcomes.values()) == ["counted", "refused"], outcomes
    invitation.refresh_from_db()
    assert invitation.uses == 1


# --- links made before limits existed ----------------------------------------------------------


def migrate(targets):
    """Migrate to `targets`; the models as the applied migrations define them."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(
        [key for key in executor.loader.applied_migrations if key in executor.loader.graph.nodes]
    ).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_links_made_before_limits_let_one_person_in_and_keep_their_expiry():
    old = migrate([("support_groups", "0005_single_line_text")])
    try:
        Group = old.get_model("support_groups", "SupportGroup")
        Old = old.get_model("support_groups", "Invitation")
        group = Group.objects.create(
            name="Friends only", slug="friends-only", join_policy="invitation"
        )
        expires = datetime(2027, 1, 1, tzinfo=UTC)
        unused, used, shared = (
            Old.objects.create(group=group, token=f"t{uses}", expires_at=expires, uses=uses)
            for uses in (0, 1, 3)
        )

        migrate(latest())
        links = {link.pk: link for link in Invitation.objects.all()}
        assert [(links[i.pk].max_uses, links[i.pk].expires_at) for i in (unused, used, shared)] == [
            (1, expires),
            (1, expires),
            (3, expires),
        ]
        now = datetime(2026, 12, 1, tzinfo=UTC)
        assert [links[i.pk].status(now=now) for i in (unused, used, shared)] == [
            "open",
            "used_up",
            "used_up",
        ]
    finally:
        migrate(latest())


def test_the_invitation_list_makes_as_many_queries_with_60_links_as_with_3(
    fac_client, group, facilitator
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert fac_client.get(list_url(group)).status_code == 200
        return len(captured)

    for _ in range(3):
        invitation_create(group=group, by=facilitator)
    queries()
    few = queries()
    for uses in range(57):
        invitation_create(group=group, by=facilitator, max_uses=uses % 5 + 1)
    assert queries() == few

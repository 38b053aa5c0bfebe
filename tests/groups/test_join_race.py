"""Two people taking the last place of a limited group at the same moment (PostgreSQL)."""

from __future__ import annotations

import threading
from typing import cast

import pytest
from django.db import connection

from groups.models import Membership
from groups.services.memberships import MembershipError, membership_join
from tests.factories import MembershipFactory, SupportGroupFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_two_people_taking_the_last_place_at_once_exactly_one_gets_it():
    if connection.vendor != "postgresql":
        # SQLite serialises every write anyway; the row lock that decides the race is
        # PostgreSQL's. CI (KINSHIP_REQUIRE_SERVICES=1) runs the suite on PostgreSQL.
        pytest.skip("the race needs PostgreSQL's row locks (DATABASE_URL=postgres://…)")
    group = SupportGroupFactory(member_limit=3)
    MembershipFactory.create_batch(2, group=group)
    people = UserFactory.create_batch(2)
    barrier = threading.Barrier(len(people), timeout=10)
    outcomes: dict[int, str] = {}

    def join(person) -> None:
        # Each thread has its own database connection (Django's are per thread).
        try:
            barrier.wait()
            membership_join(user=person, group=group, accept_conduct=True)
            outcomes[person.pk] = "joined"
        except MembershipError as error:
            outcomes[person.pk] = cast(str, error.code)  # every MembershipError has a code
        except Exception as error:  # anything else is reported by the assertion below
            outcomes[person.pk] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=join, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)

    assert sorted(outcomes.values()) == ["group_full", "joined"], outcomes
    assert Membership.objects.filter(group=group, state="active").count() == 3
    winner = next(pk for pk, outcome in outcomes.items() if outcome == "joined")
    loser = next(pk for pk, outcome in outcomes.items() if outcome != "joined")
    assert Membership.objects.filter(group=group, user_id=winner, state="active").exists()
    assert not Membership.objects.filter(group=group, user_id=loser).exists()

"""Cover and handover: backups named and stepping down, a group or a series offered and
accepted, declined, withdrawn or left to expire (nothing changes until it is accepted), the
service term's reminder four weeks before, and the pages where each is done. Every test
runs on a controlled clock, in the real zones of New York and London."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from groups.handovers import (
    OFFER_OPEN_FOR,
    TERM_REMINDER,
    HandoverError,
    backup_end,
    backup_name,
    handover_accept,
    handover_decline,
    handover_offer,
    handover_withdraw,
    handovers_expire,
    term_reminder_due,
    term_set,
)
from groups.models import Handover, Membership
from notifications.models import OutboxMessage
from notifications.outbox import outbox_dispatch, outbox_send
from tests.factories import (
    MeetingSeriesFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
    activate_totp,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)  # Monday 2 November, 10:00 in New York
Action = AuditEvent.Action


@pytest.fixture
def group():
    return SupportGroupFactory(name="Harbour Circle", time_zone="America/New_York")


def person(group, name, *, role="member", **fields):
    user = UserFactory(
        email=f"{name.lower()}@example.org",
        display_name=name,
        time_zone="America/New_York",
        discreet_mode=False,
        **fields,
    )
    MembershipFactory(user=user, group=group, role=role)
    return user


@pytest.fixture
def robin(group):
    return person(group, "Robin", role="facilitator", is_facilitator=True)


@pytest.fixture
def sam(group):
    return person(group, "Sam")


def role(group, user) -> str:
    return Membership.objects.get(group=group, user=user).role


def sent(at: datetime) -> list:
    """The outbox sent as it stands at `at`; what went out."""
    before = len(mail.outbox)
    outbox_send(outbox_dispatch(now=at).claimed, now=lambda: at)
    return mail.outbox[before:]


def offer(group, robin, sam, *, at=NOW, **options):
    with time_machine.travel(at, tick=False):
        return handover_offer(group=group, by=robin, to=sam, now=at, **options)


def actions(user) -> list[str]:
    return list(
        AuditEvent.objects.filter(subject=user).order_by("pk").values_list("action", flat=True)
    )


# --- backups --------------------------------------------------------------------------------


def test_a_facilitator_names_a_backup_who_is_told_and_may_step_down(group, robin, sam):
    membership = Membership.objects.get(group=group, user=sam)
    with time_machine.travel(NOW, tick=False):
        backup_name(membership=membership, by=robin)
    assert role(group, sam) == "backup"
    [told] = sent(NOW)
    assert told.to == [sam.email]
    assert told.subject == "Kinship: Harbour Circle: you are a backup facilitator"
    assert "Robin has named you a backup facilitator of Harbour Circle" in told.body
    backup_end(membership=membership, by=sam)  # by themselves
    assert role(group, sam) == "member"
    assert actions(sam) == [Action.BACKUP_NAMED, Action.BACKUP_ENDED]


def test_only_a_facilitator_names_a_backup_and_only_a_member(group, robin, sam):
    kai = person(group, "Kai")
    with pytest.raises(HandoverError):
        backup_name(membership=Membership.objects.get(group=group, user=kai), by=sam)
    with pytest.raises(HandoverError):  # a facilitator is not made a backup
        backup_name(membership=Membership.objects.get(group=group, user=robin), by=robin)
    assert role(group, kai) == "member"
    assert not AuditEvent.objects.filter(action=Action.BACKUP_NAMED).exists()


# --- offers ---------------------------------------------------------------------------------


def test_nothing_changes_until_the_member_accepts_then_they_facilitate_and_the_giver_stays_on(
    group, robin, sam
):
    handover = offer(group, robin, sam, message="You know the room well.")
    assert role(group, sam) == "member"
    [asked] = sent(NOW)
    assert asked.to == [sam.email]
    assert asked.subject == "Kinship: Harbour Circle: Robin offers to hand over to you"
    assert "Robin would like you to take over the group Harbour Circle" in asked.body
    assert "You know the room well." in asked.body
    assert "open until Monday 9 November 2026, 10:00 EST" in asked.body
    assert reverse("groups:handover-answer", args=[group.slug, handover.pk]) in asked.body

    at = NOW + timedelta(days=2)
    with time_machine.travel(at, tick=False):
        accepted = handover_accept(handover=handover, by=sam, now=at)
    assert accepted.stayed_on
    assert role(group, sam) == "facilitator"
    assert role(group, robin) == "facilitator"
    sam.refresh_from_db()
    assert not sam.is_facilitator  # this group's, not approved to start groups
    [told] = sent(at)
    assert told.to == [robin.email]
    assert "Sam accepted: they now facilitate the group Harbour Circle." in told.body
    assert "You stay on as a co-facilitator" in told.body
    assert actions(sam) == [Action.HANDOVER_OFFERED, Action.HANDOVER_ACCEPTED]


def test_a_giver_who_does_not_stay_on_becomes_a_member_and_their_term_is_cleared(group, robin, sam):
    Membership.objects.filter(user=robin).update(term_ends_on=date(2026, 12, 31))
    handover = offer(group, robin, sam, stay_on=False)
    handover_accept(handover=handover, by=sam, now=NOW + timedelta(hours=1))
    assert role(group, robin) == "member"
    assert Membership.objects.get(user=robin).term_ends_on is None
    assert role(group, sam) == "facilitator"


def test_a_series_handed_over_gets_its_lead_and_the_giver_stays(group, robin, sam):
    series = MeetingSeriesFactory(group=group, title="Evening sharing")
    handover = offer(group, robin, sam, series=series, stay_on=False)
    assert handover.stay_on  # one meeting handed over: the giver stays a facilitator
    handover_accept(handover=handover, by=sam, now=NOW + timedelta(hours=1))
    series.refresh_from_db()
    assert series.lead == sam
    assert role(group, robin) == "facilitator"
    assert role(group, sam) == "facilitator"


def test_a_declined_offer_changes_nothing_and_tells_the_giver(group, robin, sam):
    handover = offer(group, robin, sam)
    sent(NOW)
    at = NOW + timedelta(days=1)
    with time_machine.travel(at, tick=False):
        handover_decline(handover=handover, by=sam, now=at)
    assert role(group, sam) == "member"
    [told] = sent(at)
    assert told.to == [robin.email]
    assert told.subject == "Kinship: Harbour Circle: Sam declined your handover"
    with pytest.raises(HandoverError):  # answered: closed
        handover_accept(handover=handover, by=sam, now=at)
    assert role(group, sam) == "member"


def test_an_unanswered_offer_expires_after_seven_days_and_both_are_told(group, robin, sam):
    handover = offer(group, robin, sam)
    sent(NOW)
    assert handovers_expire(now=NOW + OFFER_OPEN_FOR - timedelta(minutes=1)) == 0
    with pytest.raises(HandoverError):  # past its time, even before the hourly run
        handover_accept(handover=handover, by=sam, now=NOW + OFFER_OPEN_FOR)
    at = NOW + OFFER_OPEN_FOR + timedelta(minutes=30)
    with time_machine.travel(at, tick=False):
        assert handovers_expire(now=at) == 1
        assert handovers_expire(now=at) == 0
    handover.refresh_from_db()
    assert handover.state == Handover.State.EXPIRED
    assert role(group, sam) == "member"
    told = sent(at)
    assert sorted(m.to[0] for m in told) == [robin.email, sam.email]
    [to_robin] = [m for m in told if m.to == [robin.email]]
    assert "you can make a new offer" in to_robin.body
    assert Action.HANDOVER_EXPIRED in actions(sam)


def test_a_withdrawn_offer_cannot_be_accepted_and_the_member_is_told(group, robin, sam):
    handover = offer(group, robin, sam)
    sent(NOW)
    with time_machine.travel(NOW, tick=False):
        handover_withdraw(handover=handover, by=robin, now=NOW)
    [told] = sent(NOW)
    assert told.to == [sam.email]
    assert "Robin has withdrawn the offer" in told.body
    with pytest.raises(HandoverError):
        handover_accept(handover=handover, by=sam, now=NOW)
    assert role(group, sam) == "member"


def test_one_open_offer_at_a_time_and_only_to_another_active_member(group, robin, sam):
    offer(group, robin, sam)
    kai = person(group, "Kai")
    with pytest.raises(HandoverError, match="An offer is open already"):
        offer(group, robin, kai)
    outsider = UserFactory()
    for to in (robin, outsider):
        with pytest.raises(HandoverError):
            handover_offer(group=group, by=robin, to=to, now=NOW)
    with pytest.raises(HandoverError):  # a member does not hand over
        handover_offer(group=group, by=sam, to=kai, now=NOW)
    with pytest.raises(HandoverError):  # and the offer is Sam's to answer, not Kai's
        handover_accept(handover=Handover.objects.get(), by=kai, now=NOW)
    assert Handover.objects.count() == 1
    # Once it lapses, a new offer may be made.
    offer(group, robin, kai, at=NOW + OFFER_OPEN_FOR + timedelta(minutes=1))
    assert Handover.objects.filter(state="offered").get().offered_to == kai


# --- service terms --------------------------------------------------------------------------


def test_a_term_is_reminded_four_weeks_before_at_nine_in_the_facilitators_zone_once(group, robin):
    # Ends on Friday 1 January 2027: reminded Friday 4 December 2026, 09:00 EST (14:00 UTC).
    with time_machine.travel(NOW, tick=False):
        term_set(group=group, user=robin, ends_on=date(2027, 1, 1), now=NOW)
    due = term_reminder_due(date(2027, 1, 1), "America/New_York")
    assert due.astimezone(UTC) == datetime(2026, 12, 4, 14, 0, tzinfo=UTC)
    assert sent(due - timedelta(minutes=2)) == []
    [reminder] = sent(due)
    assert reminder.to == [robin.email]
    assert reminder.subject == "Kinship: Harbour Circle: your service term ends on 1 January 2027"
    assert reverse("groups:handover", args=[group.slug]) in reminder.body
    assert sent(due + timedelta(days=1)) == []
    assert OutboxMessage.objects.filter(kind=TERM_REMINDER).count() == 1


def test_a_renewed_term_is_reminded_again_and_a_cleared_one_not_at_all(group, robin):
    term_set(group=group, user=robin, ends_on=date(2027, 1, 1), now=NOW)
    sent(term_reminder_due(date(2027, 1, 1), "America/New_York"))
    term_set(group=group, user=robin, ends_on=date(2027, 6, 1), now=NOW)  # renewed
    [again] = sent(term_reminder_due(date(2027, 6, 1), "America/New_York"))
    assert "1 June 2027" in again.subject
    term_set(group=group, user=robin, ends_on=date(2027, 9, 1), now=NOW)
    outbox_dispatch(now=term_reminder_due(date(2027, 9, 1), "America/New_York"))
    term_set(group=group, user=robin, ends_on=None, now=NOW)  # cleared once planned
    assert sent(term_reminder_due(date(2027, 9, 1), "America/New_York")) == []
    terms = AuditEvent.objects.filter(action=Action.TERM_SET).order_by("pk")
    assert [event.details["ends_on"] for event in terms] == [
        "2027-01-01",
        "2027-06-01",
        "2027-09-01",
        None,
    ]


def test_a_term_must_end_after_today_and_only_a_facilitator_has_one(group, robin, sam):
    with pytest.raises(HandoverError):
        term_set(group=group, user=robin, ends_on=date(2026, 11, 2), now=NOW)
    with pytest.raises(HandoverError):
        term_set(group=group, user=sam, ends_on=date(2027, 1, 1), now=NOW)
    assert Membership.objects.get(user=robin).term_ends_on is None


# --- the pages ------------------------------------------------------------------------------


@pytest.fixture
def robin_client(client, robin):
    activate_totp(robin)
    client.force_login(robin)
    return client


def test_the_handover_page_offers_withdraws_and_keeps_a_refused_form(
    robin_client, group, robin, sam
):
    url = reverse("groups:handover", args=[group.slug])
    page = robin_client.get(url)
    assert page.status_code == 200
    assert "No offer is waiting for an answer." in page.content.decode()
    sam_membership = Membership.objects.get(user=sam)
    refused = robin_client.post(url, {"to": "", "message": "Keep this text"})
    assert refused.status_code == 400
    assert "Keep this text" in refused.content.decode()
    assert not Handover.objects.exists()
    done = robin_client.post(
        url, {"to": sam_membership.pk, "stay_on": "on", "message": "Yours?"}, follow=True
    )
    assert "We have told Sam. Nothing changes unless they accept." in done.content.decode()
    assert "Robin offered the whole group to Sam." in done.content.decode()
    handover = Handover.objects.get()
    withdraw = reverse("groups:handover-withdraw", args=[group.slug, handover.pk])
    assert robin_client.post(withdraw).status_code == 302
    handover.refresh_from_db()
    assert handover.state == "withdrawn"


def test_the_member_answers_on_the_offer_page_and_nobody_else_sees_it(client, group, robin, sam):
    handover = offer(group, robin, sam)
    url = reverse("groups:handover-answer", args=[group.slug, handover.pk])
    kai = person(group, "Kai")
    with time_machine.travel(NOW + timedelta(days=1), tick=False):  # the offer is open
        client.force_login(kai)
        assert client.get(url).status_code == 404
        assert client.post(url, {"answer": "accept"}).status_code == 404
        client.force_login(sam)
        group_page = client.get(reverse("groups:group-detail", args=[group.slug])).content.decode()
        assert "Robin would like you to facilitate this group." in group_page
        page = client.get(url)
        assert page.status_code == 200
        assert "The one who offered stays on as a co-facilitator." in page.content.decode()
        assert client.post(url, {"answer": "maybe"}).status_code == 400
        assert role(group, sam) == "member"
        assert client.post(url, {"answer": "accept"}).status_code == 302
        assert role(group, sam) == "facilitator"
        closed = client.get(url)
        assert "This offer is no longer open" in closed.content.decode()


def test_the_member_list_names_and_ends_a_backup(robin_client, group, sam):
    membership = Membership.objects.get(user=sam)
    members = reverse("groups:member-list", args=[group.slug])
    assert "Name as backup" in robin_client.get(members).content.decode()
    name = reverse("groups:membership-decide", args=[group.slug, membership.pk, "backup"])
    page = robin_client.post(name, follow=True).content.decode()
    assert "Sam is now a backup facilitator." in page
    assert role(group, sam) == "backup"
    end = reverse("groups:membership-decide", args=[group.slug, membership.pk, "end-backup"])
    robin_client.post(end)
    assert role(group, sam) == "member"


def test_a_backup_steps_down_from_the_group_page(client, group):
    sam = person(group, "Sam", role="backup")
    client.force_login(sam)
    page = client.get(reverse("groups:group-detail", args=[group.slug])).content.decode()
    assert "You are a backup facilitator" in page
    client.post(reverse("groups:backup-step-down", args=[group.slug]))
    assert role(group, sam) == "member"
    kai = person(group, "Kai")
    client.force_login(kai)
    assert client.post(reverse("groups:backup-step-down", args=[group.slug])).status_code == 403


def test_a_backup_or_a_member_may_not_open_the_handover_page(client, group):
    for name, user_role in [("Sam", "backup"), ("Kai", "member")]:
        user = person(group, name, role=user_role)
        activate_totp(user)
        client.force_login(user)
        assert client.get(reverse("groups:handover", args=[group.slug])).status_code == 403
        term = reverse("groups:term-set", args=[group.slug])
        assert client.post(term, {"ends_on": "2027-01-01"}).status_code == 403


def test_the_account_export_holds_the_offers_the_term_and_the_hosting_answers(group, robin, sam):
    from groups.account_data import (
        handovers_for_export,
        hosting_for_export,
        memberships_for_export,
    )
    from groups.hosting import hosting_answer
    from tests.factories import MeetingFactory

    offer(group, robin, sam, message="Yours?")
    term_set(group=group, user=robin, ends_on=date(2027, 1, 1), now=NOW)
    meeting = MeetingFactory(series=MeetingSeriesFactory(group=group, title="Evening sharing"))
    hosting_answer(meeting=meeting, user=robin, will_host=True)
    [made] = handovers_for_export(robin)
    [received] = handovers_for_export(sam)
    assert (made["offered_to_me"], received["offered_to_me"]) == (False, True)
    assert received["message"] == "Yours?"
    assert memberships_for_export(robin)[0]["service_term_ends_on"] == "2027-01-01"
    [answer] = hosting_for_export(robin)
    assert (answer["meeting"], answer["answer"]) == ("Evening sharing", "will_host")
    assert hosting_for_export(sam) == []


def test_the_handover_page_makes_the_same_queries_for_few_members_or_many(
    robin_client, group, robin, sam
):
    from tests.queries import count_queries

    url = reverse("groups:handover", args=[group.slug])
    offer(group, robin, sam, at=timezone.now())
    count_queries(robin_client, url)
    few = count_queries(robin_client, url)
    for n in range(20):
        person(group, f"Member{n}")
    assert count_queries(robin_client, url) == few

"""Online meetings behind a door: a member's join address, its window, the facilitators'
controls, and the reminder's "I can't make it" with its undo. A controlled clock throughout
(time-machine), and the series' real link never in what anyone is served but the redirect."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.urls import reverse

from accounts.models import AuditEvent
from accounts.services.exports import export_payload
from groups.meetings.joining import join_address_url, join_addresses_for, join_door
from groups.meetings.rsvp_links import cant_make_it_token, cant_make_it_url, undo_token
from groups.models import JoinAddress, JoinOpening, Meeting, Membership, Rsvp
from groups.reminders import KIND as REMINDER
from groups.reminders import reminder_email, reminders_plan_due
from groups.services.meetings import meeting_cancel, meeting_move
from groups.services.online import (
    join_access_restore,
    join_access_revoke,
    join_openings_prune,
    room_lock,
)
from groups.services.rsvps import rsvp_answer
from notifications.models import OutboxMessage
from tests.factories import (
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
    activate_totp,
)
from tests.queries import count_queries

REAL_LINK = "https://video.example.net/j/8812345?pwd=sEcReT"
# A Monday at 19:00 in Chicago (CST, UTC-6).
START = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
Outcome = JoinOpening.Outcome


@pytest.fixture
def room(db, member):
    group = SupportGroupFactory(online_url="")
    series = MeetingSeriesFactory(group=group, online_url=REAL_LINK, dial_in="+1 555 0100")
    meeting = MeetingFactory(series=series, occurrence_start=START, starts_at=START)
    later = MeetingFactory(
        series=series,
        occurrence_start=START + timedelta(weeks=1),
        starts_at=START + timedelta(weeks=1),
    )
    MembershipFactory(user=member, group=group)
    member.discreet_mode = False  # the discreet page has its own test
    member.save()
    address = join_addresses_for(user=member, series=[series])[series.pk]
    return {
        "group": group,
        "series": series,
        "meeting": meeting,
        "later": later,
        "address": address,
    }


def _open(client, address, at):
    with time_machine.travel(at, tick=False):
        return client.get(reverse("groups:join-address", kwargs={"token": address.token}))


# --- the window ------------------------------------------------------------------------------


def test_early_opening_shows_the_waiting_page_with_the_start_in_the_members_zone(client, room):
    room["address"].user.time_zone = "Europe/London"
    room["address"].user.save()
    response = _open(client, room["address"], START - timedelta(hours=2))
    body = response.content.decode()
    assert response.status_code == 200
    assert REAL_LINK not in body
    assert "01:00" in body and "GMT" in body  # 19:00 in Chicago is 01:00 in London
    assert "00:45" in body  # the room opens 15 minutes before
    assert 'data-countdown="6300"' in body  # 1 h 45 min left, for the script
    assert "+1 555 0100" in body  # the dial-in is there for whoever waits
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert JoinOpening.objects.get().outcome == Outcome.WAITING


@pytest.mark.parametrize(
    ("minutes", "lets_in"),
    [(-16, False), (-15, True), (0, True), (89, True), (90, False)],
)
def test_the_room_opens_fifteen_minutes_before_and_closes_at_the_end(
    client, room, minutes, lets_in
):
    response = _open(client, room["address"], START + timedelta(minutes=minutes))
    if lets_in:
        assert response.status_code == 302
        assert response["Location"] == REAL_LINK
    else:
        assert response.status_code == 200
        assert REAL_LINK not in response.content.decode()


def test_the_facilitator_chooses_when_the_room_opens(client, room):
    room["series"].join_opens_minutes = 45
    room["series"].save()
    assert _open(client, room["address"], START - timedelta(minutes=44)).status_code == 302
    assert _open(client, room["address"], START - timedelta(minutes=46)).status_code == 200


def test_after_the_end_it_says_so_and_shows_the_next_meeting(client, room):
    response = _open(client, room["address"], START + timedelta(minutes=100))
    body = response.content.decode()
    assert "This meeting ended at" in body
    assert "The next meeting" in body and "Monday 14 December" in body
    assert JoinOpening.objects.get().outcome == Outcome.ENDED


def test_a_cancelled_meeting_says_so_and_shows_the_next(client, room):
    meeting_cancel(meeting=room["meeting"], reason="Holiday", now=START - timedelta(days=1))
    response = _open(client, room["address"], START - timedelta(minutes=5))
    body = response.content.decode()
    assert response.status_code == 200
    assert "is cancelled" in body and "Monday 14 December" in body
    assert REAL_LINK not in body


def test_a_moved_meeting_opens_at_its_new_time_with_its_new_link(client, room):
    moved_link = "https://video.example.net/j/999"
    meeting_move(
        meeting=room["meeting"],
        day=date(2026, 12, 8),
        at=time(18, 0),  # Monday 19:00 → Tuesday 18:00 in Chicago
        online_url=moved_link,
        now=START - timedelta(days=2),
    )
    moved = Meeting.objects.get(pk=room["meeting"].pk)
    assert _open(client, room["address"], START - timedelta(minutes=10)).status_code == 200
    response = _open(client, room["address"], moved.starts_at - timedelta(minutes=10))
    assert response["Location"] == moved_link


def test_in_discreet_mode_the_waiting_page_names_no_group_or_meeting(client, room, member):
    member.discreet_mode = True
    member.save()
    response = _open(client, room["address"], START - timedelta(hours=1))
    body = response.content.decode()
    assert "Your appointment" in body
    assert room["group"].name not in body
    assert room["series"].title not in body


def test_a_revoked_member_is_told_kindly_and_given_the_group_page(client, room, facilitator):
    join_access_revoke(address=room["address"], by=facilitator)
    response = _open(client, room["address"], START)
    body = response.content.decode()
    assert response.status_code == 403
    assert "paused your access" in body
    assert reverse("groups:group-detail", args=[room["group"].slug]) in body
    assert REAL_LINK not in body and "+1 555 0100" not in body  # nor the dial-in


def test_giving_access_back_makes_a_new_address_and_the_old_stays_closed(client, room, facilitator):
    old = room["address"].token
    join_access_revoke(address=room["address"], by=facilitator)
    join_access_restore(address=room["address"], by=facilitator)
    fresh = JoinAddress.objects.get(pk=room["address"].pk)
    assert fresh.token != old and not fresh.is_revoked
    assert _open(client, fresh, START).status_code == 302
    with time_machine.travel(START, tick=False):
        gone = client.get(reverse("groups:join-address", kwargs={"token": old}))
    assert gone.status_code == 404
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        AuditEvent.Action.JOIN_ACCESS_REVOKED,
        AuditEvent.Action.JOIN_ACCESS_RESTORED,
    } <= actions


def test_a_member_who_left_is_told_so(client, room, member):
    Membership.objects.filter(user=member).update(state=Membership.State.LEFT)
    response = _open(client, room["address"], START)
    assert response.status_code == 403
    assert "no longer one of them" in response.content.decode()


def test_a_token_of_another_member_does_not_let_a_signed_in_person_in(client, room):
    other = UserFactory()
    MembershipFactory(user=other, group=room["group"])
    with time_machine.travel(START, tick=False):
        client.force_login(other)
    response = _open(client, room["address"], START)
    body = response.content.decode()
    assert response.status_code == 403
    assert "belongs to someone else" in body
    mine = JoinAddress.objects.get(user=other, series=room["series"])
    assert join_address_url(mine) in body
    assert REAL_LINK not in body


def test_an_unknown_token_is_a_plain_404(client, db):
    response = client.get(reverse("groups:join-address", kwargs={"token": "no-such-token"}))
    assert response.status_code == 404


def test_a_locked_room_keeps_late_joiners_out_but_not_the_facilitators(client, room, facilitator):
    MembershipFactory(user=facilitator, group=room["group"], role="facilitator")
    room_lock(meeting=room["meeting"], by=facilitator, now=START + timedelta(minutes=10))
    response = _open(client, room["address"], START + timedelta(minutes=20))
    assert response.status_code == 200
    assert "closed the door" in response.content.decode()
    own = join_addresses_for(user=facilitator, series=[room["series"]])[room["series"].pk]
    assert _open(client, own, START + timedelta(minutes=20))["Location"] == REAL_LINK


def test_openings_are_rate_limited(client, room, settings):
    settings.RATE_LIMITS_ENABLED = True
    statuses = [_open(client, room["address"], START).status_code for _ in range(31)]
    assert statuses[:30] == [302] * 30
    assert statuses[30] == 429


def test_an_address_opened_from_many_places_is_shown_to_the_facilitators(client, room, facilitator):
    MembershipFactory(user=facilitator, group=room["group"], role="facilitator")
    for n in range(4):
        with time_machine.travel(START, tick=False):
            client.get(
                reverse("groups:join-address", kwargs={"token": room["address"].token}),
                REMOTE_ADDR=f"203.0.113.{n + 1}",
            )
    activate_totp(facilitator)
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        client.force_login(facilitator)
        page = client.get(
            reverse("groups:series-room", args=[room["group"].slug, room["series"].pk])
        )
    body = page.content.decode()
    assert page.status_code == 200
    assert "Opened from 4 places" in body
    assert REAL_LINK not in body
    assert not JoinOpening.objects.filter(place__contains="203.0.113").exists()


def test_the_check_in_list_starts_with_those_let_in_ticked_and_records_nothing(
    client, room, facilitator, member
):
    MembershipFactory(user=facilitator, group=room["group"], role="facilitator")
    _open(client, room["address"], START - timedelta(minutes=5))
    activate_totp(facilitator)
    with time_machine.travel(START + timedelta(minutes=30), tick=False):
        client.force_login(facilitator)
        page = client.get(
            reverse("groups:meeting-attendance", args=[room["group"].slug, room["meeting"].pk])
        )
    body = page.content.decode()
    assert re.search(rf'value="{member.pk}"\s+checked', body)
    assert "opened the join address" in body
    assert not room["meeting"].attendances.exists()


# --- facilitator controls ---------------------------------------------------------------------


def test_a_facilitator_changes_the_link_and_every_address_leads_to_the_new_one(
    fac_client, room, facilitator
):
    MembershipFactory(user=facilitator, group=room["group"], role="facilitator")
    url = reverse("groups:series-room", args=[room["group"].slug, room["series"].pk])
    page = fac_client.get(url)
    assert page.status_code == 200
    assert REAL_LINK not in page.content.decode()
    assert "video.example.net" in page.content.decode()  # which site, never the link
    new = "https://video.example.net/j/new-room"
    response = fac_client.post(
        reverse("groups:series-room-link", args=[room["group"].slug, room["series"].pk]),
        {"online_url": new},
    )
    assert response.status_code == 302
    fac_client.logout()
    assert _open(fac_client, room["address"], START)["Location"] == new
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ONLINE_LINK_CHANGED).exists()


def test_an_empty_link_field_keeps_the_link_and_remove_clears_it(fac_client, room, facilitator):
    MembershipFactory(user=facilitator, group=room["group"], role="facilitator")
    link_url = reverse("groups:series-room-link", args=[room["group"].slug, room["series"].pk])
    fac_client.post(link_url, {"online_url": ""})
    room["series"].refresh_from_db()
    assert room["series"].online_url == REAL_LINK
    fac_client.post(link_url, {"online_url": "", "remove_link": "on"})
    room["series"].refresh_from_db()
    assert room["series"].online_url == ""


def test_revoking_asks_to_confirm_first(fac_client, room, facilitator, member):
    MembershipFactory(user=facilitator, group=room["group"], role="facilitator")
    url = reverse(
        "groups:series-room-access",
        args=[room["group"].slug, room["series"].pk, member.pk, "revoke"],
    )
    assert fac_client.get(url).status_code == 200
    assert not JoinAddress.objects.get(pk=room["address"].pk).is_revoked
    assert fac_client.post(url).status_code == 302
    assert JoinAddress.objects.get(pk=room["address"].pk).is_revoked


def test_members_cannot_reach_the_room_controls(client, room, member):
    client.force_login(member)
    url = reverse("groups:series-room", args=[room["group"].slug, room["series"].pk])
    assert client.get(url).status_code == 403
    lock = reverse(
        "groups:meeting-room-lock", args=[room["group"].slug, room["meeting"].pk, "lock"]
    )
    assert client.post(lock).status_code == 403
    assert Meeting.objects.get(pk=room["meeting"].pk).room_locked_at is None


# --- where members get their address ------------------------------------------------------------


def test_an_old_discreet_address_leads_a_member_to_their_join_address(client, room, member):
    client.force_login(member)
    old = signing.dumps(["s", room["series"].pk], salt="groups.meetings.online-link", compress=True)
    response = client.get(reverse("groups:online-link", args=[old]))
    assert response.status_code == 302
    assert response["Location"] == join_address_url(room["address"])


def test_the_public_join_page_asks_visitors_to_join_and_leads_members_to_their_address(
    client, room, member
):
    url = reverse("groups:series-join", args=[room["group"].slug, room["series"].slug])
    visitor = client.get(url).content.decode()
    assert "Sign in and join the group" in visitor
    assert room["address"].token not in visitor and REAL_LINK not in visitor
    client.force_login(member)
    body = client.get(url).content.decode()
    assert join_address_url(room["address"]) in body
    assert REAL_LINK not in body


def test_the_join_door_rules_for_a_series_without_meetings(room):
    door = join_door(series=room["series"], meetings=[], now=START, revoked=False, is_member=True)
    assert door.outcome == Outcome.NO_MEETING


# --- "I can't make it" ---------------------------------------------------------------------------


@pytest.fixture
def full(room, member):
    """A meeting with one place: the member has it, another waits."""
    room["series"].rsvp_limit = 1
    room["series"].save()
    waiting = UserFactory(display_name="Sam")
    MembershipFactory(user=waiting, group=room["group"])
    at = START - timedelta(days=1)
    rsvp_answer(user=member, meeting=room["meeting"], going=True, now=at)
    rsvp_answer(user=waiting, meeting=room["meeting"], going=True, now=at)
    return {**room, "waiting": waiting}


def _answer(user, meeting) -> str:
    return Rsvp.objects.get(user=user, meeting=meeting).answer


def test_the_reminder_carries_the_join_address_and_the_one_tap_link_never_the_real_link(
    full, member
):
    message = reminder_email(
        meeting=full["meeting"],
        user=member,
        answer="going",
        now=START - timedelta(hours=1),
        lead=60,
    )
    text = message.body + "".join(str(part[0]) for part in message.alternatives)
    text += "".join(str(att[1]) for att in message.attachments)
    assert join_address_url(full["address"]) in message.body
    assert "Can't make it?" in message.body
    assert REAL_LINK not in text


def test_a_get_of_the_link_changes_nothing(client, full, member):
    url = cant_make_it_url(user=member, meeting=full["meeting"])
    with time_machine.travel(START - timedelta(hours=1), tick=False):
        response = client.get(url)
    assert response.status_code == 200
    assert "Yes, I can't make it" in response.content.decode()
    assert _answer(member, full["meeting"]) == "going"


def test_one_tap_frees_the_place_for_the_first_waiting_who_is_told(
    client, full, member, django_capture_on_commit_callbacks
):
    at = START - timedelta(hours=3)
    with time_machine.travel(at, tick=False):
        member.reminder_lead_minutes = [60, 1440]
        member.save()
        reminders_plan_due(now=START - timedelta(minutes=59))  # planned, not yet sent
        token = cant_make_it_token(user=member, meeting=full["meeting"])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("groups:cant-make-it", args=[token]))
    assert response.status_code == 200
    assert _answer(member, full["meeting"]) == "not_going"
    assert _answer(full["waiting"], full["meeting"]) == "going"
    assert any(full["waiting"].email in m.to and "place" in m.subject.lower() for m in mail.outbox)
    reminders = OutboxMessage.objects.filter(kind=REMINDER, user=member)
    assert reminders.exists()
    assert not reminders.filter(state="scheduled").exists()


def test_undo_gives_the_place_back_while_nobody_took_it(client, room, member):
    rsvp_answer(user=member, meeting=room["meeting"], going=True, now=START - timedelta(days=1))
    with time_machine.travel(START - timedelta(hours=2), tick=False):
        token = cant_make_it_token(user=member, meeting=room["meeting"])
        done = client.post(reverse("groups:cant-make-it", args=[token])).content.decode()
        undo = re.search(r'action="([^"]+/undo/)"', done).group(1)
        assert client.get(undo).status_code == 200
        assert _answer(member, room["meeting"]) == "not_going"  # the GET changed nothing
        assert client.post(undo).status_code == 200
    assert _answer(member, room["meeting"]) == "going"


def test_undo_is_refused_once_the_place_went_to_someone_waiting(client, full, member):
    with time_machine.travel(START - timedelta(hours=2), tick=False):
        token = undo_token(
            user=member, meeting=full["meeting"], previous="going", waitlisted_at=None
        )
        client.post(
            reverse(
                "groups:cant-make-it",
                args=[cant_make_it_token(user=member, meeting=full["meeting"])],
            )
        )
        response = client.post(reverse("groups:cant-make-it-undo", args=[token]))
    assert response.status_code == 409
    assert "gone to someone" in response.content.decode()
    assert _answer(member, full["meeting"]) == "not_going"


def test_a_forged_link_changes_nothing(client, full, member):
    forged = signing.dumps([member.pk, full["meeting"].pk], salt="another-purpose")
    with time_machine.travel(START - timedelta(hours=1), tick=False):
        assert client.post(reverse("groups:cant-make-it", args=[forged])).status_code == 404
        token = cant_make_it_token(user=member, meeting=full["meeting"])
        assert client.post(reverse("groups:cant-make-it", args=[token + "x"])).status_code == 404
    assert _answer(member, full["meeting"]) == "going"


def test_the_link_expires_with_the_meeting(client, full, member):
    token = cant_make_it_token(user=member, meeting=full["meeting"])
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        response = client.post(reverse("groups:cant-make-it", args=[token]))
    assert response.status_code == 410
    assert _answer(member, full["meeting"]) == "going"


def test_openings_forget_the_network_then_themselves_as_the_audit_trail_does(
    client, room, settings
):
    settings.AUDIT_IP_RETENTION_DAYS, settings.AUDIT_RETENTION_DAYS = 30, 365
    _open(client, room["address"], START)
    opening = JoinOpening.objects.get()
    assert opening.place  # counted for "opened from many places"
    assert join_openings_prune(now=START + timedelta(days=29)) == (0, 0)
    assert join_openings_prune(now=START + timedelta(days=31)) == (1, 0)
    opening.refresh_from_db()
    assert opening.place == ""
    assert join_openings_prune(now=START + timedelta(days=366)) == (0, 1)
    assert not JoinOpening.objects.exists()


def test_the_export_lists_join_addresses_and_openings_but_no_token_or_link(client, room, member):
    _open(client, room["address"], START - timedelta(hours=1))
    payload = json.dumps(export_payload(user=member), default=str)
    [entry] = json.loads(payload)["online_rooms"]
    assert entry["meeting"] == room["series"].title
    assert [o["shown"] for o in entry["openings"]] == ["Shown the waiting page"]
    assert room["address"].token not in payload and REAL_LINK not in payload


def test_changing_a_link_in_the_series_or_a_move_is_audited_with_ids_only(room, facilitator):
    meeting_move(
        meeting=room["later"],
        day=date(2026, 12, 14),
        at=time(19, 0),
        online_url="https://video.example.net/j/just-this-once",
        now=START - timedelta(days=1),
        by=facilitator,
    )
    [event] = AuditEvent.objects.filter(action=AuditEvent.Action.ONLINE_LINK_CHANGED)
    assert event.actor == facilitator
    assert event.details == {"group": room["group"].pk, "meeting": room["later"].pk}
    assert "video.example.net" not in str(event.details)


def test_not_going_calls_off_the_members_reminders_and_going_again_brings_them_back(room, member):
    member.reminder_lead_minutes = [60]
    member.save()
    rsvp_answer(user=member, meeting=room["meeting"], going=True, now=START - timedelta(days=1))
    reminders_plan_due(now=START - timedelta(minutes=59))
    [reminder] = OutboxMessage.objects.filter(kind=REMINDER, user=member)
    assert reminder.state == "scheduled"
    rsvp_answer(user=member, meeting=room["meeting"], going=False, now=START - timedelta(hours=2))
    reminder.refresh_from_db()
    assert reminder.state == "cancelled"
    rsvp_answer(user=member, meeting=room["meeting"], going=True, now=START - timedelta(hours=2))
    reminder.refresh_from_db()
    assert reminder.state == "scheduled"


def test_the_door_the_room_and_the_one_tap_pages_are_valid_html(
    client, room, member, facilitator, tmp_path
):
    from tests.test_html_valid import assert_valid_html

    MembershipFactory(user=facilitator, group=room["group"], role="facilitator")
    pages = {
        f"door-{name}": _open(client, room["address"], at).content.decode()
        for name, at in (
            ("waiting", START - timedelta(hours=1)),
            ("ended", START + timedelta(hours=2)),
        )
    }
    with time_machine.travel(START - timedelta(hours=1), tick=False):
        token = cant_make_it_token(user=member, meeting=room["meeting"])
        pages["cant-make-it"] = client.get(
            reverse("groups:cant-make-it", args=[token])
        ).content.decode()
        pages["cant-make-it-done"] = client.post(
            reverse("groups:cant-make-it", args=[token])
        ).content.decode()
        activate_totp(facilitator)
        client.force_login(facilitator)
        pages["room"] = client.get(
            reverse("groups:series-room", args=[room["group"].slug, room["series"].pk])
        ).content.decode()
        pages["revoke"] = client.get(
            reverse(
                "groups:series-room-access",
                args=[room["group"].slug, room["series"].pk, member.pk, "revoke"],
            )
        ).content.decode()
    assert_valid_html(pages, tmp_path)


def _crowd(room, count: int) -> None:
    """`count` more members, each of whom opened their address for the meeting."""
    for n in range(count):
        person = UserFactory.create()
        MembershipFactory(user=person, group=room["group"])
        address = join_addresses_for(user=person, series=[room["series"]])[room["series"].pk]
        JoinOpening.objects.create(
            address=address,
            meeting=room["meeting"],
            outcome=Outcome.LET_IN,
            place=f"net-{n}",
            opened_at=START - timedelta(minutes=5),
        )


def test_the_room_page_makes_as_many_queries_with_40_members_as_with_2(client, room, facilitator):
    MembershipFactory(user=facilitator, group=room["group"], role="facilitator")
    activate_totp(facilitator)
    url = reverse("groups:series-room", args=[room["group"].slug, room["series"].pk])
    with time_machine.travel(START + timedelta(minutes=10), tick=False):
        client.force_login(facilitator)
        _crowd(room, 2)
        count_queries(client, url)
        few = count_queries(client, url)
        _crowd(room, 38)
        assert count_queries(client, url) == few


def test_the_door_makes_as_many_queries_with_many_meetings_and_openings_as_with_few(client, room):
    url = reverse("groups:join-address", args=[room["address"].token])
    with time_machine.travel(START - timedelta(hours=1), tick=False):
        few = count_queries(client, url)
        for week in range(2, 20):
            MeetingFactory(
                series=room["series"],
                occurrence_start=START + timedelta(weeks=week),
                starts_at=START + timedelta(weeks=week),
            )
        _crowd(room, 30)
        assert count_queries(client, url) == few


def test_a_bad_link_is_refused_with_a_message_and_the_link_is_kept(fac_client, room, facilitator):
    MembershipFactory(user=facilitator, group=room["group"], role="facilitator")
    response = fac_client.post(
        reverse("groups:series-room-link", args=[room["group"].slug, room["series"].pk]),
        {"online_url": "https://zoom.us/j/123 456 789"},
    )
    assert response.status_code == 400
    assert "A link has no spaces" in response.content.decode()
    room["series"].refresh_from_db()
    assert room["series"].online_url == REAL_LINK
    assert REAL_LINK not in response.content.decode()
    bad = reverse(
        "groups:series-room-access",
        args=[room["group"].slug, room["series"].pk, room["address"].user_id, "delete"],
    )
    assert fac_client.post(bad).status_code == 404
    assert not JoinAddress.objects.get(pk=room["address"].pk).is_revoked

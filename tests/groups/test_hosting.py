"""Who is hosting? A facilitator or backup says they will host a meeting, or that they can't
(which asks the others); nobody 24 hours before the start tells the facilitators and
backups, still nobody 4 hours before tells the members going; the admins see those meetings;
a backup runs the meeting they host. Every test runs on a controlled clock, with the real
zones of America/New_York and Europe/London."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.models import AuditEvent
from groups.hosting import (
    HOSTS_ALERT,
    HOSTS_ALERT_BEFORE,
    MEMBERS_ALERT,
    MEMBERS_ALERT_BEFORE,
    HostingError,
    hosting_answer,
    meetings_without_host,
)
from groups.models import Attendance, HostingAnswer, Meeting
from groups.services.meetings import meeting_cancel
from notifications.models import OutboxMessage
from notifications.outbox import outbox_dispatch, outbox_send
from tests.factories import (
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    RsvpFactory,
    SupportGroupFactory,
    UserFactory,
    activate_totp,
)
from tests.queries import count_queries

pytestmark = pytest.mark.django_db
State = OutboxMessage.State
START = datetime(2026, 12, 2, 0, 0, tzinfo=UTC)  # 19:00 in New York on Tuesday 1 December
WHEN = "Tuesday 1 December 2026, 19:00 EST"
GROUP = "Harbour Circle"


@pytest.fixture
def group():
    return SupportGroupFactory(name=GROUP, time_zone="America/New_York")


@pytest.fixture
def meeting(group):
    series = MeetingSeriesFactory(group=group, title="Evening sharing")
    return MeetingFactory(series=series, occurrence_start=START)


def person(group, name: str, *, role: str = "member", state: str = "active", **fields):
    """A person of `group` who chose no meeting reminders, so that what they receive here
    is the hosting alerts alone (the reminders have their own tests)."""
    user = UserFactory(
        email=f"{name.lower()}@example.org",
        display_name=name,
        time_zone="America/New_York",
        reminder_lead_minutes=[],
        **fields,
    )
    MembershipFactory(user=user, group=group, role=role, state=state)
    return user


@pytest.fixture
def robin(group):
    return person(group, "Robin", role="facilitator", is_facilitator=True)


@pytest.fixture
def kai(group):
    return person(group, "Kai", role="facilitator", is_facilitator=True, language="es")


@pytest.fixture
def sam(group):
    return person(group, "Sam", role="backup", discreet_mode=False)


def run(at: datetime) -> list[int]:
    """One dispatcher run at `at`, and the worker sending what it queued."""
    claimed = outbox_dispatch(now=at).claimed
    outbox_send(claimed, now=lambda: at)
    return claimed


def to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


def answers(meeting) -> dict[str, str]:
    return {
        a.user.display_name: a.answer
        for a in HostingAnswer.objects.filter(meeting=meeting).select_related("user")
    }


def say(meeting, user, *, will_host: bool, at: datetime):
    with time_machine.travel(at, tick=False):  # the messages it records are due then
        return hosting_answer(meeting=meeting, user=user, will_host=will_host, now=at)


# --- answering ------------------------------------------------------------------------------


def test_a_facilitator_who_will_host_covers_the_meeting_and_it_is_audited(meeting, robin):
    outcome = say(meeting, robin, will_host=True, at=START - timedelta(days=2))
    assert outcome.covered
    assert answers(meeting) == {"Robin": "will_host"}
    event = AuditEvent.objects.get(action=AuditEvent.Action.HOSTING_CONFIRMED)
    assert (event.subject, event.actor) == (robin, robin)
    assert event.details == {"group": meeting.group_id, "meeting": meeting.pk}


def test_a_backup_may_host_and_a_member_or_a_former_backup_may_not(group, meeting, sam):
    say(meeting, sam, will_host=True, at=START - timedelta(days=2))
    assert answers(meeting) == {"Sam": "will_host"}
    member = person(group, "Morgan")
    former = person(group, "Ash", role="backup", state="left")
    outsider = UserFactory()
    for user in [member, former, outsider]:
        with pytest.raises(HostingError) as refused:
            say(meeting, user, will_host=True, at=START - timedelta(days=2))
        assert refused.value.code == "not_a_host"
    assert answers(meeting) == {"Sam": "will_host"}


def test_an_answer_changes_until_the_start_and_then_is_refused(meeting, robin):
    say(meeting, robin, will_host=True, at=START - timedelta(days=2))
    say(meeting, robin, will_host=False, at=START - timedelta(days=1))
    say(meeting, robin, will_host=True, at=START - timedelta(minutes=1))
    assert answers(meeting) == {"Robin": "will_host"}
    assert HostingAnswer.objects.count() == 1
    with pytest.raises(HostingError) as refused:
        say(meeting, robin, will_host=False, at=START)
    assert refused.value.code == "started"
    assert "has started" in refused.value.message
    assert answers(meeting) == {"Robin": "will_host"}
    actions = list(
        AuditEvent.objects.filter(action__startswith="hosting_")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["hosting_confirmed", "hosting_declined", "hosting_confirmed"]


def test_nobody_answers_for_a_cancelled_meeting(meeting, robin):
    with time_machine.travel(START - timedelta(days=2), tick=False):
        meeting_cancel(meeting=meeting, reason="Snow")
        with pytest.raises(HostingError) as refused:
            say(meeting, robin, will_host=True, at=START - timedelta(days=2))
    assert refused.value.code == "cancelled"
    assert "cancelled" in refused.value.message
    assert answers(meeting) == {}


# --- "I can't host this one" ------------------------------------------------------------------


def test_cant_host_asks_the_backups_and_the_other_facilitators_each_in_their_language(
    group, meeting, robin, kai, sam
):
    morgan = person(group, "Morgan")
    RsvpFactory(meeting=meeting, user=morgan, answer="going")
    at = START - timedelta(days=3)
    outcome = say(meeting, robin, will_host=False, at=at)
    assert (outcome.asked, outcome.covered) == (2, False)
    run(at)
    assert sorted(m.to[0] for m in mail.outbox) == [kai.email, sam.email]
    [to_sam] = to(sam)
    assert to_sam.subject == f"Kinship: {GROUP}: can you host a meeting?"
    assert f"Robin can't host Evening sharing, the meeting of {GROUP} on {WHEN}" in to_sam.body
    hosting_url = reverse("groups:meeting-hosting", args=[group.slug, meeting.pk])
    assert hosting_url in to_sam.body
    [to_kai] = to(kai)
    assert to_kai.body.startswith("Hola, Kai:")  # Kai reads Kinship in Spanish
    assert GROUP not in to_kai.subject  # discreet mode, the default
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.HOSTING_DECLINED, subject=robin
    ).exists()


def test_cant_host_asks_nobody_once_someone_hosts_nor_twice(meeting, robin, kai, sam):
    at = START - timedelta(days=3)
    say(meeting, robin, will_host=False, at=at)
    say(meeting, robin, will_host=False, at=at)  # the same answer again
    run(at)
    assert len(mail.outbox) == 2
    mail.outbox.clear()
    say(meeting, sam, will_host=True, at=at)
    outcome = say(meeting, kai, will_host=False, at=at)
    assert (outcome.asked, outcome.covered) == (0, True)
    run(at)
    assert mail.outbox == []


def test_cant_host_does_not_ask_those_who_cannot_either(meeting, robin, kai, sam):
    at = START - timedelta(days=3)
    say(meeting, kai, will_host=False, at=at)
    run(at)
    mail.outbox.clear()
    say(meeting, robin, will_host=False, at=at)
    run(at)
    assert [m.to[0] for m in mail.outbox] == [sam.email]


# --- the 24-hour alert ------------------------------------------------------------------------


def test_nobody_hosting_24_hours_before_tells_the_facilitators_and_backups_once(
    group, meeting, robin, kai, sam
):
    morgan = person(group, "Morgan")
    RsvpFactory(meeting=meeting, user=morgan, answer="going")
    run(START - HOSTS_ALERT_BEFORE - timedelta(minutes=2))
    assert mail.outbox == []
    run(START - HOSTS_ALERT_BEFORE)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([robin.email, kai.email, sam.email])
    [to_sam] = to(sam)
    assert to_sam.subject == f"Kinship: {GROUP}: nobody has said they will host a meeting"
    assert f"host Evening sharing, the meeting of {GROUP} on {WHEN}" in to_sam.body
    assert "It starts in about 24 hours." in to_sam.body
    assert "cancelling it" not in to_sam.body  # a backup does not cancel meetings
    [to_robin] = to(robin)
    assert to_robin.subject == "Kinship: A meeting has no host yet"  # discreet mode
    assert "cancelling it tells them at once" in to_robin.body
    run(START - HOSTS_ALERT_BEFORE + timedelta(minutes=1))
    run(START - timedelta(hours=10))
    assert len(mail.outbox) == 3
    rows = OutboxMessage.objects.filter(kind=HOSTS_ALERT)
    assert rows.count() == 3
    assert set(rows.values_list("target_id", "variant", "category")) == {
        (meeting.pk, 24, "account")
    }


def test_no_alert_when_a_host_confirmed_before(group, meeting, robin, sam):
    RsvpFactory(meeting=meeting, user=person(group, "Morgan"), answer="going")
    say(meeting, sam, will_host=True, at=START - timedelta(days=2))
    run(START - HOSTS_ALERT_BEFORE)
    run(START - MEMBERS_ALERT_BEFORE)
    assert mail.outbox == []
    assert not OutboxMessage.objects.filter(kind__in=[HOSTS_ALERT, MEMBERS_ALERT]).exists()


def test_an_alert_is_not_sent_when_a_host_confirms_between_planning_and_sending(
    meeting, robin, sam
):
    at = START - HOSTS_ALERT_BEFORE
    claimed = outbox_dispatch(now=at).claimed
    assert len(claimed) == 2
    say(meeting, sam, will_host=True, at=at)
    outbox_send(claimed, now=lambda: at)
    assert mail.outbox == []
    assert set(OutboxMessage.objects.filter(kind=HOSTS_ALERT).values_list("state", flat=True)) == {
        State.CANCELLED
    }


def test_an_alert_is_not_sent_for_a_meeting_cancelled_since_it_was_planned(meeting, robin):
    at = START - HOSTS_ALERT_BEFORE
    claimed = outbox_dispatch(now=at).claimed
    with time_machine.travel(at, tick=False):
        meeting_cancel(meeting=meeting, reason="Snow")
    outbox_send(claimed, now=lambda: at)
    assert to(robin) == []


def test_a_meeting_moved_later_alerts_at_its_new_time(meeting, robin):
    at = START - HOSTS_ALERT_BEFORE
    claimed = outbox_dispatch(now=at).claimed
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=START + timedelta(days=2), ends_at=START + timedelta(days=2, hours=1)
    )
    outbox_send(claimed, now=lambda: at)
    assert mail.outbox == []
    run(START + timedelta(days=1))
    assert [m.to[0] for m in mail.outbox] == [robin.email]


# --- the 4-hour alert -------------------------------------------------------------------------


def test_nobody_hosting_4_hours_before_tells_only_the_members_going(group, meeting, robin):
    going = person(group, "Morgan", discreet_mode=False)
    RsvpFactory(meeting=meeting, user=going, answer="going")
    for name, answer in [("Noor", "not_going"), ("Wren", "waitlisted")]:
        RsvpFactory(meeting=meeting, user=person(group, name), answer=answer)
    RsvpFactory(meeting=meeting, user=person(group, "Lee", state="left"), answer="going")
    RsvpFactory(meeting=meeting, user=person(group, "Pat", state="pending"), answer="going")
    RsvpFactory(meeting=meeting, user=robin, answer="going")  # told 20 hours before
    RsvpFactory(meeting=meeting, user=UserFactory(), answer="going")  # never a member
    run(START - HOSTS_ALERT_BEFORE)
    assert [m.to[0] for m in mail.outbox] == [robin.email]
    mail.outbox.clear()
    run(START - MEMBERS_ALERT_BEFORE - timedelta(minutes=2))
    assert mail.outbox == []
    run(START - MEMBERS_ALERT_BEFORE)
    run(START - MEMBERS_ALERT_BEFORE + timedelta(minutes=1))
    assert [m.to[0] for m in mail.outbox] == [going.email]
    [message] = mail.outbox
    assert message.subject == f"Kinship: {GROUP}: a meeting may not take place"
    assert f"The meeting of {GROUP} on {WHEN} may not take place" in message.body
    assert "it starts in about 4 hours" in message.body
    assert "If it is cancelled, we will tell you at once." in message.body
    assert "988" in message.body  # the crisis lines
    row = OutboxMessage.objects.get(kind=MEMBERS_ALERT)
    assert (row.target_id, row.variant, row.category) == (meeting.pk, 4, "reminders")


def test_the_4_hour_alert_names_no_group_in_discreet_mode(group, meeting):
    morgan = person(group, "Morgan")  # discreet mode is the default
    RsvpFactory(meeting=meeting, user=morgan, answer="going")
    run(START - MEMBERS_ALERT_BEFORE)
    [message] = to(morgan)
    assert message.subject == "Kinship: A meeting may not take place"
    assert GROUP not in message.subject
    assert GROUP not in message.body[:200]  # what a lock screen shows


def test_a_member_who_leaves_or_stops_going_is_not_told(group, meeting):
    morgan, ash = person(group, "Morgan"), person(group, "Ash")
    for user in [morgan, ash]:
        RsvpFactory(meeting=meeting, user=user, answer="going")
    at = START - MEMBERS_ALERT_BEFORE
    claimed = outbox_dispatch(now=at).claimed
    assert len(claimed) == 2
    morgan.memberships.update(state="left")
    ash.rsvps.update(answer="not_going")
    outbox_send(claimed, now=lambda: at)
    assert mail.outbox == []


def test_a_meeting_added_10_hours_ahead_is_still_alerted(group, robin):
    added_at = START - timedelta(hours=10)
    with time_machine.travel(added_at, tick=False):
        meeting = MeetingFactory(
            series=MeetingSeriesFactory(group=group, title="Extra"), occurrence_start=START
        )
        morgan = person(group, "Morgan")
        RsvpFactory(meeting=meeting, user=morgan, answer="going")
    run(added_at)
    assert [m.to[0] for m in mail.outbox] == [robin.email]
    run(START - MEMBERS_ALERT_BEFORE - timedelta(minutes=2))
    assert len(mail.outbox) == 1
    run(START - MEMBERS_ALERT_BEFORE)
    assert [m.to[0] for m in mail.outbox] == [robin.email, morgan.email]


# --- the pages --------------------------------------------------------------------------------


@pytest.fixture
def robin_client(client, robin):
    activate_totp(robin)
    client.force_login(robin)
    return client


def test_the_dashboard_shows_who_hosts_and_its_buttons_answer(robin_client, group, meeting):
    at = START - timedelta(days=2)
    with time_machine.travel(at, tick=False):
        html = robin_client.get(reverse("groups:dashboard")).content.decode()
        assert "Nobody has said they will host yet." in html
        assert "I will host this one" in html
        url = reverse("groups:meeting-hosting", args=[group.slug, meeting.pk])
        response = robin_client.post(
            url, {"answer": "will_host", "next": reverse("groups:dashboard")}, follow=True
        )
    assert response.redirect_chain == [(reverse("groups:dashboard"), 302)]
    html = response.content.decode()
    assert "you&#x27;re hosting this meeting" in html
    assert "Hosting: Robin" in html
    assert "Nobody has said they will host yet." not in html
    assert answers(meeting) == {"Robin": "will_host"}


def test_the_hosting_page_refuses_after_the_start_with_its_reason(robin_client, group, meeting):
    url = reverse("groups:meeting-hosting", args=[group.slug, meeting.pk])
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        page = robin_client.get(url)
        assert page.status_code == 200
        assert "I will host this one" not in page.content.decode()
        response = robin_client.post(url, {"answer": "will_host"})
    assert response.status_code == 400
    assert "This meeting has started, so answers about hosting it are closed." in (
        response.content.decode()
    )
    assert answers(meeting) == {}


def test_the_schedule_and_the_meeting_page_show_the_hosts(robin_client, group, meeting, sam):
    at = START - timedelta(days=2)
    say(meeting, sam, will_host=True, at=at)
    with time_machine.travel(at, tick=False):
        schedule = robin_client.get(reverse("groups:schedule", args=[group.slug]))
        page = robin_client.get(reverse("groups:meeting-detail", args=[group.slug, meeting.pk]))
    assert "Hosting: Sam" in schedule.content.decode()
    assert "Hosting: Sam" in page.content.decode()
    assert "I will host this one" in page.content.decode()


def test_a_member_sees_no_hosting_and_may_not_answer(client, group, meeting):
    morgan = person(group, "Morgan")
    client.force_login(morgan)
    with time_machine.travel(START - timedelta(days=2), tick=False):
        page = client.get(reverse("groups:meeting-detail", args=[group.slug, meeting.pk]))
        url = reverse("groups:meeting-hosting", args=[group.slug, meeting.pk])
        refused = client.post(url, {"answer": "will_host"})
    assert "Who is hosting?" not in page.content.decode()
    assert refused.status_code == 403
    assert answers(meeting) == {}


# --- a backup runs the meeting they host --------------------------------------------------------


def test_a_backup_can_take_attendance_but_not_change_the_schedule(client, group, meeting, sam):
    with time_machine.travel(START - timedelta(days=7), tick=False):
        morgan = person(group, "Morgan")  # a member before the meeting, on its list
    activate_totp(sam)
    say(meeting, sam, will_host=True, at=START - timedelta(days=1))
    url = reverse("groups:meeting-attendance", args=[group.slug, meeting.pk])
    with time_machine.travel(START + timedelta(minutes=30), tick=False):
        client.force_login(sam)
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "Morgan" in html
        assert reverse("groups:member-list", args=[group.slug]) not in html  # the tools' menu
        saved = client.post(url, {"present": [morgan.pk]})
        assert saved.status_code == 302
        for name in ["schedule", "group-attendance"]:
            assert client.get(reverse(f"groups:{name}", args=[group.slug])).status_code == 403
        for name in ["meeting-cancel", "meeting-move"]:
            url = reverse(f"groups:{name}", args=[group.slug, meeting.pk])
            assert client.get(url).status_code == 403
    recorded = Attendance.objects.filter(meeting=meeting)
    assert [(a.user, a.recorded_by) for a in recorded] == [(morgan, sam)]


def test_a_backup_locks_the_room_of_a_meeting_without_seeing_the_link(client, group, meeting, sam):
    activate_totp(sam)
    room = reverse("groups:series-room", args=[group.slug, meeting.series_id])
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        client.force_login(sam)
        page = client.get(room).content.decode()
        assert "Lock the room for the rest of this meeting" in page
        assert reverse("groups:series-room-link", args=[group.slug, meeting.series_id]) not in page
        assert "Members&#x27; access" not in page
        lock = reverse("groups:meeting-room-lock", args=[group.slug, meeting.pk, "lock"])
        assert client.post(lock).status_code == 302
        link = reverse("groups:series-room-link", args=[group.slug, meeting.series_id])
        assert client.post(link, {"online_url": "https://meet.example.org/x"}).status_code == 403
    meeting.refresh_from_db()
    assert meeting.room_locked_by == sam


# --- the admins' page -------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, admin_user):
    activate_totp(admin_user)
    client.force_login(admin_user)
    return client


def unhosted(group, *, hours, title="Evening sharing", **fields):
    series = MeetingSeriesFactory(group=group, title=title)
    return MeetingFactory(series=series, occurrence_start=NOW + timedelta(hours=hours), **fields)


NOW = START - timedelta(hours=30)


def test_the_admins_see_the_meetings_nobody_hosts_in_the_next_24_hours(admin_client, group, robin):
    soon = unhosted(group, hours=2, title="Soon, members told")
    later = unhosted(group, hours=10, title="Later today")
    covered = unhosted(group, hours=5, title="Someone hosts")
    unhosted(group, hours=30, title="Tomorrow after")
    cancelled = unhosted(group, hours=3, title="Called off")
    archived = SupportGroupFactory(name="Old room", state="archived")
    unhosted(archived, hours=6, title="Archived group's")
    with time_machine.travel(NOW, tick=False):
        say(covered, robin, will_host=True, at=NOW)
        meeting_cancel(meeting=cancelled, reason="Snow")
        index = admin_client.get(reverse("staff:index")).content.decode()
        response = admin_client.get(reverse("staff:unhosted-meetings"))
    assert [row.meeting for row in meetings_without_host(now=NOW)] == [soon, later]
    html = response.content.decode()
    assert "Soon, members told" in html and "Later today" in html
    for title in ["Someone hosts", "Tomorrow after", "Called off", "Archived group&#x27;s"]:
        assert title not in html
    assert html.count("table__row--warning") == 1
    assert "Under 4 hours: members told" in html
    assert reverse("groups:group-detail", args=[group.slug]) in html
    assert "EST" in html  # each time with its zone
    assert reverse("staff:unhosted-meetings") in index


def test_the_admins_page_makes_the_same_queries_for_2_or_20_meetings(admin_client):
    url = reverse("staff:unhosted-meetings")

    def queries() -> int:
        with time_machine.travel(NOW, tick=False):
            return count_queries(admin_client, url)

    for hours in [1, 2]:
        unhosted(SupportGroupFactory(), hours=hours)
    queries()  # warm up: the session, the content types
    few = queries()
    for hours in range(3, 21):
        unhosted(SupportGroupFactory(), hours=hours)
    assert len(meetings_without_host(now=NOW)) == 20
    assert queries() == few

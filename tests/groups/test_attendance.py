"""Attendance: the check-in list a facilitator ticks, who may open it and what a save may
change, the facilitator's overview of counts, and a member's own history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import FORMER_MEMBER, AuditEvent, User
from accounts.services.users import user_delete
from groups.attendance.services import AttendanceError, attendance_record
from groups.models import Attendance, Membership
from tests.factories import (
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    RsvpFactory,
    SupportGroupFactory,
    UserFactory,
    activate_totp,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(facilitator):
    group = SupportGroupFactory(name="Thursday Circle", time_zone="America/New_York")
    MembershipFactory(user=facilitator, group=group, role="facilitator")
    return group


@pytest.fixture
def series(group):
    return MeetingSeriesFactory(group=group, title="Thursday evening")


def meeting_at(series, start: datetime, **kwargs):
    return MeetingFactory(series=series, occurrence_start=start, **kwargs)


@pytest.fixture
def meeting(series):
    """A meeting that started half an hour ago."""
    return meeting_at(series, timezone.now().replace(microsecond=0) - timedelta(minutes=30))


def member_of(group, name: str, **kwargs):
    return MembershipFactory(group=group, user=UserFactory(display_name=name), **kwargs).user


def check_in_url(meeting) -> str:
    return reverse("groups:meeting-attendance", args=[meeting.group.slug, meeting.pk])


def recorded(meeting) -> set[int]:
    return set(Attendance.objects.filter(meeting=meeting).values_list("user_id", flat=True))


# --- the list ---------------------------------------------------------------------------------


def test_check_in_lists_going_then_waitlisted_then_other_members(fac_client, group, meeting):
    zoe = member_of(group, "Zoe")
    RsvpFactory(meeting=meeting, user=zoe, answer="going")
    late = member_of(group, "Late waiter")
    early = member_of(group, "Early waiter")
    now = timezone.now()
    RsvpFactory(meeting=meeting, user=early, answer="waitlisted", waitlisted_at=now)
    RsvpFactory(
        meeting=meeting, user=late, answer="waitlisted", waitlisted_at=now + timedelta(minutes=1)
    )
    member_of(group, "Abe")
    no = member_of(group, "Nell")
    RsvpFactory(meeting=meeting, user=no, answer="not_going")
    member_of(group, "Pending Pat", state="pending")
    member_of(group, "Declined Dee", state="declined")
    UserFactory(display_name="Stranger")

    response = fac_client.get(check_in_url(meeting))

    assert response.status_code == 200
    html = response.content.decode()
    order = ["Zoe", "Early waiter", "Late waiter", "Abe", "Nell", "Robin"]
    positions = [html.index(f'<span class="check-in__name">{name}</span>') for name in order]
    assert positions == sorted(positions)
    for absent in ("Pending Pat", "Declined Dee", "Stranger"):
        assert absent not in html
    assert "Said they&#x27;re coming (1)" in html
    assert "On the waiting list (2)" in html
    assert html.count('type="checkbox"') == len(order)
    # Times carry their zone.
    assert "EST" in html or "EDT" in html


def test_check_in_ticks_who_is_already_recorded(fac_client, group, meeting, facilitator):
    sam = member_of(group, "Sam")
    tia = member_of(group, "Tia")
    Attendance.objects.create(meeting=meeting, user=sam, recorded_by=facilitator)

    html = fac_client.get(check_in_url(meeting)).content.decode()

    assert "checked" not in html.split(f'id="present-{tia.pk}"')[1].split(">")[0]
    assert "checked" in html.split(f'id="present-{sam.pk}"')[1].split(">")[0]


def test_opening_the_check_in_list_is_audited_like_the_member_list(
    fac_client, group, meeting, facilitator
):
    fac_client.get(check_in_url(meeting))

    event = AuditEvent.objects.get(action=AuditEvent.Action.MEMBER_LIST_VIEWED)
    assert event.actor == facilitator
    assert event.details == {"group": group.pk, "meeting": meeting.pk}


# --- saving -----------------------------------------------------------------------------------


def test_saving_records_exactly_the_ticked_people(fac_client, group, meeting, facilitator):
    ann, ben, cal = (member_of(group, name) for name in ("Ann", "Ben", "Cal"))
    Attendance.objects.create(meeting=meeting, user=ann)
    Attendance.objects.create(meeting=meeting, user=ben)

    response = fac_client.post(check_in_url(meeting), {"present": [ben.pk, cal.pk]}, follow=True)

    assert response.redirect_chain[-1][0] == check_in_url(meeting)
    assert "Attendance saved: 2 people." in response.content.decode()
    assert recorded(meeting) == {ben.pk, cal.pk}
    added = Attendance.objects.get(meeting=meeting, user=cal)
    assert added.recorded_by == facilitator
    assert abs(added.recorded_at - timezone.now()) < timedelta(minutes=1)
    saved = AuditEvent.objects.get(action=AuditEvent.Action.ATTENDANCE_RECORDED)
    assert saved.actor == facilitator
    assert saved.details == {"group": group.pk, "meeting": meeting.pk, "present": 2}


def test_saving_seven_people_says_so(fac_client, group, meeting):
    people = [member_of(group, f"Person {n}") for n in range(7)]

    response = fac_client.post(check_in_url(meeting), {"present": [p.pk for p in people]})

    assert response.status_code == 302
    follow = fac_client.get(response.url).content.decode()
    assert "Attendance saved: 7 people." in follow


def test_saving_nobody_clears_the_record(fac_client, group, meeting):
    ann = member_of(group, "Ann")
    Attendance.objects.create(meeting=meeting, user=ann)

    response = fac_client.post(check_in_url(meeting), {}, follow=True)

    assert "Attendance saved: 0 people." in response.content.decode()
    assert recorded(meeting) == set()


def test_forged_member_id_is_refused_and_nothing_saved(fac_client, group, meeting):
    ann = member_of(group, "Ann")
    ben = member_of(group, "Ben")
    Attendance.objects.create(meeting=meeting, user=ben)
    stranger = UserFactory(display_name="Stranger")

    response = fac_client.post(check_in_url(meeting), {"present": [ann.pk, stranger.pk]})

    assert response.status_code == 400
    assert "nothing was saved" in response.content.decode()
    assert recorded(meeting) == {ben.pk}


@pytest.mark.parametrize("value", ["abc", "1.5", ""])
def test_a_damaged_form_is_refused(fac_client, group, meeting, value):
    response = fac_client.post(check_in_url(meeting), {"present": [value]})

    assert response.status_code == 400
    assert recorded(meeting) == set()


def test_pending_and_declined_people_cannot_be_recorded(group, meeting, facilitator):
    pending = member_of(group, "Pending", state="pending")
    declined = member_of(group, "Declined", state="declined")

    for person in (pending, declined):
        with pytest.raises(AttendanceError):
            attendance_record(meeting=meeting, present_user_ids=[person.pk], by=facilitator)
    assert recorded(meeting) == set()


def test_someone_who_left_after_the_meeting_can_still_be_recorded(
    fac_client, group, meeting, facilitator
):
    gone = MembershipFactory(group=group, user=UserFactory(display_name="Gone"), state="left")
    long_gone = MembershipFactory(
        group=group, user=UserFactory(display_name="Long gone"), state="left"
    )
    type(long_gone).objects.filter(pk=long_gone.pk).update(
        updated_at=meeting.starts_at - timedelta(days=30)
    )

    html = fac_client.get(check_in_url(meeting)).content.decode()

    assert "No longer in the group (1)" in html
    assert "Gone" in html and "Long gone" not in html
    attendance_record(meeting=meeting, present_user_ids=[gone.user_id], by=facilitator)
    with pytest.raises(AttendanceError):
        attendance_record(meeting=meeting, present_user_ids=[long_gone.user_id], by=facilitator)


def test_a_former_member_already_recorded_stays_on_the_list(fac_client, group, meeting):
    removed = member_of(group, "Removed Rae", state="removed")
    Attendance.objects.create(meeting=meeting, user=removed)

    html = fac_client.get(check_in_url(meeting)).content.decode()

    assert "Removed Rae" in html
    fac_client.post(check_in_url(meeting), {"present": [removed.pk]})
    assert recorded(meeting) == {removed.pk}


def test_a_past_meeting_lists_no_one_who_joined_after_it(fac_client, group, series, facilitator):
    """The check-in list of last week's meeting is the group as it was then: someone who
    joined since was not a member at it, and cannot be ticked."""
    last_week = meeting_at(series, timezone.now().replace(microsecond=0) - timedelta(days=7))
    was_there = member_of(group, "Early Eve")
    newcomer = member_of(group, "Newcomer Nat")
    Membership.objects.filter(user=was_there).update(
        decided_at=last_week.starts_at - timedelta(days=30)
    )
    Membership.objects.filter(user=newcomer).update(decided_at=timezone.now())

    html = fac_client.get(check_in_url(last_week)).content.decode()

    assert "Early Eve" in html and "Newcomer Nat" not in html
    with pytest.raises(AttendanceError):
        attendance_record(meeting=last_week, present_user_ids=[newcomer.pk], by=facilitator)


def test_a_deleted_account_is_not_on_the_list_unless_it_was_recorded(
    fac_client, group, meeting, facilitator
):
    """Deleting an account makes its holder leave every group as an anonymous "Former
    member": nobody can tell who that was, so nobody may tick it; one already recorded stays,
    so the meeting's count stays true."""
    gone = member_of(group, "Dee Leted")
    recorded_then_gone = member_of(group, "Ray Corded")
    Attendance.objects.create(meeting=meeting, user=recorded_then_gone)
    user_delete(user=gone)
    user_delete(user=recorded_then_gone)

    html = fac_client.get(check_in_url(meeting)).content.decode()

    assert html.count(FORMER_MEMBER) == 1
    with pytest.raises(AttendanceError):
        attendance_record(meeting=meeting, present_user_ids=[gone.pk], by=facilitator)


def test_a_former_member_is_named_in_the_language_being_read(
    fac_client, group, meeting, facilitator
):
    gone = member_of(group, "Ray Corded")
    Attendance.objects.create(meeting=meeting, user=gone)
    user_delete(user=gone)
    facilitator.language = "es"
    facilitator.save()
    with translation.override("es"):
        spanish = translation.gettext("Former member")
        User.objects.get(pk=gone.pk).save()  # saved while Spanish is read: stored unchanged

    html = fac_client.get(check_in_url(meeting)).content.decode()

    assert spanish != FORMER_MEMBER and html.count(spanish) == 1
    assert FORMER_MEMBER not in html
    assert User.objects.filter(pk=gone.pk, display_name=FORMER_MEMBER).exists()


# --- when ------------------------------------------------------------------------------------


def test_check_in_opens_an_hour_before_the_meeting(fac_client, group, series):
    ann = member_of(group, "Ann")
    soon = meeting_at(series, timezone.now().replace(microsecond=0) + timedelta(minutes=50))
    later = meeting_at(series, timezone.now().replace(microsecond=0) + timedelta(hours=3))

    assert 'name="present"' in fac_client.get(check_in_url(soon)).content.decode()
    closed = fac_client.get(check_in_url(later))
    assert closed.status_code == 200
    assert "opens an hour before the meeting starts" in closed.content.decode()
    assert 'name="present"' not in closed.content.decode()
    refused = fac_client.post(check_in_url(later), {"present": [ann.pk]})
    assert refused.status_code == 400
    assert recorded(later) == set()


def test_a_cancelled_meeting_has_no_check_in(fac_client, group, series):
    ann = member_of(group, "Ann")
    cancelled = meeting_at(
        series,
        timezone.now().replace(microsecond=0) - timedelta(hours=2),
        status="cancelled",
        cancel_reason="Snow",
    )

    page = fac_client.get(check_in_url(cancelled))
    assert "was cancelled" in page.content.decode()
    assert fac_client.post(check_in_url(cancelled), {"present": [ann.pk]}).status_code == 400
    assert recorded(cancelled) == set()


# --- who ---------------------------------------------------------------------------------------


def test_a_meeting_of_another_group_is_not_found(fac_client, group):
    other = MeetingFactory(
        occurrence_start=timezone.now().replace(microsecond=0) - timedelta(minutes=10)
    )

    url = reverse("groups:meeting-attendance", args=[group.slug, other.pk])

    assert fac_client.get(url).status_code == 404
    assert fac_client.post(url, {"present": []}).status_code == 404


def test_a_facilitator_of_another_group_cannot_open_the_check_in(client, group, meeting):
    elsewhere = UserFactory(is_facilitator=True)
    MembershipFactory(user=elsewhere, role="facilitator")
    activate_totp(elsewhere)
    client.force_login(elsewhere)
    ann = member_of(group, "Ann")

    assert client.get(check_in_url(meeting)).status_code == 403
    assert client.post(check_in_url(meeting), {"present": [ann.pk]}).status_code == 403
    assert recorded(meeting) == set()


def test_a_facilitator_of_another_group_cannot_see_an_unlisted_archived_groups_meeting(
    client, facilitator
):
    archived = SupportGroupFactory(state="archived", listed=False)
    past = MeetingFactory(
        series=MeetingSeriesFactory(group=archived),
        occurrence_start=timezone.now().replace(microsecond=0) - timedelta(hours=1),
    )
    activate_totp(facilitator)
    client.force_login(facilitator)

    assert client.get(check_in_url(past)).status_code == 404


def test_a_member_cannot_open_the_check_in(client, group, meeting, member):
    MembershipFactory(user=member, group=group)
    client.force_login(member)

    assert client.get(check_in_url(meeting)).status_code == 403
    assert client.post(check_in_url(meeting), {"present": [member.pk]}).status_code == 403
    assert recorded(meeting) == set()


def test_signed_out_visitors_are_sent_to_sign_in(client, meeting):
    response = client.get(check_in_url(meeting))

    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_a_facilitator_without_a_second_factor_is_sent_to_set_one_up(client, facilitator, meeting):
    client.force_login(facilitator)

    response = client.get(check_in_url(meeting))

    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_an_admin_can_take_attendance(client, admin_user, group, meeting):
    activate_totp(admin_user)
    client.force_login(admin_user)
    ann = member_of(group, "Ann")

    response = client.post(check_in_url(meeting), {"present": [ann.pk]})

    assert response.status_code == 302
    assert recorded(meeting) == {ann.pk}


# --- query budgets ------------------------------------------------------------------------------


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_check_in_query_count_does_not_grow_with_people(
    fac_client, group, meeting, django_assert_num_queries
):
    url = check_in_url(meeting)
    fac_client.get(url)  # the first request after signing in also writes the session
    for n in range(2):
        RsvpFactory(meeting=meeting, user=member_of(group, f"Small {n}"))
    small = _count_queries(fac_client, url)

    for n in range(20):
        person = member_of(group, f"Large {n}")
        RsvpFactory(meeting=meeting, user=person, answer=["going", "waitlisted"][n % 2])
        if n % 3 == 0:
            Attendance.objects.create(meeting=meeting, user=person)
    with django_assert_num_queries(small):
        fac_client.get(url)


def test_overview_query_count_does_not_grow_with_meetings(
    fac_client, group, series, django_assert_num_queries
):
    url = reverse("groups:group-attendance", args=[group.slug])
    fac_client.get(url)
    base = timezone.now().replace(microsecond=0) - timedelta(days=400)
    meeting_at(series, base)
    small = _count_queries(fac_client, url)

    for n in range(1, 30):
        one = meeting_at(series, base + timedelta(days=7 * n))
        person = member_of(group, f"P{n}")
        RsvpFactory(meeting=one, user=person)
        Attendance.objects.create(meeting=one, user=person)
    with django_assert_num_queries(small):
        fac_client.get(url)


# --- the overview -----------------------------------------------------------------------------


def test_overview_counts_who_came_and_who_said_they_would_newest_first(fac_client, group, series):
    now = timezone.now().replace(microsecond=0)
    older = meeting_at(series, now - timedelta(days=14))
    newer = meeting_at(series, now - timedelta(days=7))
    upcoming = meeting_at(series, now + timedelta(days=7))
    people = [member_of(group, f"P{n}") for n in range(5)]
    for person in people[:4]:
        RsvpFactory(meeting=older, user=person, answer="going")
    RsvpFactory(meeting=older, user=people[4], answer="not_going")
    for person in people[:3]:
        Attendance.objects.create(meeting=older, user=person)
    Attendance.objects.create(meeting=newer, user=people[0])

    response = fac_client.get(reverse("groups:group-attendance", args=[group.slug]))

    assert response.status_code == 200
    rows = list(response.context["page_obj"])
    assert rows == [newer, older]
    assert (rows[0].attended_count, rows[0].going_count) == (1, 0)
    assert (rows[1].attended_count, rows[1].going_count) == (3, 4)
    html = response.content.decode()
    assert check_in_url(older) in html
    assert check_in_url(upcoming) not in html


def test_overview_shows_25_meetings_a_page(fac_client, group, series):
    base = timezone.now().replace(microsecond=0) - timedelta(days=400)
    for n in range(27):
        meeting_at(series, base + timedelta(days=7 * n))
    url = reverse("groups:group-attendance", args=[group.slug])

    first = fac_client.get(url)
    second = fac_client.get(url, {"page": 2})

    assert len(first.context["page_obj"]) == 25
    assert len(second.context["page_obj"]) == 2
    assert "Older meetings" in first.content.decode()


def test_overview_empty_state(fac_client, group):
    response = fac_client.get(reverse("groups:group-attendance", args=[group.slug]))

    assert "No meeting of this group has taken place yet" in response.content.decode()


def test_a_member_cannot_open_the_overview(client, group, member):
    MembershipFactory(user=member, group=group)
    client.force_login(member)

    response = client.get(reverse("groups:group-attendance", args=[group.slug]))

    assert response.status_code == 403


# --- a member's history -----------------------------------------------------------------------


def test_my_attendance_lists_where_i_was_recorded_newest_first_in_my_zone(
    client, group, series, facilitator
):
    me = member_of(group, "Mo")
    me.time_zone = "Europe/London"
    me.save()
    old = meeting_at(series, datetime(2025, 1, 15, 0, 30, tzinfo=UTC))  # 19:30 EST on the 14th
    new = meeting_at(series, datetime(2025, 3, 4, 0, 30, tzinfo=UTC))
    only_rsvp = meeting_at(series, datetime(2025, 2, 4, 0, 30, tzinfo=UTC))
    Attendance.objects.create(meeting=old, user=me, recorded_by=facilitator)
    Attendance.objects.create(meeting=new, user=me, recorded_by=facilitator)
    RsvpFactory(meeting=only_rsvp, user=me)
    Attendance.objects.create(meeting=only_rsvp, user=facilitator)
    client.force_login(me)

    response = client.get(reverse("groups:my-attendance"))

    assert response.status_code == 200
    assert [a.meeting for a in response.context["page_obj"]] == [new, old]
    html = response.content.decode()
    assert "Wednesday 15 January 2025, 00:30 GMT (19:30 EST where the group meets)" in html
    assert "Thursday Circle" in html
    assert "February 2025" not in html
    assert reverse("groups:letter-list") in html


def test_my_attendance_empty_state_explains_who_records_it(client, member):
    client.force_login(member)

    html = client.get(reverse("groups:my-attendance")).content.decode()

    assert "a facilitator ticks who came" in html


def test_my_attendance_needs_sign_in(client):
    response = client.get(reverse("groups:my-attendance"))

    assert response.status_code == 302
    assert reverse("account_login") in response.url

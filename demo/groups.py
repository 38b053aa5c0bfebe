"""Demo groups for `manage.py seed_demo`: every format and join policy, with members, a
pending request, announcements, and a realistic schedule (weekly, fortnightly and monthly
series, online and in person, a cancelled and a moved meeting, some attendance). Idempotent:
groups are found again by slug, series by title."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.models import User
from groups.handovers import handover_offer
from groups.hosting import hosting_answer
from groups.meetings.recurrence import Frequency, Recurrence
from groups.models import (
    Announcement,
    Attendance,
    Handover,
    HostingAnswer,
    Meeting,
    MeetingSeries,
    Membership,
    Rsvp,
    SupportGroup,
    Topic,
)
from groups.services.meetings import meeting_cancel, meeting_move, meetings_extend, series_create

F, P, A = SupportGroup.Format, SupportGroup.JoinPolicy, SupportGroup.Audience

DEMO_GROUPS: list[dict[str, Any]] = [
    {
        "slug": "circulo-de-recuperacion-los-angeles",
        "name": "Círculo de Recuperación (en español)",
        "format": F.ONLINE,
        "join_policy": P.OPEN,
        "audience": A.BOTH,
        "topics": ["ketamine"],
        "time_zone": "America/Los_Angeles",
        "city": "Los Angeles",
        "region": "CA",
        "country": "US",
        "meeting_language": "es",
        "online_url": "https://meet.example.org/kinship-circulo",
        "description": (
            "Un grupo en español para personas que están dejando la ketamina y para sus "
            "seres queridos. Cada semana compartimos cómo nos va, qué nos ayuda y qué se nos "
            "hace difícil.\n\nPuedes tener la cámara apagada y solo escuchar."
        ),
    },
    {
        "slug": "ketamine-recovery-tuesday-evenings",
        "name": "Ketamine Recovery: Tuesday Evenings",
        "format": F.ONLINE,
        "join_policy": P.OPEN,
        "audience": A.RECOVERY,
        "topics": ["ketamine"],
        "time_zone": "America/New_York",
        "city": "New York",
        "region": "NY",
        "country": "US",
        "online_url": "https://meet.example.org/kinship-tuesday",
        "description": (
            "An hour together for anyone stepping away from ketamine, whether you stopped "
            "last week or years ago. We check in, share what is working, and talk about the "
            "hard parts: **cravings**, sleep, and the bladder and stomach pain many of us "
            "know.\n\nCameras optional. You can just listen."
        ),
    },
    {
        "slug": "thursday-morning-circle-chicago",
        "name": "Thursday Morning Circle",
        "format": F.IN_PERSON,
        "join_policy": P.APPROVAL,
        "audience": A.RECOVERY,
        "topics": ["general-recovery", "ketamine"],
        "time_zone": "America/Chicago",
        "street": "1200 W Harrison St, Room 4",
        "city": "Chicago",
        "region": "IL",
        "postal_code": "60607",
        "country": "US",
        "member_limit": 14,
        "description": (
            "A small, steady group that meets before work. Coffee is on us. A facilitator "
            "says hello to each new person before their first meeting."
        ),
    },
    {
        "slug": "family-and-friends-boston",
        "name": "Family and Friends",
        "format": F.HYBRID,
        "join_policy": P.APPROVAL,
        "audience": A.LOVED_ONES,
        "topics": ["family-and-friends"],
        "time_zone": "America/New_York",
        "street": "15 Chestnut Ave",
        "city": "Boston",
        "region": "MA",
        "postal_code": "02130",
        "country": "US",
        "online_url": "https://meet.example.org/kinship-family",
        "description": (
            "For partners, parents, siblings and friends of someone who uses ketamine or "
            "another drug. Learn to spot what is going on, look after yourself, and talk "
            "without a fight."
        ),
    },
    {
        "slug": "weekend-check-in",
        "name": "Weekend Check-in",
        "format": F.ONLINE,
        "join_policy": P.INVITATION,
        "audience": A.RECOVERY,
        "topics": ["stimulants", "ketamine"],
        "time_zone": "Europe/London",
        "city": "London",
        "country": "GB",
        "online_url": "https://meet.example.org/kinship-weekend",
        "description": "Saturday mornings, for people a facilitator has already met.",
    },
    {
        "slug": "sunday-group-denver",
        "name": "Sunday Group",
        "format": F.IN_PERSON,
        "join_policy": P.OPEN,
        "audience": A.BOTH,
        "topics": ["alcohol", "general-recovery"],
        "time_zone": "America/Denver",
        "street": "2400 E Colfax Ave",
        "city": "Denver",
        "region": "CO",
        "postal_code": "80206",
        "country": "US",
        "publish_address": True,
        "description": "People in recovery and the people who love them, in one room.",
    },
    {
        "slug": "facilitators-peer-circle",
        "name": "Facilitators' Peer Circle",
        "format": F.ONLINE,
        "join_policy": P.INVITATION,
        "audience": A.BOTH,
        "topics": ["general-recovery"],
        "listed": False,
        "time_zone": "America/New_York",
        "online_url": "https://meet.example.org/kinship-facilitators",
        "description": "Unlisted: a place for facilitators to support each other.",
    },
]

# The cancelled meeting's reason; the announcement names its date (see _demo_changes).
CANCEL_REASON = "Our facilitator is away that week."


def demo_groups_seed(
    *,
    facilitator: User,
    member: User,
    others: list[User],
    spanish_speakers: tuple[User, ...] = (),
) -> int:
    now = timezone.now()
    for spec in DEMO_GROUPS:
        spec = dict(spec)
        topics = Topic.objects.filter(slug__in=spec.pop("topics"))
        group, _ = SupportGroup.objects.update_or_create(
            slug=spec.pop("slug"), defaults={**spec, "created_by": facilitator}
        )
        group.topics.set(topics)
        _member(group, facilitator, Membership.Role.FACILITATOR, now)
        for other in others:
            _member(group, other, Membership.Role.MEMBER, now)
    open_group = SupportGroup.objects.get(slug="ketamine-recovery-tuesday-evenings")
    _member(open_group, member, Membership.Role.MEMBER, now)
    for spanish_speaker in spanish_speakers:
        _member(
            SupportGroup.objects.get(slug="circulo-de-recuperacion-los-angeles"),
            spanish_speaker,
            Membership.Role.MEMBER,
            now,
        )
    family = SupportGroup.objects.get(slug="family-and-friends-boston")
    Membership.objects.get_or_create(
        user=member,
        group=family,
        defaults={
            "state": Membership.State.PENDING,
            "conduct_accepted_at": now,
            "request_message": "My brother is struggling and I don't know how to help.",
        },
    )
    return len(DEMO_GROUPS)


def _member(group: SupportGroup, user: User, role: str, now) -> None:
    Membership.objects.update_or_create(
        user=user,
        group=group,
        defaults={"role": role, "state": Membership.State.ACTIVE, "conduct_accepted_at": now},
    )


# Series start six weeks back, so there is a history of meetings and attendance.
HISTORY = timedelta(weeks=6)

WEEKLY, MONTHLY = Frequency.WEEKLY, Frequency.MONTHLY

DEMO_SCHEDULES: dict[str, list[dict[str, Any]]] = {
    "ketamine-recovery-tuesday-evenings": [
        {
            "title": "Tuesday evening check-in",
            "recurrence": Recurrence(frequency=WEEKLY, weekdays=(1,)),
            "start_time": time(19),
            "duration_minutes": 60,
            "attendance_option": F.ONLINE,
            "rsvp_limit": 12,
            "dial_in": "+1 555 0100 123",
            "dial_in_notes": "Meeting ID 481 220 9, passcode 2024",
            "proof_of_attendance": True,
            "notes": "Cameras optional. Join a few minutes early if it's your first time.",
        },
        {
            "title": "Newcomers' hour",
            "recurrence": Recurrence(frequency=MONTHLY, weekdays=(5,), month_week=1),
            "start_time": time(11),
            "duration_minutes": 60,
            "attendance_option": F.ONLINE,
            "notes": "A slower meeting for people in their first weeks.",
        },
    ],
    "circulo-de-recuperacion-los-angeles": [
        {
            "title": "Reunión de los miércoles",
            "recurrence": Recurrence(frequency=WEEKLY, weekdays=(2,)),
            "start_time": time(19),
            "duration_minutes": 60,
            "attendance_option": F.ONLINE,
            "language": "es",
            "notes": "Llega unos minutos antes si es tu primera vez.",
        },
    ],
    "thursday-morning-circle-chicago": [
        {
            "title": "Thursday morning circle",
            "recurrence": Recurrence(frequency=WEEKLY, weekdays=(3,)),
            "start_time": time(7, 30),
            "duration_minutes": 75,
            "attendance_option": F.IN_PERSON,
            "location": "Community Health Center",
            "location_notes": "Second floor, room 4. Ring the bell if the door is locked.",
            "rsvp_limit": 14,
            "wheelchair_access": True,
            "proof_of_attendance": True,
        },
    ],
    "family-and-friends-boston": [
        {
            "title": "Family and friends evening",
            "recurrence": Recurrence(frequency=WEEKLY, interval=2, weekdays=(2,)),
            "start_time": time(18, 30),
            "duration_minutes": 90,
            "attendance_option": F.HYBRID,
            "location": "Chestnut Avenue Library",
            "openness": MeetingSeries.Openness.OPEN,
        },
    ],
    "weekend-check-in": [
        {
            "title": "Saturday morning check-in",
            "recurrence": Recurrence(frequency=WEEKLY, weekdays=(5,)),
            "start_time": time(10),
            "duration_minutes": 60,
            "attendance_option": F.ONLINE,
        },
    ],
    "sunday-group-denver": [
        {
            "title": "Sunday group",
            "recurrence": Recurrence(frequency=WEEKLY, weekdays=(6,)),
            "start_time": time(17),
            "duration_minutes": 90,
            "attendance_option": F.IN_PERSON,
            "location": "Colfax Community Room",
            "openness": MeetingSeries.Openness.OPEN,
            "wheelchair_access": True,
            "accessible_bathroom": True,
        },
        {
            "title": "Last-Sunday potluck",
            "recurrence": Recurrence(frequency=MONTHLY, weekdays=(6,), month_week=-1),
            "start_time": time(13),
            "duration_minutes": 120,
            "attendance_option": F.IN_PERSON,
            "location": "Colfax Community Room",
        },
    ],
    "facilitators-peer-circle": [
        {
            "title": "Peer support for facilitators",
            "recurrence": Recurrence(frequency=MONTHLY, weekdays=(0,), month_week=2),
            "start_time": time(20),
            "duration_minutes": 60,
            "attendance_option": F.ONLINE,
        },
    ],
}


def demo_meetings_seed(*, facilitator: User, member: User, others: list[User]) -> int:
    """Schedules for the demo groups; returns how many series were added this time."""
    now = timezone.now()
    added = 0
    for slug, specs in DEMO_SCHEDULES.items():
        group = SupportGroup.objects.get(slug=slug)
        for spec in specs:
            if MeetingSeries.objects.filter(group=group, title=spec["title"]).exists():
                continue
            fields = dict(spec)
            recurrence = fields.pop("recurrence")
            start = (now - HISTORY).astimezone(ZoneInfo(group.time_zone)).date()
            series_create(
                group=group,
                actor=facilitator,
                recurrence=recurrence,
                start=start,
                fields={"time_zone": group.time_zone, **fields},
                now=now - HISTORY,
            )
            added += 1
    meetings_extend(now=now)
    if added:
        _demo_changes(now=now, member=member, others=others, facilitator=facilitator)
    return added


def _demo_changes(*, now, member: User, others: list[User], facilitator: User) -> None:
    """RSVPs, attendance, one cancelled and one moved meeting in the member's open group."""
    series = MeetingSeries.objects.get(title="Tuesday evening check-in")
    upcoming = list(series.meetings.filter(starts_at__gt=now).order_by("starts_at")[:4])
    people = [member, *others]
    for meeting in upcoming[:2]:
        for person in people:
            Rsvp.objects.get_or_create(meeting=meeting, user=person, defaults={"answer": "going"})
    cancelled = meeting_cancel(meeting=upcoming[2], reason=CANCEL_REASON, now=now)
    local = upcoming[3].starts_at.astimezone(series.zone)
    moved = meeting_move(
        meeting=upcoming[3],
        day=local.date() + timedelta(days=1),
        at=time(19, 30),
        now=now,
    )
    # The announcement says what the schedule says: the meeting that is off, and the next.
    off = cancelled.starts_at.astimezone(series.zone)
    next_one = moved.starts_at.astimezone(series.zone)
    Announcement.objects.get_or_create(
        group=series.group,
        title=f"No meeting on {off:%A} {off.day} {off:%B}",
        defaults={
            "body": f"{CANCEL_REASON} We meet again on {next_one:%A} {next_one.day} "
            f"{next_one:%B} at {next_one:%H:%M} {next_one.tzname()}, a day later than usual "
            "that week. The crisis lines below stay open.",
            "author": facilitator,
        },
    )
    past = series.meetings.filter(starts_at__lt=now, status=Meeting.Status.SCHEDULED)
    for meeting in past:
        for person in people[:3]:
            Attendance.objects.get_or_create(
                meeting=meeting, user=person, defaults={"recorded_by": facilitator}
            )


def demo_cover_seed(*, facilitator: User, others: list[User]) -> Handover:
    """Issue 20's pieces in the facilitator's Tuesday group, once: Jo a backup facilitator,
    the next meeting with nobody hosting yet (the one after it hosted by the facilitator),
    and an offer to Kit to lead the series, waiting for an answer."""
    now = timezone.now()
    series = MeetingSeries.objects.select_related("group").get(title="Tuesday evening check-in")
    group = series.group
    backup, offered_to = others[0], others[1]
    Membership.objects.filter(group=group, user=backup, role=Membership.Role.MEMBER).update(
        role=Membership.Role.BACKUP
    )
    upcoming = list(
        series.meetings.filter(starts_at__gt=now, status=Meeting.Status.SCHEDULED).order_by(
            "starts_at"
        )[:2]
    )
    if len(upcoming) == 2 and not HostingAnswer.objects.filter(meeting__series=series).exists():
        hosting_answer(meeting=upcoming[1], user=facilitator, will_host=True, now=now)
    open_offer = Handover.objects.filter(
        group=group, state=Handover.State.OFFERED, expires_at__gt=now
    ).first()
    return open_offer or handover_offer(
        group=group,
        by=facilitator,
        to=offered_to,
        series=series,
        message="You know this meeting as well as anyone. Would you lead it?",
        now=now,
    )

"""Reads that feed pages: each decides its joins and prefetches here, so a page's query count
stays the same however many groups, topics or members there are."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, TypedDict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractHour, ExtractIsoWeekDay, Lower
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from groups.models import (
    Announcement,
    Attendance,
    CalendarFeed,
    Invitation,
    Meeting,
    MeetingSeries,
    Membership,
    Rsvp,
    SupportGroup,
    Topic,
    in_directory,
)
from lib.search import searched_words, whole_word_q

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django_stubs_ext import WithAnnotations

ANNOUNCEMENTS_ON_GROUP_PAGE = 10


# What the selectors below annotate on the objects they return, for the type checker
# (`WithAnnotations[Model, ...]`).
class GroupPageCounts(TypedDict):
    active_member_count: int


class FacilitatedGroupCounts(TypedDict):
    pending_count: int
    active_member_count: int


class MeetingCounts(TypedDict):
    going_count: int
    waitlist_count: int


# The directory's time-of-day filter, in the viewer's local time.
TIMES_OF_DAY = {
    "morning": (_("Morning (before 12:00)"), time(0), time(12)),
    "afternoon": (_("Afternoon (12:00 to 17:00)"), time(12), time(17)),
    "evening": (_("Evening (from 17:00)"), time(17), time.max),
}
# The directory's day codes (RFC 5545's) as ISO weekday numbers.
_ISO_WEEKDAYS = {"MO": 1, "TU": 2, "WE": 3, "TH": 4, "FR": 5, "SA": 6, "SU": 7}
# What a directory card says about the viewer's own membership ("" for none).
_VIEWER_BADGE = Case(
    When(
        state=Membership.State.ACTIVE, role=Membership.Role.FACILITATOR, then=Value("facilitator")
    ),
    When(state=Membership.State.ACTIVE, then=Value("member")),
    When(state=Membership.State.PENDING, then=Value("pending")),
    default=Value(""),
    output_field=CharField(),
)


def group_list_directory(
    *,
    formats: Sequence[str] = (),
    languages: Sequence[str] = (),
    topics: Iterable[Topic] = (),
    audiences: Sequence[str] = (),
    words: Sequence[str] = (),
    days: Sequence[str] = (),
    times: Sequence[str] = (),
    zone: str | None = None,
    viewer: User | None = None,
    now: datetime | None = None,
) -> QuerySet[SupportGroup]:
    """Active, listed groups matching every given filter, by name, with their topics, their
    next meeting (`next_meeting_at`, `next_meeting_zone`; None without one) and
    `viewer_badge` ("member", "facilitator", "pending" or "": `viewer`'s own membership).

    Days and times of day are read in `zone`, the viewer's (the site's by default): for
    someone in India a Tuesday 19:00 New York group meets on Wednesday mornings. One coming
    meeting must match both: a group with a Tuesday morning and a Friday evening meeting is
    not a Tuesday-evening group, and a group whose meetings have all passed matches no day.

    Within one filter any value matches (online or hybrid); between filters all must match.
    A group for both audiences matches either audience. Each word must appear as a whole
    word (lib.search: "son" finds "sons", not "Thursday") in the name, the description, the
    city or the name of one of its topics, the same on SQLite and PostgreSQL."""
    groups = SupportGroup.objects.filter(in_directory()).prefetch_related(
        Prefetch("topics", queryset=Topic.objects.order_by("position", "name"))
    )
    if formats:
        groups = groups.filter(format__in=formats)
    if languages:
        groups = groups.filter(meeting_language__in=languages)
    topic_ids = [topic.pk for topic in topics]
    through = SupportGroup.topics.through
    if topic_ids:
        # EXISTS rather than a join: a group with two of the chosen topics appears once,
        # without DISTINCT.
        groups = groups.filter(
            Exists(through.objects.filter(supportgroup_id=OuterRef("pk"), topic_id__in=topic_ids))
        )
    if audiences:
        groups = groups.filter(audience__in={*audiences, SupportGroup.Audience.BOTH})
    for word in searched_words(words):
        tagged = through.objects.filter(supportgroup_id=OuterRef("pk")).filter(
            whole_word_q(word, ["topic__name"])
        )
        groups = groups.filter(
            whole_word_q(word, ["name", "description", "city"]) | Q(Exists(tagged))
        )
    now = now or timezone.now()
    if days or times:
        local = ZoneInfo(zone or settings.TIME_ZONE)
        meetings = Meeting.objects.filter(
            group_id=OuterRef("pk"), status=Meeting.Status.SCHEDULED, starts_at__gt=now
        ).annotate(
            local_day=ExtractIsoWeekDay("starts_at", tzinfo=local),
            local_hour=ExtractHour("starts_at", tzinfo=local),
        )
        if days:
            meetings = meetings.filter(local_day__in=[_ISO_WEEKDAYS[day] for day in days])
        if times:
            meetings = meetings.filter(
                _any_of(
                    Q(local_hour__gte=TIMES_OF_DAY[key][1].hour)
                    & (
                        Q()
                        if TIMES_OF_DAY[key][2] == time.max
                        else Q(local_hour__lt=TIMES_OF_DAY[key][2].hour)
                    )
                    for key in times
                )
            )
        groups = groups.filter(Exists(meetings))
    upcoming = Meeting.objects.filter(
        group_id=OuterRef("pk"), status=Meeting.Status.SCHEDULED, starts_at__gt=now
    ).order_by("starts_at", "pk")
    groups = groups.annotate(
        next_meeting_at=Subquery(upcoming.values("starts_at")[:1]),
        next_meeting_zone=Subquery(upcoming.values("series__time_zone")[:1]),
    )
    if viewer is not None:
        mine = Membership.objects.filter(group_id=OuterRef("pk"), user=viewer).annotate(
            badge=_VIEWER_BADGE
        )
        groups = groups.annotate(
            viewer_badge=Coalesce(Subquery(mine.values("badge")[:1]), Value(""))
        )
    else:
        groups = groups.annotate(viewer_badge=Value("", output_field=CharField()))
    return groups.order_by("name", "pk")


def _any_of(conditions: Iterable[Q]) -> Q:
    combined = Q()
    for condition in conditions:
        combined |= condition
    return combined


def group_get_for_page(*, slug: str) -> WithAnnotations[SupportGroup, GroupPageCounts]:
    """One group (any state: the caller checks access) with its topics, its active
    facilitators (as `facilitator_memberships`) and `active_member_count`; 404 if unknown."""
    facilitators = (
        Membership.objects.filter(state=Membership.State.ACTIVE, role=Membership.Role.FACILITATOR)
        .select_related("user")
        .order_by("created_at", "pk")
    )
    groups = SupportGroup.objects.annotate(
        active_member_count=Count(
            "memberships", filter=Q(memberships__state=Membership.State.ACTIVE)
        )
    ).prefetch_related(
        Prefetch("topics", queryset=Topic.objects.order_by("position", "name")),
        Prefetch("memberships", queryset=facilitators, to_attr="facilitator_memberships"),
    )
    return get_object_or_404(groups, slug=slug)


def announcement_list_for_group(*, group: SupportGroup) -> list[Announcement]:
    return list(
        Announcement.objects.filter(group=group)
        .select_related("author")
        .order_by("-created_at", "-pk")[:ANNOUNCEMENTS_ON_GROUP_PAGE]
    )


def invitation_get_by_token(*, token: str) -> Invitation:
    """The invitation with its group, whatever the state of either; 404 if there is none."""
    return get_object_or_404(Invitation.objects.select_related("group"), token=token)


# --- facilitator side: dashboard, member lists, reports about people ---------------------------


def invitation_list_for_group(*, group: SupportGroup) -> list[Invitation]:
    """A group's links for its facilitators, newest first (each row's state is worked out
    from its own columns: no further query)."""
    return list(Invitation.objects.filter(group=group).order_by("-created_at", "-pk"))


def group_list_facilitated(
    *, user: User
) -> QuerySet[WithAnnotations[SupportGroup, FacilitatedGroupCounts]]:
    """Active groups `user` facilitates, by name, each with `pending_count` and
    `active_member_count` (one query, however many groups and members)."""
    mine = Membership.objects.filter(
        user=user, state=Membership.State.ACTIVE, role=Membership.Role.FACILITATOR
    ).values("group_id")
    # The counts run over all memberships of each group: the filter on "mine" is a subquery,
    # not a join, so it does not narrow what Count sees.
    return (
        SupportGroup.objects.filter(pk__in=mine, state=SupportGroup.State.ACTIVE)
        .annotate(
            pending_count=Count(
                "memberships", filter=Q(memberships__state=Membership.State.PENDING)
            ),
            active_member_count=Count(
                "memberships", filter=Q(memberships__state=Membership.State.ACTIVE)
            ),
        )
        .order_by("name", "pk")
    )


# Pending requests first (they wait for an answer), then the people in the group, then the past.
_MEMBER_LIST_ORDER = Case(
    When(state=Membership.State.PENDING, then=Value(0)),
    When(state=Membership.State.ACTIVE, role=Membership.Role.FACILITATOR, then=Value(1)),
    When(state=Membership.State.ACTIVE, then=Value(2)),
    default=Value(3),
)


def membership_list_for_facilitators(*, group: SupportGroup) -> QuerySet[Membership]:
    """Every membership of the group with the person's display name, for the member list.
    Only the fields the page shows are loaded: never the e-mail address."""
    return (
        Membership.objects.filter(group=group)
        .select_related("user")
        .only(
            "role",
            "state",
            "request_message",
            "created_at",
            "decided_at",
            "group_id",
            "user__display_name",
        )
        .annotate(list_order=_MEMBER_LIST_ORDER)
        .order_by("list_order", "user__display_name", "pk")
    )


def membership_list_visible_to_members(*, group: SupportGroup) -> tuple[list[Membership], int]:
    """The active facilitators and the active members who chose to be visible, and how many
    other active members there are (who are not listed at all)."""
    active = Membership.objects.filter(group=group, state=Membership.State.ACTIVE)
    listed: list[Membership] = list(
        active.filter(Q(role=Membership.Role.FACILITATOR) | Q(user__name_visible_to_members=True))
        .select_related("user")
        .only("role", "group_id", "user__display_name")
        .annotate(list_order=_MEMBER_LIST_ORDER)
        .order_by("list_order", "user__display_name", "pk")
    )
    return listed, active.count() - len(listed)


def membership_get_in_group(*, group: SupportGroup, membership_id: int) -> Membership:
    """A membership of this group (404 for one of another group)."""
    return get_object_or_404(
        Membership.objects.select_related("user", "group"), pk=membership_id, group=group
    )


def person_get_reportable(*, group: SupportGroup, person_id: int, sees_everyone: bool) -> User:
    """Someone the reporter already sees in `group`: on its people page (the facilitators
    and the members who chose to be seen by the others) or, with `sees_everyone` (the
    group's facilitators and admins, with their second factor), any active member. The same
    404 for every other id, whether it names nobody, a hidden member or someone elsewhere:
    trying ids tells nothing about who belongs where."""
    members = Membership.objects.filter(
        group=group, user_id=person_id, state=Membership.State.ACTIVE
    )
    if not sees_everyone:
        members = members.filter(
            Q(role=Membership.Role.FACILITATOR) | Q(user__name_visible_to_members=True)
        )
    membership = members.select_related("user").first()
    if membership is None:
        raise Http404("No such person here.")
    return membership.user


# --- meetings ---------------------------------------------------------------------------------

MEETINGS_ON_GROUP_PAGE = 6


def meeting_next_start(*, now: datetime) -> datetime | None:
    """When the next scheduled meeting anywhere starts: until then, no group's "next meeting"
    changes by time alone."""
    return (
        Meeting.objects.filter(status=Meeting.Status.SCHEDULED, starts_at__gt=now)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )


MY_MEETINGS_WINDOW = timedelta(weeks=8)
MY_MEETINGS_LIMIT = 60


def _going_count() -> Count:
    return Count("rsvps", filter=Q(rsvps__answer=Rsvp.Answer.GOING))


def _waitlist_count() -> Count:
    return Count("rsvps", filter=Q(rsvps__answer=Rsvp.Answer.WAITLISTED))


def series_list_for_group(*, group: SupportGroup) -> list[MeetingSeries]:
    """The group's schedules, regular ones first."""
    return list(
        MeetingSeries.objects.filter(group=group).select_related("group").order_by("start_time")
    )


def meeting_list_upcoming_for_group(
    *, group: SupportGroup, now: datetime, limit: int = MEETINGS_ON_GROUP_PAGE
) -> list[Meeting]:
    """The next meetings (cancelled ones too, marked as such), each with its series."""
    return list(
        Meeting.objects.filter(group=group, ends_at__gt=now)
        .select_related("series", "series__group")
        .order_by("starts_at", "pk")[:limit]
    )


def meeting_list_for_schedule(*, group: SupportGroup, now: datetime) -> QuerySet[Meeting]:
    """Upcoming meetings for the facilitators, with `going_count` and `waitlist_count`."""
    return (
        Meeting.objects.filter(group=group, ends_at__gt=now)
        .select_related("series")
        .annotate(going_count=_going_count(), waitlist_count=_waitlist_count())
        .order_by("starts_at", "pk")
    )


def meeting_get_for_page(
    *, group: SupportGroup, meeting_id: int
) -> WithAnnotations[Meeting, MeetingCounts]:
    """A meeting of this group with its series and `going_count`/`waitlist_count`; 404 for
    a meeting of another group."""
    meetings = (
        Meeting.objects.filter(group=group)
        .select_related("series", "series__group", "group")
        .annotate(going_count=_going_count(), waitlist_count=_waitlist_count())
    )
    return get_object_or_404(meetings, pk=meeting_id)


def rsvp_for(*, user: User | AnonymousUser, meeting: Meeting) -> tuple[Rsvp | None, int | None]:
    """The person's RSVP to the meeting, and their place on the waiting list (1 is next)."""
    if not user.is_authenticated:
        return None, None
    rsvp = Rsvp.objects.filter(user=user, meeting=meeting).first()
    if rsvp is None or rsvp.answer != Rsvp.Answer.WAITLISTED:
        return rsvp, None
    ahead = Rsvp.objects.filter(
        meeting=meeting, answer=Rsvp.Answer.WAITLISTED, waitlisted_at__lt=rsvp.waitlisted_at
    ).count()
    return rsvp, ahead + 1


def meeting_list_upcoming_for_user(*, user: User, now: datetime) -> list[Meeting]:
    """ "My meetings": the coming meetings of every active group I am an active member of,
    the next eight weeks, each with `my_answer` (None if I have not answered)."""
    mine = Membership.objects.filter(
        user=user, state=Membership.State.ACTIVE, group__state=SupportGroup.State.ACTIVE
    ).values("group_id")
    my_answer = Rsvp.objects.filter(meeting=OuterRef("pk"), user=user).values("answer")[:1]
    return list(
        Meeting.objects.filter(
            group_id__in=mine, ends_at__gt=now, starts_at__lt=now + MY_MEETINGS_WINDOW
        )
        .select_related("series", "series__group", "group")
        .annotate(my_answer=Subquery(my_answer))
        .order_by("starts_at", "pk")[:MY_MEETINGS_LIMIT]
    )


DASHBOARD_WINDOW = timedelta(weeks=2)
DASHBOARD_MEETINGS = 20


def meeting_list_upcoming_for_facilitator(*, user: User, now: datetime) -> list[Meeting]:
    """The next two weeks of meetings of the active groups `user` facilitates, with counts."""
    facilitated = Membership.objects.filter(
        user=user,
        state=Membership.State.ACTIVE,
        role=Membership.Role.FACILITATOR,
        group__state=SupportGroup.State.ACTIVE,
    ).values("group_id")
    return list(
        Meeting.objects.filter(
            group_id__in=facilitated, ends_at__gt=now, starts_at__lt=now + DASHBOARD_WINDOW
        )
        .select_related("series", "group")
        .annotate(going_count=_going_count(), waitlist_count=_waitlist_count())
        .order_by("starts_at", "pk")[:DASHBOARD_MEETINGS]
    )


# --- attendance -------------------------------------------------------------------------------

# A facilitator may open the check-in list this long before the meeting starts (people arrive
# early, and a facilitator may want the list ready on their phone).
CHECK_IN_OPENS_BEFORE = timedelta(hours=1)
_MemberState = Membership.State
_Answer = Rsvp.Answer


def membership_list_for_check_in(*, meeting: Meeting) -> QuerySet[Membership]:
    """The people a facilitator may mark at `meeting`: anyone already recorded there, and
    whoever belonged to the group at the meeting: the active members who had joined by its
    end (not someone who joined a week later), and people who left or were removed after it
    began (so leaving right after a meeting does not cost someone their record of it), unless
    they have since deleted their account (an anonymous "Former member" nobody can tick).

    Both the check-in list and `attendance_record` use this one queryset: a forged id, anyone
    who never belonged to the group, is refused because it is not in it."""
    attended = Attendance.objects.filter(meeting=meeting, user=OuterRef("user_id"))
    return (
        Membership.objects.filter(group_id=meeting.group_id)
        .annotate(
            attended=Exists(attended),
            # When the membership began: its approval, or the join itself for an open group.
            joined_at=Coalesce("decided_at", "created_at"),
        )
        .filter(
            Q(attended=True)
            | Q(state=_MemberState.ACTIVE, joined_at__lte=meeting.ends_at)
            | Q(
                state__in=[_MemberState.LEFT, _MemberState.REMOVED],
                updated_at__gte=meeting.starts_at,
                joined_at__lte=meeting.ends_at,
                user__is_active=True,
            )
        )
    )


@dataclass(frozen=True)
class CheckInPerson:
    user_id: int
    display_name: str
    rsvp: str  # Rsvp.Answer.GOING, WAITLISTED, or "" (no answer, or not going)
    is_active_member: bool
    attended: bool


def attendance_check_in_list(*, meeting: Meeting) -> list[CheckInPerson]:
    """Everyone who may be checked in at `meeting`, in the order a facilitator looks for them:
    those who said they were coming, then the waiting list (in its order), then the other
    members by name, then former members. One query, however many people."""
    rsvp = Rsvp.objects.filter(meeting=meeting, user=OuterRef("user_id"))
    rows = (
        membership_list_for_check_in(meeting=meeting)
        .annotate(
            rsvp_answer=Subquery(rsvp.values("answer")[:1]),
            rsvp_waitlisted_at=Subquery(rsvp.values("waitlisted_at")[:1]),
        )
        .annotate(
            list_order=Case(
                When(state=_MemberState.ACTIVE, rsvp_answer=_Answer.GOING, then=Value(0)),
                When(state=_MemberState.ACTIVE, rsvp_answer=_Answer.WAITLISTED, then=Value(1)),
                When(state=_MemberState.ACTIVE, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by(
            "list_order",
            F("rsvp_waitlisted_at").asc(nulls_last=True),
            Lower("user__display_name"),
            "pk",
        )
        .values_list("user_id", "user__display_name", "rsvp_answer", "state", "attended")
    )
    return [
        CheckInPerson(
            user_id=user_id,
            display_name=name,
            rsvp=answer if state == _MemberState.ACTIVE and answer != _Answer.NOT_GOING else "",
            is_active_member=state == _MemberState.ACTIVE,
            attended=attended,
        )
        for user_id, name, answer, state, attended in rows
    ]


def _count_of(queryset: QuerySet[Attendance] | QuerySet[Rsvp]) -> Coalesce:
    """A per-meeting count as a correlated subquery: two counts joined into one query would
    multiply each other's rows."""
    counted = (
        queryset.filter(meeting=OuterRef("pk"))
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def meeting_list_with_attendance(
    *, group: SupportGroup, now: datetime | None = None
) -> QuerySet[Meeting]:
    """The group's meetings whose check-in has opened, newest first, each with
    `attended_count` and `going_count` computed in the same query."""
    now = now or timezone.now()
    return (
        Meeting.objects.filter(group=group, starts_at__lte=now + CHECK_IN_OPENS_BEFORE)
        .select_related("series")
        .annotate(
            attended_count=_count_of(Attendance.objects.all()),
            going_count=_count_of(Rsvp.objects.filter(answer=_Answer.GOING)),
        )
        .order_by("-starts_at", "-pk")
    )


def attendance_list_for_user(*, user: User) -> QuerySet[Attendance]:
    """The meetings `user` was recorded at, newest first, with what the page shows of each."""
    return (
        Attendance.objects.filter(user=user)
        .select_related("meeting__series", "meeting__group")
        .only(
            "recorded_at",
            "meeting__starts_at",
            "meeting__status",
            "meeting__series__title",
            "meeting__series__time_zone",
            "meeting__group__name",
            "meeting__group__slug",
        )
        .order_by("-meeting__starts_at", "-pk")
    )


# --- calendars ------------------------------------------------------------------------------


def calendar_group_get_public(*, slug: str) -> SupportGroup | None:
    """A listed, active group; None for any other (unlisted groups have no public feed)."""
    return SupportGroup.objects.filter(in_directory(), slug=slug).first()


def calendar_feed_for(*, user: User) -> CalendarFeed | None:
    """The member's personal feed, if they have made one (pages only read it: the address is
    made by a POST, groups.calendars.feeds)."""
    return CalendarFeed.objects.filter(user=user).first()


def calendar_feed_get_by_token(*, token: str) -> CalendarFeed | None:
    """The feed with this token, with its user, if that member is active; None otherwise."""
    if not 0 < len(token) <= 64:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    return feed if feed is not None and feed.user.is_active else None


def calendar_meeting_get(*, group: SupportGroup, meeting_id: int) -> Meeting | None:
    """A meeting of this group with its series (and the series' group); None for a meeting
    of another group."""
    meeting = Meeting.objects.filter(group=group, pk=meeting_id).select_related("series").first()
    if meeting is not None:
        meeting.series.group = group
    return meeting

"""Online meetings behind a door: each member's join address for a series, and what opening
it shows at a given moment.

The guarantee: a series' real link (`MeetingSeries.online_url`, the group's, or a moved
meeting's `online_url_override`) never leaves the server in a page, an e-mail, a calendar or
a feed. Members are given their own join address (`/join/<token>/`, a `JoinAddress`), which
names nothing; opening it leads into the room only from `join_opens_minutes` before the
meeting's start until its end, and only for an active member whose access no facilitator
revoked (nor, once a facilitator locked the room, for anyone but the facilitators). Only a
group that publishes its link (`SupportGroup.publish_online_link`) shows it to the public,
by its own choice; its members still get join addresses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q

from accounts.models import User
from groups.meetings.places import Place, meeting_place
from groups.models import JoinAddress, JoinOpening, Meeting, MeetingSeries
from lib.urls import absolute_reverse

Outcome = JoinOpening.Outcome

# A meeting that ended this recently is what a late opening is about ("it ended at 20:00"),
# rather than the next one alone.
RECENTLY_ENDED = timedelta(hours=6)
# One address opened from this many places (networks) for one meeting looks forwarded: the
# facilitators are shown it. Two is a member's phone and laptop; three is not one person.
FORWARDED_PLACES = 3


def join_address_url(address: JoinAddress) -> str:
    return absolute_reverse("groups:join-address", kwargs={"token": address.token})


def join_addresses_for(*, user: User, series: list[MeetingSeries]) -> dict[int, JoinAddress]:
    """The member's join address for each series that meets online, by series id, made the
    first time it is asked for (so a new member or a new series needs no step of its own):
    one query when all exist, three when some are new."""
    online = [item.pk for item in series if item.meets_online]
    if not online:
        return {}
    found = {a.series_id: a for a in JoinAddress.objects.filter(user=user, series_id__in=online)}
    missing = [pk for pk in online if pk not in found]
    if missing:
        # Two requests at once may both make them: the unique constraint keeps one each.
        JoinAddress.objects.bulk_create(
            [JoinAddress(user=user, series_id=pk) for pk in missing], ignore_conflicts=True
        )
        found.update(
            {a.series_id: a for a in JoinAddress.objects.filter(user=user, series_id__in=missing)}
        )
    return found


def join_urls_for(*, user: User, series: list[MeetingSeries]) -> dict[int, str]:
    return {
        pk: join_address_url(a) for pk, a in join_addresses_for(user=user, series=series).items()
    }


def member_place(place: Place, *, join_url: str) -> Place:
    """What a member is shown of a place: their join address instead of the real link (see
    the module's docstring). An online place without a join address (an admin who is not a
    member) shows neither."""
    return place.for_member(join_url=join_url if place.online else "")


def meeting_place_for(meeting: Meeting, *, join_urls: dict[int, str]) -> Place:
    return member_place(meeting_place(meeting), join_url=join_urls.get(meeting.series_id, ""))


# --- what opening a join address shows ------------------------------------------------------


@dataclass(frozen=True)
class Door:
    """What a join address shows at one moment. `meeting` is the one it is about (the one
    waited for, let into, locked, cancelled or just ended), `next_meeting` the next that
    takes place after it, `opens_at` when `meeting`'s room opens, and `link` the real link,
    set only when the member is let in."""

    outcome: JoinOpening.Outcome
    meeting: Meeting | None = None
    next_meeting: Meeting | None = None
    opens_at: datetime | None = None
    link: str = ""

    @property
    def lets_in(self) -> bool:
        return self.outcome == Outcome.LET_IN

    @property
    def member_may_dial_in(self) -> bool:
        """The dial-in is shown to whom the door would let in, were the room open."""
        return self.outcome not in {Outcome.REVOKED, Outcome.NOT_MEMBER, Outcome.OTHER_PERSON}


def room_opens_at(meeting: Meeting) -> datetime:
    return meeting.starts_at - timedelta(minutes=meeting.series.join_opens_minutes)


def join_door_meetings(*, series: MeetingSeries, now: datetime) -> list[Meeting]:
    """The meetings join_door needs: the series' meetings from the one that ended last
    (within RECENTLY_ENDED) on, a dozen at most (enough to pass a run of cancellations)."""
    meetings = list(
        Meeting.objects.filter(series=series, ends_at__gt=now - RECENTLY_ENDED).order_by(
            "starts_at", "pk"
        )[:12]
    )
    for meeting in meetings:
        meeting.series = series
    return meetings


def join_door(
    *,
    series: MeetingSeries,
    meetings: list[Meeting],
    now: datetime,
    revoked: bool,
    is_member: bool,
    is_facilitator: bool = False,
) -> Door:
    """What the member's join address shows at `now`, from `meetings` (join_door_meetings,
    in order of start). The rules, in order: a revoked address or a member who left sees
    why; a meeting ended within RECENTLY_ENDED whose successor's room is not yet open says
    so; a cancelled meeting says so; before its room opens, the waiting page; inside it
    (until its end) the link, unless a facilitator locked the room for people other than
    the facilitators."""
    if revoked:
        return Door(Outcome.REVOKED)
    if not is_member:
        return Door(Outcome.NOT_MEMBER)
    ended = [m for m in meetings if m.ends_at <= now and not m.is_cancelled]
    coming = [m for m in meetings if m.ends_at > now]
    previous = ended[-1] if ended else None
    current = coming[0] if coming else None

    def next_after(meeting: Meeting) -> Meeting | None:
        later = [m for m in coming if m.starts_at > meeting.starts_at and not m.is_cancelled]
        return later[0] if later else None

    if current is None:
        if previous is not None:
            return Door(Outcome.ENDED, meeting=previous)
        return Door(Outcome.NO_MEETING)
    if current.is_cancelled:
        return Door(Outcome.CANCELLED, meeting=current, next_meeting=next_after(current))
    opens_at = room_opens_at(current)
    if now < opens_at:
        if previous is not None:
            return Door(Outcome.ENDED, meeting=previous, next_meeting=current, opens_at=opens_at)
        return Door(Outcome.WAITING, meeting=current, opens_at=opens_at)
    if current.room_locked_at is not None and not is_facilitator:
        return Door(
            Outcome.LOCKED, meeting=current, next_meeting=next_after(current), opens_at=opens_at
        )
    link = meeting_place(current).online_url if series.meets_online else ""
    if not link:
        return Door(Outcome.NO_LINK, meeting=current, opens_at=opens_at)
    return Door(Outcome.LET_IN, meeting=current, opens_at=opens_at, link=link)


# --- for the facilitators --------------------------------------------------------------------


@dataclass(frozen=True)
class Opener:
    """Someone who opened their join address for a meeting."""

    user_id: int
    display_name: str
    first_opened_at: datetime
    let_in: bool
    places: int  # distinct networks it was opened from

    @property
    def looks_forwarded(self) -> bool:
        return self.places >= FORWARDED_PLACES


def meeting_openers(*, meeting: Meeting) -> list[Opener]:
    """Who opened their join address for `meeting`, first opening first: one query."""
    rows = (
        JoinOpening.objects.filter(meeting=meeting)
        # Openings by people the door did not lead there (a revoked address, someone signed
        # in as another), or after the meeting was over, say nothing of who came.
        .exclude(
            outcome__in=[
                Outcome.REVOKED,
                Outcome.NOT_MEMBER,
                Outcome.OTHER_PERSON,
                Outcome.ENDED,
                Outcome.CANCELLED,
            ]
        )
        .values_list(
            "address__user_id", "address__user__display_name", "opened_at", "outcome", "place"
        )
        .order_by("opened_at", "pk")
    )
    seen: dict[int, dict] = {}
    for user_id, name, opened_at, outcome, place in rows:
        entry = seen.setdefault(
            user_id, {"name": name, "first": opened_at, "let_in": False, "places": set()}
        )
        entry["let_in"] = entry["let_in"] or outcome == Outcome.LET_IN
        if place:
            entry["places"].add(place)
    return [
        Opener(
            user_id=user_id,
            display_name=entry["name"],
            first_opened_at=entry["first"],
            let_in=entry["let_in"],
            places=len(entry["places"]),
        )
        for user_id, entry in seen.items()
    ]


def meeting_let_in_user_ids(*, meeting: Meeting) -> set[int]:
    """Who was let into the room of `meeting` by their join address: what the check-in list
    starts with ticked (never records) before anyone's attendance is saved."""
    return set(
        JoinOpening.objects.filter(meeting=meeting, outcome=Outcome.LET_IN).values_list(
            "address__user_id", flat=True
        )
    )


def series_forwarded_addresses(*, series: MeetingSeries, since: datetime) -> dict[int, int]:
    """Members whose address for `series` was opened from FORWARDED_PLACES or more places
    for one meeting since `since`: user id → the most places for one meeting."""
    rows = (
        JoinOpening.objects.filter(address__series=series, opened_at__gte=since)
        .exclude(Q(place="") | Q(meeting__isnull=True))
        .values_list("address__user_id", "meeting_id", "place")
        .distinct()
    )
    per_meeting: dict[tuple[int, int], int] = {}
    for user_id, meeting_id, _place in rows:
        per_meeting[(user_id, meeting_id)] = per_meeting.get((user_id, meeting_id), 0) + 1
    flagged: dict[int, int] = {}
    for (user_id, _meeting_id), places in per_meeting.items():
        if places >= FORWARDED_PLACES:
            flagged[user_id] = max(places, flagged.get(user_id, 0))
    return flagged

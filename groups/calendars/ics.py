"""Calendars (RFC 5545): one meeting as a download, a group's public feed, a member's personal
feed. Built with `icalendar`; every time is written in the series' own zone with its VTIMEZONE.

A series is one VEVENT carrying its RRULE, and each stored meeting that is not exactly what
the rule says (cancelled, moved, another length or place) is excluded from it by an EXDATE and
written as an event of its own, with its own UID (`meeting-<pk>`). A subscribed phone calendar
must show exactly the meetings in our database, and no override (RECURRENCE-ID) is read the
same by everyone: ical.js relates every RECURRENCE-ID of a calendar to every series when it
builds an event (ical.js 2.2.1 `Event` constructor, dist/ical.js L9023-9030, keyed by wall time
at L9074), so in the personal feed one group's cancelled meeting replaced another's at the same
local time, as in FullCalendar's iCalendar plugin, which builds events so; node-ical and libical
do not find an override whose RECURRENCE-ID is a repeated wall time. An EXDATE is only ever
compared with its own series' instances, in each reader's own reading of the wall time. So:

The window. A feed covers the stored meetings whose `occurrence_start` is at or after
`now - PAST_WINDOW` (90 days), and everything the rule puts after them. Older meetings leave the
feed: when a series began before the window, the VEVENT's DTSTART is moved forward to the rule's
first instance in the window (a COUNT is reduced by the instances skipped), so a calendar never
shows old instances that our database cannot vouch for (an old cancellation, an old schedule).

Exactness inside the window. The rule's instances (groups.meetings.recurrence.occurrences) are
compared with the stored occurrences, up to the series' last stored occurrence (the horizon the
periodic task has reached): a rule instance with no stored meeting gets an EXDATE (a schedule
edited after the series began, meetings before the series was stored), a stored meeting the
rule does not produce (one of an earlier schedule) is an event of its own, never an RDATE,
which node-ical does not expand and libical reads as UTC. After the last stored occurrence the
RRULE goes on by itself: the periodic task stores those meetings from the same rule, and an
UNTIL or COUNT ends it.

Daylight-saving changes. Readers agree on a wall time that happens once, and on nothing else:
of 01:30 on a fall-back night (twice) RFC 5545 (3.3.5), our database, node-ical and
recurring-ical-events take the first, ical.js and libical the second; of 02:30 on a
spring-forward day (never) ical.js takes the later offset, libical the earlier and then keeps it
for every later instance, and node-ical drops the instance; an EXDATE of such a wall time does
not take it out in node-ical or libical. So a series whose start time is, on some day of its
rule, not one instant in its zone (a meeting between about 01:00 and 03:00) has no RRULE at all:
each meeting is an event of its own, the stored ones and the rule's next year after them, each
in UTC where its wall time is not one instant. And some readers (recurring-ical-events among
them) add a duration in wall-clock time, which differs for a meeting that spans a change: such
a meeting is excluded from its series and written as an event of its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from icalendar import Calendar, Event, vRecur, vText

from accounts.models import User
from groups.calendars.zones import unclear_wall_times, vtimezone
from groups.meetings.joining import join_urls_for, member_place
from groups.meetings.places import (
    Place,
    discreet_location,
    meeting_place,
    series_place,
)
from groups.meetings.recurrence import occurrences
from groups.models import (
    HORIZON,
    CalendarFeed,
    Meeting,
    MeetingSeries,
    Membership,
    SupportGroup,
)
from lib.urls import absolute_reverse, site_host

# How far back a feed reaches (see the module's docstring).
PAST_WINDOW = timedelta(days=90)
# Far enough to see the end of any rule: occurrences() stops at MAX_OCCURRENCES anyway.
_NO_END = datetime(9999, 1, 1, tzinfo=UTC)
# How far past its stored meetings a series without an RRULE is written (module docstring).
_EACH_MEETING_AHEAD = timedelta(weeks=52)
# What a lock screen shows in discreet mode: nothing about recovery, no group name.
# Translators: a calendar entry's title in discreet mode, on a phone's lock screen: it must
# name no group, topic or substance.
DISCREET_SUMMARY = gettext_lazy("Appointment")
# Translators: the name of a member's calendar in discreet mode: it must name no group, topic
# or substance.
DISCREET_CALENDAR_NAME = gettext_lazy("Appointments")


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime  # the stored horizon: beyond it the RRULE continues on its own

    @classmethod
    def around(cls, now: datetime) -> Window:
        return cls(start=now - PAST_WINDOW, end=now + HORIZON)


@dataclass(frozen=True)
class Audience:
    """Who reads the calendar: `members` see street, their join address (`join_urls`, by
    series id: never the real link, groups.meetings.joining) and dial-in; `discreet` makes
    the title neutral and leaves only a link to our site in the description."""

    members: bool
    discreet: bool = False
    join_urls: Mapping[int, str] = field(default_factory=dict)

    def place(self, series: MeetingSeries, meeting: Meeting | None = None) -> Place:
        if not self.members:
            return series_place(series)
        place = meeting_place(meeting) if meeting is not None else series_place(series)
        return member_place(place, join_url=self.join_urls.get(series.pk, ""))


PUBLIC = Audience(members=False)


# --- reads ---------------------------------------------------------------------------------


def _window_meetings(groups: QuerySet | SupportGroup, start: datetime) -> dict[int, list[Meeting]]:
    """Every stored meeting of these groups from the window's start, by series, in order: one
    query with only the fields a calendar needs (about 26 rows for a weekly series)."""
    meetings = Meeting.objects.filter(occurrence_start__gte=start).only(
        "id",
        "series_id",
        "group_id",
        "occurrence_start",
        "starts_at",
        "ends_at",
        "status",
        "cancel_reason",
        "place_override",
        "online_url_override",
        "sequence",
    )
    if isinstance(groups, SupportGroup):
        meetings = meetings.filter(group=groups)
    else:
        meetings = meetings.filter(group__in=groups)
    by_series: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in meetings.order_by("occurrence_start", "pk"):
        by_series[meeting.series_id].append(meeting)
    return by_series


# --- writing times ---------------------------------------------------------------------------


def _zoned(instant: datetime, zone: ZoneInfo) -> datetime:
    """`instant` as local time in `zone` where that wall time is one instant, else in UTC
    (a repeated wall time: RFC 5545 reads it as the first, ical.js as the second)."""
    local = instant.astimezone(zone)
    return local if _is_one_instant(local) else instant.astimezone(UTC)


def _is_one_instant(wall: datetime) -> bool:
    """Whether a wall time happens exactly once: not repeated, not skipped by the clock."""
    return wall.replace(fold=0).utcoffset() == wall.replace(fold=1).utcoffset()


def _rule_wall_time(instant: datetime, series: MeetingSeries) -> datetime:
    """The wall time a reader's RRULE expansion gives for this rule instance: its day at the
    series' start time. Inside a spring-forward gap that is a time the clock skips (02:30),
    which the reader, like groups.meetings.recurrence, resolves to the stored instant."""
    zone = series.zone
    return datetime.combine(instant.astimezone(zone).date(), series.start_time, tzinfo=zone)


def _meets_at_unclear_wall_time(series: MeetingSeries, since: datetime, until: datetime) -> bool:
    """Whether, between `since` and `until`, a meeting of the series starts at a wall time
    that is not one instant in its zone (cheap for the many series that never do: only a
    start time inside a skipped or repeated hour makes the rule worth walking)."""
    for year in range(since.year, until.year + 1):
        for low, high in unclear_wall_times(series.time_zone, year):
            for day in {low.date(), high.date()}:
                wall = datetime.combine(day, series.start_time)
                if low <= wall < high and _rule_meets_on(series, day):
                    return True
    return False


def _rule_meets_on(series: MeetingSeries, day) -> bool:
    zone = series.zone
    start = datetime.combine(day, datetime.min.time(), tzinfo=zone) - timedelta(hours=3)
    return any(
        instant.astimezone(zone).date() == day
        for instant in occurrences(
            rule=series.rrule,
            start_date=series.start_date,
            start_time=series.start_time,
            time_zone=series.time_zone,
            since=start,
            until=start + timedelta(days=1, hours=6),
        )
    )


def _wall_clock_end(start: datetime, length: timedelta) -> datetime:
    """Where a reader that adds the duration in wall-clock time ends the meeting."""
    return (start + length).replace(fold=0).astimezone(UTC)


# --- texts -----------------------------------------------------------------------------------


def _uid_host() -> str:
    return site_host()


def series_uid(series: MeetingSeries) -> str:
    return f"series-{series.pk}@{_uid_host()}"


def meeting_uid(meeting: Meeting) -> str:
    """A downloaded meeting is its own event (it lands in the person's own calendar, not in a
    subscription), so it does not clash with the series in a subscribed feed."""
    return f"meeting-{meeting.pk}@{_uid_host()}"


def occurrence_uid(series: MeetingSeries, instant: datetime) -> str:
    """A rule instance beyond the stored meetings, written as an event of its own."""
    return f"series-{series.pk}-{instant.astimezone(UTC):%Y%m%dT%H%M%SZ}@{_uid_host()}"


def _group_url(group: SupportGroup) -> str:
    return absolute_reverse("groups:group-detail", kwargs={"slug": group.slug})


def _meeting_url(meeting: Meeting, group: SupportGroup) -> str:
    return absolute_reverse(
        "groups:meeting-detail", kwargs={"slug": group.slug, "meeting_id": meeting.pk}
    )


def _my_meetings_url() -> str:
    return absolute_reverse("groups:my-meetings")


def _summary(series: MeetingSeries, audience: Audience, *, cancelled: bool = False) -> str:
    title = str(DISCREET_SUMMARY) if audience.discreet else f"{series.title} · {series.group.name}"
    # Translators: a calendar entry's title; %(title)s is the meeting's own.
    return _("Cancelled: %(title)s") % {"title": title} if cancelled else title


def _member_details(place: Place) -> list[str]:
    lines = []
    if place.in_person and place.location_notes and not place.moved_to:
        # Translators: in a calendar entry; the facilitators' notes on finding the room.
        lines.append(_("How to find it: %(notes)s") % {"notes": place.location_notes})
    if place.online and place.link:
        # Translators: in a calendar entry; %(link)s is the address to join the meeting at.
        lines.append(_("Join: %(link)s") % {"link": place.link})
        if place.online_notes:
            lines.append(place.online_notes)
    if place.online and place.dial_in:
        words = {"number": place.dial_in, "notes": place.dial_in_notes}
        if place.dial_in_notes:
            # Translators: in a calendar entry: the number to call, then notes (a passcode).
            lines.append(_("Dial-in: %(number)s (%(notes)s)") % words)
        else:
            # Translators: in a calendar entry: the number to call.
            lines.append(_("Dial-in: %(number)s") % words)
    return lines


def _describe(
    *,
    series: MeetingSeries,
    place: Place,
    audience: Audience,
    page_url: str,
    meeting: Meeting | None = None,
) -> dict[str, str]:
    """SUMMARY-free texts of one VEVENT: DESCRIPTION, LOCATION and URL."""
    group = series.group
    texts: dict[str, str] = {}
    if not audience.members:
        # The public sees the city, never the street or the link; the page says the rest.
        texts["description"] = _(
            # Translators: a public calendar entry's description; %(url)s is the group's page.
            "Where exactly, and how to join %(group)s: see the group's page, %(url)s"
        ) % {"group": group.name, "url": page_url}
        if place.in_person and place.area:
            texts["location"] = place.area
        elif place.online and not place.in_person:
            # Translators: a calendar entry's location, for a meeting that meets online.
            texts["location"] = _("Online")
        texts["url"] = page_url
        return texts
    if audience.discreet:
        # Nothing that names the group: not the page's address (it carries the slug, so the
        # entry points at "My meetings"), not the venue's name, not the online link (which
        # is the member's join address, which names nothing). The street stays: it is
        # what gets the member there.
        page_url = absolute_reverse("groups:my-meetings")
        # Translators: a calendar entry's description; %(url)s is a page of ours.
        texts["description"] = _("Details: %(url)s") % {"url": page_url}
        online = place.link if place.online else ""
        if place.in_person and (location := discreet_location(place, series=series)):
            texts["location"] = location
        elif online:
            texts["location"] = online
        texts["url"] = online or page_url
        return texts
    lines = []
    if meeting is not None and meeting.is_cancelled and meeting.cancel_reason:
        # Translators: in a calendar entry; %(reason)s is the facilitators' reason.
        lines.append(_("Cancelled: %(reason)s") % {"reason": meeting.cancel_reason})
    elif meeting is not None and meeting.is_moved:
        lines.append(_("This meeting has moved: note the new time or place."))
    lines += _member_details(place)
    # Translators: a calendar entry's description; %(url)s is a page of ours.
    lines.append(_("Details: %(url)s") % {"url": page_url})
    texts["description"] = "\n".join(lines)
    if place.in_person and place.address:
        texts["location"] = place.address
    elif place.online and place.link:
        texts["location"] = place.link
    texts["url"] = place.link if place.online and place.link else page_url
    return texts


def _event(
    *,
    uid: str,
    summary: str,
    texts: dict[str, str],
    start: datetime,
    sequence: int,
    now: datetime,
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", start)
    event.add("sequence", sequence)
    event.add("summary", summary)
    for name in ("description", "location", "url"):
        if texts.get(name):
            event.add(name, texts[name])
    return event


def _new_calendar(*, name: str) -> Calendar:
    """No METHOD: RFC 5546 (3.2.1) asks a PUBLISH for an ORGANIZER, which a meeting of ours
    has none of (libical's validator refuses the one without the other); a calendar without
    METHOD is one to read or import, which is what ours are."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # icalendar escapes the properties it knows; an X- property it takes as it comes, so it
    # is given as TEXT (RFC 5545 3.3.11: commas, semicolons and line breaks escaped).
    calendar.add("x-wr-calname", vText(name))
    return calendar


def _finish(calendar: Calendar) -> bytes:
    """Write the calendar with a VTIMEZONE for every zone it uses, before its events: from
    the year before its first event on (groups.calendars.zones)."""
    written = calendar.to_ical()
    tzids = sorted(calendar.get_missing_tzids())
    if not tzids:
        return written
    years = [
        start.year
        for event in calendar.walk("VEVENT")
        if isinstance(start := event.decoded("DTSTART"), datetime)
    ]
    first, last = (min(years) - 1, max(years)) if years else (timezone.now().year - 1, None)
    zones = b"".join(vtimezone(tzid, first_year=first, last_year=last) for tzid in tzids)
    at = written.find(b"BEGIN:VEVENT\r\n")
    at = at if at != -1 else written.rindex(b"END:VCALENDAR\r\n")
    return written[:at] + zones + written[at:]


# --- one series -------------------------------------------------------------------------------


def _follows_rule(
    meeting: Meeting, *, written_start: datetime, length: timedelta, members: bool
) -> bool:
    """Whether every reader expanding the master shows this meeting as it is stored: not
    cancelled, not moved (a new place only matters to members, who see places), the series'
    length, at a wall time that is one instant, and ending where a wall-clock reader ends it."""
    if meeting.is_cancelled or meeting.starts_at != meeting.occurrence_start:
        return False
    if members and (meeting.place_override or meeting.online_url_override):
        return False
    if meeting.ends_at != meeting.starts_at + length or not _is_one_instant(written_start):
        return False
    return _wall_clock_end(written_start, length) == meeting.ends_at


def _meeting_event(
    meeting: Meeting,
    *,
    series: MeetingSeries,
    uid: str,
    audience: Audience,
    page_url: str,
    now: datetime,
) -> Event:
    """One meeting where it really is, as an event of its own."""
    meeting.series = series  # the place reads it: no query
    zone = series.zone
    place = audience.place(series, meeting)
    event = _event(
        uid=uid,
        summary=_summary(series, audience, cancelled=meeting.is_cancelled),
        texts=_describe(
            series=series, place=place, audience=audience, page_url=page_url, meeting=meeting
        ),
        start=_zoned(meeting.starts_at, zone),
        sequence=series.sequence + meeting.sequence,
        now=now,
    )
    event.add("dtend", _zoned(meeting.ends_at, zone))
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    return event


def _count_before(series: MeetingSeries, instant: datetime) -> int:
    return sum(
        1
        for _ in occurrences(
            rule=series.rrule,
            start_date=series.start_date,
            start_time=series.start_time,
            time_zone=series.time_zone,
            until=instant - timedelta(microseconds=1),
        )
    )


def series_events(
    series: MeetingSeries,
    stored: list[Meeting],
    *,
    window: Window,
    audience: Audience,
    page_url: str,
    now: datetime,
) -> list[Event]:
    """The master VEVENT of `series` and the events of its meetings that the rule does not
    show as they are, for the stored meetings `stored` (those with `occurrence_start` in the
    window, in order). See the module's docstring."""
    length = timedelta(minutes=series.duration_minutes)
    by_occurrence = {meeting.occurrence_start: meeting for meeting in stored}
    last_stored = stored[-1].occurrence_start if stored else window.start - timedelta(seconds=1)

    rule_instances: list[datetime] = []  # in the window, up to the last stored occurrence
    first_rule: datetime | None = None
    goes_on = False  # the rule has instances after the last stored one: the RRULE shows them
    for instant in occurrences(
        rule=series.rrule,
        start_date=series.start_date,
        start_time=series.start_time,
        time_zone=series.time_zone,
        since=window.start,
        until=_NO_END,
    ):
        first_rule = first_rule or instant
        if instant > last_stored:
            goes_on = True
            break
        rule_instances.append(instant)
    if not stored and not goes_on:
        return []

    def own_event(meeting: Meeting, uid: str) -> Event:
        members_page = audience.members and meeting.pk is not None
        return _meeting_event(
            meeting,
            series=series,
            uid=uid,
            audience=audience,
            page_url=_meeting_url(meeting, series.group) if members_page else page_url,
            now=now,
        )

    ahead = last_stored + _EACH_MEETING_AHEAD
    if series.rrule and _meets_at_unclear_wall_time(series, window.start, ahead):
        coming = [
            Meeting(
                series=series,
                group_id=series.group_id,
                occurrence_start=instant,
                starts_at=instant,
                ends_at=instant + length,
            )
            for instant in occurrences(
                rule=series.rrule,
                start_date=series.start_date,
                start_time=series.start_time,
                time_zone=series.time_zone,
                since=last_stored + timedelta(seconds=1),
                until=ahead,
            )
        ]
        return [own_event(meeting, meeting_uid(meeting)) for meeting in stored] + [
            own_event(meeting, occurrence_uid(series, meeting.starts_at)) for meeting in coming
        ]

    # Where each rule instance sits in the recurrence set, as written, and which of them the
    # master shows as stored; every other rule instance is excluded.
    written = {instant: _rule_wall_time(instant, series) for instant in rule_instances}
    shown = {
        instant
        for instant in rule_instances
        if (meeting := by_occurrence.get(instant)) is not None
        and _follows_rule(
            meeting, written_start=written[instant], length=length, members=audience.members
        )
    }
    own_events = [
        own_event(meeting, meeting_uid(meeting))
        for meeting in stored
        if meeting.occurrence_start not in shown
    ]
    if first_rule is None or (not series.rrule and first_rule not in shown):
        # The rule has nothing left in the window (an ended series, an edit), or is a one-off
        # that is not as the rule says: the stored meetings are the whole set.
        return own_events

    master = _event(
        uid=series_uid(series),
        summary=_summary(series, audience),
        texts=_describe(
            series=series, place=audience.place(series), audience=audience, page_url=page_url
        ),
        start=_rule_wall_time(first_rule, series),
        sequence=series.sequence,
        now=now,
    )
    master.add("duration", length)
    if series.rrule:
        rule = vRecur.from_ical(series.rrule)
        if "COUNT" in rule:  # counted from DTSTART: leave out the instances before it
            rule["COUNT"] = [int(rule["COUNT"][0]) - _count_before(series, first_rule)]
        master.add("rrule", rule)
    for instant in rule_instances:
        if instant not in shown:
            master.add("exdate", written[instant])
    master.add("status", "CONFIRMED")
    return [master, *own_events]


# --- the three calendars ---------------------------------------------------------------------


def _feed(
    *,
    name: str,
    all_series: list[MeetingSeries],
    stored: dict[int, list[Meeting]],
    window: Window,
    audience: Audience,
    page_url_for,
    now: datetime,
) -> bytes:
    calendar = _new_calendar(name=name)
    # Subscribed calendars re-read about hourly (Apple and Outlook honour these).
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for series in all_series:
        for event in series_events(
            series,
            stored.get(series.pk, []),
            window=window,
            audience=audience,
            page_url=page_url_for(series),
            now=now,
        ):
            calendar.add_component(event)
    return _finish(calendar)


def group_calendar_build(*, group: SupportGroup, now: datetime | None = None) -> bytes:
    """The public feed of a listed group: titles and times, the city only, and the group's
    page for everything else. Three queries at most, however many series and meetings."""
    now = now or timezone.now()
    window = Window.around(now)
    all_series = list(MeetingSeries.objects.filter(group=group).order_by("start_time", "pk"))
    for series in all_series:
        series.group = group
    stored = _window_meetings(group, window.start)
    group_url = _group_url(group)
    return _feed(
        name=f"{group.name} ({settings.SITE_NAME})",
        all_series=all_series,
        stored=stored,
        window=window,
        audience=PUBLIC,
        page_url_for=lambda series: group_url,
        now=now,
    )


def personal_calendar_build(*, user: User, now: datetime | None = None) -> bytes:
    """A member's feed: every series of the active groups they are an active member of,
    with places and join addresses. Three queries, however many groups, series and meetings
    (two more the first time, to make the join addresses it lacks)."""
    now = now or timezone.now()
    window = Window.around(now)
    groups = SupportGroup.objects.filter(
        state=SupportGroup.State.ACTIVE,
        pk__in=Membership.objects.filter(user=user, state=Membership.State.ACTIVE).values(
            "group_id"
        ),
    )
    all_series = list(
        MeetingSeries.objects.filter(group__in=groups)
        .select_related("group")
        .order_by("group__name", "start_time", "pk")
    )
    stored = _window_meetings(groups, window.start)
    audience = Audience(
        members=True,
        discreet=user.discreet_mode,
        join_urls=join_urls_for(user=user, series=all_series),
    )
    if audience.discreet:
        name = str(DISCREET_CALENDAR_NAME)
        my_meetings = _my_meetings_url()
        page_url_for = lambda series: my_meetings  # noqa: E731
    else:
        # Translators: the name of a member's calendar; %(site)s is the site's name.
        name = _("My meetings (%(site)s)") % {"site": settings.SITE_NAME}
        page_url_for = lambda series: _group_url(series.group)  # noqa: E731
    return _feed(
        name=name,
        all_series=all_series,
        stored=stored,
        window=window,
        audience=audience,
        page_url_for=page_url_for,
        now=now,
    )


def meeting_calendar_build(
    *,
    meeting: Meeting,
    discreet: bool,
    members: bool = True,
    join_url: str = "",
    now: datetime | None = None,
) -> bytes:
    """One meeting as a calendar of its own (a download, or an e-mail attachment), where it
    really is: its own UID, no recurrence; for a member, with their join address
    (`join_url`). `meeting.series.group` should be loaded."""
    now = now or timezone.now()
    series = meeting.series
    audience = Audience(
        members=members, discreet=discreet, join_urls={series.pk: join_url} if join_url else {}
    )
    calendar = _new_calendar(
        name=str(DISCREET_SUMMARY) if discreet else f"{series.title} · {series.group.name}"
    )
    calendar.add_component(
        _meeting_event(
            meeting,
            series=series,
            uid=meeting_uid(meeting),
            audience=audience,
            page_url=_meeting_url(meeting, series.group),
            now=now,
        )
    )
    return _finish(calendar)


def calendar_feed_links(*, feed: CalendarFeed | None) -> dict[str, str]:
    """The addresses the "My meetings" and profile pages show (the fragment
    groups/fragments/_calendar_feed.html reads these names); empty before the member has made
    one."""
    if feed is None:
        return {"calendar_feed_url": "", "calendar_feed_webcal_url": ""}
    url = absolute_reverse("groups:personal-calendar", kwargs={"token": feed.token})
    return {
        "calendar_feed_url": url,
        "calendar_feed_webcal_url": "webcal://" + url.split("://", 1)[1],
    }

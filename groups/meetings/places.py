"""Where a meeting is: the series' own place or the group's address, a move's new place, and
the online link (the series' or the group's). Members see all of it; the public sees the city.
Pages, e-mails and calendars all read a place from here."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TypedDict

from django.core import signing

from groups.models import Meeting, MeetingSeries
from lib.urls import absolute_reverse


@dataclass(frozen=True)
class Place:
    in_person: bool
    online: bool
    location: str = ""
    street: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""
    location_notes: str = ""
    online_url: str = ""
    online_notes: str = ""
    dial_in: str = ""
    dial_in_notes: str = ""
    moved_to: str = ""  # a one-time place for a moved meeting, as the facilitator wrote it

    @property
    def address(self) -> str:
        """The full address on one line (members only)."""
        if self.moved_to:
            return self.moved_to
        locality = " ".join(part for part in (self.postal_code, self.city) if part)
        parts = (self.location, self.street, locality, self.region, self.country)
        return ", ".join(part for part in parts if part)

    @property
    def area(self) -> str:
        """What the public may know: the city and region, never the street."""
        return ", ".join(part for part in (self.city, self.region) if part)


def series_place(series: MeetingSeries) -> Place:
    group = series.group
    source = group if series.use_group_address else series
    return Place(
        in_person=series.meets_in_person,
        online=series.meets_online,
        location=series.location,
        street=source.street if series.meets_in_person else "",
        city=source.city,
        region=source.region,
        postal_code=source.postal_code if series.meets_in_person else "",
        country=source.country,
        location_notes=series.location_notes,
        online_url=(series.online_url or group.online_url) if series.meets_online else "",
        online_notes=series.online_notes if series.meets_online else "",
        dial_in=series.dial_in if series.meets_online else "",
        dial_in_notes=series.dial_in_notes if series.meets_online else "",
    )


class _PlaceChanges(TypedDict, total=False):
    moved_to: str
    online_url: str


def meeting_place(meeting: Meeting) -> Place:
    """The series' place, with a move's new place or link where one was given."""
    place = series_place(meeting.series)
    changes: _PlaceChanges = {}
    if meeting.place_override:
        changes["moved_to"] = meeting.place_override
    if meeting.online_url_override:
        changes["online_url"] = meeting.online_url_override
    if not changes:
        return place
    return replace(place, **changes)


def series_public_place(series: MeetingSeries) -> Place:
    """What anyone may know of where a series meets: the same on the group's public page and
    in the public feeds, and nothing more in either. The city, region and country always (an
    online series: the group's home city, which gives finders a region and a time zone); the
    venue, street and postal code only where the group publishes its address; the online
    link and dial-in only where it publishes its link. Never the notes ("upstairs, room 4")."""
    place = series_place(series)
    group = series.group
    address = group.publish_address and place.in_person
    link = group.publish_online_link and place.online
    home = place if place.in_person else group
    return Place(
        in_person=place.in_person,
        online=place.online,
        location=place.location if address else "",
        street=place.street if address else "",
        city=home.city,
        region=home.region,
        postal_code=place.postal_code if address and place.street else "",
        country=home.country,
        online_url=place.online_url if link else "",
        online_notes=place.online_notes if link else "",
        dial_in=place.dial_in if link else "",
        dial_in_notes=place.dial_in_notes if link else "",
    )


# --- discreet calendar entries ------------------------------------------------------------------

_ONLINE_SALT = "groups.meetings.online-link"


def discreet_online_address(*, series: MeetingSeries, meeting: Meeting | None = None) -> str:
    """The address a discreet calendar entry gives for joining online: one on this site that
    names nothing (the meeting's own link, or its page's address, may carry the group's
    name), and that leads a signed-in member of the group to the link (online_link_follow).
    Anyone else who sees the entry learns nothing from it."""
    target = ["m", meeting.pk] if meeting is not None else ["s", series.pk]
    token = signing.dumps(target, salt=_ONLINE_SALT, compress=True)
    return absolute_reverse("groups:online-link", args=[token])


def online_link_target(token: str) -> tuple[MeetingSeries, Meeting | None]:
    """The series (and meeting) a discreet online address stands for; LookupError for a
    token that is not ours or names nothing any more."""
    try:
        kind, pk = signing.loads(token, salt=_ONLINE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise LookupError(token) from None
    if kind == "m":
        meeting = Meeting.objects.select_related("series__group").filter(pk=pk).first()
        if meeting is None:
            raise LookupError(token)
        return meeting.series, meeting
    series = MeetingSeries.objects.select_related("group").filter(pk=pk).first()
    if kind != "s" or series is None:
        raise LookupError(token)
    return series, None


def discreet_location(place: Place, *, series: MeetingSeries) -> str:
    """Where a discreet calendar entry says the meeting is: the street address, without the
    venue's name (a hall's name can say what meets there) or the notes. A moved meeting's
    new place as the facilitator wrote it, unless it names the group or the series; then
    nothing, and the entry's details link says where."""
    if place.moved_to:
        written = place.moved_to.casefold()
        names = (series.group.name.casefold(), series.title.casefold())
        return "" if any(name and name in written for name in names) else place.moved_to
    locality = " ".join(part for part in (place.postal_code, place.city) if part)
    return ", ".join(part for part in (place.street, locality, place.region, place.country) if part)

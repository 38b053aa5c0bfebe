"""What two real meeting finders make of our feed: the rules of their loaders that decide
whether a meeting is loaded at all, on which weekday, with which types, and whether it is
listed as active, re-implemented in Python from their source, so that a test of the feed
checks the finders and not our own reading of the spec (as meeting_guide_spec does for the
spec).

- TSML UI, code4recovery/tsml-ui at fef58db87ded610e1660fa246d48e374f11b54b5:
  `src/helpers/load-meeting-data.ts` (TUI below), run in the visitor's browser on the feed.
- The 12 Step Meeting List plugin, code4recovery/12-step-meeting-list at
  58ae0c0c8b077ef09cbe7615b7d4a4508206eb53: its import of a JSON feed,
  `includes/functions_import.php` (TSML below), and what it then calls.

Each rule names the file and lines it follows. Only the rules that matter for what we publish
are here; both loaders do more (regions, distances, contacts, ...). Nothing here is their code.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tests.groups.meeting_guide_spec import RESERVED_TYPES

# --- shared configuration ------------------------------------------------------------------

# The conference providers both finders accept by default: tsml-ui
# `src/hooks/settings.tsx` L13-35 (`conference_providers`, which a site's tsml_react_config
# may extend: deepmerge at L132-135) and 12-step-meeting-list `includes/variables.php` L29-52
# (`$tsml_conference_providers`, "set this to null in your theme" to skip the check).
CONFERENCE_PROVIDERS: dict[str, str] = {
    "bluejeans.com": "Bluejeans",
    "discord.gg": "Discord",
    "freeconference.com": "Free Conference",
    "freeconferencecall.com": "FreeConferenceCall",
    "goto.com": "GoTo",
    "gotomeet.me": "GoTo",
    "gotomeeting.com": "GoTo",
    "horizon.meta.com": "Virtual Reality",
    "maps.secondlife.com": "Virtual Reality",
    "meet.google.com": "Google Meet",
    "meet.jit.si": "Jitsi",
    "meetings.dialpad.com": "Dialpad",
    "signal.group": "Signal",
    "skype.com": "Skype",
    "slurl.com": "Virtual Reality",
    "teams.live.com": "Teams",
    "teams.microsoft.com": "Teams",
    "vrchat.com": "Virtual Reality",
    "webex.com": "WebEx",
    "zoho.com": "Zoho",
    "zoom.us": "Zoom",
}


@dataclass(frozen=True)
class FinderMeeting:
    """A meeting as a finder lists it."""

    slug: str
    name: str
    group: str
    day: int | None  # 0 = Sunday; None: "by appointment"
    types: frozenset[str]  # spec codes only (TUI's metatypes are the flags below)
    active: bool
    in_person: bool
    online: bool


@dataclass
class FinderLoad:
    meetings: list[FinderMeeting] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # What the visitor sees instead of any meeting when the load fails (TUI "Loading error").
    error: str = ""
    # Slugs a finder changed on import to keep them unique (TSML), which breaks links.
    renamed: list[str] = field(default_factory=list)

    @property
    def inactive(self) -> list[str]:
        return [meeting.slug for meeting in self.meetings if not meeting.active]


# --- TSML UI -------------------------------------------------------------------------------

# tsml-ui `src/i18n/en.ts` L88-95: the types TUI knows are the spec's (`getTypesForLanguage`
# of @code4recovery/spec 1.1.9, the 87 reserved codes) plus its own metatypes.
TUI_TYPES = RESERVED_TYPES | {"active", "inactive", "in-person", "online", "SPD"}
# tsml-ui `src/hooks/settings.tsx` L53-65: types dropped from a meeting that is not in person.
TUI_IN_PERSON_TYPES = frozenset(
    {"BA", "BRK", "CAN", "CF", "AL-AN", "AL", "FF", "OUT", "SM", "X", "XB"}
)


class _TuiThrow(Exception):
    """An exception thrown inside loadMeetingData: it ends the whole load."""


def _luxon_number(value: object) -> float:
    """luxon's `asNumber` (moment/luxon b6b9d037, `src/impl/util.js` L285-290), which
    `DateTime.fromObject` applies to every unit (`src/datetime.js` L804-812): JavaScript's
    `Number(value)`, and a throw of "Invalid unit value <value>" when that is not finite. An
    array becomes its comma-joined text first, so `[1, 4]` throws "Invalid unit value 1,4"."""
    if isinstance(value, bool) or value == "":
        raise _TuiThrow(f"Invalid unit value {value}")
    if isinstance(value, list):
        if not value:
            return 0
        if len(value) == 1:
            return _luxon_number(value[0])
        raise _TuiThrow("Invalid unit value " + ",".join(str(one) for one in value))
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise _TuiThrow(f"Invalid unit value {value}") from None


def _tui_flatten_days(data: list[dict]) -> list[dict]:
    """`flattenDays`, load-meeting-data.ts L633-661: every meeting with a day list becomes one
    meeting per day, slugged `<slug>-<day>`, and the original is removed by index, one
    `splice(index, 1)` after another (L651). Each removal shifts the later ones, so from the
    second day-list meeting on, the removal takes the meeting one further along: that
    meeting silently disappears and the day-list meeting stays in the data as it was."""
    added: list[dict] = []
    removed: list[int] = []
    for index, meeting in enumerate(data):
        if isinstance(meeting.get("day"), list):
            removed.append(index)
            for day in meeting["day"]:
                added.append(
                    meeting | {"day": _parse_int(day), "slug": f"{meeting.get('slug')}-{day}"}
                )
    for index in removed:
        if index < len(data):
            del data[index]
    rest = [meeting | {"day": _parse_int(meeting.get("day"))} for meeting in data]
    return rest + added


def _parse_int(day: object) -> object:
    """`typeof day === 'string' ? parseInt(day) : day` (L644, L657)."""
    if isinstance(day, str):
        digits = re.match(r"\s*[+-]?\d+", day)
        return int(digits.group()) if digits else None
    return day


def _tui_provider(url: str, providers: dict[str, str]) -> str | None:
    """`formatConferenceProvider`, src/helpers/format-conference-provider.ts L2-13: the name
    of the first provider whose domain ends the URL's host, else none."""
    parts = url.split("/")
    if len(parts) < 2:
        return None
    host = parts[2] if len(parts) > 2 else ""
    found = [domain for domain in providers if host.endswith(domain)]
    return providers[found[0]] if found else None


def _tui_phone(meeting: dict) -> str | None:
    """`validateConferencePhone`, load-meeting-data.ts L697-707."""
    phone = meeting.get("conference_phone")
    if phone:
        clean = re.sub(r"[^\d,+#]", "", phone)
        if len(clean) >= 10:
            return clean
    return None


def tsml_ui_load(
    feed: list[dict],
    *,
    conference_providers: dict[str, str] = CONFERENCE_PROVIDERS,
    timezone: str | None = None,
) -> FinderLoad:
    """`loadMeetingData`, load-meeting-data.ts L16-631, as `DataProvider` calls it
    (src/hooks/data.tsx L139-175): anything it throws becomes "Loading error: ..." and the
    visitor gets no meetings at all (L172-175)."""
    result = FinderLoad()
    try:
        _tui_load(copy.deepcopy(feed), conference_providers, timezone, result)
    except _TuiThrow as thrown:
        return FinderLoad(error=f"Loading error: {thrown}")
    return result


def _tui_load(
    data: list[dict], providers: dict[str, str], timezone: str | None, result: FinderLoad
) -> None:
    seen: set[str] = set()
    for meeting in _tui_flatten_days(data):
        slug = meeting.get("slug")
        # L74-79: a slug is required and must be unique; otherwise the meeting is skipped.
        if not slug:
            result.warnings.append("no slug")
            continue
        if slug in seen:
            result.warnings.append(f"duplicate slug: {slug}")
            continue

        # L81-108: a conference_url counts only from a known provider (else a warning, and
        # its notes go too).
        url = meeting.get("conference_url")
        provider = _tui_provider(url, providers) if url else None
        if url and not provider:
            result.warnings.append(f"unknown conference_url: {slug}")
        phone = _tui_phone(meeting)  # L110-113

        # L115-138: formatted_address from the parts; a meeting with none is skipped.
        formatted = meeting.get("formatted_address")
        if not formatted:
            state_postal = " ".join(
                part for part in (meeting.get("state"), meeting.get("postal_code")) if part
            ).strip()
            parts = (
                meeting.get("address"),
                meeting.get("city"),
                state_postal,
                meeting.get("country"),
            )
            formatted = ", ".join(part.strip() for part in parts if part and part.strip())
            if not formatted:
                result.warnings.append(f"no address information: {slug}")
                continue

        # L145-161: approximate from `coordinates`, else the `approximate` string or boolean,
        # else an address of fewer than four comma-separated parts.
        approximate_field = meeting.get("approximate")
        coordinates = meeting.get("coordinates")
        if coordinates and coordinates.count(",") in (1, 3):
            approximate = len(coordinates.split(",")) != 2
        elif isinstance(approximate_field, str):
            approximate = approximate_field.lower() == "yes"
        elif isinstance(approximate_field, bool):
            approximate = approximate_field
        else:
            approximate = len(formatted.split(",")) < 4

        # L166-173: only types TUI has a label for, and never ONL (it decides that itself).
        raw = meeting.get("types")
        types = (
            [
                str(one) if isinstance(one, int) else one.strip()
                for one in raw
                if isinstance(one, int | str)
            ]
            if isinstance(raw, list)
            else []
        )
        types = [one for one in types if one in TUI_TYPES and one != "ONL"]

        # L175-193: online = a known provider or a phone; in person = not TC and not
        # approximate; active = either; inactive otherwise.
        online = bool(provider) or bool(phone)
        in_person = "TC" not in types and not approximate
        active = online or in_person
        # L195-198: room types only for a meeting in a room.
        if not in_person:
            types = [one for one in types if one not in TUI_IN_PERSON_TYPES]
        # L200-205: speaker + discussion is shown as one type.
        if "SP" in types and "D" in types:
            types = [one for one in types if one not in {"SP", "D"}] + ["SPD"]

        # L237-262: a day and a time make a weekly meeting (else "by appointment"); Sunday is
        # luxon's weekday 7; a missing zone skips the meeting; an invalid start skips it; a
        # value luxon cannot read as a number throws (see _luxon_number).
        day = meeting.get("day")
        if day is not None and meeting.get("time"):
            if not meeting.get("timezone") and not timezone:
                result.warnings.append(f"{slug} has no timezone")
                continue
            weekday = 7 if day == 0 else day
            number = _luxon_number(weekday)
            if number != int(number) or not 1 <= number <= 7:
                result.warnings.append(f"invalid start: {slug}")
                continue
        else:
            day = None

        seen.add(slug)
        result.meetings.append(
            FinderMeeting(
                slug=slug,
                name=meeting.get("name") or "Unnamed meeting",
                group=meeting.get("group") or "",
                day=day,
                types=frozenset(types),
                active=active,
                in_person=in_person,
                online=online,
            )
        )


# --- 12 Step Meeting List ------------------------------------------------------------------

# includes/variables.php L766-824: the AA program's types (the default program, L596), plus
# ONL and TC for every program (L1454-1459) and the languages of `tsml_languages`
# (includes/functions.php L995-1117, with the AA substitutions of L1049-1058).
TSML_AA_TYPES = frozenset(
    {
        "11", "12x12", "A", "ABSI", "AL", "AL-AN", "ASL", "B", "BA", "BE", "BI", "BRK", "C",
        "CAN", "CF", "D", "DB", "DD", "DR", "FF", "G", "GR", "H", "L", "LGBTQ", "LIT", "LS", "M",
        "MED", "N", "NB", "NDG", "O", "OUT", "P", "POA", "POC", "SEN", "SM", "SP", "ST", "T",
        "TR", "W", "X", "XB", "XT", "Y",
        "ONL", "TC",
        "AF", "AM", "AR", "BG", "DA", "DE", "EL", "EN", "S", "FA", "FI", "FR", "HE", "HI", "HR",
        "HU", "IS", "ITA", "JA", "KA", "KOR", "LT", "ML", "MT", "NE", "NL", "NO", "PUN", "POL",
        "POR", "RUS", "SK", "SL", "SV", "TH", "TL", "TUR", "UK",
    }
)  # fmt: skip


def _php_text(value: object) -> str:
    """The import's first pass over every value, functions_import.php L946-965: `(string)`,
    trimmed, quotes and tags taken off (`sanitize_text_field`)."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    text = str(value).strip()
    if len(text) > 1 and text[0] == text[-1] == '"':
        text = text.strip('"').strip()
    return re.sub(r"<[^>]*>", "", text).strip()


def _texts(value: object) -> object:
    if isinstance(value, list):
        return [_texts(one) for one in value]
    if isinstance(value, dict):
        return _text_fields(value)
    return _php_text(value)


def _text_fields(meeting: dict) -> dict:
    return {key: _texts(value) for key, value in meeting.items()}


def _sanitize_title(text: str) -> str:
    """WordPress's `sanitize_title` for the plain ASCII slugs we publish."""
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9_-]", "-", text.lower())).strip("-")


def _tsml_provider(url: str, providers: dict[str, str] | None) -> bool:
    """`tsml_conference_provider`, includes/functions.php L348-362: no list, no check; else the
    URL's host must end with a provider's domain."""
    if not providers:
        return True
    host = urlsplit(url).hostname or ""
    return any(host.endswith(domain) for domain in providers)


def _tsml_geocode_approximate(formatted_address: str, *, street: bool) -> str:
    """`tsml_geocode` (includes/functions.php L794-831, L839-966) asks the code4recovery
    geocoder, which answers as Google does; a result whose `location_type` is APPROXIMATE
    makes the location approximate (L952). The import stores that, not the feed's own
    `approximate` (functions_import.php L349, L444). A city, a region or a postal code
    geocodes as APPROXIMATE; an address with a street does not: the assumption here."""
    return "no" if street else "yes"


def _tsml_attendance_option(types: list[str], approximate: str) -> str:
    """`tsml_calculate_attendance_option`, includes/functions.php L203-233, which
    `tsml_get_meetings` applies to every imported meeting (functions_get.php L545-556)."""
    if "TC" in types and "ONL" in types:
        return "online"
    if "TC" in types:
        return "inactive"
    if "ONL" in types:
        return "online" if approximate == "yes" else "hybrid"
    return "inactive" if approximate == "yes" else "in_person"


def tsml_import(
    feed: list[dict],
    *,
    conference_providers: dict[str, str] | None = CONFERENCE_PROVIDERS,
    program_types: frozenset[str] = TSML_AA_TYPES,
) -> FinderLoad:
    """`tsml_import_sanitize_meetings` (functions_import.php L856-1277) and then
    `tsml_import_buffer_next` (L290-602), as a new data source is imported (L145-165, L234)."""
    result = FinderLoad()
    meetings: list[dict] = [_text_fields(meeting) for meeting in copy.deepcopy(feed)]

    # L967-1017: a slug for every meeting (L973-989), made unique by a counter (L991-1000),
    # then a day list becomes one meeting per day, slugged `<slug>-<day>` (L1002-1017).
    counts: dict[str, int] = {}
    single: list[dict] = []
    per_day: list[dict] = []
    for meeting in meetings:
        slug = ""
        for key in ("slug", "post_name", "ID", "id", "name", "title", "group", "location"):
            if meeting.get(key):
                slug = _sanitize_title(meeting[key])
            if slug:
                break
        if not slug:
            result.warnings.append("no slug: meeting removed")
            continue
        if slug in counts:
            while f"{slug}-{counts[slug]}" in counts and counts[slug] < 999:
                counts[slug] += 1
            renamed = f"{slug}-{counts[slug]}"
            counts[slug] += 1
            result.renamed.append(slug)
            slug = renamed
        else:
            counts[slug] = 1
        meeting["slug"] = slug
        if isinstance(meeting.get("day"), list):
            per_day += [meeting | {"day": day, "slug": f"{slug}-{day}"} for day in meeting["day"]]
        else:
            single.append(meeting)

    for meeting in single + per_day:
        # L1047-1054: the day is 0-6 (or a day's name); no time or no day: by appointment.
        day = meeting.get("day")
        if day is not None and day not in {str(number) for number in range(7)}:
            day = False
        if not meeting.get("time") or day is False:
            day = None
        # L1074-1101: formatted_address from the parts, "US" as "USA".
        country = "USA" if meeting.get("country") == "US" else meeting.get("country")
        parts = [meeting.get(key) for key in ("address", "city", "state", "postal_code")]
        formatted = meeting.get("formatted_address") or ", ".join(
            part for part in (*parts, country) if part
        )
        # L1133-1157: only the program's codes, in any case (or their labels, which we never
        # send); anything else is unused.
        upper = {code.upper() for code in program_types}
        types = [code for code in meeting.get("types") or [] if code.upper() in upper]
        # L1159-1162: open and closed is closed.
        if "C" in types and "O" in types:
            types.remove("O")
        # L1164-1181: ONL is dropped, then back only for a known provider's URL (else the URL
        # and its notes are dropped) or a phone.
        types = [code for code in types if code != "ONL"]
        url = meeting.get("conference_url")
        if url:
            if _tsml_provider(url, conference_providers):
                types.append("ONL")
            else:
                url = None
        if meeting.get("conference_phone") and not url:
            types.append("ONL")
        types = list(dict.fromkeys(types))  # L1191-1192

        # tsml_import_buffer_next L334-341: no address, no meeting.
        if not formatted:
            result.warnings.append(f"No location information provided for {meeting.get('name')}")
            continue
        approximate = _tsml_geocode_approximate(formatted, street=bool(meeting.get("address")))
        attendance = _tsml_attendance_option(types, approximate)
        result.meetings.append(
            FinderMeeting(
                slug=meeting["slug"],
                name=meeting.get("name") or "",
                group=meeting.get("group") or "",
                day=None if day is None else int(day),
                types=frozenset(types),
                active=attendance != "inactive",
                in_person=attendance in {"in_person", "hybrid"},
                online=attendance in {"online", "hybrid"},
            )
        )
    return result

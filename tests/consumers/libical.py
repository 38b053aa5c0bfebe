"""libical (the C library of Evolution and many desktop calendars), through ctypes: its
parser and its validator, as its `icalvalidate` tool runs them (parse, then
icalrestriction_check: RFC 5545's and RFC 5546's rules, which add X-LIC-ERROR properties), and
its expansion of recurring events, as a calendar built on it shows them.

The declarations follow Debian's libical 3.0.16 headers (libical-dev, /usr/include/libical):
`struct icaltimetype` and `struct icaltime_span` (icaltime.h L95-118),
`icalcomponent_foreach_recurrence` (icalcomponent.h L457-463), `enum icalproperty_status`
(ical.h L2303-2316), ICAL_VEVENT_COMPONENT (ical.h L979)."""

from __future__ import annotations

import ctypes
from datetime import UTC, datetime

ICAL_VEVENT_COMPONENT = 4
ICAL_STATUS_CANCELLED = 10905


class IcalTime(ctypes.Structure):
    _fields_ = [
        ("year", ctypes.c_int),
        ("month", ctypes.c_int),
        ("day", ctypes.c_int),
        ("hour", ctypes.c_int),
        ("minute", ctypes.c_int),
        ("second", ctypes.c_int),
        ("is_date", ctypes.c_int),
        ("is_daylight", ctypes.c_int),
        ("zone", ctypes.c_void_p),
    ]


class IcalSpan(ctypes.Structure):
    _fields_ = [("start", ctypes.c_long), ("end", ctypes.c_long), ("is_busy", ctypes.c_int)]


SPAN_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(IcalSpan), ctypes.c_void_p)


def load() -> ctypes.CDLL | None:
    try:
        lib = ctypes.CDLL("libical.so.3")
    except OSError:
        return None
    signatures = {
        "icalparser_parse_string": (ctypes.c_void_p, [ctypes.c_char_p]),
        "icalrestriction_check": (ctypes.c_int, [ctypes.c_void_p]),
        "icalcomponent_count_errors": (ctypes.c_int, [ctypes.c_void_p]),
        "icalcomponent_as_ical_string": (ctypes.c_char_p, [ctypes.c_void_p]),
        "icalcomponent_free": (None, [ctypes.c_void_p]),
        "icalcomponent_get_first_component": (ctypes.c_void_p, [ctypes.c_void_p, ctypes.c_int]),
        "icalcomponent_get_next_component": (ctypes.c_void_p, [ctypes.c_void_p, ctypes.c_int]),
        "icalcomponent_get_uid": (ctypes.c_char_p, [ctypes.c_void_p]),
        "icalcomponent_get_status": (ctypes.c_int, [ctypes.c_void_p]),
        "icalcomponent_get_summary": (ctypes.c_char_p, [ctypes.c_void_p]),
        "icalcomponent_get_description": (ctypes.c_char_p, [ctypes.c_void_p]),
        "icalcomponent_get_dtstart": (IcalTime, [ctypes.c_void_p]),
        "icalcomponent_get_recurrenceid": (IcalTime, [ctypes.c_void_p]),
        "icalcomponent_foreach_recurrence": (
            None,
            [ctypes.c_void_p, IcalTime, IcalTime, SPAN_CALLBACK, ctypes.c_void_p],
        ),
        "icaltime_is_null_time": (ctypes.c_int, [IcalTime]),
        "icaltime_as_timet_with_zone": (ctypes.c_long, [IcalTime, ctypes.c_void_p]),
        "icaltime_from_timet_with_zone": (IcalTime, [ctypes.c_long, ctypes.c_int, ctypes.c_void_p]),
        "icaltimezone_get_utc_timezone": (ctypes.c_void_p, []),
    }
    for name, (restype, argtypes) in signatures.items():
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes
    return lib


def problems(lib: ctypes.CDLL, body: bytes) -> list[str]:
    """What libical's validator finds wrong with a calendar: its X-LIC-ERROR lines."""
    component = lib.icalparser_parse_string(body)
    if not component:
        return ["libical could not parse it"]
    try:
        lib.icalrestriction_check(component)
        if not lib.icalcomponent_count_errors(component):
            return []
        written = lib.icalcomponent_as_ical_string(component).decode()
        return [line for line in written.splitlines() if "X-LIC-ERROR" in line]
    finally:
        lib.icalcomponent_free(component)


def expand(lib: ctypes.CDLL, body: bytes, until: datetime) -> list[dict]:
    """Every occurrence libical makes of the calendar's events up to `until`, as
    [{uid, start (UTC, ISO), status, summary, description}] (what the node readers print).
    libical expands one component at a time (`icalcomponent_foreach_recurrence`: RRULE, RDATE,
    EXDATE, each instance in UTC through the event's own VTIMEZONE); relating an override to
    the instance it replaces is the application's part, which compares the RECURRENCE-ID with
    the instance as `icaltime_compare` does, both in UTC (icaltime.h L309-315): so here."""
    calendar = lib.icalparser_parse_string(body)
    if not calendar:
        raise ValueError("libical could not parse the calendar")
    utc = lib.icaltimezone_get_utc_timezone()
    start = lib.icaltime_from_timet_with_zone(0, 0, utc)
    end = lib.icaltime_from_timet_with_zone(int(until.timestamp()), 0, utc)
    instances: list[tuple[int, dict]] = []  # UTC start, the event's texts
    replaced: dict[tuple[str, int], tuple[int, dict]] = {}  # (uid, RECURRENCE-ID): override
    try:
        event = lib.icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT)
        while event:
            texts = _texts(lib, event)
            recurrence_id = lib.icalcomponent_get_recurrenceid(event)
            if not lib.icaltime_is_null_time(recurrence_id):
                dtstart = lib.icalcomponent_get_dtstart(event)
                key = (
                    texts["uid"],
                    lib.icaltime_as_timet_with_zone(recurrence_id, recurrence_id.zone),
                )
                replaced[key] = (lib.icaltime_as_timet_with_zone(dtstart, dtstart.zone), texts)
            else:

                def found(_component, span, _data, texts=texts):
                    instances.append((span.contents.start, texts))

                lib.icalcomponent_foreach_recurrence(event, start, end, SPAN_CALLBACK(found), None)
            event = lib.icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)
    finally:
        lib.icalcomponent_free(calendar)
    occurrences = []
    for instant, texts in instances:
        instant, texts = replaced.pop((texts["uid"], instant), (instant, texts))
        occurrences.append(texts | {"start": datetime.fromtimestamp(instant, UTC).isoformat()})
    # An override that matches no instance is kept as an occurrence of its own: a miss then
    # shows as a meeting too many (the instance it should have replaced), never as none.
    occurrences += [
        texts | {"start": datetime.fromtimestamp(instant, UTC).isoformat()}
        for instant, texts in replaced.values()
    ]
    return occurrences


def _texts(lib: ctypes.CDLL, event: int) -> dict:
    def text(value: bytes | None) -> str:
        return value.decode() if value else ""

    return {
        "uid": text(lib.icalcomponent_get_uid(event)),
        "status": (
            "CANCELLED" if lib.icalcomponent_get_status(event) == ICAL_STATUS_CANCELLED else ""
        ),
        "summary": text(lib.icalcomponent_get_summary(event)),
        "description": text(lib.icalcomponent_get_description(event)),
    }

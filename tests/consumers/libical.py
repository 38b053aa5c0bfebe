"""libical (the C library of Evolution and many desktop calendars), through ctypes: its
parser and its validator, as its `icalvalidate` tool runs them (parse, then
icalrestriction_check: RFC 5545's and RFC 5546's rules, which add X-LIC-ERROR properties)."""

from __future__ import annotations

import ctypes


def load() -> ctypes.CDLL | None:
    try:
        lib = ctypes.CDLL("libical.so.3")
    except OSError:
        return None
    lib.icalparser_parse_string.restype = ctypes.c_void_p
    lib.icalparser_parse_string.argtypes = [ctypes.c_char_p]
    lib.icalrestriction_check.argtypes = [ctypes.c_void_p]
    lib.icalrestriction_check.restype = ctypes.c_int
    lib.icalcomponent_count_errors.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_count_errors.restype = ctypes.c_int
    lib.icalcomponent_as_ical_string.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_as_ical_string.restype = ctypes.c_char_p
    lib.icalcomponent_free.argtypes = [ctypes.c_void_p]
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

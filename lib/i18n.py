"""Languages: which one a person gets, and writing dates and times in it.

Kinship speaks English and Spanish (settings.LANGUAGES). A visitor gets the language their
browser asks for (Accept-Language), or the one they chose with the switcher on every page
(a cookie); a member gets the one in their preferences, on every page and in every message
we send them, whatever language the person who caused the message uses (in_language_of).
Dates are written as each language writes them ("Wednesday 2 December 2026",
"miércoles 2 de diciembre de 2026"), with the 24-hour clock in both; time zone
abbreviations stay as they are (EST)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.utils import dateformat, translation

# Formats of our own beside Django's named ones (config/formats/<lang>/formats.py), by
# language: a day with its weekday, with or without the year, and its short form for a
# phone's lock screen.
_DAY_FORMATS = {
    "en": {
        "weekday_date": "l j F Y",
        "weekday_day": "l j F",
        "short_day": "D j M",
        "short_weekday_date": "D j F Y",
    },
    "es": {
        "weekday_date": r"l j \d\e F \d\e Y",
        "weekday_day": r"l j \d\e F",
        "short_day": "D j M",
        "short_weekday_date": r"D j \d\e F \d\e Y",
    },
}


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def current_language() -> str:
    """The language being read now ("es"), as a code of ours: the request's, the one a
    message is being built in (in_language_of), else the site's."""
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def language_of(user: Any) -> str:
    """The language a member reads: their preference, if it is one we speak."""
    chosen = getattr(user, "language", "") or ""
    return chosen if chosen in language_codes() else settings.LANGUAGE_CODE


@contextmanager
def in_language_of(user: Any) -> Iterator[None]:
    """Build what is for `user` (an e-mail, a push message, a calendar) in their language,
    and put the current one back afterwards."""
    with translation.override(language_of(user)):
        yield


def _day_format(style: str) -> str:
    return _DAY_FORMATS.get(current_language(), _DAY_FORMATS["en"])[style]


def format_day(value: date | datetime, style: str = "weekday_date") -> str:
    """ "Wednesday 2 December 2026" (`weekday_date`), "Wednesday 2 December"
    (`weekday_day`), "Wed 2 Dec" (`short_day`) or "Wed 2 December 2026"
    (`short_weekday_date`), in the current language. A datetime is
    written as it is: convert it to the reader's zone first."""
    return dateformat.format(value, _day_format(style))


def format_clock(value: datetime) -> str:
    """ "19:00": the 24-hour clock, as both our languages write a meeting's time."""
    return f"{value:%H:%M}"


# PostgreSQL's text search configuration (its stemmer and stop words) for text in each
# language.
SEARCH_CONFIGS = {"en": "english", "es": "spanish"}


def search_config(language: str) -> str:
    return SEARCH_CONFIGS.get(language, SEARCH_CONFIGS[settings.LANGUAGE_CODE])

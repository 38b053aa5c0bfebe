"""Time zones in people's words.

`zone_resolve` reads what someone typed ("asia/kolkata", "Kolkata", "new york", "EST",
"UTC+5:45", "India") as one canonical IANA name, or says why it cannot, naming the zones it
could be. `zone_label` names a zone the way people say it: "India Standard Time (Kolkata)",
"Eastern Time (New York)", with the abbreviation when it is shown beside a time.

The names are CLDR's, from Babel's data (shipped inside the package: nothing is fetched), in
the language being read: "hora oriental (Nueva York)" for a Spanish reader. What someone
types is read in every language we speak, whichever they read ("Nueva York" and "New York"
are both New York). Babel keys its zone data by CLDR's own ids, some of them older than the
IANA names (CLDR says "Asia/Calcutta" where IANA says "Asia/Kolkata"), so every lookup goes through
`_cldr_id`.

How an abbreviation is read (documented for the people who answer support mail):

- Kinship's first community, its crisis lines and its default zone are in the United States,
  so the US abbreviations (ET, EST, EDT, CT, CST, CDT, MT, MST, MDT, PT, PST, PDT, AKST, AKDT,
  HST) mean the zone of the US city that keeps that clock (New York, Chicago, Denver, Los
  Angeles, Anchorage, Honolulu), never China's or Cuba's CST.
- UTC, GMT, Z and their spellings mean UTC.
- Any other abbreviation is accepted when exactly one zone of the list uses it at present or
  within the coming year (JST is Tokyo); otherwise ("IST": India, Israel and Ireland all
  use it) the person is shown the zones it could be and asked for a city.
- An offset ("UTC+5:45", "+05:45", "GMT-3") is accepted when exactly one zone of the list
  keeps that offset today (Kathmandu); otherwise the message lists those zones.
"""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from datetime import UTC, datetime, timedelta
from functools import cache

from babel import Locale
from babel.core import get_global
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.validators import time_zone_names
from lib.i18n import current_language, language_codes

_CANDIDATES_SHOWN = 6

# See the module's docstring.
US_ABBREVIATIONS = {
    "et": "America/New_York",
    "est": "America/New_York",
    "edt": "America/New_York",
    "eastern": "America/New_York",
    "ct": "America/Chicago",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "central": "America/Chicago",
    "mt": "America/Denver",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "mountain": "America/Denver",
    "pt": "America/Los_Angeles",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pacific": "America/Los_Angeles",
    "akst": "America/Anchorage",
    "akdt": "America/Anchorage",
    "hst": "Pacific/Honolulu",
}
_UTC_WORDS = {"utc", "gmt", "z", "zulu", "uct", "universal", "etc/utc", "etc/gmt", "utc+0", "gmt+0"}

# Large cities that have no zone of their own, by the zone whose clock they keep. Only places
# with one clock: a city on a zone border is better typed as its zone's city.
CITIES = {
    "Asia/Kolkata": (
        "Mumbai",
        "Bombay",
        "Delhi",
        "New Delhi",
        "Bengaluru",
        "Bangalore",
        "Chennai",
        "Madras",
        "Hyderabad",
        "Pune",
        "Ahmedabad",
    ),
    "America/New_York": (
        "Boston",
        "Washington",
        "Washington DC",
        "Philadelphia",
        "Atlanta",
        "Miami",
        "Baltimore",
        "Pittsburgh",
        "Charlotte",
        "Orlando",
        "Tampa",
        "Cleveland",
        "Columbus",
    ),
    "America/Chicago": (
        "Houston",
        "Dallas",
        "Austin",
        "San Antonio",
        "Minneapolis",
        "St. Louis",
        "Saint Louis",
        "Kansas City",
        "New Orleans",
        "Nashville",
        "Milwaukee",
        "Memphis",
    ),
    "America/Denver": ("Salt Lake City", "Albuquerque", "Colorado Springs", "El Paso"),
    "America/Los_Angeles": (
        "San Francisco",
        "Seattle",
        "San Diego",
        "San Jose",
        "Portland",
        "Sacramento",
        "Las Vegas",
        "Oakland",
    ),
    "Asia/Shanghai": ("Beijing", "Shenzhen", "Guangzhou", "Chengdu", "Wuhan"),
    "Europe/London": ("Manchester", "Birmingham", "Glasgow", "Edinburgh", "Liverpool", "Leeds"),
    "Europe/Berlin": ("Munich", "Hamburg", "Frankfurt", "Cologne"),
    "Australia/Sydney": ("Canberra",),
    "America/Toronto": ("Ottawa", "Montreal"),
    "Asia/Karachi": ("Lahore", "Islamabad"),
    "Asia/Tokyo": ("Osaka", "Kyoto", "Yokohama"),
}


@cache
def _aliases() -> dict[str, str]:
    """Old IANA names of zones still in the list ("Asia/Calcutta": "Asia/Kolkata")."""
    available = zoneinfo.available_timezones()
    return {
        old: new
        for old, new in get_global("zone_aliases").items()
        # Not "EST" or "CET": those are abbreviations first (see zone_resolve).
        if "/" in old and new in available and old != new and not new.startswith("Etc/")
    }


@cache
def _cldr_ids() -> dict[str, str]:
    """The CLDR id of an IANA name where the two differ ("Asia/Kolkata": "Asia/Calcutta")."""
    meta_zones = get_global("meta_zones")
    return {
        new: old for old, new in _aliases().items() if old in meta_zones and new not in meta_zones
    }


def _cldr_id(zone: str) -> str:
    return _cldr_ids().get(zone, zone)


def _fold(text: str) -> str:
    """Lower case, no accents, one space between words: "São_Paulo" and "sao paulo" meet."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.replace("_", " ").replace("-", " ").lower().split())


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02}:{minutes:02}" if minutes else f"UTC{sign}{hours}"


@cache
def _babel_locale(language: str) -> Locale:
    return Locale.parse(language)


def _locale() -> Locale:
    """CLDR's names in the language being read."""
    return _babel_locale(current_language())


def zone_city(zone: str, *, locale: Locale | None = None) -> str:
    """The place a zone is named after, as CLDR writes it ("Kolkata", "São Paulo"; "Nueva
    York" in Spanish)."""
    city = (locale or _locale()).time_zones.get(_cldr_id(zone), {}).get("city")
    return city or zone.rsplit("/", 1)[-1].replace("_", " ")


def _observes_daylight_saving(zone: str, year: int) -> bool:
    info = zoneinfo.ZoneInfo(zone)
    january, july = (datetime(year, month, 1, 12, tzinfo=UTC) for month in (1, 7))
    return january.astimezone(info).utcoffset() != july.astimezone(info).utcoffset()


def _zone_name(zone: str, year: int) -> str:
    """CLDR's generic name: "Eastern Time", "India Standard Time", "United Kingdom Time"
    ("hora oriental" in Spanish)."""
    return _zone_name_in(zone, year, current_language())


@cache
def _zone_name_in(zone: str, year: int, language: str) -> str:
    locale = _babel_locale(language)
    if zone == "UTC":
        return _("Coordinated Universal Time")
    cldr = _cldr_id(zone)
    own = locale.time_zones.get(cldr, {}).get("long", {})
    if own.get("generic"):
        return str(own["generic"])
    metazone = get_global("meta_zones").get(cldr)
    names = locale.meta_zones.get(metazone, {}).get("long", {}) if metazone else {}
    if names.get("generic"):
        return str(names["generic"])
    if _observes_daylight_saving(zone, year):
        # Only a standard name ("Greenwich Mean Time" for London, which has a summer time
        # too): the country's name says it better.
        territory = get_global("zone_territories").get(cldr)
        if territory in locale.territories and territory != "001":
            # Translators: a time zone named after its country ("United Kingdom Time").
            return _("%(country)s Time") % {"country": locale.territories[territory]}
    if names.get("standard"):
        return str(names["standard"])
    offset = datetime(year, 1, 1, tzinfo=UTC).astimezone(zoneinfo.ZoneInfo(zone)).utcoffset()
    return _offset_text(offset or timedelta(0))


def zone_abbreviation(zone: str, at: datetime) -> str:
    """ "EST", "IST"; "UTC+11" where the zone has no letters of its own (tzdata's "+11")."""
    local = at.astimezone(zoneinfo.ZoneInfo(zone))
    name = local.tzname() or ""
    return name if name.isalpha() else _offset_text(local.utcoffset() or timedelta(0))


def zone_label(zone: str, at: datetime | None = None) -> str:
    """ "Eastern Time (New York)"; with `at`, the abbreviation then: "Eastern Time (New
    York, EST)". A name that is not a zone is returned as it is."""
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zone
    year = (at or timezone.now()).year
    if zone == "UTC":
        return _("Coordinated Universal Time (UTC)")
    place = zone_city(zone)
    name = _zone_name(zone, year)
    abbreviation = zone_abbreviation(zone, at) if at is not None else name
    if abbreviation != name:
        place = f"{place}, {abbreviation}"
    return f"{name} ({place})"


# --- reading what someone typed ---------------------------------------------------------------


@cache
def _listed() -> tuple[str, ...]:
    return tuple(name for name in time_zone_names() if name not in _aliases())


@cache
def _by_folded_name() -> dict[str, str]:
    names = {_fold(name): name for name in _listed()}
    names.update({_fold(old): new for old, new in _aliases().items()})
    return names


@cache
def _by_place() -> dict[str, frozenset[str]]:
    """Cities (and the places zones are named after) and countries with a single zone, each
    with the zones it could mean."""
    places: dict[str, set[str]] = {}

    def add(place: str, zone: str) -> None:
        places.setdefault(_fold(place), set()).add(zone)

    locales = [_babel_locale(language) for language in language_codes()]
    for zone in _listed():
        if "/" in zone:
            add(zone.rsplit("/", 1)[-1], zone)
            for locale in locales:
                add(zone_city(zone, locale=locale), zone)
    for old, new in _aliases().items():
        if "/" in old and new in _listed():
            add(old.rsplit("/", 1)[-1], new)  # Calcutta, Saigon, Kiev
    for zone, cities in CITIES.items():
        for city in cities:
            add(city, zone)
    listed = set(_listed())
    for territory, zones in get_global("territory_zones").items():
        countries = {
            str(locale.territories[territory])
            for locale in locales
            if territory in locale.territories
        }
        canonical = {_aliases().get(zone, zone) for zone in zones} & listed
        if countries and canonical:
            # A country with several zones is a question, answered by its zones' names.
            for name in {*countries, *(_COUNTRY_SHORT_NAMES.get(territory, ()))}:
                key = _fold(name)
                if key not in places:
                    places[key] = set(canonical)
    return {place: frozenset(zones) for place, zones in places.items()}


_COUNTRY_SHORT_NAMES = {
    "US": ("USA", "United States of America", "EE. UU.", "EEUU", "EE UU"),
    "GB": ("UK",),
}


def _abbreviation_users(abbreviation: str, now: datetime) -> list[str]:
    """Zones of the list whose clock is called `abbreviation` now or within the year."""
    wanted = abbreviation.upper()
    instants = [now + timedelta(days=days) for days in (0, 91, 182, 273)]
    return [
        zone
        for zone in _listed()
        if any(at.astimezone(zoneinfo.ZoneInfo(zone)).tzname() == wanted for at in instants)
    ]


_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?:\s*[:.h]?\s*(\d{2}))?$")


def _offset_of(text: str) -> timedelta | None:
    # A minus sign or an en dash, as word processors and phones type them.
    match = _OFFSET.match(text.replace("\u2212", "-").replace("\u2013", "-"))
    if match is None:
        return None
    sign, hours, minutes = match.groups()
    offset = timedelta(hours=int(hours), minutes=int(minutes or 0))
    if offset > timedelta(hours=14):
        return None
    return -offset if sign == "-" else offset


def _candidates_message(what: str, zones: list[str]) -> ValidationError:
    # One zone per name and country ("Eastern Time (New York)", not also Detroit's and
    # Louisville's): the one whose city people know best, as far as this module knows.
    known = {*US_ABBREVIATIONS.values(), *CITIES}
    territories = get_global("zone_territories")
    by_name: dict[tuple[str, str], str] = {}
    for zone in sorted(zones, key=lambda zone: (zone not in known, zone)):
        country = territories.get(_cldr_id(zone)) or territories.get(zone, "")
        key = (_zone_name(zone, timezone.now().year), country)
        by_name.setdefault(key, zone)
    # The best-known first, so that the few shown are the likeliest.
    ordered = sorted(by_name.values(), key=lambda zone: (zone not in known, zone_label(zone)))
    labels = [zone_label(zone) for zone in ordered]
    shown = ", ".join(labels[:_CANDIDATES_SHOWN])
    more = len(labels) - _CANDIDATES_SHOWN
    if more > 0:
        message = ngettext(
            # Translators: %(what)s is what the person typed (a place, an abbreviation or an
            # offset), %(shown)s a list of time zones separated by commas, %(more)d how many
            # more zones it could be beside those.
            "“%(what)s” could be more than one time zone: %(shown)s and %(more)d more. Type "
            "the city you are in (for example Kolkata or New York) to choose.",
            "“%(what)s” could be more than one time zone: %(shown)s and %(more)d more. Type "
            "the city you are in (for example Kolkata or New York) to choose.",
            more,
        )
    else:
        message = _(
            # Translators: %(what)s is what the person typed (a place, an abbreviation or an
            # offset), %(shown)s a list of time zones separated by commas.
            "“%(what)s” could be more than one time zone: %(shown)s. Type the city you are in "
            "(for example Kolkata or New York) to choose."
        )
    return ValidationError(
        message,
        code="ambiguous_time_zone",
        params={"what": what, "shown": shown, "more": more},
    )


def zone_resolve(text: str, *, now: datetime | None = None) -> str:
    """The canonical IANA name for what someone typed; ValidationError (saying what it could
    be, if anything) otherwise. The order: a zone's name in any case, UTC, the US
    abbreviations, an offset, a city or country, another abbreviation."""
    now = now or timezone.now()
    typed = " ".join(text.split())
    folded = _fold(typed)
    if not folded:
        raise ValidationError(_("Type a city or a time zone."), code="required")
    if typed in _listed():
        return typed
    if folded in _by_folded_name():
        return _by_folded_name()[folded]
    if folded.replace(" ", "") in _UTC_WORDS:
        return "UTC"
    if folded in US_ABBREVIATIONS:
        return US_ABBREVIATIONS[folded]
    offset = _offset_of(typed.lower())
    if offset is not None:
        if not offset:
            return "UTC"
        keeping = [
            zone
            for zone in _listed()
            if zone != "UTC" and now.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset() == offset
        ]
        if len(keeping) == 1:
            return keeping[0]
        if keeping:
            raise _candidates_message(_offset_text(offset), keeping)
        raise ValidationError(
            _(
                # Translators: %(offset)s is an offset from UTC, such as UTC+5:45.
                "No time zone is at %(offset)s today. Type the city you are in, for example "
                "Kolkata or New York."
            ),
            code="invalid_time_zone",
            params={"offset": _offset_text(offset)},
        )
    places = _by_place().get(folded)
    if places and len(places) == 1:
        return next(iter(places))
    if places:
        raise _candidates_message(typed, sorted(places))
    if typed in zoneinfo.available_timezones():
        return typed  # an IANA name left out of the list ("CET", "Etc/GMT-14"): still exact
    if typed.isalpha() and 2 <= len(typed) <= 5:
        users = _abbreviation_users(typed, now)
        if len(users) == 1:
            return users[0]
        if users:
            raise _candidates_message(typed, users)
    raise ValidationError(
        _(
            # Translators: %(value)s is what the person typed in the time zone box.
            "“%(value)s” is not a time zone we know. Type the city you are in (for example "
            "Kolkata, London or New York) and pick it from the list."
        ),
        code="invalid_time_zone",
        params={"value": typed},
    )


def zone_choices() -> tuple[tuple[str, str], ...]:
    """Every zone of the list with its label, for suggestions ("Asia/Kolkata", "India
    Standard Time (Kolkata)"), in the language being read."""
    return _zone_choices_in(current_language())


@cache
def _zone_choices_in(language: str) -> tuple[tuple[str, str], ...]:
    with translation.override(language):
        return tuple((zone, zone_label(zone)) for zone in _listed())

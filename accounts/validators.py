from __future__ import annotations

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@cache
def time_zone_names() -> tuple[str, ...]:
    """IANA zone names a person can choose, sorted; legacy aliases like "US/Eastern" left out
    (accounts.zones also leaves out the old names of renamed zones, "Asia/Calcutta")."""
    legacy = (
        "Etc/",
        "SystemV/",
        "US/",
        "Brazil/",
        "Canada/",
        "Chile/",
        "Mexico/",
        "posix",
        "right",
    )
    regional = (n for n in zoneinfo.available_timezones() if "/" in n and not n.startswith(legacy))
    return (*sorted(regional), "UTC")


def validate_time_zone(value: str) -> None:
    """What is stored: an exact IANA name. Forms read what people type (a city, any case, an
    abbreviation) through accounts.zones.zone_resolve before this runs."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _(
                # Translators: %(value)s is what the person typed in the time zone box.
                "“%(value)s” is not a time zone we know. Type the city you are in, for example "
                "London or Chicago, and pick it from the list."
            ),
            code="invalid_time_zone",
            params={"value": value},
        )


def validate_display_name(value: str) -> None:
    if "@" in value:
        raise ValidationError(
            _(
                "A display name cannot contain “@”: others would see it. Choose a first name, "
                "a nickname or initials instead."
            ),
            code="display_name_email",
        )
    if len(value.strip()) < 2:
        raise ValidationError(
            _("A display name needs at least two characters."), code="display_name_short"
        )


# The reminder lead times a member may pick, in minutes before a meeting, with their labels.
REMINDER_LEAD_LABELS = {
    15: gettext_lazy("15 minutes"),
    60: gettext_lazy("1 hour"),
    180: gettext_lazy("3 hours"),
    1440: gettext_lazy("24 hours"),
    2880: gettext_lazy("48 hours"),
}


def validate_reminder_lead_minutes(value: object) -> None:
    if not isinstance(value, list) or not all(
        isinstance(item, int) and not isinstance(item, bool) for item in value
    ):
        raise ValidationError(_("Reminder lead times must be a list of minutes."), code="invalid")
    unknown = sorted(set(value) - set(REMINDER_LEAD_LABELS))
    if unknown:
        raise ValidationError(
            _(
                # Translators: %(unknown)s is a number of minutes, or several separated by
                # commas.
                "%(unknown)s is not a lead time we offer. Choose from 15 minutes, 1 hour, "
                "3 hours, 24 hours and 48 hours."
            ),
            code="invalid_lead_time",
            params={"unknown": ", ".join(str(u) for u in unknown)},
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Each lead time can be chosen once."), code="duplicate_lead_time")

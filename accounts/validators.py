from __future__ import annotations

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError


@cache
def time_zone_names() -> tuple[str, ...]:
    """IANA zone names a person can choose, sorted; legacy aliases like "US/Eastern" left out."""
    legacy = ("Etc/", "SystemV/", "US/", "posix", "right")
    regional = (n for n in zoneinfo.available_timezones() if "/" in n and not n.startswith(legacy))
    return (*sorted(regional), "UTC")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            "“%(value)s” is not a time zone we know. Choose one from the list, "
            "for example Europe/London or America/Chicago.",
            code="invalid_time_zone",
            params={"value": value},
        )


def validate_display_name(value: str) -> None:
    if "@" in value:
        raise ValidationError(
            "A display name cannot contain “@”: others would see it. Choose a first name, "
            "a nickname or initials instead.",
            code="display_name_email",
        )
    if len(value.strip()) < 2:
        raise ValidationError(
            "A display name needs at least two characters.", code="display_name_short"
        )

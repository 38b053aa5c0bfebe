"""`{{ zone|zone_label }}`: "Eastern Time (New York)"; `{{ zone|zone_label:instant }}` adds the
abbreviation in force then: "Eastern Time (New York, EST)". See accounts.zones."""

from __future__ import annotations

from datetime import datetime

from django import template

from accounts.zones import zone_label as label_of

register = template.Library()


@register.filter
def zone_label(zone: str, at: datetime | None = None) -> str:
    return label_of(zone, at if isinstance(at, datetime) else None)

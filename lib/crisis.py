"""The crisis lines shown on every page and in every group e-mail (CRISIS_LINES)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.conf import settings


@dataclass(frozen=True)
class CrisisLine:
    label: str
    number: str
    href: str

    @property
    def name(self) -> str:
        """The label without a leading copy of the number: shown beside the number, "988 988
        Suicide & Crisis Lifeline" would say it twice."""
        if self.label.startswith(self.number):
            rest = self.label[len(self.number) :].lstrip(" :-\u2013\u2014·")
            return rest or self.label
        return self.label


@cache
def crisis_lines() -> tuple[CrisisLine, ...]:
    """Parse CRISIS_LINES ("label|number|href;…") once per process."""
    lines = []
    for entry in settings.CRISIS_LINES.split(";"):
        parts = [part.strip() for part in entry.split("|")]
        if len(parts) == 3 and all(parts):
            lines.append(CrisisLine(*parts))
    return tuple(lines)

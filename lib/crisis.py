"""The crisis lines shown on every page and in every group e-mail (CRISIS_LINES), each
possibly in a language of its own: the reader's language comes first."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.conf import settings

from lib.i18n import current_language


@dataclass(frozen=True)
class CrisisLine:
    label: str
    number: str
    href: str
    # The language the line answers in ("es"), or "" for a line whose label is in the
    # site's own language and that answers everyone.
    language: str = ""

    @property
    def label_language(self) -> str:
        """The language its label is written in (for `lang`): a line for everyone is
        labelled in the site's own language."""
        return self.language or settings.LANGUAGE_CODE

    @property
    def name(self) -> str:
        """The label without a leading copy of the number: shown beside the number, "988 988
        Suicide & Crisis Lifeline" would say it twice."""
        if self.label.startswith(self.number):
            rest = self.label[len(self.number) :].lstrip(" :-\u2013\u2014·")
            return rest or self.label
        return self.label


@cache
def _configured() -> tuple[CrisisLine, ...]:
    """Parse CRISIS_LINES ("label|number|href" or "label|number|href|language", separated
    by ";") once per process."""
    lines = []
    for entry in settings.CRISIS_LINES.split(";"):
        parts = [part.strip() for part in entry.split("|")]
        if len(parts) in (3, 4) and all(parts[:3]):
            label, number, href = parts[:3]
            language = parts[3].lower() if len(parts) == 4 else ""
            lines.append(CrisisLine(label, number, href, language))
    return tuple(lines)


def crisis_lines(language: str | None = None) -> tuple[CrisisLine, ...]:
    """Every configured line, those in `language` (by default the one being read) first,
    then those for everyone, then those in other languages: a Spanish-speaking reader sees
    the Spanish options first, and everyone still sees every line."""
    reading = language or current_language()

    def rank(line: CrisisLine) -> int:
        if line.language == reading:
            return 0
        return 1 if not line.language else 2

    return tuple(sorted(_configured(), key=rank))


def crisis_lines_reload() -> None:
    """Read CRISIS_LINES again (a test that changes the setting)."""
    _configured.cache_clear()

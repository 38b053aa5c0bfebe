"""One-line text: names and titles travel into mail headers, calendar properties and page
titles, where a line break is either an error (a mail header) or an injection."""

from __future__ import annotations

import re
import unicodedata

# Any run of whitespace (line and paragraph separators included) becomes one space.
_SPACES = re.compile(r"\s+")
# Format characters that are part of writing: the zero-width joiner and non-joiner (emoji
# sequences, Persian, Indic scripts). Other format characters (bidirectional overrides, which
# can make a name read backwards) go.
_JOINERS = {"\u200c", "\u200d"}


def _kept(character: str) -> bool:
    return character in _JOINERS or unicodedata.category(character) not in {"Cc", "Cf"}


def single_line(value: str) -> str:
    """`value` on one line: line breaks, tabs and runs of spaces become one space, other
    control characters (a NUL, a bell) and bidirectional overrides go, and the ends
    are trimmed. Nothing visible is lost."""
    spaced = _SPACES.sub(" ", value)
    return "".join(filter(_kept, spaced)).strip()

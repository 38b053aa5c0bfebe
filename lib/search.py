"""Whole-word matching that behaves the same on PostgreSQL and on SQLite.

A word matches where it stands as a word of its own, or with a plural's "s" or "es": "son"
finds "son" and "sons", never "Thursday Morning Circle" or "Sonoma". Case does not matter.
The pattern is a regular expression in each database's own dialect: Python's `re` on SQLite
(Django's REGEXP function) and PostgreSQL's ARE, whose word boundaries are `\\m` and `\\M`
(`\\b` is a backspace there)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.db import connection
from django.db.models import Q

_WORD_EDGE = re.compile(r"^[^\w]+|[^\w]+$")

# Words too common to narrow a search, left out as PostgreSQL's English search leaves them out
# ("help for my son" looks for "help" and "son").
_STOP_WORDS = (
    "a an and are as at be but by can do for from how i if in into is it its me my no not of "
    "on or our so than that the their them then there they this to us was we what when where "
    "which who why will with you your"
)
STOP_WORDS = frozenset(_STOP_WORDS.split())


def searched_words(words: Sequence[str]) -> list[str]:
    """The words that narrow a search: without stop words and bare punctuation."""
    cores = (_WORD_EDGE.sub("", word) for word in words)
    return [core for core in cores if core and core.lower() not in STOP_WORDS]


def whole_word_pattern(word: str) -> str:
    """The regular expression for `word` in the current database's dialect ("" for a word
    with no letter or digit)."""
    core = _WORD_EDGE.sub("", word)
    if not core:
        return ""
    escaped = re.escape(core)
    if connection.vendor == "postgresql":
        return rf"\m{escaped}(s|es)?\M"
    return rf"\b{escaped}(?:s|es)?\b"


def whole_word_q(word: str, fields: Sequence[str]) -> Q:
    """Rows where `word` is a whole word of any of `fields` (lookups may cross relations)."""
    pattern = whole_word_pattern(word)
    combined = Q()
    for field in fields:
        combined |= Q(**{f"{field}__iregex": pattern})
    return combined

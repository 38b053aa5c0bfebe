"""Words that belong together for a search although a stemmer keeps them apart.

PostgreSQL's stemmers reduce a word to a stem by its ending, so "ansioso" (anxious) becomes
"ansios" and "ansiedad" (anxiety) "ansied": a person who searches for one would not find a
text that says the other. A search for any word of a family below also looks for the
others (resources.selectors), in the language the family is written in. Families are
short and chosen for what people in recovery and their families look for; add to them as
searches show what is missed."""

from __future__ import annotations

import unicodedata

FAMILIES: dict[str, tuple[tuple[str, ...], ...]] = {
    "es": (
        ("ansiedad", "ansioso", "ansiosa", "ansiosos", "ansiosas"),
        ("depresión", "deprimido", "deprimida"),
        ("recaída", "recaídas", "recaer"),
        ("consumo", "consumir"),
        ("estrés", "estresado", "estresada"),
        ("tristeza", "triste", "tristes"),
        ("miedo", "miedos", "temor"),
        ("enojo", "enojado", "enojada"),
        ("soledad", "solo", "sola"),
        ("culpa", "culpable"),
        ("vergüenza", "avergonzado", "avergonzada"),
        ("dolor", "doloroso", "dolorosa"),
        ("abstinencia", "síndrome de abstinencia"),
    ),
    "en": (
        ("anxiety", "anxious"),
        ("depression", "depressed"),
        ("shame", "ashamed"),
        ("anger", "angry"),
        ("loneliness", "lonely"),
        ("grief", "grieving"),
    ),
}


def _plain(word: str) -> str:
    """Lower case without accents: "Ansiedad" and "ansiedád" are looked up as "ansiedad"."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_BY_WORD: dict[str, tuple[tuple[str, str], ...]] = {}
for _language, _families in FAMILIES.items():
    for _family in _families:
        for _word in _family:
            _BY_WORD[_plain(_word)] = (
                *_BY_WORD.get(_plain(_word), ()),
                *((_language, other) for other in _family if other != _word),
            )


def word_family(word: str) -> tuple[tuple[str, str], ...]:
    """The other words of `word`'s families, each with its language: ("es", "ansioso")…"""
    return _BY_WORD.get(_plain(word), ())

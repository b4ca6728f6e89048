"""Text helpers shared across the assistant: folding for every matcher (people type without accents, in any
case, with stray punctuation) and the check of what a database can store."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def unaccented(text: str) -> str:
    """Lowercase without accents, punctuation kept: « DÉMÉNAGEMENT à Périgueux » → « demenagement a perigueux »."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fold(text: str) -> str:
    """Lowercase, remove accents and punctuation, collapse spaces: « Chèque Énergie ! » → « cheque energie »."""
    return _NOT_WORD.sub(" ", unaccented(text).replace("œ", "oe").replace("æ", "ae")).strip()


def storable(value: str) -> bool:
    """Whether a database can store this text: not with NUL (PostgreSQL refuses it) nor with a lone
    surrogate (no UTF-8 encoder takes it), both of which JSON's \\u escapes can carry in a request."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


FRENCH_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                 "novembre", "décembre")


def french_date(day: date) -> str:
    """« 1er juillet 2026 », « 2 décembre 2026 »: a date as a sentence says it."""
    return f"{'1er' if day.day == 1 else day.day} {FRENCH_MONTHS[day.month - 1]} {day.year}"


def of(noun_phrase: str) -> str:
    """« de » before a noun phrase, contracted as French requires: « du chèque énergie », « des impôts »,
    « de la CAF », « de l'Urssaf », « de France Travail »."""
    for article, contracted in (("le ", "du "), ("les ", "des ")):
        if noun_phrase.startswith(article):
            return contracted + noun_phrase[len(article):]
    return f"de {noun_phrase}"

"""Text folding shared by every matcher: people type without accents, in any case, with stray punctuation."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lowercase, remove accents and punctuation, collapse spaces: « Chèque Énergie ! » → « cheque energie »."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    without_accents = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_WORD.sub(" ", without_accents.replace("œ", "oe").replace("æ", "ae")).strip()

"""How people say what each sheet answers: a few everyday phrases per sheet, indexed beside the sheet's own text.

The sheets say « attestation d'accueil »; a person writes « inviter ma mère qui vit au Maroc ». The synonym list
(`synonyms.yml`) rewrites words of the question, whatever sheet they lead to; this list works from the other
side: `wordings.yml` (beside this module) gives each fiche and question-réponse of the corpus three to six phrases
in the words people use for the need or the situation it covers (« mon proprio garde ma caution », « mutuelle
gratuite »). They were written from each sheet's title, summary, theme and section titles, never from questions
of the evaluation set; the search indexes them as one more field of the sheet, and e5 reads each of them.
A sheet the file does not name simply has none; an id the corpus no longer has is ignored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

from assistant.sheets.parser import SheetIdentity

WORDINGS_FILE = Path(__file__).with_name("wordings.yml")
# The families that have wordings: the sheets that answer (dossiers and tools are found through them).
WORDED_FAMILIES = frozenset({"fiche", "question"})

Wordings = Mapping[str, tuple[str, ...]]


def load_wordings(path: Path = WORDINGS_FILE) -> dict[str, tuple[str, ...]]:
    """Sheet id → its phrases, in the file's order, blanks and repeats left out."""
    # libyaml's loader reads the 13,000 phrases in 0.1 s, at every start; PyYAML's own takes eight times longer.
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path.name} : une fiche par ligne est attendue (« F1234: [phrase, phrase] »)")
    return {str(sheet_id): _phrases(phrases) for sheet_id, phrases in data.items()}


def _phrases(value) -> tuple[str, ...]:
    """A line's phrases; a single phrase written without brackets (« F15: trop de crédits ») is one phrase."""
    items = [value] if isinstance(value, str) else value or ()
    return tuple(dict.fromkeys(str(phrase).strip() for phrase in items if str(phrase).strip()))


def wordings_digest(wordings: Wordings) -> str:
    """A hash of the phrases, for the keys of the caches that depend on them (the lexical index)."""
    digest = hashlib.sha256()
    for sheet_id in sorted(wordings):
        digest.update(f"{sheet_id}\0{chr(31).join(wordings[sheet_id])}\n".encode())
    return digest.hexdigest()


def without_wordings(sheets: Iterable[SheetIdentity], wordings: Wordings) -> list[str]:
    """The fiches and questions-réponses that have no phrase yet: after a refreshed corpus, the lines to write."""
    return sorted(sheet.id for sheet in sheets if sheet.family in WORDED_FAMILIES and not wordings.get(sheet.id))

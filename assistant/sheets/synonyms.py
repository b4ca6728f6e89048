"""Rewrite a question the way the sheets would say it: chat spellings normalised, official terms added.

People write « g perdu ma cni », « chomage », « caf apl »; the sheets say « carte nationale d'identité »,
« allocation d'aide au retour à l'emploi », « aide personnalisée au logement ». The list lives in
`synonyms.yml` beside this module (reviewable data, one entry per idea); this module only applies it, on
folded text and whole words, in one regular-expression pass per list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.text import fold

SYNONYMS_FILE = Path(__file__).with_name("synonyms.yml")


@dataclass(frozen=True)
class Entry:
    written: tuple[str, ...]  # folded forms as people write them
    official: tuple[str, ...]  # folded terms of the sheets (for spellings: the one replacement)


class QueryRewriter:
    """Applies the spellings (replaced) then the synonyms (added after the question, once each)."""

    def __init__(self, spellings: list[Entry], synonyms: list[Entry]):
        self.spellings = spellings
        self.synonyms = synonyms
        self._replacement = {form: entry.official[0] if entry.official else ""
                             for entry in spellings for form in entry.written}
        self._additions: dict[str, list[str]] = {}
        for entry in synonyms:
            for form in entry.written:
                known = self._additions.setdefault(form, [])
                known.extend(term for term in entry.official if term not in known)
        self._spelling_pattern = _alternation(self._replacement)
        self._synonym_pattern = _alternation(self._additions)

    @classmethod
    def from_file(cls, path: Path = SYNONYMS_FILE) -> QueryRewriter:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        spellings = [Entry(_folded(item["written"]), (fold(item["means"] or ""),)) for item in data["spellings"]]
        synonyms = [Entry(_folded(item["written"]), _folded(item["official"])) for item in data["synonyms"]]
        return cls(spellings, synonyms)

    def normalise(self, text: str) -> str:
        """The question folded, with chat spellings replaced (« g perdu ma cni » → « j ai perdu ma cni »)."""
        folded = fold(text)
        if self._spelling_pattern is None:
            return folded
        replaced = self._spelling_pattern.sub(lambda match: self._replacement[match[0]], folded)
        return " ".join(replaced.split())

    def additions(self, normalised: str) -> list[str]:
        """The official terms the question's words call for, in order, without those already in it."""
        if self._synonym_pattern is None:
            return []
        present = f" {normalised} "
        found: list[str] = []
        for match in self._synonym_pattern.finditer(normalised):
            for term in self._additions[match[0]]:
                if term not in found and f" {term} " not in present:
                    found.append(term)
        return found

    def rewrite(self, text: str) -> str:
        """Normalised question followed by the official terms it calls for."""
        normalised = self.normalise(text)
        return " ".join([normalised, *self.additions(normalised)]).strip()


def _folded(forms: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(fold(form) for form in forms if fold(form)))


def _alternation(forms) -> re.Pattern | None:
    """One pattern matching any of the forms as whole words, the longest first (« pole emploi » before
    « emploi »)."""
    ordered = sorted(forms, key=len, reverse=True)
    if not ordered:
        return None
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(form) for form in ordered) + r")(?![a-z0-9])")

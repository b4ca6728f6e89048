"""Words for the lexical search: stop words dropped (`assistant.text.STOP_WORDS`), French stems, and typo
correction against the corpus."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import Stemmer
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from assistant.text import STOP_WORDS

# Snowball gives « retrait » for both « retraite » and « retrait » (de points, d'argent): kept apart.
STEM_EXCEPTIONS = {"retraite": "retraite", "retraites": "retraite", "retraitee": "retraite",
                   "retraitees": "retraite"}

_stemmer = Stemmer.Stemmer("french")


def content_words(folded: str) -> list[str]:
    """The folded text's words that carry meaning: no stop word, no single letter (digits kept: « 13974 »)."""
    return [word for word in folded.split() if word not in STOP_WORDS and (len(word) > 1 or word.isdigit())]


def stems(words: Iterable[str]) -> list[str]:
    words = list(words)
    stemmed = _stemmer.stemWords(words)
    return [STEM_EXCEPTIONS.get(word, stem) for word, stem in zip(words, stemmed, strict=True)]


def analyse(folded: str) -> list[str]:
    """Stems of the content words of a folded text."""
    return stems(content_words(folded))


class SpellingCorrector:
    """Replaces a word the corpus never uses by the closest word it uses often (« alocation » → « allocation »,
    « naturalisaton » → « naturalisation »).

    Only words of 4 letters or more are corrected, by one edit (two from 8 letters); among equally close
    candidates the most frequent in the corpus wins. Words the corpus knows are never touched.
    """

    MIN_LENGTH = 4

    def __init__(self, document_frequencies: Counter[str], *, min_frequency: int = 1):
        self._known = document_frequencies
        self._known_stems = set(stems(document_frequencies))
        # Candidates by length: a word is only compared with words at most `limit` letters longer or shorter.
        self._by_length: dict[int, list[str]] = {}
        for word, count in document_frequencies.items():
            if count >= min_frequency and len(word) >= self.MIN_LENGTH and not word.isdigit():
                self._by_length.setdefault(len(word), []).append(word)

    @classmethod
    def from_texts(cls, folded_texts: Iterable[str]) -> SpellingCorrector:
        frequencies: Counter[str] = Counter()
        for text in folded_texts:
            frequencies.update(set(text.split()))
        return cls(frequencies)

    def correct(self, word: str) -> str:
        """The word, or the corpus's word it was probably meant to be. A word whose stem the corpus knows is
        another form of a known word (« harceler » beside « harcèlement »), not a typo."""
        if word in self._known or len(word) < self.MIN_LENGTH or word.isdigit() or word in STOP_WORDS:
            return word
        if stems([word])[0] in self._known_stems:
            return word
        limit = 2 if len(word) >= 8 else 1
        candidates = [candidate for length in range(len(word) - limit, len(word) + limit + 1)
                      for candidate in self._by_length.get(length, ())]
        matches = process.extract(word, candidates, scorer=Levenshtein.distance, score_cutoff=limit, limit=8)
        if not matches:
            return word
        best_distance = min(distance for _, distance, _ in matches)
        return max((candidate for candidate, distance, _ in matches if distance == best_distance),
                   key=lambda candidate: self._known[candidate])

    def correct_text(self, folded: str) -> str:
        return " ".join(self.correct(word) for word in folded.split())

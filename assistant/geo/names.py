"""Matching a run of words typed by a user against the names of the communes.

Three kinds of match, best first: the exact name (« fort de france »); a part of a name, whole words in a row
(« brive » for Brive-la-Gaillarde, « st die » for Saint-Dié-des-Vosges); and a name with typos, each word
within a small edit distance of the name's word (optimal string alignment, so a swap of two letters counts
as one: « frnace », « vezoul », « coulomiers »), its first letter typed right. Words of three letters or fewer,
and the words of a request (words.FILLER) are only ever matched exactly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from assistant.geo.words import CONNECTORS, FILLER

EXACT, PARTIAL, FUZZY = 3, 2, 1
MIN_PARTIAL_LETTERS = 4


@dataclass(frozen=True)
class NameMatch:
    """The names a run of words may stand for, most populated first, and how well it matched."""

    quality: int  # EXACT, PARTIAL or FUZZY
    keys: tuple[str, ...]
    distance: int = 0  # for FUZZY: twice the letters changed, a doubled letter counting half
    whole: bool = True  # the words stand for whole names, not for a part of one


def typo_tolerance(word: str, words_in_run: int) -> int:
    """Letters that may be wrong in a word: 2 from 8 letters, 1 from 5 (from 4 inside a longer name), else 0."""
    if word in FILLER or word in CONNECTORS or word.isdigit():
        return 0
    if len(word) >= 8:
        return 2
    if len(word) >= 5 or (len(word) == 4 and words_in_run > 1):
        return 1
    return 0


class NameIndex:
    """Name keys (see resolver.name_key) indexed by word, for exact, partial and fuzzy matching."""

    def __init__(self, keys: Iterable[str], population: Callable[[str], int]):
        self._keys = frozenset(keys)
        self._population = population
        self._by_word: dict[str, set[str]] = defaultdict(set)
        for key in self._keys:
            for word in key.split():
                self._by_word[word].add(key)
        # Words by first letter and length: people rarely mistype a name's first letter, and a word within
        # `tolerance` edits of another is at most `tolerance` letters longer or shorter. Comparing a typed word
        # with these few hundred words only keeps a long message fast.
        self._vocabulary: dict[tuple[str, int], list[str]] = defaultdict(list)
        for word in sorted(self._by_word):
            self._vocabulary[word[0], len(word)].append(word)
        self._close_words = lru_cache(maxsize=20_000)(self._close_words_uncached)

    def has_word(self, word: str) -> bool:
        return word in self._by_word

    def match(self, words: Sequence[str]) -> NameMatch | None:
        text = " ".join(words)
        if text in self._keys:
            longer = [key for key in self._by_word[words[0]] if key.startswith(text + " ")]
            return NameMatch(EXACT, (text, *sorted(longer, key=self._population, reverse=True)))
        partial = self._partial(words, text)
        if partial:
            return NameMatch(PARTIAL, partial, whole=False)
        return self._fuzzy(words)

    def _partial(self, words: Sequence[str], text: str) -> tuple[str, ...]:
        if len(text.replace(" ", "")) < MIN_PARTIAL_LETTERS:
            return ()
        candidates = set.intersection(*(self._by_word.get(word, set()) for word in words))
        inside = [key for key in candidates if f" {text} " in f" {key} "]
        # Names the words start ("carhaix" → "carhaix plouguer") rather than end ("mael carhaix").
        starting = [key for key in inside if key.startswith(text + " ")]
        return tuple(sorted(starting or inside, key=self._population, reverse=True))

    def _fuzzy(self, words: Sequence[str]) -> NameMatch | None:
        options = []
        for word in words:
            close = {word: 0} if word in self._by_word else {}
            tolerance = typo_tolerance(word, len(words))
            if tolerance:
                close.update({other: _weighted(word, other, distance)
                              for other, distance in self._close_words(word, tolerance) if other not in close})
            unelided = _without_elision(word)  # « lisle adam »: L'Isle-Adam with its apostrophe left out
            if unelided in self._by_word and unelided not in close:
                close[unelided] = 1
            if not close:
                return None
            options.append(close)
        candidates = set.intersection(*(set().union(*(self._by_word[other] for other in close)) for close in options))
        scored = []
        for key in candidates:
            best = _best_window(key.split(), options)
            # A misspelt word may stand for a whole name, not for a piece of one (« vitale » is no Saint-Vital).
            if best is not None and best[0] > 0 and (best[1] or len(words) > 1):
                distance, whole = best
                scored.append((not whole, distance, -self._population(key), key))
        if not scored:
            return None
        scored.sort()
        # The names as close as the closest one: a choice among them, unless one is far more populated.
        best = scored[0][:2]
        keys = tuple(key for *rank, _, key in scored if tuple(rank) == best)
        return NameMatch(FUZZY, keys, distance=best[1], whole=not best[0])

    def _close_words_uncached(self, word: str, tolerance: int) -> list[tuple[str, int]]:
        vocabulary = [other for size in range(len(word) - tolerance, len(word) + tolerance + 1)
                      for other in self._vocabulary.get((word[0], size), ())]
        return [(other, int(distance)) for other, distance, _ in
                process.extract(word, vocabulary, scorer=OSA.distance, score_cutoff=tolerance, limit=None)]


def _without_elision(word: str) -> str | None:
    """« lisle » → « isle », « dhuison » → « huison »: an article or « de » stuck to a name by a lost apostrophe."""
    if len(word) > 3 and word[0] in "ld" and word[1] in "aeiouyh":
        return word[1:]
    return None


def _collapsed(word: str) -> str:
    """The word with doubled letters written once: « coulommiers » → « coulomiers »."""
    return "".join(letter for i, letter in enumerate(word) if i == 0 or letter != word[i - 1])


def _weighted(typed: str, name_word: str, distance: int) -> int:
    """Twice the edit distance, or 1 when only a doubled letter differs: people often write « coulomiers » for
    Coulommiers, which must come before Colomiers, one letter away too."""
    return 1 if _collapsed(typed) == _collapsed(name_word) else 2 * distance


def _best_window(key_words: list[str], options: list[dict[str, int]]) -> tuple[int, bool] | None:
    """The smallest total distance of the typed words to a run of the name's words, and whether the run is the
    whole name."""
    size = len(options)
    best = None
    for start in range(len(key_words) - size + 1):
        distances = [options[i].get(key_words[start + i]) for i in range(size)]
        if None in distances:
            continue
        total = sum(distances)
        whole = size == len(key_words)
        if best is None or (not whole, total) < (not best[1], best[0]):
            best = (total, whole)
    return best

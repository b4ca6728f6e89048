"""Words for the lexical search: folding, stop words, French stems, and typo correction against the corpus.

The stop words are written here rather than taken from spaCy: importing spaCy's French language data costs
seconds, and its list drops words that carry meaning in administrative questions (« personne âgée »,
« proche aidant », « première demande », « déclaration préalable », « allocation de solidarité spécifique »).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import Stemmer
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

# Folded, as questions are split (« qu'est-ce » → « qu », « est », « ce »): articles, pronouns, prepositions,
# conjunctions, forms of être/avoir/pouvoir/devoir/vouloir, question words, and chat politeness.
STOP_WORDS = frozenset("""
a ai aie aient ais ait alors as au aucun aucune aupres auquel aura aurai auraient aurais aurait aussi autre autres
aux auxquels avais avait avant avec avez aviez avoir avons ayant bah ben bien bon bonjour bonsoir c ca car ce ceci
cela celle celles celui ces cet cette ceux chaque chez ci comme comment d dans de des desquels deja depuis dois
doit doivent donc dont du elle elles en encore es est et etaient etais etait etant ete etes etre eu eux fais fait
faut hello ici il ils j jai je jusqu jusque l la laquelle le lequel les leur leurs lui m ma madame mais me meme
merci mes moi mon monsieur n ne ni non nos notre nous o on ont ou ouais oui par parce pas peut peuvent peux plait
pour pourquoi pourrais pourrait pouvez pouvons puis puisque qu quand que quel quelle quelles quels qui quoi s sa
sais sait salut sans se sera serai serais serait ses si sinon slt soit sommes son sont stp suis sur svp t ta te
tes toi ton tous tout toute toutes tu un une vais veut veux voila voudrais voulez vous vos votre y
""".split())
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

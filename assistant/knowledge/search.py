"""Free-text ranking of procedures and detection of the partners a message names.

Ranking combines TF-IDF over words and over character n-grams (scikit-learn): words reward the
right vocabulary, character n-grams tolerate typos and missing accents ("demenagment", "carte grize").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel
from spacy.lang.fr.stop_words import STOP_WORDS

from assistant.knowledge.entities import Partner, Procedure, Topic
from assistant.text import fold

FRENCH_STOP_WORDS = sorted({fold(word) for word in STOP_WORDS} | {"svp", "stp", "bonjour", "merci"})


@dataclass(frozen=True)
class SearchHit:
    procedure: Procedure
    score: float


class ProcedureSearch:
    """An index built once over all procedures; each query costs two sparse dot products."""

    def __init__(self, procedures: Sequence[Procedure], partners: Sequence[Partner], topics: Sequence[Topic]):
        self._procedures = list(procedures)
        partner_by_slug = {partner.slug: partner for partner in partners}
        topic_by_slug = {topic.slug: topic for topic in topics}
        documents = [_document(p, partner_by_slug[p.partner], topic_by_slug) for p in self._procedures]
        self._words = TfidfVectorizer(
            stop_words=FRENCH_STOP_WORDS, ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w\w+\b"
        )
        self._characters = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        self._word_matrix = self._words.fit_transform(documents)
        self._character_matrix = self._characters.fit_transform(documents)

    def search(
        self, text: str, *, topic: str | None = None, partner: str | None = None, limit: int = 5
    ) -> list[SearchHit]:
        """Procedures ranked by similarity to `text`, optionally restricted to a topic and a partner."""
        query = fold(text)
        word_scores = linear_kernel(self._words.transform([query]), self._word_matrix)[0]
        character_scores = linear_kernel(self._characters.transform([query]), self._character_matrix)[0]
        hits = [
            SearchHit(procedure, float(0.5 * word + 0.5 * character))
            for procedure, word, character in zip(self._procedures, word_scores, character_scores, strict=True)
            if (topic is None or topic in procedure.topics) and (partner is None or procedure.partner == partner)
        ]
        hits.sort(key=lambda hit: hit.score, reverse=True)
        return hits[:limit]


def _document(procedure: Procedure, partner: Partner, topics: dict[str, Topic]) -> str:
    """The text a procedure is found by; title and keywords count twice."""
    parts = [procedure.title, procedure.title, *procedure.keywords, *procedure.keywords, procedure.summary,
             procedure.audience, partner.name, *partner.aliases]
    for slug in procedure.topics:
        parts += [topics[slug].title, topics[slug].description]
    return fold(" ".join(parts))


class PartnerMatcher:
    """Finds partners named in a message by their aliases, tolerating typos on longer names."""

    FUZZY_MIN_LENGTH = 6
    FUZZY_MIN_SCORE = 88

    def __init__(self, partners: Sequence[Partner]):
        self._aliases = [
            (fold(alias), partner.slug)
            for partner in partners
            for alias in {partner.slug.replace("_", " "), *partner.aliases}
            if fold(alias)
        ]

    def find(self, text: str) -> list[str]:
        """Slugs of the partners named in `text`, in order of first mention, without duplicates."""
        words = fold(text).split()
        found: list[tuple[int, str]] = []
        for alias, slug in self._aliases:
            size = len(alias.split())
            for start in range(len(words) - size + 1):
                candidate = " ".join(words[start : start + size])
                if candidate == alias or (
                    len(alias) >= self.FUZZY_MIN_LENGTH and fuzz.ratio(candidate, alias) >= self.FUZZY_MIN_SCORE
                ):
                    found.append((start, slug))
                    break
        ordered: list[str] = []
        for _, slug in sorted(found):
            if slug not in ordered:
                ordered.append(slug)
        return ordered

"""Free-text ranking of procedures and detection of the partners a message names.

Ranking combines TF-IDF over words and over character n-grams (scikit-learn): words reward the
right vocabulary, character n-grams tolerate typos and missing accents ("demenagment", "carte grize").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import snowballstemmer
from rapidfuzz import fuzz
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

from assistant.knowledge.entities import Partner, Procedure, Topic
from assistant.text import STOP_WORDS, fold

_STEMMER = snowballstemmer.stemmer("french")


@dataclass(frozen=True)
class SearchHit:
    procedure: Procedure
    score: float


class _FieldIndex:
    """TF-IDF over one text field, on stemmed words and on character n-grams."""

    def __init__(self, documents: list[str]):
        self._words = TfidfVectorizer(analyzer=stemmed_words, sublinear_tf=True)
        self._characters = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        self._word_matrix = self._words.fit_transform(documents)
        self._character_matrix = self._characters.fit_transform(documents)

    def scores(self, query: str):
        words = linear_kernel(self._words.transform([query]), self._word_matrix)[0]
        characters = linear_kernel(self._characters.transform([query]), self._character_matrix)[0]
        return 0.6 * words + 0.4 * characters


class ProcedureSearch:
    """An index built once over all procedures; a query costs a few sparse dot products.

    Titles and keywords (what the procedure is) weigh more than the body (steps, audience), whose
    incidental words ("vendre" in the steps of a procedure about a deceased person's car) mislead.
    """

    TITLE_WEIGHT = 0.6

    def __init__(self, procedures: Sequence[Procedure], partners: Sequence[Partner], topics: Sequence[Topic]):
        self._procedures = list(procedures)
        partner_by_slug = {partner.slug: partner for partner in partners}
        topic_by_slug = {topic.slug: topic for topic in topics}
        self._titles = _FieldIndex([fold(" ".join([p.title, *p.keywords])) for p in self._procedures])
        self._bodies = _FieldIndex([_body(p, partner_by_slug[p.partner], topic_by_slug) for p in self._procedures])

    def search(
        self, text: str, *, topic: str | None = None, partner: str | None = None, limit: int = 5
    ) -> list[SearchHit]:
        """Procedures ranked by similarity to `text`, optionally restricted to a topic and a partner."""
        query = fold(text)
        scores = self.TITLE_WEIGHT * self._titles.scores(query) + (1 - self.TITLE_WEIGHT) * self._bodies.scores(query)
        hits = [
            SearchHit(procedure, float(score))
            for procedure, score in zip(self._procedures, scores, strict=True)
            if (topic is None or topic in procedure.topics) and (partner is None or procedure.partner == partner)
        ]
        hits.sort(key=lambda hit: hit.score, reverse=True)
        return hits[:limit]


def stemmed_words(text: str) -> list[str]:
    """Stemmed words and word pairs without stop words: « vends », « vendre » and « vente » meet halfway."""
    stems = _STEMMER.stemWords([word for word in text.split() if word not in STOP_WORDS and len(word) > 1])
    return stems + [f"{first} {second}" for first, second in zip(stems, stems[1:], strict=False)]


def _body(procedure: Procedure, partner: Partner, topics: dict[str, Topic]) -> str:
    parts = [procedure.summary, procedure.audience, *procedure.steps, partner.name, *partner.aliases]
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

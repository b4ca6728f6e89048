"""Search over the service-public.fr sheets: lexical BM25 over the sheets' fields, e5 vectors, and their fusion.

A question goes through what people's writing needs before it meets the corpus: chat spellings and
abbreviations rewritten with the sheets' official terms (`synonyms.yml`), typos corrected against the
corpus's own words, French stems. The lexical side is BM25 (bm25s) on each field of a sheet — title,
description, breadcrumb, section titles, body — weighted, so that a sheet is found for its subject before its
incidental words. The dense side compares the question with each sheet's title and description through
multilingual-e5-small. Both are min-max normalised and mixed with weights; a sheet's family then weighs in:
a fiche answers a question before the form, téléservice or dossier page that surrounds it.

Everything is computed once when the index is built (at start, from the database or the archive); a query
costs a few sparse products, one small-model forward pass and a dot product with 4,873 vectors.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import bm25s
import numpy as np

from assistant.sheets.analysis import SpellingCorrector, analyse
from assistant.sheets.embeddings import Embedder
from assistant.sheets.parser import Sheet, family_of, live_url
from assistant.sheets.synonyms import QueryRewriter
from assistant.text import fold

FIELDS = ("title", "description", "context", "headings", "body")
# Besides whole fields, each section (its title and text) is indexed on its own; a sheet scores as its best
# section, so that a question about one part of a long sheet is not diluted by the rest of it.
SECTION_FIELD = "section"


@dataclass(frozen=True)
class SearchSettings:
    """How a question is matched; the defaults are the configuration `bench/open.py` measured best."""

    field_weights: Mapping[str, float] = field(default_factory=lambda: {
        "title": 1.0, "description": 0.5, "context": 0.3, "headings": 0.3, "body": 0.3})
    rewrite: bool = True  # chat spellings and synonyms from synonyms.yml
    correct_spelling: bool = True
    dense_weight: float = 0.5  # share of the e5 score in the fusion (0: lexical only, 1: dense only)
    fusion: str = "weighted"  # "weighted" (min-max normalised scores) or "rrf" (reciprocal rank fusion)
    rrf_k: int = 60
    family_weights: Mapping[str, float] = field(default_factory=lambda: {
        "fiche": 1.0, "question": 1.0, "dossier": 0.85, "teleservice": 0.85, "formulaire": 0.8, "modele": 0.75,
        "simulateur": 0.75})
    bm25_k1: float = 1.2
    bm25_b: float = 0.75


@dataclass(frozen=True)
class SheetSummary:
    """What a result shows: enough for a card (title, one line, date, link) without reading the database."""

    id: str
    title: str
    description: str
    kind: str
    modified: date
    themes: tuple[str, ...]

    @property
    def url(self) -> str:
        return live_url(self.id)

    @property
    def family(self) -> str:
        return family_of(self.kind)


@dataclass(frozen=True)
class SheetHit:
    sheet: SheetSummary
    score: float  # the fused score, comparable between questions: see `SheetSearch.search`


@dataclass(frozen=True)
class ScoredQuestion:
    """The pieces of one question's scoring, for the benchmark and for explaining a result."""

    lexical_text: str
    lexical: np.ndarray
    dense: np.ndarray | None
    fused: np.ndarray


def search_fields(sheet: Sheet) -> dict[str, str]:
    """The folded text of each field the lexical index weighs."""
    return {
        "title": fold(f"{sheet.title} {sheet.cerfa or ''}"),
        "description": fold(sheet.description),
        "context": fold(" ".join([title for _, title in sheet.breadcrumb] + [sheet.dossier_part])),
        "headings": fold(" ".join(section.title for section in sheet.sections)),
        "body": fold(" ".join(section.text for section in sheet.sections)),
    }


def passage(sheet: Sheet) -> str:
    """What e5 reads of a sheet: its title and its one-paragraph description (the page's own summary)."""
    return f"{sheet.title}. {sheet.description}"


class SheetSearch:
    """An index over a list of sheets, built once, queried many times (thread-safe for reading)."""

    def __init__(
        self,
        sheets: Sequence[Sheet],
        *,
        settings: SearchSettings | None = None,
        rewriter: QueryRewriter | None = None,
        embedder: Embedder | None = None,
        passage_vectors: np.ndarray | None = None,
    ):
        started = time.perf_counter()
        self.settings = settings or SearchSettings()
        self.sheets = [SheetSummary(sheet.id, sheet.title, sheet.description, sheet.kind, sheet.modified,
                                    sheet.themes) for sheet in sheets]
        self._position = {summary.id: index for index, summary in enumerate(self.sheets)}
        self._rewriter = rewriter if rewriter is not None else QueryRewriter.from_file()
        fields = [search_fields(sheet) for sheet in sheets]
        self._spelling = SpellingCorrector.from_texts(
            " ".join(values.values()) for values in fields)
        self._synonym_words = {word for entry in self._rewriter.synonyms for form in entry.written
                               for word in form.split()}
        self._indexes: dict[str, bm25s.BM25] = {}
        for name in FIELDS:
            index = bm25s.BM25(k1=self.settings.bm25_k1, b=self.settings.bm25_b)
            index.index([analyse(values[name]) or [""] for values in fields], show_progress=False)
            self._indexes[name] = index
        section_texts = [(position, fold(f"{section.title} {section.text}")) for position, sheet in enumerate(sheets)
                         for section in sheet.sections]
        self._section_owner = np.array([position for position, _ in section_texts], dtype=np.int64)
        sections = bm25s.BM25(k1=self.settings.bm25_k1, b=self.settings.bm25_b)
        sections.index([analyse(text) or [""] for _, text in section_texts] or [[""]], show_progress=False)
        self._indexes[SECTION_FIELD] = sections
        self._family_weights = np.array([self.settings.family_weights.get(summary.family, 1.0)
                                         for summary in self.sheets], dtype=np.float32)
        self._embedder = embedder
        self._vectors = None
        if passage_vectors is not None:
            self.attach_vectors(passage_vectors, embedder)
        self.build_seconds = time.perf_counter() - started

    @property
    def has_vectors(self) -> bool:
        return self._vectors is not None and self._embedder is not None

    def attach_vectors(self, passage_vectors: np.ndarray, embedder: Embedder | None = None) -> None:
        """Add the dense side (the vectors of `passage(sheet)` for each sheet, in order): the index answers
        lexically until then, for example while the vectors are computed in the background."""
        if passage_vectors.shape[0] != len(self.sheets):
            raise ValueError(f"{passage_vectors.shape[0]} vecteurs pour {len(self.sheets)} fiches")
        self._embedder = embedder or self._embedder
        self._vectors = np.ascontiguousarray(passage_vectors, dtype=np.float32)

    def with_settings(self, settings: SearchSettings) -> SheetSearch:
        """The same index scored differently (the family weights and the fusion; not the BM25 parameters)."""
        other = object.__new__(SheetSearch)
        other.__dict__.update(self.__dict__)
        other.settings = settings
        other._family_weights = np.array([settings.family_weights.get(summary.family, 1.0)
                                          for summary in self.sheets], dtype=np.float32)
        return other

    def lexical_text(self, text: str) -> str:
        """The question as the lexical index reads it: normalised, typos corrected, official terms added."""
        if not self.settings.rewrite:
            words = fold(text)
            return self._spelling.correct_text(words) if self.settings.correct_spelling else words
        normalised = self._rewriter.normalise(text)
        if self.settings.correct_spelling:
            normalised = " ".join(word if word in self._synonym_words else self._spelling.correct(word)
                                  for word in normalised.split())
        return " ".join([normalised, *self._rewriter.additions(normalised)])

    def score(self, text: str) -> ScoredQuestion:
        lexical_text = self.lexical_text(text)
        lexical = self._lexical_scores(analyse(lexical_text))
        dense = None
        weight = self.settings.dense_weight
        if self.has_vectors and weight > 0:
            dense_text = lexical_text if self.settings.rewrite else text
            dense = self._vectors @ self._embedder.query(dense_text)
        if dense is None:
            fused = _min_max(lexical)
        elif weight >= 1:
            fused = _min_max(dense)
        elif self.settings.fusion == "rrf":
            fused = _reciprocal_ranks(lexical, self.settings.rrf_k) + _reciprocal_ranks(dense, self.settings.rrf_k)
        else:
            fused = (1 - weight) * _min_max(lexical) + weight * _min_max(dense)
        return ScoredQuestion(lexical_text, lexical, dense, fused * self._family_weights)

    def search(
        self, text: str, *, limit: int = 3, families: Iterable[str] | None = None, theme: str | None = None,
    ) -> list[SheetHit]:
        """The best sheets for a question, best first; `families` (fiche, question, dossier, teleservice,
        formulaire, modele, simulateur) and `theme` (« Famille », « Travail »…) restrict them."""
        scores = self.score(text).fused
        allowed = set(families) if families is not None else None
        order = np.argsort(-scores, kind="stable")
        hits: list[SheetHit] = []
        for position in order:
            summary = self.sheets[position]
            if scores[position] <= 0 or len(hits) >= limit:
                break
            if allowed is not None and summary.family not in allowed:
                continue
            if theme is not None and theme not in summary.themes:
                continue
            hits.append(SheetHit(summary, float(scores[position])))
        return hits

    def summary(self, sheet_id: str) -> SheetSummary | None:
        position = self._position.get(sheet_id)
        return self.sheets[position] if position is not None else None

    def _lexical_scores(self, stems: list[str]) -> np.ndarray:
        total = np.zeros(len(self.sheets), dtype=np.float32)
        for name, weight in self.settings.field_weights.items():
            index = self._indexes[name]
            known = [stem for stem in stems if stem in index.vocab_dict]
            if not known or not weight:
                continue
            if name == SECTION_FIELD:
                best = np.zeros(len(self.sheets), dtype=np.float32)
                np.maximum.at(best, self._section_owner, index.get_scores(known)[:len(self._section_owner)])
                total += weight * best
            else:
                total += weight * index.get_scores(known)
        return total


def _min_max(scores: np.ndarray) -> np.ndarray:
    low, high = float(scores.min()), float(scores.max())
    if high <= low:
        return np.zeros_like(scores)
    return (scores - low) / (high - low)


def _reciprocal_ranks(scores: np.ndarray, k: int) -> np.ndarray:
    ranks = np.empty(len(scores), dtype=np.float32)
    ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
    return 1.0 / (k + ranks)


def with_dense_weight(settings: SearchSettings, weight: float) -> SearchSettings:
    return replace(settings, dense_weight=weight)

"""Search over the service-public.fr sheets: lexical BM25 over the sheets' fields, e5 vectors, and their fusion.

A question goes through what people's writing needs before it meets the corpus: chat spellings and
abbreviations rewritten with the sheets' official terms (`synonyms.yml`), typos corrected against the
corpus's own words, French stems. The lexical side is BM25 (bm25s) on each field of a sheet — title,
description, breadcrumb, section titles, body, and the everyday wordings of what it answers (`wordings.yml`) —
weighted, so that a sheet is found for its subject before its incidental words. The dense side compares the
question with each sheet's title and description, chapters and everyday wordings through multilingual-e5-small.
Both are min-max normalised and mixed with weights; a sheet's family then weighs in: a fiche answers a question
before the form, téléservice or dossier page that surrounds it.

Everything is computed once when the index is built (at start, from the database or the archive); a query
costs a few sparse products, one small-model forward pass and a dot product with the passages' vectors.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from pathlib import Path

import numpy as np

from assistant.sheets.analysis import SpellingCorrector, analyse
from assistant.sheets.bm25 import BM25
from assistant.sheets.bm25 import scores as bm25_scores
from assistant.sheets.embeddings import Embedder
from assistant.sheets.parser import Sheet, SheetIdentity
from assistant.sheets.synonyms import QueryRewriter
from assistant.sheets.wordings import Wordings, load_wordings
from assistant.text import fold

FIELDS = ("title", "description", "context", "headings", "body", "anchors", "wordings")
# Raised when the index is built differently (fields, how they are analysed): a cached index is then rebuilt.
INDEX_VERSION = 2
# The confidence scale: a raw lexical score of 15 (with the default weights) is a half-sure match; e5 puts
# unrelated French texts at a cosine of about 0.8, so only what is above counts.
LEXICAL_HALF_CONFIDENCE = 15.0
DENSE_FLOOR = 0.8
# Besides whole fields, each section (its title and text) is indexed on its own; a sheet scores as its best
# section, so that a question about one part of a long sheet is not diluted by the rest of it.
SECTION_FIELD = "section"


@dataclass(frozen=True)
class SearchSettings:
    """How a question is matched; the defaults are the configuration `bench/open.py` measured best."""

    field_weights: Mapping[str, float] = field(default_factory=lambda: {
        "title": 1.0, "description": 0.3, "context": 0.3, "headings": 0.1, "body": 0.3, "section": 1.0,
        "anchors": 0.1, "wordings": 1.5})
    rewrite: bool = True  # chat spellings and synonyms from synonyms.yml
    addition_weight: float = 1.0  # weight of the official terms the synonyms add, against the person's own words
    correct_spelling: bool = True
    # e5 reads the question normalised, without the official terms the synonyms add: it knows « chômage » and
    # « CAF » already, and a shorter question costs less (measured better and cheaper by bench/open.py).
    dense_with_additions: bool = False
    dense_weight: float = 0.5  # share of the e5 score in the fusion (0: lexical only, 1: dense only)
    fusion: str = "weighted"  # "weighted" (min-max normalised scores) or "rrf" (reciprocal rank fusion)
    rrf_k: int = 60
    family_weights: Mapping[str, float] = field(default_factory=lambda: {
        "fiche": 1.0, "question": 1.0, "dossier": 0.85, "teleservice": 0.85, "formulaire": 0.8, "modele": 0.75,
        "simulateur": 0.75})
    bm25_k1: float = 1.2
    bm25_b: float = 0.75


@dataclass(frozen=True)
class SheetSummary(SheetIdentity):
    """What a result shows: enough for a card (title, one line, date, link) without reading the database."""

    id: str
    title: str
    description: str
    kind: str
    modified: date
    themes: tuple[str, ...]


@dataclass(frozen=True)
class SheetHit:
    sheet: SheetSummary
    score: float  # the ranking score (fused, relative to the other sheets for this question)
    confidence: float  # how sure the match is, comparable between questions (0 to 1): see `_confidence`


@dataclass(frozen=True)
class ScoredQuestion:
    """The pieces of one question's scoring, for the benchmark and for explaining a result."""

    lexical_text: str
    lexical: np.ndarray
    dense: np.ndarray | None
    fused: np.ndarray


def incoming_anchors(sheets: Sequence[Sheet]) -> dict[str, list[str]]:
    """For each sheet, the words other sheets use when they link to it (each wording once)."""
    found: dict[str, dict[str, None]] = {}
    for sheet in sheets:
        for target, words in sheet.anchors:
            found.setdefault(target, {})[words] = None
    return {target: list(words) for target, words in found.items()}


@dataclass
class AnalysedSheet:
    """A sheet's folded text (for the typo corrector's vocabulary) and stems of each field and section."""

    words: set[str]
    fields: dict[str, list[str]]
    sections: list[list[str]]


def analyse_sheet(sheet: Sheet, anchors: Sequence[str] = (), wordings: Sequence[str] = ()) -> AnalysedSheet:
    """Fold and stem a sheet once: the body and the section titles come from the sections' own stems."""
    folded = {
        "title": fold(f"{sheet.title} {sheet.cerfa or ''}"),
        "description": fold(sheet.description),
        "context": fold(" ".join([title for _, title in sheet.breadcrumb] + [sheet.dossier_part])),
        "anchors": fold(" ".join(anchors)),
        "wordings": fold(" ".join(wordings)),
    }
    fields = {name: analyse(text) for name, text in folded.items()}
    words = set(" ".join(folded.values()).split())
    sections = []
    fields["headings"], fields["body"] = [], []
    for section in sheet.sections:
        title, text = fold(section.title), fold(section.text)
        words.update(title.split())
        words.update(text.split())
        title_stems, text_stems = analyse(title), analyse(text)
        fields["headings"] += title_stems
        fields["body"] += text_stems
        sections.append(title_stems + text_stems)
    return AnalysedSheet(words, fields, sections)


def passage(sheet: Sheet) -> str:
    """What e5 reads of a sheet first: its title and its one-paragraph description (the page's own summary)."""
    return f"{sheet.title}. {sheet.description}"


def dense_passages(sheets: Sequence[Sheet], wordings: Wordings | None = None) -> tuple[list[str], np.ndarray]:
    """Everything e5 reads, with the position of the sheet each text belongs to: the title and description,
    then « title : situation, chapter » for each situation and chapter (a sheet about identity cards also
    answers « quels papiers pour la carte d'identité de mon fils » through its « Pièces à fournir »), then each
    of its everyday wordings (`wordings.yml`, read when not given)."""
    wordings = load_wordings() if wordings is None else wordings
    texts: list[str] = []
    owners: list[int] = []
    for position, sheet in enumerate(sheets):
        chapters = (f"{sheet.title} : {section.title.replace(' › ', ', ')}" for section in sheet.sections
                    if section.kind in ("chapitre", "situation") and section.title)
        own = list(dict.fromkeys([passage(sheet), *chapters, *wordings.get(sheet.id, ())]))  # each text once
        texts += own
        owners += [position] * len(own)
    return texts, np.array(owners, dtype=np.int64)


def summarise(sheet: Sheet) -> SheetSummary:
    return SheetSummary(sheet.id, sheet.title, sheet.description, sheet.kind, sheet.modified, sheet.themes)


class SheetSearch:
    """An index over a list of sheets, built once, queried many times (thread-safe for reading)."""

    def __init__(
        self,
        sheets: Sequence[Sheet],
        *,
        settings: SearchSettings | None = None,
        rewriter: QueryRewriter | None = None,
        wordings: Wordings | None = None,
        embedder: Embedder | None = None,
        passage_vectors: np.ndarray | None = None,
        passage_owners: np.ndarray | None = None,
    ):
        started = time.perf_counter()
        self._start([summarise(sheet) for sheet in sheets], settings, rewriter)
        anchors = incoming_anchors(sheets)
        wordings = load_wordings() if wordings is None else wordings
        analysed = [analyse_sheet(sheet, anchors.get(sheet.id, ()), wordings.get(sheet.id, ())) for sheet in sheets]
        self._words = Counter(word for sheet in analysed for word in sheet.words)
        self._spelling = SpellingCorrector(self._words)
        self._indexes: dict[str, BM25] = {}
        for name in FIELDS:
            if not self.settings.field_weights.get(name):
                continue  # a field that weighs nothing is not indexed (the benchmark's title-only baseline)
            self._indexes[name] = self._bm25([sheet.fields[name] for sheet in analysed])
        owners = [position for position, sheet in enumerate(analysed) for _ in sheet.sections]
        self._section_owner = np.array(owners, dtype=np.int64)
        if owners and self.settings.field_weights.get(SECTION_FIELD):
            self._indexes[SECTION_FIELD] = self._bm25([stems for sheet in analysed for stems in sheet.sections])
        self._embedder = embedder
        if passage_vectors is not None:
            self.attach_vectors(passage_vectors, embedder, passage_owners)
        self.build_seconds = time.perf_counter() - started

    def _start(self, summaries: list[SheetSummary], settings: SearchSettings | None,
               rewriter: QueryRewriter | None) -> None:
        """What a built index and a restored one both need."""
        self.settings = settings or SearchSettings()
        self.sheets = summaries
        self._position = {summary.id: index for index, summary in enumerate(self.sheets)}
        self._rewriter = rewriter if rewriter is not None else QueryRewriter.from_file()
        self._synonym_words = {word for entry in self._rewriter.synonyms for form in entry.written
                               for word in form.split()}
        self._family_weights = np.array([self.settings.family_weights.get(summary.family, 1.0)
                                         for summary in self.sheets], dtype=np.float32)
        self._embedder = None
        self._vectors = None
        self._vector_owners = None

    def save(self, directory: Path) -> None:
        """Write the lexical index (BM25 matrices, the corpus's words, the sections' owners) into `directory`,
        as numpy arrays and JSON: a later process restores it with `restore` instead of analysing the corpus."""
        directory.mkdir(parents=True, exist_ok=True)
        for name, index in self._indexes.items():
            index.save(str(directory / name), show_progress=False)
        np.save(directory / "section_owner.npy", self._section_owner)
        (directory / "words.json").write_text(json.dumps(self._words, ensure_ascii=False), encoding="utf-8")
        (directory / "sheets.json").write_text(json.dumps([summary.id for summary in self.sheets]), encoding="utf-8")

    @classmethod
    def restore(cls, directory: Path, summaries: list[SheetSummary], *, settings: SearchSettings | None = None,
                rewriter: QueryRewriter | None = None) -> SheetSearch:
        """The index `save` wrote, for these sheets (the same, in the same order: checked)."""
        started = time.perf_counter()
        search = object.__new__(cls)
        search._start(summaries, settings, rewriter)
        if json.loads((directory / "sheets.json").read_text(encoding="utf-8")) != [s.id for s in summaries]:
            raise ValueError("l'index enregistré ne correspond pas à ces fiches")
        search._indexes = {path.name: BM25.load(str(path), show_progress=False)
                           for path in sorted(directory.iterdir()) if path.is_dir()}
        search._section_owner = np.load(directory / "section_owner.npy")
        search._words = Counter(json.loads((directory / "words.json").read_text(encoding="utf-8")))
        search._spelling = SpellingCorrector(search._words)
        search.build_seconds = time.perf_counter() - started
        return search

    @cached_property
    def _section_segments(self) -> tuple[np.ndarray, np.ndarray]:
        """Where each sheet's sections start in the section index, and which sheets have any: the sections are
        indexed sheet after sheet, so a sheet's best section is a `reduceat` (`ufunc.at` is slow on numpy 1.23)."""
        starts = np.flatnonzero(np.diff(self._section_owner, prepend=-1))
        return starts, self._section_owner[starts]

    @property
    def has_vectors(self) -> bool:
        return self._vectors is not None and self._embedder is not None

    def attach_vectors(self, passage_vectors: np.ndarray, embedder: Embedder | None = None,
                       owners: np.ndarray | None = None) -> None:
        """Add the dense side: vectors of the texts of `dense_passages` and the sheet each belongs to (or one
        vector per sheet, of `passage(sheet)`, in order, without `owners`). The index answers lexically until
        then, for example while the vectors are computed in the background."""
        owners = np.arange(len(self.sheets)) if owners is None else np.asarray(owners, dtype=np.int64)
        if passage_vectors.shape[0] != len(owners) or (len(owners) and owners.max() >= len(self.sheets)) or \
                len(np.unique(owners)) != len(self.sheets):
            raise ValueError(f"{passage_vectors.shape[0]} vecteurs pour {len(self.sheets)} fiches")
        order = np.argsort(owners, kind="stable")  # each sheet's texts side by side, for one reduceat
        self._embedder = embedder or self._embedder
        self._vectors = np.ascontiguousarray(passage_vectors[order], dtype=np.float32)
        owners = owners[order]
        self._segment_starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
        self._vector_owners = owners if len(owners) != len(self.sheets) else None

    def _bm25(self, documents: list[list[str]]) -> BM25:
        index = BM25(k1=self.settings.bm25_k1, b=self.settings.bm25_b)
        index.index([tokens or [""] for tokens in documents], show_progress=False)
        return index

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
        own, added = self._lexical_parts(text)
        return " ".join([own, *added])

    def _lexical_parts(self, text: str) -> tuple[str, list[str]]:
        if not self.settings.rewrite:
            words = fold(text)
            return (self._spelling.correct_text(words) if self.settings.correct_spelling else words), []
        normalised = self._rewriter.normalise(text)
        if self.settings.correct_spelling:
            normalised = " ".join(word if word in self._synonym_words else self._spelling.correct(word)
                                  for word in normalised.split())
        return normalised, self._rewriter.additions(normalised)

    def score(self, text: str) -> ScoredQuestion:
        own, added = self._lexical_parts(text)
        own_stems = list(dict.fromkeys(analyse(own)))
        added_stems = [stem for stem in dict.fromkeys(analyse(" ".join(added))) if stem not in own_stems]
        lexical = self._lexical_scores(own_stems)
        if added_stems and self.settings.addition_weight:
            lexical += self.settings.addition_weight * self._lexical_scores(added_stems)
        lexical_text = " ".join([own, *added])
        dense = None
        weight = self.settings.dense_weight
        if self.has_vectors and weight > 0:
            dense_text = text
            if self.settings.rewrite:
                dense_text = lexical_text if self.settings.dense_with_additions else own
            similarities = self._vectors @ self._embedder.query(dense_text)
            if self._vector_owners is None:
                dense = similarities
            else:  # a sheet is as close as its closest text
                dense = np.maximum.reduceat(similarities, self._segment_starts)
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
        scored = self.score(text)
        scores = scored.fused
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
            hits.append(SheetHit(summary, float(scores[position]), self._confidence(scored, position)))
        return hits

    def _confidence(self, scored: ScoredQuestion, position: int) -> float:
        """How sure a sheet answers, on a scale that holds across questions (unlike the fused score, relative to
        the other sheets): the raw lexical score, saturated (half at LEXICAL_HALF_CONFIDENCE), and with the
        dense side, the e5 similarity above what unrelated texts reach, mixed by the dense weight. Measured by
        bench/open.py against non-administrative messages."""
        lexical = float(scored.lexical[position])
        confidence = lexical / (lexical + LEXICAL_HALF_CONFIDENCE)
        if scored.dense is not None:
            weight = min(self.settings.dense_weight, 1.0)
            dense = float(np.clip((scored.dense[position] - DENSE_FLOOR) / (1 - DENSE_FLOOR), 0, 1))
            confidence = (1 - weight) * confidence + weight * dense
        return confidence

    def summary(self, sheet_id: str) -> SheetSummary | None:
        position = self._position.get(sheet_id)
        return self.sheets[position] if position is not None else None

    def _lexical_scores(self, stems: list[str]) -> np.ndarray:
        total = np.zeros(len(self.sheets), dtype=np.float32)
        for name, weight in self.settings.field_weights.items():
            index = self._indexes.get(name)
            if index is None:
                continue
            known = [stem for stem in stems if stem in index.vocab_dict]
            if not known or not weight:
                continue
            if name == SECTION_FIELD:
                starts, owners = self._section_segments
                total[owners] += weight * np.maximum.reduceat(bm25_scores(index, known)[:len(self._section_owner)],
                                                              starts)
            else:
                total += weight * bm25_scores(index, known)
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

"""Open-world retrieval: does a citizen's question find its service-public.fr sheet?

Reads the sheets (DILA's zip, parsed in memory; or a database filled by `guichet sheets import`) and the
evaluation set bench/data/open_eval.yml (citizen questions labelled with the sheets that answer them, written
without reading the code; plus non-administrative messages). The set is split by the parity of the numeric id:
odd ids are the tuning half (whose misses were read while building the search), even ids the held-out half
(never read); bench/data/open_eval_fresh.yml, when present, is a second set written and labelled later by
writers who saw neither the code nor the first set, all of it held out. Prints, side by side for each method:
right sheet in the top 1 and top 3, mean reciprocal rank, query time p50/p95 (wall clock, and CPU time of the
querying thread, which the other processes of a shared machine do not inflate) and index build time; the time to
embed the corpus or to read its cached vectors; then how well a score threshold separates non-administrative
messages (and questions no 2020 sheet answers) from administrative ones.
Targets: right sheet in the top 3 >= 0.90, query p95 <= 20 ms.
Usage: .venv/bin/python bench/open.py [--source ZIP | --database-url URL] [--no-dense] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import config  # noqa: E402
from assistant.sheets.importer import parse_archive, read_archive  # noqa: E402
from assistant.sheets.parser import Sheet  # noqa: E402
from assistant.sheets.search import SearchSettings, SheetSearch  # noqa: E402
from assistant.sheets.service import embed_sheets  # noqa: E402

EVALUATION_SET = ROOT / "bench" / "data" / "open_eval.yml"
# A second set, written and labelled later by writers who saw neither the code nor the first set; nothing
# was chosen on it: all of it is held out (README_open_eval.md).
FRESH_SET = ROOT / "bench" / "data" / "open_eval_fresh.yml"
FRESH = "fresh"
TOP3_TARGET = 0.90
P95_TARGET_MS = 20.0
HALVES = ("tuning", "held-out")
# The naive baseline of the issue: titles and descriptions only, the question as typed, every type alike.
NAIVE = SearchSettings(field_weights={"title": 1.0, "description": 1.0}, rewrite=False, correct_spelling=False,
                       family_weights={}, dense_weight=0.0)


@dataclass
class Question:
    id: str
    text: str
    sheets: list[str]
    out_of_scope: bool
    fresh: bool = False  # from FRESH_SET

    @property
    def half(self) -> str:
        if self.fresh:
            return FRESH
        return HALVES[0] if int(self.id[1:]) % 2 else HALVES[1]

    @property
    def answerable(self) -> bool:
        return not self.out_of_scope and bool(self.sheets)


@dataclass
class Outcome:
    ranks: dict[str, int | None] = field(default_factory=dict)  # question id → rank of the first right sheet
    wall_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    confidence: dict[str, float] = field(default_factory=dict)  # question id → the first hit's confidence


def read_questions(path: Path, *, fresh: bool = False) -> list[Question]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Question(item["id"], item["text"], list(item.get("sheets") or []), bool(item.get("out_of_scope")),
                     fresh) for item in data["questions"]]


def load_sheets(arguments) -> tuple[list[Sheet], float]:
    started = time.perf_counter()
    if arguments.database_url:
        from assistant.db import create_database_engine, create_session_factory
        from assistant.sheets.repository import list_sheets

        engine = create_database_engine(arguments.database_url)
        with create_session_factory(engine)() as session:
            sheets = list_sheets(session=session)
        engine.dispose()
    else:
        contents = parse_archive(read_archive(arguments.source))
        sheets = sorted((item.sheet for item in contents.sheets), key=lambda sheet: sheet.id)
    return sheets, time.perf_counter() - started


def run(search: SheetSearch, questions: list[Question]) -> Outcome:
    outcome = Outcome()
    search.search("échauffement")  # first call: lazy initialisations are not a query's cost
    for question in questions:
        started, cpu = time.perf_counter(), time.thread_time()
        hits = search.search(question.text, limit=10)
        outcome.cpu_ms.append((time.thread_time() - cpu) * 1000)
        outcome.wall_ms.append((time.perf_counter() - started) * 1000)
        ids = [hit.sheet.id for hit in hits]
        outcome.ranks[question.id] = next((rank for rank, sheet in enumerate(ids, 1) if sheet in question.sheets),
                                          None)
        outcome.confidence[question.id] = hits[0].confidence if hits else 0.0
    return outcome


def naive_vectors_search(guichet: SheetSearch, embedded) -> SheetSearch:
    """The guichet hybrid with only the titles+descriptions vectors (what the chapters' vectors add)."""
    first = np.unique(embedded.owners, return_index=True)[1]
    search = guichet.with_settings(guichet.settings)
    search.attach_vectors(embedded.vectors[first], embedded.embedder)
    return search


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def accuracy(outcome: Outcome, questions: list[Question]) -> dict[str, float]:
    ranks = [outcome.ranks[question.id] for question in questions if question.answerable]
    return {"top1": sum(rank == 1 for rank in ranks) / len(ranks),
            "top3": sum(rank is not None and rank <= 3 for rank in ranks) / len(ranks),
            "mrr": sum(1 / rank for rank in ranks if rank) / len(ranks), "count": len(ranks)}


def area_under_curve(positives: list[float], negatives: list[float]) -> float:
    """Probability that an administrative question scores above a non-administrative message."""
    pairs = [(p > n) + 0.5 * (p == n) for p in positives for n in negatives]
    return sum(pairs) / len(pairs) if pairs else float("nan")


def print_separation(name: str, outcome: Outcome, questions: list[Question]) -> None:
    """How well the first hit's confidence tells administrative questions from the other messages."""
    answerable = [question for question in questions if question.answerable]
    print(f"\nConfidence of the first hit ({name.strip()}): administrative questions against the others")
    groups = {
        "administrative, labelled": [outcome.confidence[q.id] for q in answerable],
        "administrative, no 2020 sheet": [outcome.confidence[q.id] for q in questions
                                          if not q.out_of_scope and not q.sheets],
        "non-administrative": [outcome.confidence[q.id] for q in questions if q.out_of_scope],
    }
    for group, values in groups.items():
        print(f"  {group:32} n={len(values):3}  min {min(values):.2f}  p10 {percentile(values, 0.1):.2f}  "
              f"median {statistics.median(values):.2f}  p90 {percentile(values, 0.9):.2f}  max {max(values):.2f}")
    positives, negatives = groups["administrative, labelled"], groups["non-administrative"]
    print(f"  AUC administrative vs non-administrative: {area_under_curve(positives, negatives):.3f}; "
          f"vs questions no sheet answers: {area_under_curve(positives, groups['administrative, no 2020 sheet']):.3f}")
    print("  threshold   administrative kept   right sheet in top 3 and kept   non-administrative rejected")
    for threshold in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6):
        kept = [q for q in answerable if outcome.confidence[q.id] >= threshold]
        right = sum(outcome.ranks[q.id] is not None and outcome.ranks[q.id] <= 3 for q in kept)
        rejected = sum(value < threshold for value in negatives)
        print(f"  {threshold:9.2f}   {len(kept) / len(answerable):19.3f}   {right / len(answerable):29.3f}   "
              f"{rejected / len(negatives):27.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=config.sheets_source(), help="zip of the sheets (path or URL)")
    parser.add_argument("--database-url", help="read the sheets from this database instead of the zip")
    parser.add_argument("--no-dense", action="store_true", help="skip e5 (no embedding of the corpus)")
    parser.add_argument("--json", type=Path, help="write every question's rank and confidence here")
    arguments = parser.parse_args()

    questions = read_questions(EVALUATION_SET)
    fresh = [q for q in read_questions(FRESH_SET, fresh=True) if q.answerable] if FRESH_SET.exists() else []
    answerable = [question for question in questions if question.answerable]
    sheets, load_seconds = load_sheets(arguments)
    print(f"Corpus: {len(sheets)} sheets ({'database' if arguments.database_url else 'zip parsed in memory'}, "
          f"{load_seconds:.1f} s); newest {max(sheet.modified for sheet in sheets):%d/%m/%Y}")
    print(f"Evaluation: {len(answerable)} questions with a labelled sheet "
          + ", ".join(f"{half} {sum(q.half == half for q in answerable)}" for half in HALVES)
          + f"; {sum(q.out_of_scope for q in questions)} non-administrative messages, "
          f"{sum(not q.out_of_scope and not q.sheets for q in questions)} questions no 2020 sheet answers"
          + (f"; fresh set: {len(fresh)} questions with a labelled sheet" if fresh else ""))
    print(f"Machine load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    guichet = SheetSearch(sheets)
    naive = SheetSearch(sheets, settings=NAIVE)
    builds = {"guichet": guichet.build_seconds, "naive": naive.build_seconds}
    print(f"Index build: guichet {guichet.build_seconds:.1f} s, titles+descriptions only {naive.build_seconds:.1f} s")

    methods: list[tuple[str, SheetSearch, str]] = [("BM25 titles+descriptions", naive, "naive")]
    if not arguments.no_dense:
        started = time.perf_counter()
        embedded = embed_sheets(sheets, config.cache_directory())
        seconds = time.perf_counter() - started
        what = (f"{embedded.computed} texts embedded in {seconds:.1f} s" if embedded.computed
                else f"read from the cache in {seconds:.2f} s (warm start)")
        print(f"e5 vectors of {len(embedded.owners)} texts (titles+descriptions, titles of situations and "
              f"chapters, everyday wordings): {what} (cache: {config.cache_directory()})")
        first = np.unique(embedded.owners, return_index=True)[1]  # each sheet's title+description
        naive.attach_vectors(embedded.vectors[first], embedded.embedder)
        guichet.attach_vectors(embedded.vectors, embedded.embedder, embedded.owners)
        raw_dense = replace(NAIVE, dense_weight=1.0)
        methods += [
            ("e5 titles+descriptions", naive.with_settings(raw_dense), "naive"),
            ("RRF(BM25, e5) titles+desc.", naive.with_settings(replace(NAIVE, dense_weight=0.5, fusion="rrf")),
             "naive"),
        ]
    lexical = replace(guichet.settings, dense_weight=0.0)
    methods += [
        ("guichet BM25 (lexical only)", guichet.with_settings(lexical), "guichet"),
        ("  without everyday wordings", guichet.with_settings(replace(
            lexical, field_weights={**lexical.field_weights, "wordings": 0.0})), "guichet"),
        ("  without synonyms", guichet.with_settings(replace(lexical, rewrite=False)), "guichet"),
        ("  without typo correction", guichet.with_settings(replace(lexical, correct_spelling=False)), "guichet"),
        ("  without type prior", guichet.with_settings(replace(lexical, family_weights={})), "guichet"),
        ("  titles+desc. fields only", guichet.with_settings(replace(
            lexical, field_weights={"title": 1.0, "description": 0.3})), "guichet"),
    ]
    if not arguments.no_dense:
        methods += [
            ("guichet e5 (normalised question)", guichet.with_settings(replace(guichet.settings, dense_weight=1.0)),
             "guichet"),
            ("guichet hybrid, titles+desc. vectors", naive_vectors_search(guichet, embedded), "guichet"),
            ("guichet hybrid RRF", guichet.with_settings(replace(guichet.settings, fusion="rrf")), "guichet"),
            ("guichet hybrid weighted (default)", guichet, "guichet"),
        ]

    outcomes = {}
    header = (f"  {'method':36} {'top1':>6} {'top3':>6} {'MRR':>6} | {'top3 tune':>9} {'top3 held':>9} "
              f"{'top3 fresh':>10} | {'p50 ms':>7} {'p95 ms':>7} {'cpu p95':>7} | {'build s':>7}")
    print("\nRight sheet among the first results (all answerable questions of the first set; its tuning and held-out "
          "halves; the fresh set)")
    print(header)
    for name, search, build in methods:
        outcome = outcomes[name] = run(search, questions + fresh)
        overall = accuracy(outcome, questions)
        halves = [accuracy(outcome, [q for q in questions if q.half == half])["top3"] for half in HALVES]
        fresh_top3 = f"{accuracy(outcome, fresh)['top3']:10.3f}" if fresh else f"{'-':>10}"
        print(f"  {name:36} {overall['top1']:6.3f} {overall['top3']:6.3f} {overall['mrr']:6.3f} | "
              f"{halves[0]:9.3f} {halves[1]:9.3f} {fresh_top3} | {statistics.median(outcome.wall_ms):7.1f} "
              f"{percentile(outcome.wall_ms, 0.95):7.1f} {percentile(outcome.cpu_ms, 0.95):7.1f} | "
              f"{builds[build]:7.1f}")

    judged = ["guichet BM25 (lexical only)"] + ([] if arguments.no_dense else ["guichet hybrid weighted (default)"])
    for name in judged:
        print_separation(name, outcomes[name], questions)
    # Judged on the held-out half too: the tuning half's misses were read while building the search (and its
    # synonym list), so the whole set's figure flatters. The fresh set is a further check, printed beside the
    # target. The assistant runs the lexical search unless GUICHET_SHEETS_DENSE is set: both configurations are judged.
    for name in judged:
        outcome = outcomes[name]
        top3 = accuracy(outcome, questions)["top3"]
        held_out = accuracy(outcome, [question for question in questions if question.half == HALVES[1]])["top3"]
        p95 = percentile(outcome.wall_ms, 0.95)
        cpu_p95 = percentile(outcome.cpu_ms, 0.95)
        met = top3 >= TOP3_TARGET and held_out >= TOP3_TARGET
        print(f"\n{name.strip()}: target right sheet in top 3 >= {TOP3_TARGET} on the whole set and on the held-out "
              f"half: {'met' if met else 'NOT met'} ({top3:.3f}; held-out {held_out:.3f})")
        if fresh:
            fresh_top3 = accuracy(outcome, fresh)["top3"]
            print(f"{name.strip()}: fresh set, right sheet in top 3: {fresh_top3:.3f} "
                  f"({'at or above' if fresh_top3 >= TOP3_TARGET else 'BELOW'} {TOP3_TARGET})")
        print(f"{name.strip()}: target query p95 <= {P95_TARGET_MS:.0f} ms: "
              f"{'met' if p95 <= P95_TARGET_MS else 'NOT met'} (wall {p95:.1f} ms, CPU {cpu_p95:.1f} ms)")
    if arguments.json:
        arguments.json.parent.mkdir(parents=True, exist_ok=True)
        arguments.json.write_text(json.dumps({
            name: {question.id: {"rank": outcome.ranks[question.id], "confidence": outcome.confidence[question.id]}
                   for question in questions + fresh} for name, outcome in outcomes.items()}, indent=1,
            ensure_ascii=False))
        print(f"Details: {arguments.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

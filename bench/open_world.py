"""The open world in the conversation: for each citizen question of bench/data/open_eval.yml, is the answer
right, a confident answer beside the question, or an honest « je ne sais pas » / handoff?

Two ways to run it, which classify the answers alike:
- `--offline` (default): the trained model (models/guichet.tar.gz) reads each question, the routing of
  assistant/routing.py decides as the action server does, on the database's knowledge base and sheets. With
  `--grid`, it also tries threshold combinations and prints the best ones on the tuning half (odd ids).
- `--assistant`: the action server and the Rasa server are started on free ports (SQLite, the database of
  GUICHET_DATABASE_URL), and every question is sent through the REST channel in its own conversation.

An answer is classified from what the citizen is shown:
- curated procedures: right when their topic is the question's labelled topic or when they show a right
  sheet (a procedure's Service Public sheet or a related sheet); otherwise « confident wrong »;
- sheets: right when one of the (at most 3) sheets shown answers the question; else « wrong sheets » (dated,
  linked, with a person on offer: less harmful, still counted);
- not understood, handoff offer, out of scope: « no answer » (honest for a question no sheet answers, a
  miss otherwise); for a non-administrative message, only these are right.
Targets (issue 15): confident wrong <= 3 % of the questions outside the curated topics.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import logging
import os
import sys
import tempfile
import uuid
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import contract  # noqa: E402
from assistant.answers import answer_topic  # noqa: E402
from assistant.bootstrap import build_services  # noqa: E402
from assistant.knowledge import SHEET_IN_URL  # noqa: E402
from assistant.rasa_main import rasa_command  # noqa: E402
from assistant.routing import MEASURED, Evidence, Route, Thresholds, route  # noqa: E402
from assistant.turns import SHEETS_READ, related_sheets  # noqa: E402

EVALUATION_SET = ROOT / "bench" / "data" / "open_eval.yml"
MODEL = ROOT / "models" / "guichet.tar.gz"
CONFIDENT_WRONG_TARGET = 0.03
GROUPS = ("inside", "outside", "out_of_scope")
OUTCOMES = ("right", "confident_wrong", "wrong_sheets", "no_answer", "other")


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    topic: str | None
    sheets: frozenset[str]
    out_of_scope: bool

    @property
    def half(self) -> str:
        return "tuning" if int(self.id[1:]) % 2 else "held-out"

    @property
    def group(self) -> str:
        if self.out_of_scope:
            return "out_of_scope"
        return "inside" if self.topic else "outside"


@dataclass(frozen=True)
class Shown:
    """What the citizen was shown, reduced to what the classification needs."""

    kind: str  # "curated", "sheets", "no_answer", "other"
    topic: str | None = None
    sheets: frozenset[str] = frozenset()  # sheets shown, procedures' own sheets included


def read_questions(path: Path) -> list[Question]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Question(item["id"], item["text"], item.get("topic"), frozenset(item.get("sheets") or []),
                     bool(item.get("out_of_scope"))) for item in data["questions"]]


def classify(question: Question, shown: Shown) -> str:
    if question.out_of_scope:
        return "right" if shown.kind in ("no_answer", "other") else (
            "confident_wrong" if shown.kind == "curated" else "wrong_sheets")
    if shown.kind == "curated":
        fits = shown.topic == question.topic or bool(shown.sheets & question.sheets)
        return "right" if fits else "confident_wrong"
    if shown.kind == "sheets":
        return "right" if shown.sheets & question.sheets else "wrong_sheets"
    if shown.kind == "no_answer":
        return "right" if not question.sheets else "no_answer"
    return "other"


def sheet_of(url: str | None) -> str | None:
    match = SHEET_IN_URL.search(url or "")
    return match.group(1) if match else None


# Offline: the model reads, the routing decides.

@dataclass(frozen=True)
class Reading:
    intent: str
    confidence: float
    text: str


async def read_with_model(model: Path, questions: list[Question]) -> dict[str, Reading]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    readings = {}
    for question in questions:
        parsed = await agent.parse_message(question.text)
        readings[question.id] = Reading(parsed["intent"]["name"], float(parsed["intent"]["confidence"]),
                                        question.text)
    return readings


def decide(reading: Reading, hits, knowledge, thresholds: Thresholds) -> Shown:
    """What the action server would show for this reading (actions/procedures.py, actions/topics.py)."""
    topic = contract.topic_of_intent(reading.intent)
    ids = [hit.sheet.id for hit in hits]
    best = hits[0].confidence if hits else 0.0
    if topic is not None and knowledge.topic(topic) is not None:
        topic_sheets = knowledge.sheets_of_topic(topic)
        decided = route(Evidence(topic, reading.confidence, ids, best, topic_sheets), thresholds)
        if decided is Route.CURATED:
            answer = answer_topic(knowledge, topic, reading.text)
            shown = {hit.sheet.id for hit in related_sheets(hits, topic_sheets)}
            shown |= {p.service_public_reference for p in answer.procedures}
            return Shown("curated", topic, frozenset(shown))
    elif reading.intent == contract.Intent.OUT_OF_SCOPE:
        decided = route(Evidence(None, 0.0, ids, best, out_of_scope=True), thresholds)
    elif reading.intent == contract.Intent.NLU_FALLBACK:
        decided = route(Evidence(None, 0.0, ids, best), thresholds)
    else:
        return Shown("other")
    if decided is Route.SHEETS:
        return Shown("sheets", sheets=frozenset(ids[:contract.SHEETS_SHOWN]))
    return Shown("no_answer")


def offline(questions, readings, services, thresholds: Thresholds, failures: bool = False) -> dict[str, str]:
    knowledge, search = services.knowledge(), services.sheet_search()
    outcomes = {}
    for question in questions:
        hits = search.search(question.text, limit=SHEETS_READ)
        shown = decide(readings[question.id], hits, knowledge, thresholds)
        outcomes[question.id] = classify(question, shown)
        if failures and question.half == "tuning" and outcomes[question.id] in ("confident_wrong", "wrong_sheets"):
            reading = readings[question.id]
            print(f"  {outcomes[question.id]:<15} {question.id} « {question.text} » read {reading.intent} "
                  f"{reading.confidence:.2f}; shown {shown.kind} {shown.topic or ''} {sorted(shown.sheets)}; expected "
                  f"{question.topic or '-'} {sorted(question.sheets)}; sheets found "
                  f"{[(hit.sheet.id, round(hit.confidence, 2)) for hit in hits[:3]]}")
    return outcomes


def grid(questions, readings, services) -> list[tuple[Thresholds, dict]]:
    """Threshold combinations, scored on the tuning half: the most right answers with confident wrong answers
    outside the topics within the target and non-administrative messages refused."""
    knowledge, search = services.knowledge(), services.sheet_search()
    tuning = [q for q in questions if q.half == "tuning"]
    hits = {q.id: search.search(q.text, limit=SHEETS_READ) for q in tuning}
    results = []
    for depth, sure, unsure, answer, oos in itertools.product(
            (3, 5), (0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.01), (0.3, 0.4, 0.45, 0.5, 0.6, 1.01),
            (0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6), (0.6, 0.75, 0.9, 1.01)):
        thresholds = Thresholds(depth, sure, unsure, answer, oos)
        outcomes = {q.id: classify(q, decide(readings[q.id], hits[q.id], knowledge, thresholds)) for q in tuning}
        results.append((thresholds, summarise(tuning, outcomes)))
    admissible = [r for r in results if r[1]["outside"]["confident_wrong"] <= CONFIDENT_WRONG_TARGET]
    return sorted(admissible or results, key=lambda r: (-(r[1]["all"]["right"]), r[1]["all"]["confident_wrong"]))


# The running assistant: the same questions through the REST channel.

def shown_by_assistant(messages: list[dict]) -> Shown:
    for message in messages:
        custom = message.get("custom") or {}
        kind = custom.get("type")
        related = {item["id"] for item in custom.get("sheets") or []}
        if kind == "procedures":
            own = {sheet_of(item.get("service_public")) for item in custom.get("procedures") or []}
            return Shown("curated", custom.get("topic"), frozenset(related | (own - {None})))
        if kind == "sheets":
            return Shown("sheets", sheets=frozenset(related))
        if kind in ("fallback", "out_of_scope", "help", "unavailable") or (
                kind == "handoff" and custom.get("status") == "offered"):
            return Shown("no_answer")
    return Shown("other")


def through_assistant(questions: list[Question]) -> dict[str, str]:
    import requests

    from assistant.cluster.processes import ServerProcess, free_port, start_together

    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        actions_port, rasa_port = free_port(), free_port()
        endpoints = work / "endpoints.yml"
        endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
                             f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{work / "tracker.db"}"\n')
        environment = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3",
                       "GUICHET_RATE_LIMIT": "1000000/minute"}
        servers = [
            ServerProcess("actions", f"http://127.0.0.1:{actions_port}/health",
                          [str(bin_dir / "rasa"), "run", "actions", "--actions", "actions", "--port",
                           str(actions_port)],
                          environment, work / "actions.log"),
            ServerProcess("rasa", f"http://127.0.0.1:{rasa_port}/",
                          [*rasa_command(bin_dir / "python"), "run", "--model", str(MODEL), "--port", str(rasa_port),
                           "--endpoints", str(endpoints), "--credentials", str(ROOT / "credentials.yml")],
                          environment, work / "rasa.log"),
        ]
        start_together(servers)
        try:
            outcomes = {}
            for question in questions:
                response = requests.post(f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook", timeout=60,
                                         json={"sender": f"bench-{uuid.uuid4()}", "message": question.text})
                response.raise_for_status()
                outcomes[question.id] = classify(question, shown_by_assistant(response.json()))
            return outcomes
        finally:
            for server in servers:
                server.stop()


def summarise(questions: list[Question], outcomes: dict[str, str]) -> dict:
    summary = {}
    for group in (*GROUPS, "all"):
        chosen = [q for q in questions if group == "all" or q.group == group]
        counts = Counter(outcomes[q.id] for q in chosen)
        summary[group] = {"n": len(chosen), **{o: counts[o] / len(chosen) if chosen else 0.0 for o in OUTCOMES}}
    return summary


def print_summary(title: str, questions: list[Question], outcomes: dict[str, str]) -> dict:
    print(title)
    print(f"  {'':14} {'n':>4} " + " ".join(f"{o:>16}" for o in OUTCOMES))
    result = {}
    for half in ("tuning", "held-out", "both"):
        chosen = [q for q in questions if half == "both" or q.half == half]
        summary = summarise(chosen, outcomes)
        result[half] = summary
        for group in (*GROUPS, "all"):
            row = summary[group]
            print(f"  {half[:8] + ' ' + group:<14} {row['n']:>4} " + " ".join(f"{row[o]:>16.3f}" for o in OUTCOMES))
    outside = result["both"]["outside"]["confident_wrong"]
    verdict = "met" if outside <= CONFIDENT_WRONG_TARGET else "NOT met"
    print(f"  confident wrong outside the curated topics: {outside:.3f} (target <= {CONFIDENT_WRONG_TARGET}): "
          f"{verdict}")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assistant", action="store_true", help="through the REST channel of running servers")
    parser.add_argument("--grid", action="store_true", help="also search thresholds on the tuning half")
    parser.add_argument("--failures", action="store_true", help="list the tuning half's wrong answers")
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "open_world.json")
    arguments = parser.parse_args()
    logging.disable(logging.WARNING)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    questions = read_questions(EVALUATION_SET)
    print(f"{len(questions)} messages: " + ", ".join(f"{g} {sum(q.group == g for q in questions)}" for g in GROUPS))
    results = {"thresholds": MEASURED.__dict__}
    if arguments.assistant:
        results["assistant"] = print_summary("Through the REST channel (running assistant):", questions,
                                             through_assistant(questions))
    else:
        services = build_services()
        readings = asyncio.run(read_with_model(arguments.model, questions))
        results["offline"] = print_summary(f"Offline (model and routing, thresholds {MEASURED}):", questions,
                                           offline(questions, readings, services, MEASURED, arguments.failures))
        if arguments.grid:
            best = grid(questions, readings, services)[:5]
            print("Best thresholds on the tuning half:")
            for thresholds, summary in best:
                print(f"  {thresholds}: right {summary['all']['right']:.3f}, confident wrong outside "
                      f"{summary['outside']['confident_wrong']:.3f}, inside right {summary['inside']['right']:.3f}, "
                      f"out of scope right {summary['out_of_scope']['right']:.3f}")
            chosen = replace(MEASURED, **best[0][0].__dict__)
            results["best"] = print_summary(f"With the best thresholds {chosen}:", questions,
                                            offline(questions, readings, services, chosen))
    arguments.json.parent.mkdir(parents=True, exist_ok=True)
    arguments.json.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

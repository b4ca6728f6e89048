"""NLU accuracy of guichet's pipeline against Rasa's default pipeline, on a held-out evaluation set.

Trains both NLU models on data/nlu/ in the same run, parses every message of the evaluation set
(bench/data/nlu_eval.yml, written separately from the training data) and prints, side by side:
intent accuracy, macro-F1, topic accuracy, partner detection, then accuracy per topic and per partner.
Usage: .venv/bin/python bench/nlu.py [--eval FILE] [--json bench/results/nlu.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
# A fresh cache for this run: both pipelines train from scratch, so their training times compare.
os.environ["RASA_CACHE_DIRECTORY"] = tempfile.mkdtemp(prefix="guichet-bench-cache-")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rasa.core.agent import Agent  # noqa: E402
from rasa.model_training import train_nlu  # noqa: E402
from rasa.shared.nlu.training_data.loading import load_data  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402

from assistant.bootstrap import DataUnavailable, build_services  # noqa: E402
from assistant.knowledge import KnowledgeBase  # noqa: E402

TOPIC_TARGET = 0.92
TOPIC_PREFIX = "topic_"
FALLBACK_INTENT = "nlu_fallback"
THRESHOLDS = (0.0, 0.2, 0.3, 0.4, 0.45, 0.5, 0.6)


@dataclass
class Example:
    text: str
    intent: str
    partners: list[str]


@dataclass
class Result:
    name: str
    predicted_intents: list[str] = field(default_factory=list)
    predicted_partners: list[list[str]] = field(default_factory=list)
    # The classifier's own best intent and confidence, before the FallbackClassifier steps in.
    classifier_best: list[tuple[str, float]] = field(default_factory=list)
    train_seconds: float = 0.0
    parse_ms: float = 0.0


def read_examples(path: Path) -> list[Example]:
    data = load_data(str(path))
    return [
        Example(
            text=message.get("text"),
            intent=message.get("intent"),
            partners=sorted(
                {entity["value"] for entity in message.get("entities") or [] if entity["entity"] == "partner"}
            ),
        )
        for message in data.intent_examples
    ]


async def evaluate(name: str, config: Path, examples: list[Example], knowledge: KnowledgeBase, workdir: Path) -> Result:
    result = Result(name)
    started = time.perf_counter()
    model = train_nlu(config=str(config), nlu_data=str(ROOT / "data" / "nlu"), output=str(workdir),
                      domain=str(ROOT / "domain.yml"), fixed_model_name=name)
    result.train_seconds = time.perf_counter() - started
    agent = Agent.load(model)
    started = time.perf_counter()
    for example in examples:
        parsed = await agent.parse_message(example.text)
        result.predicted_intents.append(parsed["intent"]["name"])
        ranking = [r for r in parsed.get("intent_ranking") or [] if r["name"] != FALLBACK_INTENT]
        result.classifier_best.append((ranking[0]["name"], ranking[0]["confidence"]) if ranking else ("", 0.0))
        result.predicted_partners.append(detected_partners(parsed, knowledge))
    result.parse_ms = 1000 * (time.perf_counter() - started) / len(examples)
    return result


def detected_partners(parsed: dict, knowledge: KnowledgeBase) -> list[str]:
    """Partners as the assistant resolves them (actions/messages.py): entities, else the text's aliases."""
    found = set()
    for entity in parsed.get("entities") or []:
        if entity["entity"] == "partner":
            value = entity["value"]
            found.update([value] if knowledge.partner(value) else knowledge.partners_mentioned(value))
    return sorted(found or set(knowledge.partners_mentioned(parsed["text"])))


def ratio(part: int, whole: int) -> float:
    return part / whole if whole else float("nan")


def metrics(result: Result, examples: list[Example]) -> dict:
    gold = [example.intent for example in examples]
    predicted = result.predicted_intents
    topic_rows = [i for i, example in enumerate(examples) if example.intent.startswith(TOPIC_PREFIX)]
    per_topic, per_partner = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
    for i in topic_rows:
        per_topic[gold[i][len(TOPIC_PREFIX):]][0] += predicted[i] == gold[i]
        per_topic[gold[i][len(TOPIC_PREFIX):]][1] += 1
    partner_rows = [i for i, example in enumerate(examples) if example.partners]
    for i in partner_rows:
        for partner in examples[i].partners:
            per_partner[partner][0] += partner in result.predicted_partners[i]
            per_partner[partner][1] += 1
    labels = sorted(set(gold))
    by_threshold = {}
    for threshold in THRESHOLDS:
        kept = [intent if confidence >= threshold else FALLBACK_INTENT for intent, confidence in result.classifier_best]
        by_threshold[threshold] = {
            "topic_accuracy": ratio(sum(kept[i] == gold[i] for i in topic_rows), len(topic_rows)),
            "topic_fallback_rate": ratio(sum(kept[i] == FALLBACK_INTENT for i in topic_rows), len(topic_rows)),
        }
    return {
        "intent_accuracy": ratio(sum(p == g for p, g in zip(predicted, gold, strict=True)), len(gold)),
        "macro_f1": f1_score(gold, predicted, labels=labels, average="macro", zero_division=0),
        "topic_accuracy": ratio(sum(predicted[i] == gold[i] for i in topic_rows), len(topic_rows)),
        "partner_accuracy": ratio(sum(sorted(result.predicted_partners[i]) == examples[i].partners
                                      for i in partner_rows), len(partner_rows)),
        "per_topic": {topic: ratio(*counts) for topic, counts in sorted(per_topic.items())},
        "per_partner": {partner: ratio(*counts) for partner, counts in sorted(per_partner.items())},
        "by_fallback_threshold": by_threshold,
        "topic_fallback_rate": ratio(sum(predicted[i] == FALLBACK_INTENT for i in topic_rows), len(topic_rows)),
        "counts": {"messages": len(examples), "topic_messages": len(topic_rows), "partner_messages": len(partner_rows)},
        "train_seconds": result.train_seconds,
        "parse_ms": result.parse_ms,
    }


def print_table(title: str, rows: list[tuple[str, float, float]]) -> None:
    print(f"\n{title}")
    print(f"  {'':28} {'guichet':>9} {'baseline':>9} {'ratio':>7}")
    for label, ours, base in rows:
        shown_ratio = f"{ours / base:7.2f}" if base else "    n/a"
        print(f"  {label:28} {ours:9.3f} {base:9.3f} {shown_ratio}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=ROOT / "bench" / "data" / "nlu_eval.yml")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "nlu.json")
    arguments = parser.parse_args()
    logging.disable(logging.WARNING)

    examples = read_examples(arguments.eval)
    try:
        knowledge = build_services().knowledge()
    except DataUnavailable as missing:
        print(missing.sentence, file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as workdir:
        ours = asyncio.run(evaluate("guichet", ROOT / "config.yml", examples, knowledge, Path(workdir)))
        base = asyncio.run(evaluate("baseline", ROOT / "bench" / "baseline_config.yml", examples, knowledge,
                                    Path(workdir)))
    ours_metrics, base_metrics = metrics(ours, examples), metrics(base, examples)

    counts = ours_metrics["counts"]
    print(f"NLU evaluation: {counts['messages']} messages ({counts['topic_messages']} about a topic, "
          f"{counts['partner_messages']} naming a partner) from {arguments.eval.relative_to(ROOT)}")
    keys = ["intent_accuracy", "macro_f1", "topic_accuracy", "topic_fallback_rate", "partner_accuracy",
            "train_seconds", "parse_ms"]
    print_table("Overall", [(key, ours_metrics[key], base_metrics[key]) for key in keys])
    print_table("Accuracy per topic", [(topic, value, base_metrics["per_topic"][topic])
                                       for topic, value in ours_metrics["per_topic"].items()])
    print_table("Partner detection per partner", [(partner, value, base_metrics["per_partner"][partner])
                                                  for partner, value in ours_metrics["per_partner"].items()])
    print("\nguichet's topic accuracy / fallback rate on topic messages if the fallback threshold were:")
    for threshold, figures in ours_metrics["by_fallback_threshold"].items():
        accuracy, fallback = figures["topic_accuracy"], figures["topic_fallback_rate"]
        print(f"  {threshold:4.2f}  accuracy {accuracy:.3f}  fallback {fallback:.3f}")
    verdict = "met" if ours_metrics["topic_accuracy"] >= TOPIC_TARGET else "NOT met"
    print(f"\nTarget topic accuracy >= {TOPIC_TARGET}: {verdict} ({ours_metrics['topic_accuracy']:.3f})")

    mistakes = [(e.text, e.intent, p) for e, p in zip(examples, ours.predicted_intents, strict=True) if p != e.intent]
    arguments.json.parent.mkdir(parents=True, exist_ok=True)
    arguments.json.write_text(json.dumps({"guichet": ours_metrics, "baseline": base_metrics,
                                          "guichet_mistakes": mistakes}, ensure_ascii=False, indent=2))
    print(f"Details and mistakes: {arguments.json.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

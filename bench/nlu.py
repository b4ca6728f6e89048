"""NLU accuracy and training time of several pipelines, trained in the same run, on held-out evaluation sets.

Trains one NLU model per configuration on data/nlu/ (by default: guichet's `config.yml`, the pipeline it
replaced, `bench/configs/previous.yml`, and Rasa's default pipeline, `bench/baseline_config.yml`), times each
component's training, parses every message of each evaluation set (bench/data/nlu_eval.yml and
bench/data/nlu_eval_fresh.yml, both written separately from the training data) and prints, side by side:
training time, intent accuracy, macro-F1, topic accuracy, partner detection, then accuracy per topic.
Usage: .venv/bin/python bench/nlu.py [--config NAME=FILE ...] [--eval FILE ...] [--json bench/results/nlu.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
# A fresh cache for this run: every pipeline trains from scratch, so their training times compare.
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
DEFAULT_CONFIGS = [("guichet", ROOT / "config.yml"), ("previous", ROOT / "bench" / "configs" / "previous.yml"),
                   ("baseline", ROOT / "bench" / "baseline_config.yml")]
DEFAULT_EVALS = [ROOT / "bench" / "data" / "nlu_eval.yml", ROOT / "bench" / "data" / "nlu_eval_fresh.yml"]


@dataclass
class Example:
    text: str
    intent: str
    partners: list[str]


@dataclass
class Result:
    predicted_intents: list[str] = field(default_factory=list)
    predicted_partners: list[list[str]] = field(default_factory=list)
    # The classifier's own best intent and confidence, before the FallbackClassifier steps in.
    classifier_best: list[tuple[str, float]] = field(default_factory=list)
    parse_ms: float = 0.0


class ComponentTimer(logging.Handler):
    """Times each graph node from Rasa's own « Starting to train / Finished training component » log lines."""

    PATTERN = re.compile(r"(Starting to train|Finished training) component '([^']+)'")

    def __init__(self):
        super().__init__(level=logging.INFO)
        self.started: dict[str, float] = {}
        self.seconds: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        match = self.PATTERN.search(record.getMessage())
        if not match:
            return
        what, node = match.groups()
        if what.startswith("Starting"):
            self.started[node] = record.created
        elif node in self.started:
            self.seconds[node] = record.created - self.started.pop(node)


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


def train(name: str, config: Path, workdir: Path) -> tuple[str, float, dict[str, float]]:
    """The model's path, the whole training's seconds, and each component's."""
    timer = ComponentTimer()
    hooks_logger = logging.getLogger("rasa.engine.training.hooks")
    hooks_logger.addHandler(timer)
    hooks_logger.setLevel(logging.INFO)
    hooks_logger.propagate = False
    started = time.perf_counter()
    try:
        model = train_nlu(config=str(config), nlu_data=str(ROOT / "data" / "nlu"), output=str(workdir),
                          domain=str(ROOT / "domain.yml"), fixed_model_name=name)
    finally:
        hooks_logger.removeHandler(timer)
    return model, time.perf_counter() - started, timer.seconds


async def parse_all(agent: Agent, examples: list[Example], knowledge: KnowledgeBase) -> Result:
    result = Result()
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
    per_topic = defaultdict(lambda: [0, 0])
    for i in topic_rows:
        per_topic[gold[i][len(TOPIC_PREFIX):]][0] += predicted[i] == gold[i]
        per_topic[gold[i][len(TOPIC_PREFIX):]][1] += 1
    partner_rows = [i for i, example in enumerate(examples) if example.partners]
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
        "topic_fallback_rate": ratio(sum(predicted[i] == FALLBACK_INTENT for i in topic_rows), len(topic_rows)),
        "partner_accuracy": ratio(sum(sorted(result.predicted_partners[i]) == examples[i].partners
                                      for i in partner_rows), len(partner_rows)),
        "parse_ms": result.parse_ms,
        "per_topic": {topic: ratio(*counts) for topic, counts in sorted(per_topic.items())},
        "by_fallback_threshold": by_threshold,
        "counts": {"messages": len(examples), "topic_messages": len(topic_rows), "partner_messages": len(partner_rows)},
        "mistakes": [(e.text, e.intent, p) for e, p in zip(examples, predicted, strict=True) if p != e.intent],
    }


def print_table(title: str, names: list[str], rows: list[tuple[str, list[float]]], digits: int = 3) -> None:
    """One column per configuration, then each one's ratio to the first."""
    print(f"\n{title}")
    print(f"  {'':30}" + "".join(f" {name:>10}" for name in names)
          + "".join(f" {names[0] + '/' + name:>16}" for name in names[1:]))
    for label, values in rows:
        ratios = "".join(f" {values[0] / value:16.2f}" if value else f" {'n/a':>16}" for value in values[1:])
        print(f"  {label:30}" + "".join(f" {value:10.{digits}f}" for value in values) + ratios)


def parse_config(text: str) -> tuple[str, Path]:
    name, _, path = text.partition("=")
    if not path:
        raise argparse.ArgumentTypeError(f"« {text} » : attendu NOM=FICHIER")
    return name, Path(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=parse_config, action="append", dest="configs",
                        help="NAME=FILE, repeated (default: guichet, previous and baseline)")
    parser.add_argument("--eval", type=Path, action="append", dest="evals",
                        help="evaluation set, repeated (default: nlu_eval.yml and nlu_eval_fresh.yml)")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "nlu.json")
    arguments = parser.parse_args()
    configs, evals = arguments.configs or DEFAULT_CONFIGS, arguments.evals or DEFAULT_EVALS
    logging.disable(logging.DEBUG)  # Rasa's INFO lines time the components (ComponentTimer); nothing is printed
    logging.getLogger().setLevel(logging.WARNING)

    try:
        knowledge = build_services().knowledge()
    except DataUnavailable as missing:
        print(missing.sentence, file=sys.stderr)
        return 1
    sets = {path: read_examples(path) for path in evals}
    names = [name for name, _ in configs]
    training: dict[str, dict] = {}
    results: dict[Path, dict[str, dict]] = {path: {} for path in evals}
    with tempfile.TemporaryDirectory() as workdir:
        for name, config in configs:
            model, seconds, components = train(name, config, Path(workdir))
            training[name] = {"seconds": seconds, "components": components}
            print(f"{name}: trained in {seconds:.0f} s", flush=True)
            agent = Agent.load(model)
            for path, examples in sets.items():
                results[path][name] = metrics(asyncio.run(parse_all(agent, examples, knowledge)), examples)

    print_table("Training (seconds, from scratch)", names,
                [("whole training", [training[name]["seconds"] for name in names])]
                + [(component, [training[name]["components"].get(component, 0.0) for name in names])
                   for component in sorted({c for name in names for c in training[name]["components"]},
                                           key=lambda c: -training[names[0]]["components"].get(c, 0.0))
                   if max(training[name]["components"].get(component, 0.0) for name in names) >= 1.0],
                digits=1)
    keys = ["intent_accuracy", "macro_f1", "topic_accuracy", "topic_fallback_rate", "partner_accuracy", "parse_ms"]
    for path, by_name in results.items():
        counts = by_name[names[0]]["counts"]
        print(f"\n=== {path.relative_to(ROOT)}: {counts['messages']} messages ({counts['topic_messages']} about a "
              f"topic, {counts['partner_messages']} naming a partner)")
        print_table("Overall", names, [(key, [by_name[name][key] for name in names]) for key in keys])
        print_table("Accuracy per topic", names, [(topic, [by_name[name]["per_topic"].get(topic, float("nan"))
                                                           for name in names])
                                                  for topic in by_name[names[0]]["per_topic"]])
        print(f"\n{names[0]}'s topic accuracy / fallback rate on topic messages if the fallback threshold were:")
        for threshold, figures in by_name[names[0]]["by_fallback_threshold"].items():
            print(f"  {threshold:4.2f}  accuracy {figures['topic_accuracy']:.3f}  "
                  f"fallback {figures['topic_fallback_rate']:.3f}")
        accuracy = by_name[names[0]]["topic_accuracy"]
        print(f"Target topic accuracy >= {TOPIC_TARGET}: {'met' if accuracy >= TOPIC_TARGET else 'NOT met'} "
              f"({accuracy:.3f})")

    arguments.json.parent.mkdir(parents=True, exist_ok=True)
    evaluations = {str(path.relative_to(ROOT)): by_name for path, by_name in results.items()}
    arguments.json.write_text(json.dumps({"training": training, "evaluations": evaluations}, ensure_ascii=False,
                                         indent=2))
    print(f"\nDetails and mistakes: {arguments.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

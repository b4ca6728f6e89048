"""Does Rasa's project agree with `knowledge/topics.yml`, the one place where a topic is declared?

A topic needs, besides its entry in topics.yml: the intent `topic_<slug>` in domain.yml, a rule answering that
intent with `action_answer_topic` (data/rules/), and training examples in `data/nlu/<slug>.yml`. Nothing of Rasa
is imported: the project's YAML files are read as they are. `guichet kb check` and the tests report every
disagreement in French, naming what is missing and where.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml

from assistant.contract import topic_intent, topic_of_intent

ANSWER_ACTION = "action_answer_topic"
MIN_EXAMPLES = 20


def _yaml(path: Path) -> dict:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}


def _domain_intents(project: Path) -> set[str]:
    intents = _yaml(project / "domain.yml").get("intents") or []
    return {next(iter(item)) if isinstance(item, dict) else str(item) for item in intents}


def _answered_intents(project: Path) -> set[str]:
    """Intents that a rule answers with `action_answer_topic` straight away."""
    answered = set()
    for path in sorted((project / "data" / "rules").glob("*.yml")):
        for rule in _yaml(path).get("rules") or []:
            steps = rule.get("steps") or []
            for first, second in zip(steps, steps[1:], strict=False):
                if "intent" in first and second.get("action") == ANSWER_ACTION:
                    answered.add(first["intent"])
    return answered


def _examples(project: Path) -> dict[str, tuple[Path, int]]:
    """For each intent with examples in data/nlu: the file and how many examples."""
    found: dict[str, tuple[Path, int]] = {}
    for path in sorted((project / "data" / "nlu").glob("*.yml")):
        for block in _yaml(path).get("nlu") or []:
            if "intent" in block:
                examples = [line for line in str(block.get("examples") or "").splitlines() if line.strip()]
                found[block["intent"]] = (path, len(examples))
    return found


def disagreements(topics: Iterable[str], project: Path) -> list[str]:
    """What Rasa's project lacks or has in excess for the topics of topics.yml, one French line each."""
    topics = list(topics)
    intents, answered, examples = _domain_intents(project), _answered_intents(project), _examples(project)
    problems = []
    for slug in topics:
        intent = topic_intent(slug)
        where = f"thème « {slug} » (knowledge/topics.yml)"
        if intent not in intents:
            problems.append(f"{where} : l'intention {intent} manque dans domain.yml")
        if intent not in answered:
            problems.append(f"{where} : aucune règle de data/rules/ ne répond à {intent} par {ANSWER_ACTION}")
        path, count = examples.get(intent, (None, 0))
        expected = project / "data" / "nlu" / f"{slug}.yml"
        if path is None:
            problems.append(f"{where} : aucun exemple d'entraînement pour {intent} (attendu dans {expected.name})")
        elif path != expected:
            problems.append(f"{where} : les exemples de {intent} sont dans {path.name}, attendus dans {expected.name}")
        elif count < MIN_EXAMPLES:
            problems.append(f"{where} : {count} exemples pour {intent} dans {path.name}, au moins {MIN_EXAMPLES}")
    known = set(topics)
    for source, names in (("domain.yml", intents), ("data/rules/", answered), ("data/nlu/", set(examples))):
        for intent in sorted(names):
            slug = topic_of_intent(intent)
            if slug is not None and slug not in known:
                problems.append(f"intention {intent} dans {source} : aucun thème « {slug} » dans knowledge/topics.yml")
    return problems

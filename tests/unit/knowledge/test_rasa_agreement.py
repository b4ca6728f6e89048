from __future__ import annotations

import shutil

import pytest
import yaml

from assistant.config import PROJECT_ROOT
from assistant.knowledge.rasa_agreement import disagreements


def topics_of_the_base() -> list[str]:
    document = yaml.safe_load((PROJECT_ROOT / "knowledge" / "topics.yml").read_text(encoding="utf-8"))
    return [topic["slug"] for topic in document["topics"]]


@pytest.fixture
def project(tmp_path):
    """A copy of the Rasa project files that the check reads."""
    shutil.copy(PROJECT_ROOT / "domain.yml", tmp_path / "domain.yml")
    shutil.copytree(PROJECT_ROOT / "data", tmp_path / "data")
    return tmp_path


def test_the_project_knows_every_topic_of_the_base():
    assert disagreements(topics_of_the_base(), PROJECT_ROOT) == []


def test_a_topic_added_to_the_base_alone_is_reported_with_what_it_lacks(project):
    problems = disagreements([*topics_of_the_base(), "animaux"], project)

    assert problems == [
        "thème « animaux » (knowledge/topics.yml) : l'intention topic_animaux manque dans domain.yml",
        "thème « animaux » (knowledge/topics.yml) : aucune règle de data/rules/ ne répond à topic_animaux par "
        "action_answer_topic",
        "thème « animaux » (knowledge/topics.yml) : aucun exemple d'entraînement pour topic_animaux (attendu dans "
        "animaux.yml)",
    ]


def test_a_topic_removed_from_the_base_alone_is_reported_where_it_remains(project):
    problems = disagreements([slug for slug in topics_of_the_base() if slug != "justice"], project)

    assert problems == [
        "intention topic_justice dans domain.yml : aucun thème « justice » dans knowledge/topics.yml",
        "intention topic_justice dans data/rules/ : aucun thème « justice » dans knowledge/topics.yml",
        "intention topic_justice dans data/nlu/ : aucun thème « justice » dans knowledge/topics.yml",
    ]


def test_too_few_examples_are_reported(project):
    (project / "data" / "nlu" / "justice.yml").write_text(
        'version: "3.1"\nnlu:\n  - intent: topic_justice\n    examples: |\n      - un avocat\n', encoding="utf-8")

    assert disagreements(topics_of_the_base(), project) == [
        "thème « justice » (knowledge/topics.yml) : 1 exemples pour topic_justice dans justice.yml, au moins 20"]

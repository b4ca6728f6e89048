"""The reviewed knowledge base itself: coverage, stable slugs and facts that must stay right."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from assistant.config import PROJECT_ROOT
from assistant.text import fold


def documented_slugs(kind: str) -> set[str]:
    """The stable slugs the README promises integrators (« Partners: `…` », « Topics: `…` »)."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.search(rf"{kind}: `([^`]+)`", readme).group(1)
    return {slug.strip() for slug in listed.split(",")}


def all_text(procedure) -> str:
    return " ".join([procedure.title, procedure.summary, procedure.audience, *procedure.steps, *procedure.documents,
                     procedure.cost or "", procedure.delay or ""])


def test_partners_and_topics_are_those_the_contract_documents(knowledge_base):
    assert {partner.slug for partner in knowledge_base.partners} == documented_slugs("Partners")
    assert {topic.slug for topic in knowledge_base.topics} == documented_slugs("Topics")


def test_coverage_of_topics_and_partners(knowledge_base):
    per_topic = Counter(topic for procedure in knowledge_base.procedures for topic in procedure.topics)
    per_partner = Counter(procedure.partner for procedure in knowledge_base.procedures)

    assert len(knowledge_base.procedures) >= 90
    assert {topic: n for topic, n in per_topic.items() if n < 4} == {}
    assert set(per_topic) == {topic.slug for topic in knowledge_base.topics}
    assert {partner: n for partner, n in per_partner.items() if n < 3} == {}
    assert set(per_partner) == {partner.slug for partner in knowledge_base.partners}


def test_every_life_event_has_a_checklist_across_several_partners(knowledge_base):
    life_events = [topic.slug for topic in knowledge_base.topics if topic.is_life_event]
    assert len(life_events) >= 6
    for topic in life_events:
        partners = {item.procedure.partner for item in knowledge_base.checklist(topic)}
        assert len(partners) >= 3, topic


def test_moving_house_checklist_ends_with_the_carte_grise_within_a_month(knowledge_base):
    items = knowledge_base.checklist("demenagement")
    partners = [item.procedure.partner for item in items]

    assert partners[0] == "la_poste"
    assert {"caf", "cpam", "dgfip", "ants"} <= set(partners)
    carte_grise = next(item for item in items if item.procedure.id == "ants-carte-grise-changement-adresse")
    assert "mois" in carte_grise.when


def test_facts_use_current_names(knowledge_base):
    outdated = [p.id for p in knowledge_base.procedures
                if "pole emploi" in fold(all_text(p)) and "ex pole emploi" not in fold(all_text(p))]
    assert outdated == []


def test_every_procedure_is_sourced_and_recently_reviewed(knowledge_base):
    for procedure in knowledge_base.procedures:
        assert procedure.online_service.startswith("https://"), procedure.id
        assert procedure.service_public_url is None or procedure.service_public_url.startswith(
            "https://www.service-public.gouv.fr/"), procedure.id
        assert date(2025, 1, 1) <= procedure.reviewed <= date.today(), procedure.id
        assert 2 <= len(procedure.steps) <= 8 and procedure.documents, procedure.id

"""The reviewed knowledge base itself: coverage, stable slugs and facts that must stay right."""

from __future__ import annotations

from collections import Counter
from datetime import date

from assistant.text import fold

PARTNERS = {"caf", "cpam", "assurance_retraite", "msa", "dgfip", "ants", "justice", "la_poste", "france_travail",
            "urssaf", "france_renov", "cheque_energie", "mdph", "ministere_interieur", "etat_civil", "banque_de_france"}
TOPICS = {"naissance", "demenagement", "retraite", "deces", "perte_emploi", "separation", "sante", "handicap",
          "papiers_identite", "vehicule", "impots", "logement", "ressources", "entreprise", "justice", "etrangers",
          "citoyennete", "argent"}
LIFE_EVENTS = {"naissance", "demenagement", "retraite", "deces", "perte_emploi", "separation"}


def all_text(procedure) -> str:
    return " ".join([procedure.title, procedure.summary, procedure.audience, *procedure.steps, *procedure.documents,
                     procedure.cost or "", procedure.delay or ""])


def test_partners_and_topics_have_their_stable_slugs(knowledge_base):
    assert {partner.slug for partner in knowledge_base.partners} == PARTNERS
    assert {topic.slug for topic in knowledge_base.topics} == TOPICS
    assert {t.slug for t in knowledge_base.topics if t.is_life_event} == LIFE_EVENTS


def test_coverage_of_topics_and_partners(knowledge_base):
    per_topic = Counter(topic for procedure in knowledge_base.procedures for topic in procedure.topics)
    per_partner = Counter(procedure.partner for procedure in knowledge_base.procedures)

    assert len(knowledge_base.procedures) >= 90
    assert {topic: n for topic, n in per_topic.items() if n < 4} == {}
    assert set(per_topic) == TOPICS
    assert {partner: n for partner, n in per_partner.items() if n < 3} == {}
    assert set(per_partner) == PARTNERS


def test_every_life_event_has_a_checklist_across_several_partners(knowledge_base):
    for topic in LIFE_EVENTS:
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
        assert procedure.service_public_url.startswith("https://www.service-public.gouv.fr/"), procedure.id
        assert date(2025, 1, 1) <= procedure.reviewed <= date.today(), procedure.id
        assert 2 <= len(procedure.steps) <= 8 and procedure.documents, procedure.id

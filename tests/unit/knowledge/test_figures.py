from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from assistant.answers import procedure_card
from assistant.knowledge import KnowledgeBase
from assistant.knowledge.figures import outdated
from assistant.knowledge.loader import KnowledgeValidationError, load_knowledge_into_database, read_knowledge
from tests.unit.knowledge.test_loader import edit

FIGURES = {"figures": [
    {"id": "caf-aide-montant", "label": "Montant de l'aide au logement minimal", "value": "10 €",
     "effective": "2026-01-01", "source": "https://www.caf.fr/montants-2026"},
    {"id": "caf-delai", "label": "Délai de réponse", "value": "2 mois", "effective": "2025-04-01",
     "source": "https://www.caf.fr/delais", "next": {"value": "1 mois", "effective": "2027-01-01"}},
]}


def with_figures(folder: Path, figures: dict = FIGURES) -> None:
    (folder / "figures.yml").write_text(yaml.safe_dump(figures, allow_unicode=True), encoding="utf-8")


def cite_in_aid(folder: Path, **fields) -> None:
    edit(folder / "procedures" / "caf.yml", lambda document: document["procedures"][1].update(fields))


def test_figures_are_written_where_they_are_cited_with_their_source(tiny_knowledge):
    with_figures(tiny_knowledge)
    cite_in_aid(tiny_knowledge, summary="L'aide est d'au moins {{caf-aide-montant}}.",
                delay="Réponse sous {{ caf-delai }}.")

    knowledge = read_knowledge(tiny_knowledge)

    aid = dict((record.id, record) for _, record in knowledge.procedures)["caf-aide-logement"]
    assert aid.summary == "L'aide est d'au moins 10 €."
    assert aid.delay == "Réponse sous 2 mois, puis 1 mois à partir du 1er janvier 2027."
    assert [(str(s.url), s.title) for s in aid.sources] == [
        ("https://www.caf.fr/montants-2026", "Montant de l'aide au logement minimal"),
        ("https://www.caf.fr/delais", "Délai de réponse")]


def test_an_unknown_or_unused_figure_is_refused_naming_where(tiny_knowledge):
    with_figures(tiny_knowledge)
    cite_in_aid(tiny_knowledge, summary="Au moins {{caf-aide-montant}}, sous {{caf-delais}}.")

    with pytest.raises(KnowledgeValidationError) as refused:
        read_knowledge(tiny_knowledge)

    assert refused.value.errors == [
        "procedures/caf.yml : procedures[caf-aide-logement].summary : chiffre inconnu « {{caf-delais}} » (absent de "
        "figures.yml)",
        "figures.yml : figures[caf-delai] : cité par aucune démarche (supprimez-le ou citez-le)"]


def test_a_next_value_must_come_after_the_current_one(tiny_knowledge):
    figures = {"figures": [{**FIGURES["figures"][1], "next": {"value": "1 mois", "effective": "2024-01-01"}}]}
    with_figures(tiny_knowledge, figures)
    cite_in_aid(tiny_knowledge, delay="{{caf-delai}}")

    with pytest.raises(KnowledgeValidationError) as refused:
        read_knowledge(tiny_knowledge)

    assert refused.value.errors[0].endswith(
        "figures[caf-delai].next : la prochaine valeur doit prendre effet après la valeur actuelle")


def test_figures_whose_next_value_took_effect_are_listed_to_update(tiny_knowledge):
    with_figures(tiny_knowledge)
    cite_in_aid(tiny_knowledge, summary="{{caf-aide-montant}}", delay="{{caf-delai}}")
    figures = read_knowledge(tiny_knowledge).figures.figures

    assert outdated(figures, date(2026, 12, 2)) == []
    assert outdated(figures, date(2027, 1, 1)) == [
        "figures.yml : figures[caf-delai] : la valeur « 1 mois » s'applique depuis le 1er janvier 2027 : mettez à "
        "jour value et effective"]


def test_a_procedure_reviewed_now_must_cite_its_sources(tiny_knowledge):
    cite_in_aid(tiny_knowledge, reviewed="2026-12-02")

    with pytest.raises(KnowledgeValidationError) as refused:
        read_knowledge(tiny_knowledge)

    assert refused.value.errors == [
        f"{tiny_knowledge / 'procedures' / 'caf.yml'} : procedures[caf-aide-logement].sources : au moins une source "
        "attendue (page officielle ou texte de loi, avec son titre)"]


def test_sources_and_changes_reach_the_card(tiny_knowledge, session_factory):
    cite_in_aid(tiny_knowledge, reviewed="2026-12-02",
                sources=[{"url": "https://www.caf.fr/aides-logement", "title": "CAF — Les aides au logement"}],
                changes=[{"date": "2027-01-01", "text": "les ressources de l'année 2025 seront prises en compte."}])
    load_knowledge_into_database(session_factory, tiny_knowledge)
    knowledge = KnowledgeBase.from_session_factory(session_factory)

    card = procedure_card(knowledge, knowledge.procedure("caf-aide-logement"))

    assert "À partir du 1er janvier 2027 : les ressources de l'année 2025 seront prises en compte." in card
    assert "informations vérifiées le 02/12/2026" in card
    assert card.endswith("Autres sources : CAF — Les aides au logement (https://www.caf.fr/aides-logement)")

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("changer l'adresse de ma carte grise", "ants-carte-grise-changement-adresse"),
        ("demenagment carte grize", "ants-carte-grise-changement-adresse"),
        ("faire suivre mon courrier a ma nouvelle adresse", "laposte-reexpedition-courrier"),
        ("renouveler mon passeport", "ants-passeport"),
        ("carte vitale perdue", "cpam-carte-vitale-perte"),
        ("actualisation mensuelle france travail", "ft-actualisation"),
        ("pension de reversion apres le deces de mon mari", "retraite-pension-reversion"),
        ("maprimerenov isolation", "renov-maprimerenov"),
    ],
)
def test_the_expected_procedure_ranks_first(knowledge_base, question, expected):
    assert knowledge_base.search(question, limit=1)[0].procedure.id == expected


def test_search_can_be_restricted_to_a_topic_and_a_partner(knowledge_base):
    hits = knowledge_base.search("declarer", topic="demenagement", partner="caf", limit=10)

    assert hits and all(hit.procedure.partner == "caf" and "demenagement" in hit.procedure.topics for hit in hits)


@pytest.mark.parametrize(
    ("message", "partners"),
    [
        ("je dois prévenir la Sécu ?", ["cpam"]),
        ("la caisse d'allocations familiales ne répond pas", ["caf"]),
        ("pole emploi m'a radié", ["france_travail"]),
        ("la carsat puis les impots", ["assurance_retraite", "dgfip"]),
        ("le fisc et la CAF et encore la caf", ["dgfip", "caf"]),
        ("mutualite socialle agricole", ["msa"]),
        ("je suis en poste depuis dix ans", []),
        ("un café s'il vous plaît", []),
    ],
)
def test_partners_named_in_a_message(knowledge_base, message, partners):
    assert knowledge_base.partners_mentioned(message) == partners

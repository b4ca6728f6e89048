from __future__ import annotations

from assistant.answers import answer_documents, answer_topic, procedure_card


def test_a_card_gives_steps_documents_links_and_sources(knowledge_base):
    passport = knowledge_base.procedure("ants-passeport")

    card = procedure_card(knowledge_base, passport).splitlines()

    assert card[0] == f"**{passport.title}** — France Titres (ex-ANTS)"
    assert "Étapes :" in card and "Documents à avoir sous la main :" in card
    assert f"1. {passport.steps[0]}" in card
    assert f"Service en ligne : {passport.online_service}" in card
    assert card[-2] == (f"Fiche officielle Service Public : {passport.service_public_url} "
                        f"(informations vérifiées le {passport.reviewed:%d/%m/%Y}).")
    assert passport.sources and card[-1] == "Autres sources : " + " ; ".join(
        f"{source.title} ({source.url})" for source in passport.sources)


def test_an_unknown_partner_for_the_topic_is_said_and_ignored(knowledge_base):
    reply = answer_topic(knowledge_base, "retraite", "et la caf", partner="caf")

    assert reply.text.startswith("Je n'ai pas de démarche de la CAF pour « Préparer sa retraite ».")
    assert reply.payload["topic"] == "retraite"
    assert reply.procedures


def test_an_everyday_topic_without_a_clear_best_lists_procedures(knowledge_base):
    reply = answer_topic(knowledge_base, "papiers_identite", "/topic_papiers_identite")

    assert reply.focus is None
    assert reply.text.startswith("**Papiers d'identité** : voici les démarches")
    assert [p["id"] for p in reply.payload["procedures"]] == [
        p.id for p in knowledge_base.procedures_for(topic="papiers_identite")][:5]


def test_documents_of_several_procedures_are_grouped(knowledge_base):
    procedures = [knowledge_base.procedure("caf-changement-adresse"), knowledge_base.procedure("ants-passeport")]

    reply = answer_documents(knowledge_base, "demenagement", procedures)

    assert reply.focus is None
    assert reply.text.count("**") == 4
    assert "Fiches officielles Service Public" in reply.text

from __future__ import annotations

from assistant.handoff.context import build_context, describe, summarise
from assistant.privacy.redaction import CARD_PLACEHOLDER, EMAIL_PLACEHOLDER, PHONE_PLACEHOLDER


def test_the_summary_is_redacted_before_it_is_cut():
    summary = summarise(["bonjour", "ma carte 4970 1011 2233 4455 est bloquée", "rappelez le 06 12 34 56 78"])

    assert summary == f"« bonjour » / « ma carte {CARD_PLACEHOLDER} est bloquée » / « rappelez le {PHONE_PLACEHOLDER} »"


def test_the_context_shown_to_the_user_holds_their_words_redacted(knowledge_base):
    context = build_context(
        knowledge_base, topic="demenagement", procedure_ids=["caf-changement-adresse"], commune=None,
        requests=["je déménage, écrivez-moi à marie@exemple.fr"],
        transcript=[{"author": "user", "text": "je déménage, écrivez-moi à marie@exemple.fr"},
                    {"author": "bot", "text": "Déménagement : voici les démarches."}])

    assert context.summary == f"« je déménage, écrivez-moi à {EMAIL_PLACEHOLDER} »"
    assert context.transcript == [{"author": "user", "text": f"je déménage, écrivez-moi à {EMAIL_PLACEHOLDER}"},
                                  {"author": "bot", "text": "Déménagement : voici les démarches."}]
    assert describe(context).splitlines()[0] == f"• Votre demande : « je déménage, écrivez-moi à {EMAIL_PLACEHOLDER} »"

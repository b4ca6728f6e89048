"""The open world through the actions: the sheets answer where the curated topics do not fit."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.procedures import ActionAnswerFollowUp, ActionAnswerTopic
from actions.topics import ActionAnswerOutOfScope, ActionHandleFallback
from assistant.contract import HUMAN_BUTTON, sheet_button
from assistant.routing import Thresholds
from assistant.sheets.importer import import_sheets
from assistant.sheets.search import SheetSearch
from assistant.structures.nearest import StructureIndex
from tests.conftest import make_services
from tests.unit.actions.conftest import make_tracker
from tests.unit.sheets.conftest import paragraph, sheet_xml, write_zip
from tests.unit.sheets.test_search import CORPUS

# The tiny corpus's confidences are lower than the whole corpus's: thresholds for it.
SMALL_CORPUS = Thresholds(agreement_depth=3, sure_topic=0.85, unsure_sheets=0.15, sheets_answer=0.15,
                          sheets_over_out_of_scope=0.5)
RESIDENCE_PERMIT = sheet_xml(
    "F21032", "Que doit faire un étranger en cas de perte de sa carte de séjour ?", kind="Fiche Question-réponse",
    description="Il faut déclarer la perte puis demander un duplicata en préfecture.", theme="Étranger",
    body="<Introduction><Texte>" + paragraph("Déclarez la perte au commissariat.") + "</Texte></Introduction>"
         '<Texte><Chapitre type="pieces"><Titre>' + paragraph("Pièces à fournir") + "</Titre>"
         '<Liste type="puce"><Item>' + paragraph("Déclaration de perte") + "</Item><Item>"
         + paragraph("Photo d'identité") + "</Item></Liste></Chapitre></Texte>")


@pytest.fixture
def services(session_factory, knowledge_base, resolver, structures, tmp_path):
    """The real knowledge base, a small corpus of sheets to search, and one of them in the database."""
    import_sheets(session_factory, write_zip(tmp_path / "sheets.zip", {"F21032.xml": RESIDENCE_PERMIT}))
    built = make_services(session_factory, knowledge=knowledge_base, resolver=resolver,
                          structure_index=StructureIndex(structures), sheet_search=SheetSearch(CORPUS, wordings={}))
    built.procedures.thresholds = SMALL_CORPUS
    return built


async def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return dispatcher.messages, events


async def test_a_question_beside_the_topics_gets_the_sheets_dated_and_linked(services):
    tracker = make_tracker("jai perdu mon titre de sejour que faire", "topic_papiers_identite")

    [sent], events = await run(ActionAnswerTopic(services), tracker)

    payload = sent["custom"]
    assert payload["type"] == "sheets"
    assert payload["sheets"][0] == {
        "id": "F21032", "title": "Que doit faire un étranger en cas de perte de sa carte de séjour ?",
        "description": "Il faut déclarer la perte puis demander un duplicata en préfecture.",
        "url": "https://www.service-public.gouv.fr/particuliers/vosdroits/F21032", "updated": "2020-07-21",
        "type": "question"}
    assert "(Question-réponse, fiche mise à jour le 21/07/2020)" in sent["text"]
    assert "https://www.service-public.gouv.fr/particuliers/vosdroits/F21032" in sent["text"]
    assert sent["buttons"][0] == sheet_button("F21032", payload["sheets"][0]["title"])
    assert sent["buttons"][-1] == HUMAN_BUTTON
    assert SlotSet("shown_sheets", [sheet["id"] for sheet in payload["sheets"]]) in events


async def test_a_curated_question_keeps_its_procedures(services):
    tracker = make_tracker("j'ai perdu ma carte vitale", "topic_sante")

    [sent], _ = await run(ActionAnswerTopic(services), tracker)

    assert sent["custom"]["type"] == "procedures"
    assert sent["custom"]["procedures"][0]["id"] == "cpam-carte-vitale-perte"


async def test_not_understood_but_found_in_the_sheets(services):
    [sent], _ = await run(ActionHandleFallback(services), make_tracker("je veux minscrire sur les listes electorales",
                                                                       "nlu_fallback"))

    assert sent["custom"]["type"] == "sheets" and sent["custom"]["sheets"][0]["id"] == "F1367"


async def test_a_recipe_stays_out_of_scope(services):
    [sent], _ = await run(ActionAnswerOutOfScope(services), make_tracker("recette de la blanquette de veau",
                                                                         "out_of_scope"))

    assert sent["custom"] == {"type": "out_of_scope"}
    assert sent["text"].startswith("Je ne peux pas vous aider sur ce sujet")


async def test_which_papers_after_a_sheets_answer_reads_the_first_sheets_documents(services):
    tracker = make_tracker("et quels papiers ?", "ask_documents", slots={"shown_sheets": ["F21032", "F2213"]})

    [sent], events = await run(ActionAnswerFollowUp(services), tracker)

    assert sent["text"].startswith("**Que doit faire un étranger en cas de perte de sa carte de séjour ?** (fiche "
                                   "mise à jour le 21/07/2020)")
    assert "Déclaration de perte" in sent["text"] and "Photo d'identité" in sent["text"]
    assert "Déclarez la perte au commissariat." not in sent["text"]  # the documents only
    assert sent["custom"]["type"] == "sheets"
    assert events == []  # the same sheets stay shown


async def test_a_sheet_button_shows_its_key_sections(services):
    tracker = make_tracker('/ask_details{"sheet": "F21032"}', "ask_details",
                           entities=[{"entity": "sheet", "value": "F21032"}])

    [sent], _ = await run(ActionAnswerFollowUp(services), tracker)

    assert "Déclarez la perte au commissariat." in sent["text"]
    assert "Version à jour : https://www.service-public.gouv.fr/particuliers/vosdroits/F21032" in sent["text"]

"""The open world through the REST channel: the service-public.fr sheets answer beside the curated topics."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import Assistant
from tests.e2e.test_rest_channel import the_payload

pytestmark = pytest.mark.slow


def test_a_question_outside_the_topics_gets_the_right_sheet_dated_and_linked(assistant: Assistant, sender):
    messages = assistant.send(sender, "mon voisin fait du bruit tous les soirs que puis je faire")

    payload = the_payload(messages)
    assert payload["type"] == "sheets"
    assert "F612" in [sheet["id"] for sheet in payload["sheets"]]
    assert len(payload["sheets"]) <= 3
    text = messages[0]["text"]
    assert re.search(r"fiche mise à jour le \d\d/\d\d/20\d\d", text)
    assert "https://www.service-public.gouv.fr/particuliers/vosdroits/F612" in text
    assert {"title": "Parler à un conseiller", "payload": "/request_human"} in messages[0]["buttons"]


def test_which_papers_after_a_sheets_answer_reads_the_sheet(assistant: Assistant, sender):
    first = the_payload(assistant.send(sender, "je veux faire une demande de logement social HLM"))
    assert first["type"] == "sheets" and first["sheets"][0]["id"] == "F10007"

    messages = assistant.send(sender, "et quels papiers ?")

    assert the_payload(messages)["sheets"][0]["id"] == "F10007"
    assert messages[0]["text"].startswith("**Faire une demande de logement social (HLM)**")


def test_a_curated_question_still_gets_its_procedures_with_related_sheets(assistant: Assistant, sender):
    payload = the_payload(assistant.send(sender, "j'ai perdu ma carte vitale"))

    assert payload["type"] == "procedures"
    assert payload["procedures"][0]["id"] == "cpam-carte-vitale-perte"
    assert all(set(sheet) == {"id", "title", "description", "url", "updated", "type"} for sheet in payload["sheets"])


def test_a_recipe_stays_out_of_scope(assistant: Assistant, sender):
    assert the_payload(assistant.send(sender, "donne moi la recette de la blanquette de veau")) == {
        "type": "out_of_scope"}

"""The integrators' contract, checked against the running servers through the REST channel."""

from __future__ import annotations

import subprocess

import pytest
import requests

from assistant.answers import procedures_payload
from assistant.config import PROJECT_ROOT
from tests.e2e.conftest import MODEL, RASA, Assistant

pytestmark = pytest.mark.slow


def custom_payloads(messages: list[dict]) -> list[dict]:
    return [message["custom"] for message in messages if "custom" in message]


def the_payload(messages: list[dict]) -> dict:
    """Every bot turn carries exactly one custom payload with a type."""
    payloads = custom_payloads(messages)
    assert len(payloads) == 1, messages
    assert isinstance(payloads[0].get("type"), str)
    return payloads[0]


@pytest.mark.parametrize(
    ("message", "expected_type"),
    [("bonjour", "greet"), ("merci beaucoup", "thanks"), ("au revoir", "goodbye"),
     ("qu'est-ce que tu sais faire ?", "help"), ("tu connais une bonne recette de crêpes ?", "out_of_scope")],
)
def test_small_talk_turns_carry_their_type(assistant: Assistant, sender, message, expected_type):
    assert the_payload(assistant.send(sender, message))["type"] == expected_type


def test_moving_house_gives_the_checklist_across_partners_then_follow_ups(assistant: Assistant, sender,
                                                                          knowledge_base):
    checklist = [item.procedure for item in knowledge_base.checklist("demenagement")]

    payload = the_payload(assistant.send(sender, "je déménage le mois prochain, qui dois-je prévenir ?"))

    related = payload.pop("sheets", [])
    assert payload == procedures_payload(knowledge_base, "demenagement", checklist)
    assert len(related) <= 3
    assert all(sheet["url"].startswith("https://www.service-public.gouv.fr/") for sheet in related)
    caf = the_payload(assistant.send(sender, "et pour la CAF ?"))
    assert caf["topic"] == "demenagement"
    assert {p["partner"] for p in caf["procedures"]} == {"caf"}

    messages = assistant.send(sender, "quels papiers je dois préparer ?")
    assert the_payload(messages)["type"] == "procedures"
    assert "Documents à avoir sous la main" in messages[0]["text"]


def test_a_specific_procedure_is_answered_in_detail(assistant: Assistant, sender):
    messages = assistant.send(sender, "j'ai perdu ma carte vitale")

    payload = the_payload(messages)
    assert payload["topic"] == "sante"
    assert payload["procedures"][0]["id"] == "cpam-carte-vitale-perte"
    assert "service-public.gouv.fr" in messages[0]["text"]
    assert "vérifiées le" in messages[0]["text"]


def test_a_message_not_understood_twice_offers_an_advisor_and_the_topics(assistant: Assistant, sender,
                                                                          knowledge_base):
    """`/nlu_fallback` is what the FallbackClassifier turns a low-confidence message into; sending it
    directly keeps the test independent of how one trained model scores a given piece of nonsense."""
    first = assistant.send(sender, "/nlu_fallback")
    second = assistant.send(sender, "/nlu_fallback")

    assert the_payload(first) == {"type": "fallback"}
    offer = the_payload(second)
    assert (offer["type"], offer["status"], offer["reason"]) == ("handoff", "offered", "fallback")
    topics = len(knowledge_base.topics)
    assert len(offer["topics"]) == topics and len(second[0]["buttons"]) == topics + 2


def test_a_topic_button_answers_the_topic(assistant: Assistant, sender):
    payload = the_payload(assistant.send(sender, "/topic_naissance"))

    assert payload["topic"] == "naissance"
    assert payload["procedures"][0]["id"] == "caf-declarer-grossesse"


def test_test_stories_pass(assistant: Assistant, tmp_path):
    """The main conversations, as Rasa test stories, predicted by the trained model."""
    result = subprocess.run(
        [str(RASA), "test", "core", "--model", str(MODEL), "--stories", "tests/stories",
         "--endpoints", str(assistant.endpoints), "--out", str(tmp_path), "--fail-on-prediction-errors"],
        capture_output=True, text=True, env=assistant.environment, timeout=600, cwd=PROJECT_ROOT,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_the_nearest_structures_from_a_commune_named_in_the_question(assistant: Assistant, sender):
    messages = assistant.send(sender, "France Services près de Coulommiers ?")

    payload = the_payload(messages)
    assert payload["type"] == "structures"
    assert payload["location"]["insee"] == "77131"
    assert [s["commune"] for s in payload["structures"]] == ["Coulommiers", "Rebais", "Crécy-la-Chapelle"]


def test_the_assistant_asks_where_then_settles_homonyms_with_buttons(assistant: Assistant, sender):
    asked = the_payload(assistant.send(sender, "où est la france services la plus proche ?"))
    assert asked == {"type": "structures", "location": None, "structures": []}

    messages = assistant.send(sender, "Saint-Pierre")
    assert the_payload(messages)["structures"] == []
    buttons = next(message["buttons"] for message in messages if message.get("buttons"))
    reunion = next(button for button in buttons if button["title"] == "Saint-Pierre (974)")

    payload = the_payload(assistant.send(sender, reunion["payload"]))
    assert payload["location"]["commune"] == "Saint-Pierre" and payload["location"]["insee"].startswith("974")
    assert len(payload["structures"]) == 3


def test_a_correction_searches_again(assistant: Assistant, sender):
    first = the_payload(assistant.send(sender, "france services 88100"))
    assert first["location"]["postcode"] == "88100"

    corrected = the_payload(assistant.send(sender, "non, je voulais dire Lure"))
    assert (corrected["location"]["commune"], corrected["location"]["insee"]) == ("Lure", "70310")
    assert corrected["structures"][0]["distance_km"] < 15


def test_a_position_shared_by_the_widget(assistant: Assistant, sender):
    assistant.send(sender, "france services la plus proche")

    payload = the_payload(assistant.send(sender, "/inform_location", metadata={"position": {"lat": 48.8155,
                                                                                            "lon": 3.08}}))
    assert payload["location"]["commune"] == "Coulommiers"
    assert (payload["location"]["lat"], payload["location"]["lon"]) == (48.816, 3.08)  # kept to about 100 m


def test_a_department_and_an_unknown_place(assistant: Assistant, sender):
    listed = the_payload(assistant.send(sender, "les france services du département 15"))
    assert listed["location"]["department"] == "15" and listed["structures"]

    asked = the_payload(assistant.send(sender, "france services près de Xyzzyville"))
    assert asked["structures"] == []


def test_another_question_while_asked_for_a_place(assistant: Assistant, sender):
    assistant.send(sender, "je cherche une france services")

    payload = the_payload(assistant.send(sender, "j'ai perdu ma carte vitale"))
    assert payload["type"] == "procedures" and payload["topic"] == "sante"
    assert the_payload(assistant.send(sender, "bonjour"))["type"] == "greet"


@pytest.mark.parametrize(
    ("raw", "status"),
    [(b"{not json", 400), (b'{"sender": "x", "message": "   "}', 400), (b'{"sender": "x", "message": 42}', 400),
     (('{"sender": "x", "message": "' + "a" * 10_001 + '"}').encode(), 413), (b"\xff\xfe", 400)],
)
def test_bad_requests_get_a_french_error_never_a_500(assistant: Assistant, raw, status):
    response = requests.post(f"{assistant.url}/webhooks/rest/webhook", data=raw, timeout=30,
                             headers={"Content-Type": "application/json"})

    assert response.status_code == status
    assert response.json()["error"]


def test_emoji_html_and_sql_looking_text_are_answered(assistant: Assistant, sender):
    for message in ("🙂🙂🙂", "<img src=x onerror=alert(1)>", "'; DROP TABLE events; --"):
        assert isinstance(assistant.send(sender, message), list)

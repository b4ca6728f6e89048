from __future__ import annotations

import json

import pytest
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.procedures import ActionAnswerTopic
from actions.structures import ActionAskLocation, ActionFindStructures, ValidateStructureForm, location_query
from assistant.contract import HUMAN_BUTTON
from tests.conftest import make_services
from tests.unit.actions.conftest import make_tracker


async def extracted(services, tracker) -> dict:
    return await ValidateStructureForm(services).extract_location(CollectingDispatcher(), tracker, {})


async def run(action, tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return dispatcher.messages, events


@pytest.mark.parametrize(
    ("tracker", "query"),
    [
        (make_tracker("France services près de Lure", "find_structure"), "France services près de Lure"),
        (make_tracker("lure", "inform_location"), "lure"),
        (make_tracker("lurre", "nlu_fallback"), "lurre"),
        (make_tracker("ma position", "inform_location", metadata={"position": {"lat": 48.81, "lon": "3.08"}}),
         "position:48.810,3.080"),
        (make_tracker('/inform_location{"location": "insee:70310"}', "inform_location",
                      entities=[{"entity": "location", "value": "insee:70310"}]), "insee:70310"),
        (make_tracker("je déménage", "topic_demenagement"), None),
    ],
)
def test_where_the_latest_message_says_the_user_is(services, tracker, query):
    assert location_query(tracker, services) == query


async def test_an_unreadable_position_falls_back_to_the_words(services):
    tracker = make_tracker("Lure", "inform_location", metadata={"position": {"lat": "nord"}})

    assert await extracted(services, tracker) == {"location": "Lure"}


@pytest.mark.parametrize(
    ("text", "intent", "slot"),
    [
        ("France services près de Coulommiers", "find_structure", {"location": "France services près de Coulommiers"}),
        ("dans le 77", "inform_location", {"location": "dans le 77"}),
        ("88000", "inform_location", {"location": "88000"}),
        ("où est la France services la plus proche ?", "find_structure", {"location": None}),
        ("xyzzy", "inform_location", {"location": None}),
        ("Saint-Pierre", "inform_location", {"location": None}),  # homonyms: asked with buttons
        ("je déménage", "topic_demenagement", {}),  # another question: the form steps aside
    ],
)
async def test_the_form_keeps_only_a_place_it_can_answer(services, text, intent, slot):
    assert await extracted(services, make_tracker(text, intent)) == slot


async def test_the_question_when_no_place_is_named(services):
    messages, _ = await run(ActionAskLocation(services),
                            make_tracker("le téléphone de la france services", "find_structure"))

    assert len(messages) == 1
    assert messages[0]["text"].startswith("Où cherchez-vous une France Services ?")
    assert messages[0]["custom"] == {"type": "structures", "location": None, "structures": []}


async def test_homonyms_are_offered_as_buttons_that_name_the_commune(resolver, services):
    messages, _ = await run(ActionAskLocation(services), make_tracker("Saint-Pierre", "inform_location"))

    buttons = messages[0]["buttons"]
    assert messages[0]["text"].startswith("Plusieurs communes correspondent à « Saint-Pierre » : laquelle ?")
    assert len(buttons) == 9 and buttons[0]["title"] == "Saint-Pierre (974)"
    assert buttons[0]["payload"].startswith("/inform_location{")
    chosen = json.loads(buttons[0]["payload"].removeprefix("/inform_location"))["location"]
    assert [(c.name, c.department) for c in resolver.resolve(chosen).communes] == [("Saint-Pierre", "974")]


async def test_an_unknown_place_is_named_back(services):
    messages, _ = await run(ActionAskLocation(services), make_tracker("xyzzy", "inform_location"))

    assert messages[0]["text"].startswith("Je ne trouve pas « xyzzy ».")


async def test_the_nearest_structures_then_an_empty_slot(services):
    tracker = make_tracker("Lure", "inform_location", slots={"location": "non, je voulais dire Lure"})

    messages, events = await run(ActionFindStructures(services), tracker)

    assert len(messages) == 1
    payload = messages[0]["custom"]
    assert payload["type"] == "structures" and payload["location"]["commune"] == "Lure"
    assert len(payload["structures"]) == 3
    assert messages[0]["text"].startswith("Les France Services les plus proches de Lure :")
    assert events == [SlotSet("location", None), SlotSet("place", "non, je voulais dire Lure")]


async def test_a_shared_position_answers_from_the_position(services):
    tracker = make_tracker("ma position", "inform_location", slots={"location": "position:48.81550,3.08000"})

    messages, _ = await run(ActionFindStructures(services), tracker)

    assert messages[0]["custom"]["location"]["lat"] == 48.8155
    assert messages[0]["text"].startswith("Les France Services les plus proches de votre position (près de Coulom")


async def test_without_the_list_of_structures_the_user_is_told(session_factory, resolver):
    services = make_services(session_factory, resolver=resolver)  # nothing imported into the database

    messages, events = await run(ActionFindStructures(services), make_tracker("Lure", "inform_location",
                                                                             slots={"location": "Lure"}))

    assert messages[0]["text"].startswith("La liste des France Services n'est pas disponible")
    assert messages[0]["custom"] == {"type": "structures", "location": None, "structures": []}
    assert events == [SlotSet("location", None)]


async def test_another_question_during_the_search_ends_it(knowledge_base, services):
    tracker = make_tracker("je déménage", "topic_demenagement", active_loop="structure_form")

    _, events = await run(ActionAnswerTopic(services), tracker)

    assert events[-2:] == [ActiveLoop(None), SlotSet("requested_slot", None)]


async def test_a_shared_postcode_offers_its_other_communes_as_buttons(services):
    tracker = make_tracker("88200", "inform_location", slots={"location": "88200"})

    messages, _ = await run(ActionFindStructures(services), tracker)

    assert messages[0]["custom"]["location"]["commune"] == "Remiremont"
    assert [b["title"] for b in messages[0]["buttons"]] == [
        "Saint-Nabord (88)", "Saint-Étienne-lès-Remiremont (88)", "Dommartin-lès-Remiremont (88)", "Vecoux (88)"]
    assert messages[0]["buttons"][0]["payload"] == '/inform_location{"location": "insee:88429"}'


async def test_a_search_that_asks_for_a_person_offers_one_too(services):
    text = "un conseiller près de Gérardmer"
    messages, _ = await run(ActionFindStructures(services),
                            make_tracker(text, "find_structure", slots={"location": text}))

    assert messages[0]["custom"]["location"]["commune"] == "Gérardmer"
    assert messages[0]["buttons"] == [HUMAN_BUTTON]
    assert "Un conseiller France Services peut aussi vous répondre ici ou vous rappeler" in messages[0]["text"]


async def test_a_territory_without_france_services_is_said_so(services):
    messages, _ = await run(ActionAskLocation(services), make_tracker("je suis à Nouméa", "find_structure"))

    assert messages[0]["text"].startswith("Il n'y a pas de France Services en Nouvelle-Calédonie dans la liste "
                                          "officielle")
    assert messages[0]["custom"] == {"type": "structures", "location": None, "structures": []}

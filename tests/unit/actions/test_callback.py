from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.callback import (
    ActionAskCallbackContact,
    ActionAskCallbackPlace,
    ActionAskCallbackTime,
    ActionCreateCallback,
    ValidateCallbackForm,
)
from assistant.handoff.models import CALLBACK, TicketRow
from tests.unit.actions.conftest import make_tracker


def asked(slot: str | None, text: str, intent: str = "nlu_fallback", **slots) -> object:
    return make_tracker(text, intent, slots={"requested_slot": slot, **slots})


async def extract(services, slot: str, tracker) -> dict:
    return await getattr(ValidateCallbackForm(services), f"extract_{slot}")(CollectingDispatcher(), tracker, {})


async def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return dispatcher.messages, events


@pytest.mark.parametrize(
    ("tracker", "expected"),
    [
        (asked("callback_contact", "06 12 34 56 78"), {"callback_contact": "phone:+33 6 12 34 56 78"}),
        (asked("callback_contact", "c'est marie@exemple.fr"), {"callback_contact": "email:marie@exemple.fr"}),
        (asked("callback_contact", "06 12 34"), {"callback_contact": None}),  # asked again
        (asked("callback_contact", "non", intent="deny"), {}),  # rejected: the request is stopped
        (asked("callback_time", "06 12 34 56 78"), {}),  # not the slot asked for
        (asked(None, "oui", intent="affirm"), {}),
    ],
)
async def test_the_contact_is_a_valid_phone_number_or_email(services, tracker, expected):
    assert await extract(services, "callback_contact", tracker) == expected


async def test_the_time_is_a_few_words(services):
    assert await extract(services, "callback_time", asked("callback_time", "Le matin")) == {"callback_time": "Le matin"}
    assert await extract(services, "callback_time", asked("callback_time", "x" * 121)) == {"callback_time": None}


@pytest.mark.parametrize(
    ("tracker", "expected"),
    [
        (asked("callback_contact", "06 12 34 56 78", place="Coulommiers"), {"callback_place": "Coulommiers"}),
        (asked("callback_place", "Lure"), {"callback_place": "Lure"}),
        (asked("callback_place", "xyzzy"), {"callback_place": None}),
        (asked("callback_place", "dans le 77"), {"callback_place": None}),  # a commune is needed to route
        (asked("callback_time", "le matin"), {}),
    ],
)
async def test_the_commune_comes_from_the_structure_search_or_is_asked(services, tracker, expected):
    assert await extract(services, "callback_place", tracker) == expected


async def test_the_questions_say_why_and_what_was_wrong(services):
    first, _ = await run(ActionAskCallbackContact(services), asked(None, "oui", intent="affirm"))
    again, _ = await run(ActionAskCallbackContact(services), asked("callback_contact", "06 12"))
    time, _ = await run(ActionAskCallbackTime(services), asked("callback_contact", "06 12 34 56 78"))
    place, _ = await run(ActionAskCallbackPlace(services), asked("callback_place", "xyzzy"))

    assert first[0]["text"].startswith("Aucun conseiller n'est disponible en direct pour le moment")
    assert first[0]["custom"] == {"type": "handoff", "ticket": None, "status": "callback", "asking": "contact"}
    assert again[0]["text"].startswith("Ce numéro ou cette adresse ne semble pas valide.")
    assert [b["title"] for b in time[0]["buttons"]] == ["Le matin", "L'après-midi", "Peu importe"]
    assert place[0]["text"].startswith("Je ne trouve pas cette commune de façon certaine.")


async def test_the_callback_is_routed_to_the_nearest_structure(services):
    tracker = make_tracker("Le matin", "nlu_fallback", slots={
        "callback_contact": "phone:+33 6 12 34 56 78", "callback_time": "Le matin", "callback_place": "Coulommiers",
        "topic": "demenagement", "handoff_offer": {"reason": "asked", "turn": 1}}, events=[
            {"event": "user", "text": "je déménage", "parse_data": {"intent": {"name": "topic_demenagement"}}},
            {"event": "bot", "text": "…", "data": {"custom": {"type": "handoff", "status": "offered"}}},
            {"event": "user", "text": "06 12 34 56 78", "parse_data": {"intent": {"name": "nlu_fallback"}}}])

    messages, events = await run(ActionCreateCallback(services), tracker)

    payload = messages[0]["custom"]
    assert (payload["type"], payload["status"]) == ("handoff", "callback")
    assert payload["structure"]["commune"] == "Coulommiers"
    assert messages[0]["text"].startswith(f"C'est noté : votre demande de rappel porte le numéro {payload['ticket']}.")
    assert "au +33 6 12 34 56 78" in messages[0]["text"]
    assert f"joignable au {payload['structure']['phone']}" in messages[0]["text"]
    assert events == [SlotSet("handoff_offer", None), SlotSet("callback_contact", None),
                      SlotSet("callback_time", None), SlotSet("callback_place", None)]
    with services.sessions() as session:
        [ticket] = session.execute(select(TicketRow)).scalars().all()
    assert (ticket.status, ticket.phone, ticket.email, ticket.preferred_time) == (
        CALLBACK, "+33 6 12 34 56 78", None, "Le matin")
    assert (ticket.commune, ticket.department, str(ticket.structure_id)) == (
        "Coulommiers", "77", payload["structure"]["id"])
    assert ticket.summary == "« je déménage »"

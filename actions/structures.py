"""Finding the nearest France Services: the `structure_form` asking where the user is, and the answer.

The `location` slot holds a place query (assistant.turns.PlaceTurns): the words typed, `insee:<code>` from a
homonym button, or `position:<lat>,<lon>` from the position the widget sends in the message metadata
(`{"position": {"lat": 48.81, "lon": 3.08}}`). It is only filled with a query the answer can use; the question,
when there is one, is asked by `action_ask_location` alone, so that each turn sends exactly one custom payload.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.base import GuichetAction, UsesServices, intent_of
from assistant.contract import Entity, Intent, Reply, Slot

logger = logging.getLogger(__name__)

# Messages read as a place while the form asks for one; any other intent is another question.
PLACE_INTENTS = {Intent.FIND_STRUCTURE, Intent.INFORM_LOCATION, Intent.NLU_FALLBACK}


def shared_position(tracker: Tracker, services) -> str | None:
    """The position the widget sent with the latest message (`metadata.position`), as a place query."""
    position = (tracker.latest_message.get("metadata") or {}).get("position")
    if not isinstance(position, dict):
        return None
    try:
        return services.places.position(float(position["lat"]), float(position["lon"]))
    except (KeyError, TypeError, ValueError):
        logger.warning("Position illisible dans les métadonnées : %r", position)
        return None


def location_query(tracker: Tracker, services) -> str | None:
    """Where the latest message says the user is: a shared position, a chosen commune, else the words typed."""
    position = shared_position(tracker, services)
    if position:
        return position
    chosen = next(tracker.get_latest_entity_values(Entity.LOCATION), None)
    if chosen:
        return str(chosen)
    if intent_of(tracker) in PLACE_INTENTS:
        return tracker.latest_message.get("text") or None
    return None


class ValidateStructureForm(UsesServices, FormValidationAction):
    """Fills `location` only with a place that can be answered; anything else leaves it empty (asked again)."""

    def name(self) -> str:
        return "validate_structure_form"

    async def extract_location(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> dict[str, Any]:
        query = location_query(tracker, self.services)
        if query is None:
            # Another question ("je déménage"): extracting nothing lets the form step aside.
            return {}
        return {Slot.LOCATION: query if self.services.places.answerable(query) else None}


class ActionAskLocation(GuichetAction):
    """Where is the user? First asked plainly, then with what went wrong: unknown place, abroad, homonyms."""

    def name(self) -> str:
        return "action_ask_location"

    def reply(self, tracker: Tracker) -> Reply:
        return self.services.places.ask(location_query(tracker, self.services),
                                        words_only=intent_of(tracker) == Intent.FIND_STRUCTURE)


class ActionFindStructures(GuichetAction):
    """The nearest structures to the place the form collected; the slot is emptied for the next search and
    the place kept in `place`."""

    def name(self) -> str:
        return "action_find_structures"

    def reply(self, tracker: Tracker) -> Reply:
        return self.services.places.find(tracker.get_slot(Slot.LOCATION) or "")

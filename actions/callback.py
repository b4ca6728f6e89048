"""The callback request, when no advisor is online: how to reach the user, when, and where (to route the
ticket to the nearest France Services, whose phone and hours the user gets with the ticket number)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.base import GuichetAction, UsesServices, conversation, intent_of
from actions.structures import shared_position
from assistant.contract import Intent, Reply, Slot


def requested(tracker: Tracker, slot: str) -> bool:
    """The form asked for this slot, and the user did not say no."""
    return tracker.get_slot(Slot.REQUESTED_SLOT) == slot and intent_of(tracker) != Intent.DENY


def answer_text(tracker: Tracker) -> str:
    return (tracker.latest_message.get("text") or "").strip()


class ValidateCallbackForm(UsesServices, FormValidationAction):
    """Each answer fills only the slot asked for; "non" stops the request (the form is rejected)."""

    def name(self) -> str:
        return "validate_callback_form"

    async def extract_callback_contact(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: DomainDict) -> dict[str, Any]:
        if not requested(tracker, Slot.CALLBACK_CONTACT):
            return {}
        return {Slot.CALLBACK_CONTACT: self.services.handoff.contact(answer_text(tracker))}

    async def extract_callback_time(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> dict[str, Any]:
        if not requested(tracker, Slot.CALLBACK_TIME):
            return {}
        return {Slot.CALLBACK_TIME: self.services.handoff.preferred_time(answer_text(tracker))}

    async def extract_callback_place(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> dict[str, Any]:
        places = self.services.places
        if tracker.get_slot(Slot.CALLBACK_PLACE) is None and places.is_place(tracker.get_slot(Slot.PLACE)):
            return {Slot.CALLBACK_PLACE: tracker.get_slot(Slot.PLACE)}
        if not requested(tracker, Slot.CALLBACK_PLACE):
            return {}
        query = shared_position(tracker, self.services) or answer_text(tracker)
        return {Slot.CALLBACK_PLACE: query if places.is_place(query) else None}


class ActionAskCallbackContact(GuichetAction):
    def name(self) -> str:
        return "action_ask_callback_contact"

    def reply(self, tracker: Tracker) -> Reply:
        return self.services.handoff.callback_question("contact", again=requested(tracker, Slot.CALLBACK_CONTACT))


class ActionAskCallbackTime(GuichetAction):
    def name(self) -> str:
        return "action_ask_callback_time"

    def reply(self, tracker: Tracker) -> Reply:
        return self.services.handoff.callback_question("time", again=requested(tracker, Slot.CALLBACK_TIME))


class ActionAskCallbackPlace(GuichetAction):
    def name(self) -> str:
        return "action_ask_callback_place"

    def reply(self, tracker: Tracker) -> Reply:
        return self.services.handoff.callback_question("commune", again=requested(tracker, Slot.CALLBACK_PLACE))


class ActionCreateCallback(GuichetAction):
    """Commit the callback ticket, routed to the nearest France Services (assistant/handoff/service.py)."""

    def name(self) -> str:
        return "action_create_callback"

    def reply(self, tracker: Tracker) -> Reply:
        return self.services.handoff.create_callback(conversation(tracker))

"""The callback request, when no advisor is online: how to reach the user, when, and where (to route the
ticket to the nearest France Services, whose phone and hours the user gets with the ticket number)."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.database import shared_sessions
from actions.handoff import (
    CALLBACK_SLOTS,
    FAILURE_TEXT,
    conversation_context,
    handoff_payload,
    ticket_request,
)
from actions.knowledge_base import KnowledgeAction
from actions.structures import PARIS, PLACE_SLOT, shared_position, shared_resolver, shared_structure_index
from assistant import config
from assistant.handoff.contact import parse_contact
from assistant.handoff.tickets import create_ticket
from assistant.structures.hours import opening_today

logger = logging.getLogger(__name__)

CONTACT_SLOT, TIME_SLOT, COMMUNE_SLOT = CALLBACK_SLOTS
TIME_BUTTONS = [{"title": title, "payload": title} for title in ("Le matin", "L'après-midi", "Peu importe")]
MAX_TIME_LENGTH = 120


def requested(tracker: Tracker, slot: str) -> bool:
    return tracker.get_slot("requested_slot") == slot and tracker.latest_message.get("intent", {}).get("name") != "deny"


def text_of(tracker: Tracker) -> str:
    return (tracker.latest_message.get("text") or "").strip()


def callback_place_query(tracker: Tracker) -> str | None:
    """The answer to "dans quelle commune ?": a position shared, else the words typed."""
    if not requested(tracker, COMMUNE_SLOT):
        return None
    return shared_position(tracker) or text_of(tracker)


def a_commune(query: str | None) -> bool:
    return bool(query) and shared_resolver().resolve(query).is_place


class ValidateCallbackForm(FormValidationAction):
    """Each answer fills only the slot asked for; "non" stops the request (the form is rejected)."""

    def name(self) -> str:
        return "validate_callback_form"

    async def extract_callback_contact(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: DomainDict) -> dict[str, Any]:
        if not requested(tracker, CONTACT_SLOT):
            return {}
        contact = parse_contact(text_of(tracker))
        return {CONTACT_SLOT: f"{contact[0]}:{contact[1]}" if contact else None}

    async def extract_callback_time(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> dict[str, Any]:
        if not requested(tracker, TIME_SLOT):
            return {}
        text = text_of(tracker)
        return {TIME_SLOT: text if 0 < len(text) <= MAX_TIME_LENGTH else None}

    async def extract_callback_place(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> dict[str, Any]:
        if tracker.get_slot(COMMUNE_SLOT) is None and a_commune(tracker.get_slot(PLACE_SLOT)):
            return {COMMUNE_SLOT: tracker.get_slot(PLACE_SLOT)}
        query = callback_place_query(tracker)
        if query is None:
            return {}
        return {COMMUNE_SLOT: query if a_commune(query) else None}


def ask(dispatcher: CollectingDispatcher, text: str, asking: str, buttons: list[dict] | None = None) -> None:
    dispatcher.utter_message(text=text, buttons=buttons or [], json_message=handoff_payload("callback", asking=asking))


class ActionAskCallbackContact(Action):
    def name(self) -> str:
        return "action_ask_callback_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        if requested(tracker, CONTACT_SLOT):
            text = ("Ce numéro ou cette adresse ne semble pas valide. Indiquez un numéro de téléphone (par exemple "
                    "06 12 34 56 78) ou une adresse e-mail.")
        else:
            text = ("Aucun conseiller n'est disponible en direct pour le moment (en direct "
                    f"{config.live_hours().describe()}). Je peux enregistrer une demande de rappel : à quel numéro "
                    "de téléphone ou à quelle adresse e-mail un conseiller peut-il vous joindre ? "
                    "(Dites « non » pour annuler.)")
        ask(dispatcher, text, "contact")
        return []


class ActionAskCallbackTime(Action):
    def name(self) -> str:
        return "action_ask_callback_time"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        text = "Quand préférez-vous être contacté ?"
        if requested(tracker, TIME_SLOT):
            text = f"Répondez en quelques mots ({MAX_TIME_LENGTH} caractères au plus) : {text[0].lower()}{text[1:]}"
        ask(dispatcher, text, "time", TIME_BUTTONS)
        return []


class ActionAskCallbackPlace(Action):
    def name(self) -> str:
        return "action_ask_callback_place"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        text = ("Dans quelle commune habitez-vous ? Votre demande ira à la France Services la plus proche "
                "(une commune ou un code postal).")
        if requested(tracker, COMMUNE_SLOT):
            text = f"Je ne trouve pas cette commune de façon certaine. {text}"
        ask(dispatcher, text, "commune")
        return []


class ActionCreateCallback(KnowledgeAction):
    """Route to the nearest structure, commit the ticket, then give its number, the structure's phone and hours.

    The callback slots are emptied once the ticket holds the contact, whether or not it could be stored: the
    tracker store masks messages but not slots (the form needs the contact across its turns), so the contact
    is kept no longer than needed; the `SlotSet` events that carried it remain in the tracker store until
    `guichet purge` deletes the conversation (assistant/privacy/tracker_store.py).
    """

    def name(self) -> str:
        return "action_create_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        reset = [SlotSet(slot, None) for slot in CALLBACK_SLOTS]
        location = shared_resolver().resolve(tracker.get_slot(COMMUNE_SLOT) or "")
        index = shared_structure_index()
        structure = index.nearest(location.points, 1)[0].structure if index and location.points else None
        kind, _, contact = (tracker.get_slot(CONTACT_SLOT) or "").partition(":")
        context = conversation_context(tracker, self.knowledge)
        commune = location.communes[0] if location.communes else context.commune
        context = replace(context, commune=commune)
        request = ticket_request(
            tracker, context, "callback", phone=contact if kind == "phone" else None,
            email=contact if kind == "email" else None, preferred_time=tracker.get_slot(TIME_SLOT),
            structure_id=structure.id if structure else None, structure_name=structure.name if structure else None)
        try:
            with shared_sessions()() as session:
                ticket, secret = create_ticket(session=session, request=request, callback=True)
        except SQLAlchemyError:
            logger.exception("Demande de rappel non enregistrée (%s)", tracker.sender_id)
            dispatcher.utter_message(text=FAILURE_TEXT, json_message=handoff_payload("failed"))
            return reset
        lines = [f"C'est noté : votre demande de rappel porte le numéro {ticket.id}. Un conseiller vous contactera "
                 f"({request.preferred_time.lower()}) au {contact}."]
        structure_payload = None
        if structure is not None:
            opening = opening_today(structure.hours, datetime.now(PARIS))
            hours = f"aujourd'hui {opening.hours_today}" if opening.hours_today else "fermée aujourd'hui"
            phone = f", joignable au {structure.phone}" if structure.phone else ""
            lines.append(f"Votre demande est transmise à la France Services « {structure.name} » "
                         f"({structure.commune}){phone} ; {hours}.")
            structure_payload = {"id": str(structure.id), "name": structure.name, "commune": structure.commune,
                                 "phone": structure.phone, "hours_today": opening.hours_today or None}
        dispatcher.utter_message(text="\n".join(lines),
                                 json_message=handoff_payload("callback", ticket, secret, structure=structure_payload))
        return reset

"""Handing the user off to a human advisor: the offer with what will be passed on, consent, and the
live ticket (the conversation is paused until the advisor closes it).

A ticket number is only given once the ticket is committed; when the database fails, the user is told
so honestly and given no number. Without an advisor online, consent leads to the callback form
(actions/callback.py).
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ConversationPaused, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.database import shared_sessions
from actions.knowledge_base import KnowledgeAction
from actions.messages import leave_active_form, topic_button, topics_payload
from actions.structures import PLACE_SLOT, answered_as_a_place, shared_resolver
from assistant import config
from assistant.geo.communes import Commune
from assistant.handoff.advisors import advisor_available
from assistant.handoff.context import HandoffContext, build_context, describe
from assistant.handoff.models import TicketRow
from assistant.handoff.tickets import TicketRequest, create_ticket
from assistant.knowledge import KnowledgeBase

logger = logging.getLogger(__name__)

HANDOFF = "handoff"
CALLBACK_FORM = "callback_form"
# The callback form's slots (actions/callback.py): how to reach the user, when, and where.
CALLBACK_SLOTS = ("callback_contact", "callback_time", "callback_place")
CONSENT_BUTTONS = [{"title": "Oui, transmettre ma demande", "payload": "/affirm"},
                   {"title": "Non merci", "payload": "/deny"}]
# What is left out of the summary of the user's requests.
NOT_A_REQUEST = {"greet", "goodbye", "thanks", "affirm", "deny", "request_human", "help"}
FAILURE_TEXT = ("Désolé, je n'ai pas pu enregistrer votre demande : aucune demande n'a été créée. Réessayez dans "
                "quelques minutes, ou rendez-vous dans une France Services (dites « France Services près de » et "
                "votre commune).")


def current_time() -> datetime:
    return datetime.now(timezone.utc)


def handoff_payload(status: str, ticket: TicketRow | None = None, secret: str | None = None, **extra: Any) -> dict:
    """The integrators' `handoff` payload; the secret lets the user's client read the ticket's messages."""
    payload = {"type": HANDOFF, "ticket": str(ticket.id) if ticket else None, "status": status}
    if secret:
        payload["secret"] = secret
    return {**payload, **extra}


def last_offer(tracker: Tracker) -> dict | None:
    """The offer the assistant made in its turn before the latest user message, if it made one."""
    users_seen = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users_seen += 1
            if users_seen == 2:
                return None
        elif users_seen == 1 and event.get("event") == "bot":
            custom = (event.get("data") or {}).get("custom") or {}
            if custom.get("type") == HANDOFF:
                return custom if custom.get("status") == "offered" else None
    return None


def place_commune(tracker: Tracker) -> Commune | None:
    """The commune of the user's latest structure search, if there was one."""
    place = tracker.get_slot(PLACE_SLOT)
    if not place:
        return None
    location = shared_resolver().resolve(place)
    return location.communes[0] if location.is_place and location.communes else None


def conversation_context(tracker: Tracker, knowledge: KnowledgeBase) -> HandoffContext:
    """Topic, procedures, commune, and the user's requests up to the latest offer (not the answers given
    to the callback questions, which are stored apart)."""
    requests, transcript, procedure_ids = [], [], []
    requests_offered: list[str] | None = None
    for event in tracker.events:
        kind = event.get("event")
        if kind == "user" and event.get("text"):
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if intent not in NOT_A_REQUEST and not event["text"].startswith("/"):
                requests.append(event["text"])
            transcript.append({"author": "user", "text": event["text"]})
        elif kind == "bot" and event.get("text"):
            transcript.append({"author": "bot", "text": event["text"]})
            custom = (event.get("data") or {}).get("custom") or {}
            if custom.get("type") == HANDOFF and custom.get("status") == "offered":
                requests_offered = list(requests)
        elif kind == "slot" and event.get("name") == "focus_procedure" and event.get("value"):
            procedure_ids.append(event["value"])
    procedure_ids += tracker.get_slot("shown_procedures") or []
    return build_context(knowledge, topic=tracker.get_slot("topic"), procedure_ids=procedure_ids,
                         commune=place_commune(tracker),
                         requests=requests if requests_offered is None else requests_offered, transcript=transcript)


def offer(knowledge: KnowledgeBase, tracker: Tracker, reason: str, lead: str) -> tuple[str, dict]:
    context = conversation_context(tracker, knowledge)
    text = (f"{lead}\nVoici ce que je lui transmettrai :\n{describe(context)}\n\n"
            "Acceptez-vous que ces informations lui soient transmises ?")
    return text, handoff_payload("offered", reason=reason, context=context.payload())


class ActionOfferHandoff(KnowledgeAction):
    """The user asks for a person (or clicked "Parler à un conseiller" under a complex procedure)."""

    def name(self) -> str:
        return "action_offer_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        # « un conseiller près de 77120 »: the structures near it first, with a person on offer.
        place_answered = answered_as_a_place(dispatcher, tracker)
        if place_answered is not None:
            return leave_active_form(tracker) + place_answered
        focus = self.knowledge.procedure(tracker.get_slot("focus_procedure") or "")
        reason = "needs_person" if focus is not None and focus.needs_advisor else "asked"
        text, payload = offer(self.knowledge, tracker, reason,
                              "Je peux transmettre votre demande à un conseiller France Services, qui vous répondra "
                              "ici ou vous rappellera.")
        dispatcher.utter_message(text=text, buttons=CONSENT_BUTTONS, json_message=payload)
        return leave_active_form(tracker)


def offer_after_misunderstanding(knowledge: KnowledgeBase, tracker: Tracker, dispatcher: CollectingDispatcher) -> None:
    """Two messages not understood in a row: a person may help; the topics stay on offer."""
    text, payload = offer(knowledge, tracker, "fallback",
                          "Je ne comprends toujours pas, désolé. Un conseiller France Services peut prendre le "
                          "relais : il vous répondra ici ou vous rappellera.")
    text += "\nSinon, choisissez le thème qui correspond à votre situation."
    dispatcher.utter_message(text=text, buttons=CONSENT_BUTTONS + [topic_button(t) for t in knowledge.topics],
                             json_message={**payload, "topics": topics_payload(knowledge)})


class ActionAnswerConsent(KnowledgeAction):
    """Yes or no to an offer: a live ticket, the callback form, or back to the conversation."""

    def name(self) -> str:
        return "action_answer_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        offered = last_offer(tracker)
        if intent == "deny" and (offered or tracker.active_loop_name):
            dispatcher.utter_message(
                text="Très bien, je ne transmets rien. Posez-moi votre question, ou dites « aide » pour voir les "
                     "thèmes.",
                json_message=handoff_payload("declined"))
            return leave_active_form(tracker) + forget_callback_answers(tracker)
        if intent != "affirm" or offered is None:
            dispatcher.utter_message(text="D'accord. Avez-vous une question sur vos démarches ?",
                                     json_message={"type": "acknowledge"})
            return []
        context = conversation_context(tracker, self.knowledge)
        department = context.commune.department if context.commune else None
        try:
            with shared_sessions()() as session:
                if not advisor_available(session=session, now=current_time(), hours=config.live_hours(),
                                         department=department):
                    # The callback form's first question says why and asks how to call back.
                    return [FollowupAction(CALLBACK_FORM)]
                ticket, secret = create_ticket(session=session, callback=False, request=ticket_request(
                    tracker, context, offered.get("reason") or "asked"))
        except SQLAlchemyError:
            logger.exception("Ticket de mise en relation non enregistré (%s)", tracker.sender_id)
            dispatcher.utter_message(text=FAILURE_TEXT, json_message=handoff_payload("failed"))
            return []
        dispatcher.utter_message(
            text=(f"C'est transmis : votre demande porte le numéro {ticket.id}. Un conseiller France Services va "
                  "vous répondre ici même. Vous pouvez continuer à écrire : vos messages lui sont transmis."),
            json_message=handoff_payload("waiting", ticket, secret))
        return [ConversationPaused()]


def forget_callback_answers(tracker: Tracker) -> list[dict[str, Any]]:
    """"Non" during the callback request: the phone number or e-mail already given is not kept for later (the
    tracker store does not mask slots; see assistant/privacy/tracker_store.py)."""
    return [SlotSet(slot, None) for slot in CALLBACK_SLOTS if tracker.get_slot(slot) is not None]


def ticket_request(tracker: Tracker, context: HandoffContext, reason: str, **callback: Any) -> TicketRequest:
    commune = context.commune
    return TicketRequest(
        sender_id=tracker.sender_id, reason=reason, summary=context.summary, topic=context.topic,
        procedures=[identifier for identifier, _ in context.procedures], commune=commune.name if commune else None,
        insee=commune.insee if commune else None, department=commune.department if commune else None,
        transcript=context.transcript, **callback,
    )

"""Handing the user off to a human advisor: the offer and the consent (assistant/handoff/service.py decides)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from actions.base import GuichetAction, conversation, intent_of, leave_active_form, text_of
from assistant.contract import Reply, Slot


class ActionOfferHandoff(GuichetAction):
    """The user asks for a person (or clicked "Parler à un conseiller" under a complex procedure)."""

    def name(self) -> str:
        return "action_offer_handoff"

    def reply(self, tracker: Tracker) -> Reply:
        # « un conseiller près de 77120 »: the structures near it first, with a person on offer.
        return (self.services.places.named_place(text_of(tracker))
                or self.services.handoff.offer(conversation(tracker), focus=tracker.get_slot(Slot.FOCUS_PROCEDURE)))

    def after(self, tracker: Tracker, reply: Reply) -> list[dict[str, Any]]:
        return leave_active_form(tracker)


class ActionAnswerConsent(GuichetAction):
    """Yes or no to an offer: a live ticket, the callback form, or back to the conversation."""

    def name(self) -> str:
        return "action_answer_consent"

    def reply(self, tracker: Tracker) -> Reply:
        return self.services.handoff.answer_consent(conversation(tracker), intent=intent_of(tracker),
                                                    in_form=bool(tracker.active_loop_name))

    def after(self, tracker: Tracker, reply: Reply) -> list[dict[str, Any]]:
        declined = (reply.payload or {}).get("status") == "declined"
        return leave_active_form(tracker) if declined else []

"""Help and misunderstandings: what to say when the user's need is not known yet."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from actions.base import GuichetAction, conversation, leave_active_form
from assistant.contract import Intent, Reply, Slot


class ActionHelp(GuichetAction):
    """What the assistant can do, with the topics of the knowledge base as buttons."""

    def name(self) -> str:
        return "action_help"

    def reply(self, tracker: Tracker) -> Reply:
        return self.services.procedures.help()

    def after(self, tracker: Tracker, reply: Reply) -> list[dict[str, Any]]:
        return leave_active_form(tracker)


class ActionHandleFallback(GuichetAction):
    """Low confidence: first ask to rephrase, then, if it happens again in a row, offer an advisor and the topics."""

    def name(self) -> str:
        return "action_handle_fallback"

    def reply(self, tracker: Tracker) -> Reply:
        self.services.events.not_understood(tracker.sender_id, tracker.get_slot(Slot.TOPIC))
        if consecutive_fallbacks(tracker) < 2:
            return self.services.procedures.not_understood()
        return self.services.handoff.offer_after_misunderstanding(conversation(tracker))


def consecutive_fallbacks(tracker: Tracker) -> int:
    """How many of the latest user messages in a row were not understood, this one included."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if (event.get("parse_data") or {}).get("intent", {}).get("name") != Intent.NLU_FALLBACK:
            break
        count += 1
    return count

"""Help and misunderstandings: what to say when the user's need is not known yet."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from actions.base import GuichetAction, conversation, leave_active_form, text_of
from assistant.bootstrap import Services
from assistant.contract import Reply, Slot


class ActionHelp(GuichetAction):
    """What the assistant can do, with the topics of the knowledge base as buttons."""

    def name(self) -> str:
        return "action_help"

    def reply(self, tracker: Tracker) -> Reply:
        return self.services.procedures.help()

    def after(self, tracker: Tracker, reply: Reply) -> list[dict[str, Any]]:
        return leave_active_form(tracker)


class ActionHandleFallback(GuichetAction):
    """Low confidence: a place named alone gets the structures near it, a question the sheets answer with
    confidence gets the sheets; else ask to rephrase, then, if it happens again in a row, offer an advisor and
    the topics."""

    def name(self) -> str:
        return "action_handle_fallback"

    def reply(self, tracker: Tracker) -> Reply:
        text = text_of(tracker)
        return (self.services.places.named_place(text)  # « Remiremont » alone: a search, understood
                or self.services.procedures.open_question(text)
                or misunderstanding(self.services, tracker))


class ActionAnswerOutOfScope(GuichetAction):
    """A message read as not administrative: refused, unless it plainly names a place (« au Lamentin en
    Martinique »: the structures near it) or the sheets are very sure it is a procedure."""

    def name(self) -> str:
        return "action_answer_out_of_scope"

    def reply(self, tracker: Tracker) -> Reply:
        text = text_of(tracker)
        return self.services.places.named_place(text) or self.services.procedures.out_of_scope(text)

    def after(self, tracker: Tracker, reply: Reply) -> list[dict[str, Any]]:
        return leave_active_form(tracker)


def misunderstanding(services: Services, tracker: Tracker) -> Reply:
    return services.procedures.misunderstanding(conversation(tracker), int(tracker.get_slot(Slot.MISUNDERSTOOD) or 0))

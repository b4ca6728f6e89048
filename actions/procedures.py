"""Answers about procedures: a topic question, and follow-ups ("et pour la CAF ?", "quels papiers ?")."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from actions.base import GuichetAction, intent_of, leave_active_form, partner_values, text_of
from assistant.contract import Entity, Reply, Slot


class ActionAnswerTopic(GuichetAction):
    """A question about a life event or an everyday procedure, classified by its `topic_*` intent."""

    def name(self) -> str:
        return "action_answer_topic"

    def reply(self, tracker: Tracker) -> Reply:
        return self.services.procedures.topic_question(
            intent=intent_of(tracker), text=text_of(tracker), partner_values=partner_values(tracker),
            ranking=tracker.latest_message.get("intent_ranking") or [])

    def after(self, tracker: Tracker, reply: Reply) -> list[dict[str, Any]]:
        if Slot.TOPIC in reply.slots:
            self.services.events.answered(tracker.sender_id, reply.slots[Slot.TOPIC])
        return leave_active_form(tracker)


class ActionAnswerFollowUp(GuichetAction):
    """Follow-ups about what was just shown: another partner, the documents, or the details."""

    def name(self) -> str:
        return "action_answer_followup"

    def reply(self, tracker: Tracker) -> Reply:
        return self.services.procedures.follow_up(
            intent=intent_of(tracker), text=text_of(tracker), partner_values=partner_values(tracker),
            chosen=next(tracker.get_latest_entity_values(Entity.PROCEDURE), None),
            topic=tracker.get_slot(Slot.TOPIC), focus=tracker.get_slot(Slot.FOCUS_PROCEDURE),
            shown=tracker.get_slot(Slot.SHOWN_PROCEDURES) or [])

    def after(self, tracker: Tracker, reply: Reply) -> list[dict[str, Any]]:
        return leave_active_form(tracker)

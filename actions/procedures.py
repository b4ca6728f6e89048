"""Answers about procedures: a topic question, and follow-ups ("et pour la CAF ?", "quels papiers ?")."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.database import record_conversation_event
from actions.knowledge_base import KnowledgeAction
from actions.messages import (
    leave_active_form,
    mentioned_partner,
    send_reply,
    topic_button,
    topic_of_intent,
    user_text,
)
from actions.topics import choose_topic_reply
from assistant.answers import Reply, answer_details, answer_documents, answer_topic, ask_which_procedure
from assistant.feedback.models import ANSWER

# A second topic is suggested when the classifier gives it at least this confidence.
SECOND_TOPIC_MIN_CONFIDENCE = 0.15
DOCUMENTS_PROCEDURES_LIMIT = 4


def conversation_events(topic: str | None, reply: Reply) -> list[dict[str, Any]]:
    """Remember what was shown, so that a follow-up knows which procedures "it" refers to."""
    return [
        SlotSet("topic", topic),
        SlotSet("focus_procedure", reply.focus.id if reply.focus else None),
        SlotSet("shown_procedures", [p.id for p in reply.procedures] or None),
    ]


class ActionAnswerTopic(KnowledgeAction):
    """A question about a life event or an everyday procedure, classified by its `topic_*` intent."""

    def name(self) -> str:
        return "action_answer_topic"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        topic = topic_of_intent(tracker.latest_message.get("intent", {}).get("name"))
        if topic is None or self.knowledge.topic(topic) is None:
            send_reply(dispatcher, choose_topic_reply(self.knowledge))
            return leave_active_form(tracker)
        partner = mentioned_partner(tracker, self.knowledge)
        reply = answer_topic(self.knowledge, topic, user_text(tracker), partner=partner)
        extra_buttons = []
        other = self._second_topic(tracker, topic)
        if other is not None:
            reply.text += f"\n\nVous parlez aussi de « {other.title} » : je peux vous en donner les démarches."
            extra_buttons.append(topic_button(other))
        send_reply(dispatcher, reply, extra_buttons)
        record_conversation_event(tracker, topic, ANSWER)
        return conversation_events(topic, reply) + leave_active_form(tracker)

    def _second_topic(self, tracker: Tracker, topic: str):
        """Several needs in one message: the runner-up topic, when the classifier also believes in it."""
        for candidate in tracker.latest_message.get("intent_ranking") or []:
            other = topic_of_intent(candidate.get("name"))
            if other and other != topic and self.knowledge.topic(other):
                if candidate.get("confidence", 0.0) >= SECOND_TOPIC_MIN_CONFIDENCE:
                    return self.knowledge.topic(other)
                return None
        return None


class ActionAnswerFollowUp(KnowledgeAction):
    """Follow-ups about what was just shown: another partner, the documents, or the details."""

    def name(self) -> str:
        return "action_answer_followup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        knowledge = self.knowledge
        intent = tracker.latest_message.get("intent", {}).get("name")
        topic = tracker.get_slot("topic")
        chosen = knowledge.procedure(next(tracker.get_latest_entity_values("procedure"), "") or "")
        focus = knowledge.procedure(tracker.get_slot("focus_procedure") or "")
        shown = [p for p in map(knowledge.procedure, tracker.get_slot("shown_procedures") or []) if p]

        if chosen is not None:
            topic = topic if topic in chosen.topics else chosen.topics[0]
            reply = answer_details(knowledge, topic, chosen)
        elif topic is None or knowledge.topic(topic) is None:
            send_reply(dispatcher, choose_topic_reply(knowledge))
            return leave_active_form(tracker)
        elif intent == "ask_partner":
            partner = mentioned_partner(tracker, knowledge)
            reply = answer_topic(knowledge, topic, user_text(tracker) if partner else "", partner=partner)
        elif intent == "ask_documents":
            targets = [focus] if focus else (shown or knowledge.procedures_for(topic=topic))
            reply = answer_documents(knowledge, topic, targets[:DOCUMENTS_PROCEDURES_LIMIT])
        elif focus is not None:
            reply = answer_details(knowledge, topic, focus)
        elif len(shown) == 1:
            reply = answer_details(knowledge, topic, shown[0])
        else:
            reply = ask_which_procedure(knowledge, topic, shown or knowledge.procedures_for(topic=topic))
        send_reply(dispatcher, reply)
        return conversation_events(topic, reply) + leave_active_form(tracker)

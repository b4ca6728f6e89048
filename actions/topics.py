"""Help, fallback and the topic menu: what to say when the user's need is not known yet."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.database import record_conversation_event
from actions.handoff import offer_after_misunderstanding
from actions.knowledge_base import KnowledgeAction
from actions.messages import leave_active_form, send_reply, topics_payload
from actions.structures import answered_as_a_place
from assistant.answers import Reply
from assistant.feedback.models import FALLBACK
from assistant.knowledge import KnowledgeBase

FALLBACK_INTENT = "nlu_fallback"


def topics_reply(knowledge: KnowledgeBase, text: str, kind: str) -> Reply:
    """A reply offering every topic as a button, its payload listing them for integrators."""
    return Reply(text=text, payload={"type": kind, "topics": topics_payload(knowledge)},
                 topic_choices=list(knowledge.topics))


def choose_topic_reply(knowledge: KnowledgeBase) -> Reply:
    """A follow-up with nothing to follow: ask which topic."""
    return topics_reply(
        knowledge,
        "De quelle démarche parlez-vous ? Choisissez un thème ou décrivez votre situation en quelques mots.",
        "help",
    )


class ActionHelp(KnowledgeAction):
    """What the assistant can do, with the topics of the knowledge base as buttons."""

    def name(self) -> str:
        return "action_help"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        knowledge = self.knowledge
        partners = ", ".join(partner.short_name for partner in knowledge.partners)
        text = (
            "Je vous aide à préparer vos démarches administratives, comme au guichet d'une France Services : "
            f"je connais {len(knowledge.procedures)} démarches de {len(knowledge.partners)} organismes "
            f"({partners}).\n"
            "Décrivez votre situation avec vos mots (« je déménage », « j'ai perdu ma carte Vitale ») "
            "ou choisissez un thème. Je vous donne les étapes, les documents à préparer et le lien officiel."
        )
        send_reply(dispatcher, topics_reply(knowledge, text, "help"))
        return leave_active_form(tracker)


OUT_OF_SCOPE_TEXT = ("Je ne peux pas vous aider sur ce sujet : je réponds uniquement sur les démarches administratives "
                     "(CAF, Assurance maladie, retraite, impôts, papiers, emploi, logement…). Dites « aide » pour voir "
                     "ce que je sais faire.")


class ActionAnswerOutOfScope(Action):
    """Out of scope, unless the message plainly names a place (« Lille », « au Lamentin en Martinique »): then
    the structures near it."""

    def name(self) -> str:
        return "action_answer_out_of_scope"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        place_answered = answered_as_a_place(dispatcher, tracker)
        if place_answered is not None:
            return place_answered
        dispatcher.utter_message(text=OUT_OF_SCOPE_TEXT, json_message={"type": "out_of_scope"})
        return []


class ActionHandleFallback(KnowledgeAction):
    """Low confidence: first ask to rephrase, then, if it happens again in a row, offer an advisor and the topics."""

    def name(self) -> str:
        return "action_handle_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        place_answered = answered_as_a_place(dispatcher, tracker)  # « Remiremont » alone: a search, understood
        if place_answered is not None:
            return place_answered
        record_conversation_event(tracker, tracker.get_slot("topic"), FALLBACK)
        if consecutive_fallbacks(tracker) < 2:
            dispatcher.utter_message(
                text=(
                    "Je n'ai pas bien compris votre demande. Pouvez-vous la reformuler avec d'autres mots ? "
                    "Par exemple : « je déménage » ou « j'ai perdu ma carte Vitale »."
                ),
                json_message={"type": "fallback"},
            )
            return []
        offer_after_misunderstanding(self.knowledge, tracker, dispatcher)
        return []


def consecutive_fallbacks(tracker: Tracker) -> int:
    """How many of the latest user messages in a row were not understood, this one included (a place named
    alone, answered with the structures near it, was understood)."""
    count = 0
    replies: set[str | None] = set()  # the payload types of the answer to the user message looked at
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            replies.add(((event.get("data") or {}).get("custom") or {}).get("type"))
            continue
        if event.get("event") != "user":
            continue
        if (event.get("parse_data") or {}).get("intent", {}).get("name") != FALLBACK_INTENT or "structures" in replies:
            break
        count += 1
        replies = set()
    return count

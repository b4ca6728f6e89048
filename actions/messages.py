"""Turning an `assistant.answers.Reply` into Rasa messages, and reading what the user referred to."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from assistant.answers import Reply
from assistant.knowledge import KnowledgeBase, Procedure, Topic

TOPIC_INTENT_PREFIX = "topic_"
BUTTON_TITLE_LENGTH = 80
HUMAN_BUTTON = {"title": "Parler à un conseiller", "payload": "/request_human"}


def topic_intent(topic: str) -> str:
    return f"{TOPIC_INTENT_PREFIX}{topic}"


def topic_of_intent(intent: str | None) -> str | None:
    if intent and intent.startswith(TOPIC_INTENT_PREFIX):
        return intent[len(TOPIC_INTENT_PREFIX) :]
    return None


def procedure_button(procedure: Procedure) -> dict:
    title = procedure.title if len(procedure.title) <= BUTTON_TITLE_LENGTH else procedure.title[:79] + "…"
    return {"title": title, "payload": "/ask_details" + json.dumps({"procedure": procedure.id})}


def topic_button(topic: Topic) -> dict:
    return {"title": topic.title, "payload": "/" + topic_intent(topic.slug)}


def topics_payload(knowledge: KnowledgeBase) -> list[dict]:
    return [{"slug": topic.slug, "title": topic.title} for topic in knowledge.topics]


def send_reply(dispatcher: CollectingDispatcher, reply: Reply, extra_buttons: Sequence[dict] = ()) -> None:
    """Text, buttons and payload; a procedure that often needs a person comes with the offer of an advisor."""
    buttons = [procedure_button(p) for p in reply.procedure_choices]
    buttons += [topic_button(t) for t in reply.topic_choices]
    buttons += list(extra_buttons)
    if reply.focus is not None and reply.focus.needs_advisor:
        buttons.append(HUMAN_BUTTON)
    dispatcher.utter_message(text=reply.text, buttons=buttons, json_message=reply.payload)


def mentioned_partner(tracker: Tracker, knowledge: KnowledgeBase) -> str | None:
    """The one partner the latest message names: an extracted entity first, else the text itself.

    Entity values go through the aliases too, so a value the synonyms missed ("cafs") still resolves.
    Several partners in one message restrict nothing: the user is asking about all of them.
    """
    found: list[str] = []
    for value in tracker.get_latest_entity_values("partner"):
        slug = value if knowledge.partner(value) else next(iter(knowledge.partners_mentioned(value)), None)
        if slug and slug not in found:
            found.append(slug)
    if not found:
        found = knowledge.partners_mentioned(tracker.latest_message.get("text") or "")
    return found[0] if len(found) == 1 else None


def user_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def leave_active_form(tracker: Tracker) -> list[dict]:
    """Another question while a form waits for an answer ("je déménage" when asked for a commune): the
    form is dropped rather than asked again after the answer."""
    if tracker.active_loop_name:
        return [ActiveLoop(None), SlotSet("requested_slot", None)]
    return []

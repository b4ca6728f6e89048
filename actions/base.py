"""What every action shares: the process's services, reading the tracker, and sending a `contract.Reply`.

Actions are thin rasa_sdk adapters: they read the tracker, ask the library (through `assistant.bootstrap`'s
services, the contract module and the handoff service only) and send what it answers.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, ConversationPaused, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from assistant.bootstrap import DataUnavailable, Services, services_from_environment
from assistant.contract import Entity, Reply, Slot
from assistant.handoff.service import Conversation, Turn

logger = logging.getLogger(__name__)


class UsesServices:
    """The services of the process (assistant.bootstrap); a test passes its own."""

    def __init__(self, services: Services | None = None) -> None:
        self._services = services

    @property
    def services(self) -> Services:
        return self._services or services_from_environment()


class GuichetAction(UsesServices, Action, ABC):
    """An action answering with one `Reply`; missing data gets the same honest answer everywhere.

    Abstract, so that rasa_sdk, which registers every subclass of `Action`, skips it.
    """

    @abstractmethod
    def name(self) -> str: ...

    @abstractmethod
    def reply(self, tracker: Tracker) -> Reply: ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        try:
            reply = self.reply(tracker)
        except DataUnavailable as missing:
            logger.error("%s : %s", self.name(), missing.sentence)
            reply = missing.reply()
        return send(dispatcher, tracker, reply) + self.after(tracker, reply)

    def after(self, tracker: Tracker, reply: Reply) -> list[dict[str, Any]]:
        """Events after the reply's own (none by default)."""
        return []


def send(dispatcher: CollectingDispatcher, tracker: Tracker, reply: Reply) -> list[dict[str, Any]]:
    """Utter the reply; set the slots whose value changes; pause or start the next action if asked."""
    if reply.text is not None:
        dispatcher.utter_message(text=reply.text, buttons=list(reply.buttons), json_message=reply.payload)
    events: list[dict[str, Any]] = [SlotSet(name, value) for name, value in reply.slots.items()
                                    if tracker.get_slot(name) != value]
    if reply.pause:
        events.append(ConversationPaused())
    if reply.next_action:
        events.append(FollowupAction(reply.next_action))
    return events


def leave_active_form(tracker: Tracker) -> list[dict[str, Any]]:
    """Another question while a form waits for an answer ("je déménage" when asked for a commune): the
    form is dropped rather than asked again after the answer."""
    if tracker.active_loop_name:
        return [ActiveLoop(None), SlotSet(Slot.REQUESTED_SLOT, None)]
    return []


def intent_of(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def text_of(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def partner_values(tracker: Tracker) -> list[str]:
    return [str(value) for value in tracker.get_latest_entity_values(Entity.PARTNER)]


def conversation(tracker: Tracker) -> Conversation:
    """The conversation as the handoff service reads it: its turns, what was shown, where, and the offer."""
    turns, procedure_ids = [], []
    for event in tracker.events:
        kind = event.get("event")
        if kind == "user" and event.get("text"):
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            turns.append(Turn("user", event["text"], intent))
        elif kind == "bot" and event.get("text"):
            turns.append(Turn("bot", event["text"]))
        elif kind == "slot" and event.get("name") == Slot.FOCUS_PROCEDURE and event.get("value"):
            procedure_ids.append(event["value"])
    procedure_ids += tracker.get_slot(Slot.SHOWN_PROCEDURES) or []
    callback = {slot: tracker.get_slot(slot) for slot in (Slot.CALLBACK_CONTACT, Slot.CALLBACK_TIME,
                                                            Slot.CALLBACK_PLACE)}
    return Conversation(sender_id=tracker.sender_id, turns=turns, topic=tracker.get_slot(Slot.TOPIC),
                        procedure_ids=procedure_ids, place=tracker.get_slot(Slot.PLACE),
                        offer=tracker.get_slot(Slot.HANDOFF_OFFER), callback=callback)

from __future__ import annotations

import pytest
from rasa_sdk import Tracker

from actions import callback, database, handoff
from actions import structures as structure_actions
from assistant.structures.nearest import StructureIndex


@pytest.fixture(autouse=True)
def own_database(monkeypatch, session_factory):
    """Conversation events go to the test's database, never to the developer's."""
    monkeypatch.setattr(database, "shared_sessions", lambda: session_factory)


@pytest.fixture
def shared(monkeypatch, resolver, structures, session_factory):
    """The action server's resolver, structure index and database: the test's own, nothing global."""
    index = StructureIndex(structures)
    for module in (structure_actions, handoff, callback):
        monkeypatch.setattr(module, "shared_resolver", lambda: resolver, raising=False)
        monkeypatch.setattr(module, "shared_structure_index", lambda: index, raising=False)
        monkeypatch.setattr(module, "shared_sessions", lambda: session_factory, raising=False)
    return session_factory


def make_tracker(
    text: str,
    intent: str,
    *,
    entities: list[dict] | None = None,
    slots: dict | None = None,
    events: list[dict] | None = None,
    ranking: list[dict] | None = None,
    metadata: dict | None = None,
    active_loop: str | None = None,
) -> Tracker:
    """A tracker as the Rasa server sends it to the action server after the user's latest message."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
        "intent_ranking": ranking or [{"name": intent, "confidence": 0.9}],
        "metadata": metadata or {},
    }
    return Tracker(
        sender_id="citoyen", slots=slots or {}, latest_message=latest,
        events=(events or []) + [{"event": "user", "text": text, "parse_data": latest}],
        paused=False, followup_action=None, active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def message(text: str, custom: dict, buttons: list[dict] | None = None) -> dict:
    """A message exactly as rasa_sdk's CollectingDispatcher records it."""
    return {"text": text, "buttons": buttons or [], "elements": [], "custom": custom, "template": None,
            "response": None, "image": None, "attachment": None}


def partner_entity(value: str) -> dict:
    return {"entity": "partner", "value": value, "start": 0, "end": len(value), "extractor": "DIETClassifier"}

from __future__ import annotations

import pytest
from rasa_sdk import Tracker


@pytest.fixture
def shared(services):
    """The test database's sessions (the actions are given the test's services, nothing global)."""
    return services.sessions


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

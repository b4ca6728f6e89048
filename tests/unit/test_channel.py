from __future__ import annotations

import json

import pytest

from assistant.answers import APOLOGY
from assistant.channel import GuardedRestInput, apology_for_silence, max_message_length, request_problem

LIMIT = 2000


def body(**fields) -> bytes:
    return json.dumps(fields).encode()


@pytest.mark.parametrize(
    ("raw", "status", "start"),
    [
        (b"", 400, "Requête illisible"),
        (b"{not json", 400, "Requête illisible"),
        (b"\xff\xfe\x00", 400, "Requête illisible : le corps doit être du JSON encodé en UTF-8."),
        (b"[1, 2]", 400, "Requête invalide : le corps doit être un objet JSON"),
        (body(message="bonjour"), 400, "Requête invalide : « sender »"),
        (body(sender=12, message="bonjour"), 400, "Requête invalide : « sender »"),
        (body(sender="marie", message=["bonjour"]), 400, "Requête invalide : « message » doit être un texte."),
        (body(sender="marie", message="   \n\t"), 400, "Message vide"),
        (body(sender="marie", message="x" * (LIMIT + 1)), 413, "Message trop long : 2000 caractères au plus."),
        (body(sender="marie", message="bonjour", metadata="48.8,2.3"), 400, "Requête invalide : « metadata »"),
    ],
)
def test_bad_requests_are_refused_in_french(raw, status, start):
    problem = request_problem(raw, LIMIT)

    assert problem is not None and problem[0] == status and problem[1].startswith(start)


@pytest.mark.parametrize("message", ["bonjour", "x" * LIMIT, "🙂 j'ai perdu ma carte vitale", "' OR 1=1 --",
                                     "<script>alert(1)</script>"])
def test_good_requests_pass(message):
    assert request_problem(body(sender="marie", message=message, metadata={"position": {"lat": 1}}), LIMIT) is None


class StubTrackerStore:
    """Rasa's tracker store as the channel sees it: `retrieve` gives a tracker, None, or fails."""

    def __init__(self, paused: bool | None = None, failure: Exception | None = None):
        self.paused, self.failure = paused, failure

    async def retrieve(self, sender: str):
        if self.failure:
            raise self.failure
        if self.paused is None:
            return None
        paused = self.paused
        return type("Tracker", (), {"is_paused": lambda self: paused})()


def agent_with(store: StubTrackerStore):
    return type("Agent", (), {"tracker_store": store})()


@pytest.mark.parametrize("store", [StubTrackerStore(paused=False), StubTrackerStore(paused=None),
                                   StubTrackerStore(failure=ConnectionError("tracker store down"))])
async def test_a_silent_turn_gets_a_french_apology(store):
    apology = await apology_for_silence(b"[]", "marie", agent_with(store))

    assert apology == [{"recipient_id": "marie", "text": APOLOGY}]
    assert apology[0]["text"].startswith("Désolé, un problème technique m'empêche de vous répondre")


async def test_a_paused_conversation_stays_silent_and_answers_are_kept():
    assert await apology_for_silence(b"[]", "marie", agent_with(StubTrackerStore(paused=True))) is None
    answer = json.dumps([{"recipient_id": "marie", "text": "Bonjour !"}]).encode()
    assert await apology_for_silence(answer, "marie", agent_with(StubTrackerStore(paused=False))) is None


@pytest.mark.parametrize(("value", "expected"), [(None, 2000), ("500", 500), (" 10000 ", 10000)])
def test_the_message_length_limit_is_read_from_the_environment(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("GUICHET_MAX_MESSAGE_LENGTH", raising=False)
    else:
        monkeypatch.setenv("GUICHET_MAX_MESSAGE_LENGTH", value)
    assert max_message_length() == expected


@pytest.mark.parametrize(("name", "value"), [("GUICHET_MAX_MESSAGE_LENGTH", "deux mille"),
                                             ("GUICHET_MAX_MESSAGE_LENGTH", "0"),
                                             ("GUICHET_RATE_LIMIT", "beaucoup")])
def test_a_wrong_setting_stops_rasa_with_a_french_message(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit, match=f"^{name}.*« {value} »"):
        GuardedRestInput().blueprint(lambda message: None)

from __future__ import annotations

import copy
import json
import sqlite3
from typing import Any

import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.config import PROJECT_ROOT
from assistant.privacy.redaction import EMAIL_PLACEHOLDER, IBAN_PLACEHOLDER, PHONE_PLACEHOLDER
from assistant.privacy.tracker_store import RedactingSQLTrackerStore, redact_event_data

IBAN_TYPED = "FR76 3000 6000 0112 3456 7890 189"
TYPED = f"mon IBAN est {IBAN_TYPED} et mon adresse marie@exemple.fr"
MASKED = f"mon IBAN est {IBAN_PLACEHOLDER} et mon adresse {EMAIL_PLACEHOLDER}"
EMAIL_ENTITY = {"entity": "email", "start": 60, "end": 76, "value": "marie@exemple.fr",
                "extractor": "RegexEntityExtractor"}


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


def store_at(database, domain: Domain, event_broker: EventBroker | None = None) -> RedactingSQLTrackerStore:
    return RedactingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(database), event_broker=event_broker)


def user_message(text: str, entities: list[dict] | None = None, metadata: dict | None = None) -> UserUttered:
    return UserUttered(text, intent={"name": "nlu_fallback", "confidence": 1.0}, entities=entities or [],
                       metadata=metadata)


def stored_rows(database) -> list[tuple[str, dict]]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT type_name, data FROM events ORDER BY id").fetchall()
    return [(type_name, json.loads(data)) for type_name, data in rows]


async def test_a_message_is_written_masked_and_read_back_masked_while_the_turn_keeps_it(tmp_path, domain):
    database = tmp_path / "tracker.db"
    store = store_at(database, domain)
    tracker = await store.get_or_create_tracker("marie")
    tracker.update(user_message(TYPED, [EMAIL_ENTITY]))
    tracker.update(BotUttered("Un conseiller vous écrira à marie@exemple.fr.",
                              data={"custom": {"type": "handoff", "context": {"summary": f"« {TYPED} »"}}}))
    tracker.update(SlotSet("callback_contact", "email:marie@exemple.fr"))

    await store.save(tracker)

    # This turn's tracker, in memory, still holds what the user typed (its NLU, form and actions use it).
    assert tracker.latest_message.text == TYPED
    assert tracker.latest_message.parse_data["text"] == TYPED
    assert tracker.latest_message.entities == [EMAIL_ENTITY]
    assert tracker.latest_bot_utterance.text == "Un conseiller vous écrira à marie@exemple.fr."
    # The next turn reads the conversation back from the database, through another instance.
    stored = await store_at(database, domain).retrieve("marie")
    user = next(event for event in stored.events if isinstance(event, UserUttered))
    bot = next(event for event in stored.events if isinstance(event, BotUttered))
    assert (user.text, user.parse_data["text"], user.intent_name) == (MASKED, MASKED, "nlu_fallback")
    assert user.entities == [{**EMAIL_ENTITY, "value": EMAIL_PLACEHOLDER}]
    assert bot.text == f"Un conseiller vous écrira à {EMAIL_PLACEHOLDER}."
    assert bot.data == {"custom": {"type": "handoff", "context": {"summary": f"« {MASKED} »"}}}
    # The contact given to be called back is a slot, kept for the callback form's later turns.
    assert stored.get_slot("callback_contact") == "email:marie@exemple.fr"
    rows = stored_rows(database)
    assert [type_name for type_name, _ in rows] == ["action", "user", "bot", "slot"]
    raw = [json.dumps(data, ensure_ascii=False) for _, data in rows]
    assert not any("3000" in row or "FR76" in row or "FR7630006000011234567890189" in row for row in raw)
    assert [row for row in raw if "marie@exemple.fr" in row] == [raw[3]]
    assert rows[1][1]["text"] == MASKED


async def test_the_shared_position_is_not_stored_and_other_metadata_is_masked(tmp_path, domain):
    database = tmp_path / "tracker.db"
    store = store_at(database, domain)
    tracker = await store.get_or_create_tracker("paul")
    metadata = {"position": {"lat": 48.81551, "lon": 3.08312}, "page": "contact 06 12 34 56 78"}
    tracker.update(user_message("/inform_location", metadata=metadata))

    await store.save(tracker)

    assert tracker.latest_message.metadata["position"] == {"lat": 48.81551, "lon": 3.08312}  # this turn's search
    stored = await store_at(database, domain).retrieve("paul")
    user = next(event for event in stored.events if isinstance(event, UserUttered))
    assert user.metadata == user.parse_data["metadata"] == {"page": f"contact {PHONE_PLACEHOLDER}"}
    assert "48.815" not in json.dumps(stored_rows(database))


async def test_each_save_writes_only_the_new_events_of_the_turn(tmp_path, domain):
    database = tmp_path / "tracker.db"
    store = store_at(database, domain)
    tracker = await store.get_or_create_tracker("paul")
    tracker.update(user_message("bonjour"))
    await store.save(tracker)

    tracker = await store_at(database, domain).retrieve("paul")
    tracker.update(user_message("rappelez-moi au 06 12 34 56 78"))
    await store.save(tracker)

    assert [(type_name, data.get("text")) for type_name, data in stored_rows(database)] == [
        ("action", None), ("user", "bonjour"), ("user", f"rappelez-moi au {PHONE_PLACEHOLDER}")]


async def test_a_tracker_saved_turn_after_turn_stores_each_event_once(tmp_path, domain):
    """The store remembers how many events a tracker it read or saved holds in the database, instead of counting
    them at each save: the rows must stay exactly the events, turn after turn, across a new session too."""
    database = tmp_path / "tracker.db"
    store = store_at(database, domain)
    tracker = await store.get_or_create_tracker("ines")
    for text in ("bonjour", "j'ai perdu ma carte vitale"):
        tracker.update(user_message(text))
        await store.save(tracker)  # the same tracker saved twice: the second save adds its turn only
    tracker = await store.retrieve("ines")
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(user_message("au revoir"))
    await store.save(tracker)

    assert [(type_name, data.get("text") or data.get("name")) for type_name, data in stored_rows(database)] == [
        ("action", "action_listen"), ("user", "bonjour"), ("user", "j'ai perdu ma carte vitale"),
        ("action", "action_session_start"), ("session_started", None), ("user", "au revoir")]
    assert [event.text for event in (await store.retrieve("ines")).events if isinstance(event, UserUttered)] == [
        "au revoir"]


async def test_a_tracker_built_elsewhere_is_counted_in_the_database(tmp_path, domain):
    database = tmp_path / "tracker.db"
    store = store_at(database, domain)
    tracker = await store.get_or_create_tracker("hugo")
    tracker.update(user_message("bonjour"))
    await store.save(tracker)
    # As Rasa's HTTP API does when it is sent a conversation's events: a tracker this store never read.
    rebuilt = DialogueStateTracker.from_events("hugo", list(tracker.events) + [user_message("merci")],
                                               domain.slots)

    await store.save(rebuilt)

    assert [data.get("text") for type_name, data in stored_rows(database) if type_name == "user"] == [
        "bonjour", "merci"]


def test_a_sqlite_file_is_written_through_a_write_ahead_log(tmp_path, domain):
    store = store_at(tmp_path / "tracker.db", domain)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL: a commit is on disk


@pytest.mark.parametrize("event", [
    user_message(TYPED, [EMAIL_ENTITY], metadata={"page": "écrire à marie@exemple.fr", "position": {"lat": 48.8}}),
    BotUttered(TYPED, data={"custom": {"type": "handoff", "context": {"summary": TYPED, "turns": [TYPED]}}}),
])
def test_redacting_a_serialised_event_leaves_it_as_it_was(event):
    data = event.as_dict()
    before = copy.deepcopy(data)

    redacted = redact_event_data(data)

    assert data == before
    assert "marie@exemple.fr" not in json.dumps(redacted) and IBAN_TYPED not in json.dumps(redacted)


class CollectingBroker(EventBroker):
    def __init__(self) -> None:
        self.published: list[dict[str, Any]] = []

    def publish(self, event: dict[str, Any]) -> None:
        self.published.append(event)


async def test_an_event_broker_receives_the_masked_events(tmp_path, domain):
    broker = CollectingBroker()
    store = store_at(tmp_path / "tracker.db", domain, event_broker=broker)
    tracker = await store.get_or_create_tracker("lea")
    tracker.update(user_message(TYPED))

    await store.save(tracker)

    assert [(event["event"], event.get("text")) for event in broker.published] == [
        ("action", None), ("user", MASKED)]
    assert tracker.latest_message.text == TYPED


def test_endpoints_yml_makes_rasa_build_the_redacting_store(tmp_path, domain):
    configuration = AvailableEndpoints.read_endpoints(str(PROJECT_ROOT / "endpoints.yml")).tracker_store

    assert configuration.type == "assistant.privacy.tracker_store.RedactingSQLTrackerStore"
    assert configuration.kwargs == {"dialect": "sqlite", "db": "var/rasa-tracker.db"}
    configuration.kwargs["db"] = str(tmp_path / "tracker.db")  # not the developer's conversations
    store = TrackerStore.create(configuration, domain=domain)
    # Rasa falls back to an in-memory store when the class cannot be imported: this one was built.
    assert isinstance(store, RedactingSQLTrackerStore)
    assert store.engine.url.database == str(tmp_path / "tracker.db")

"""The Rasa tracker store of guichet: Rasa's SQL tracker store, writing what users and the bot wrote with
identifying numbers and addresses masked (assistant/privacy/redaction.py).

Configured in endpoints.yml with the SQL store's own keys (dialect, db, url or host, port, username,
password, login_db, query); Rasa builds it as `RedactingSQLTrackerStore(host=<url>, domain=…,
event_broker=…, **<the other keys>)`:

    tracker_store:
      type: assistant.privacy.tracker_store.RedactingSQLTrackerStore
      dialect: "sqlite"
      db: "var/rasa-tracker.db"

What is redacted: the text of user messages (the event's text, `parse_data.text` and entity values, which
are taken from the text; the message's metadata, without the position the widget shares), of entities
added later, and of bot messages (text, buttons, custom payloads, so the summary a handoff offer shows).
Only the copy written to the database (or published to an event broker) is redacted: the tracker the Rasa
server holds for the current turn keeps the message as typed, so this turn's NLU, form validation and actions
see exactly what the user wrote. From the next turn on, the tracker is read back from the database, masked.

Slot values are not redacted, by design: `callback_contact` holds the phone number or e-mail address the
user gives deliberately to be called back, and the callback form needs it on the later turns that ask for
a time and a commune. The callback action (actions/callback.py) empties the callback slots once the ticket
holds the contact, and declining the request empties them too (actions/handoff.py); the `SlotSet` events
that carried the values stay in this store until `guichet purge` deletes the conversation.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from assistant.privacy.redaction import redact, redact_json

# Events that carry text someone wrote: user and bot messages, entities added, the (deprecated) agent's.
REDACTED_EVENTS = frozenset({"user", "bot", "entities", "agent"})
# Set on a tracker read from this store: how many of its events the database holds (see `_additional_events`).
STORED_EVENTS = "_guichet_stored_events"


class RedactingSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` whose new events are redacted on their way to the database and the event broker."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Rasa's store, with its connections checked before use: Rasa's own engine keeps pooled connections
        blindly, so after a database restart each stale one would fail a user's turn. A SQLite file (the
        embedded default) gets no such check, which it does not need, but a pool and a write-ahead log: Rasa's
        engine opened a new connection for each read and write, and each commit rewrote a rollback journal
        with three disk syncs (bench/turn_costs.py measures the store against Rasa's own)."""
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        if _is_sqlite_file(url):
            self.engine = create_engine(url, poolclass=QueuePool, connect_args={"check_same_thread": False})
            event.listen(self.engine, "connect", _use_write_ahead_log)
        else:
            self.engine = create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sessionmaker(bind=self.engine)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        tracker = await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        if tracker is not None and not fetch_events_from_all_sessions:
            setattr(tracker, STORED_EVENTS, len(tracker.events))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        setattr(tracker, STORED_EVENTS, len(tracker.events))

    def _additional_events(self, session: Session, tracker: DialogueStateTracker) -> Iterator[Event]:
        """The events not stored yet (one per tracker event, so Rasa's count stays right), redacted.

        Rasa counts the conversation's stored events with a query at every save; a tracker this store read or
        saved already knows that number (the conversation's lock keeps other writers out while a turn runs),
        so only a tracker built elsewhere (a new conversation, the HTTP API's replaced events) is counted."""
        stored = getattr(tracker, STORED_EVENTS, None)
        if stored is None:
            events = super()._additional_events(session, tracker)
        else:
            events = itertools.islice(tracker.events, stored, None)
        for unsaved in events:
            yield redacted_event(unsaved)

    async def _stream_new_events(self, event_broker: EventBroker, new_events: list[Event], sender_id: str) -> None:
        await super()._stream_new_events(event_broker, [redacted_event(event) for event in new_events], sender_id)


def _is_sqlite_file(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")


def _use_write_ahead_log(connection, _record) -> None:
    """Each commit appends to the log with one sync (`synchronous` stays FULL: a committed turn survives a
    power cut), and readers such as `guichet purge` do not block the server's writes."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def redacted_event(event: Event) -> Event:
    """A redacted copy of an event that carries text; any other event as it is (never modified)."""
    if event.type_name not in REDACTED_EVENTS:
        return event
    redacted = Event.from_parameters(redact_event_data(event.as_dict()))
    return redacted if redacted is not None else event


def redact_event_data(data: dict[str, Any]) -> dict[str, Any]:
    """A serialised event (Rasa's `Event.as_dict()`) with its text redacted; `data` itself is left intact (a user
    event's dict holds the live event's own `parse_data`). What holds text is rebuilt, redacted; the rest (the
    intent and its ranking, timestamps) is shared with `data`, not copied: the result is only read, to write it."""
    redacted = dict(data)
    kind = redacted.get("event")
    if redacted.get("text"):
        redacted["text"] = redact(redacted["text"])
    if kind == "user" and isinstance(redacted.get("metadata"), dict):
        redacted["metadata"] = _redacted_metadata(redacted["metadata"])
    if kind == "user" and isinstance(redacted.get("parse_data"), dict):
        parse_data = redacted["parse_data"] = dict(redacted["parse_data"])
        if parse_data.get("text"):
            parse_data["text"] = redact(parse_data["text"])
        if isinstance(parse_data.get("metadata"), dict):
            parse_data["metadata"] = _redacted_metadata(parse_data["metadata"])
        parse_data["entities"] = _redacted_entities(parse_data.get("entities"))
    if kind == "entities":
        redacted["entities"] = _redacted_entities(redacted.get("entities"))
    if kind in ("bot", "agent") and redacted.get("data"):
        redacted["data"] = redact_json(redacted["data"])
    return redacted


def _redacted_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    """What the client sent with a message, without the position the widget shares (only this turn's
    search needs it; the `location` slot keeps it rounded to about 100 m) and with its text redacted."""
    return redact_json({key: value for key, value in metadata.items() if key != "position"})


def _redacted_entities(entities: list[dict] | None) -> list[dict]:
    """Entity values (and any text of theirs) come from the message: redacted like it. Their offsets still
    point into the message as typed."""
    return [{key: redact(value) if key in ("value", "text") and isinstance(value, str) else value
             for key, value in entity.items()} for entity in entities or []]

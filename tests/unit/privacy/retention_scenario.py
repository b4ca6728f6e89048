"""Old and recent data in a Rasa tracker store and in guichet's database, for the purge tests (SQLite in the
unit tests, PostgreSQL in tests/integration)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import sessionmaker

from assistant.feedback.models import ConversationEventRow, RatingRow
from assistant.handoff.advisors import add_advisor
from assistant.handoff.models import CALLBACK, CLOSED, TicketMessageRow, TicketNoteRow, TicketRow

NOW = datetime.now(timezone.utc)
# The table Rasa 3.6's SQLTrackerStore creates (rasa/core/tracker_store.py, SQLEvent).
RASA_EVENTS_TABLE = """CREATE TABLE events (
    id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"""
# sender_id: ages in days of its events.
CONVERSATIONS = {
    "ancienne": (200, 199),  # deleted
    "moins-ancienne": (100,),  # deleted
    "recente": (200, 5),  # its latest event is recent: kept whole
    "en-attente": (150,),  # old, but its callback ticket is still open: kept
}


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def populate_tracker(url: str) -> None:
    engine = create_engine(url, future=True)
    with engine.begin() as connection:
        connection.execute(text(RASA_EVENTS_TABLE.replace("INTEGER PRIMARY KEY", "SERIAL PRIMARY KEY")
                                if engine.dialect.name == "postgresql" else RASA_EVENTS_TABLE))
        for sender, ages in CONVERSATIONS.items():
            for age in ages:
                connection.execute(
                    text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:sender, 'user', :at, "
                         "'{\"event\": \"user\", \"text\": \"bonjour\"}')"),
                    {"sender": sender, "at": days_ago(age).timestamp()})
    engine.dispose()


def remaining_conversations(url: str) -> dict[str, int]:
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        counts = dict(connection.execute(text("SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id")).all())
    engine.dispose()
    return counts


def populate_database(sessions: sessionmaker) -> None:
    with sessions() as session:
        advisor = add_advisor(session=session, login="anne", name="Anne", password="un mot de passe solide")
        for sender, status, created, closed in [("ancienne", CLOSED, 130, 120), ("recente", CLOSED, 30, 10),
                                                ("en-attente", CALLBACK, 150, None)]:
            ticket = TicketRow(secret_hash="x" * 64, sender_id=sender, status=status, reason="asked",
                               summary="« je déménage »", created_at=days_ago(created),
                               closed_at=days_ago(closed) if closed else None)
            session.add(ticket)
            session.flush()
            session.add_all([TicketMessageRow(ticket_id=ticket.id, author="user", text="bonjour",
                                              created_at=days_ago(created)),
                             TicketNoteRow(ticket_id=ticket.id, advisor_id=advisor.id, text="rappeler",
                                           created_at=days_ago(created))])
        session.add_all([ConversationEventRow(sender_id=sender, topic="demenagement", kind="answer",
                                              created_at=days_ago(age))
                         for sender, age in [("ancienne", 200), ("ancienne", 199), ("moins-ancienne", 100),
                                             ("recente", 2)]])
        session.add_all([
            RatingRow(sender_id="ancienne", topic="demenagement", kind="procedures", useful=False,
                      reason="pas clair", created_at=days_ago(199)),
            RatingRow(sender_id="", topic="sante", kind="procedures", useful=True, created_at=days_ago(300)),
            RatingRow(sender_id="recente", topic="demenagement", kind="procedures", useful=True, reason="merci",
                      created_at=days_ago(5)),
        ])
        session.commit()


def remaining_records(sessions: sessionmaker) -> dict[str, list]:
    with sessions() as session:
        tickets = session.execute(select(TicketRow).order_by(TicketRow.id)).scalars().all()
        return {
            "tickets": [(ticket.sender_id, ticket.status) for ticket in tickets],
            "messages": sorted(session.execute(select(TicketMessageRow.ticket_id)).scalars()),
            "notes": sorted(session.execute(select(TicketNoteRow.ticket_id)).scalars()),
            "ticket_ids": [ticket.id for ticket in tickets],
            "events": sorted(session.execute(select(ConversationEventRow.sender_id)).scalars()),
            "ratings": session.execute(select(RatingRow.sender_id, RatingRow.topic, RatingRow.useful, RatingRow.reason)
                                       .order_by(RatingRow.id)).all(),
        }

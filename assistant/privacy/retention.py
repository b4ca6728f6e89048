"""How long personal data is kept, and the purge that enforces it (`guichet purge --older-than 90d`, to run
daily from cron or a systemd timer).

Older than the limit:
- a conversation in Rasa's tracker store is deleted whole (every event of its sender_id) once its latest
  event is older, unless it has a ticket still open (the advisor may need it; a paused conversation
  must stay paused);
- a handoff ticket is deleted, with its messages and notes, once it was closed before the limit; an open
  ticket never is;
- the conversation events behind the per-topic report (sender_id, topic, kind) are deleted;
- ratings are kept for the report but anonymised: the sender_id and the free-text reason are erased, the
  topic, kind, useful/not useful and date remain, which identify nobody.

Rasa's `events` table is read and written with SQLAlchemy Core (its columns `sender_id`, `timestamp`, a
Unix time), without importing Rasa.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, delete, exists, func, inspect, select, update
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Session

from assistant.db import create_database_engine
from assistant.feedback.models import ConversationEventRow, RatingRow
from assistant.handoff.models import CLOSED, TicketMessageRow, TicketNoteRow, TicketRow

DEFAULT_RETENTION = "90d"
_DAYS = re.compile(r"\s*(\d+)\s*[dj]\s*", re.IGNORECASE)
_CHUNK = 500

# The columns of Rasa's SQL tracker store that the purge needs (rasa/core/tracker_store.py, SQLEvent).
RASA_EVENTS = Table(
    "events", MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False),
    Column("timestamp", Float),
)


class RetentionError(ValueError):
    """A retention period that cannot be read; the message is in French, for the terminal."""


def parse_retention(text: str) -> timedelta:
    """"90d" (or "90j"): a number of days, at least one."""
    match = _DAYS.fullmatch(text)
    if match is None:
        raise RetentionError(f"durée invalide « {text} » : indiquez un nombre de jours suivi de « d », par exemple 90d")
    days = int(match.group(1))
    if days < 1:
        raise RetentionError(f"durée invalide « {text} » : au moins 1 jour (1d)")
    return timedelta(days=days)


@dataclass(frozen=True)
class PurgeReport:
    """What a purge deleted (or, dry run, would delete): printed by `guichet purge` for the operator's log."""

    before: datetime
    conversations: int  # in Rasa's tracker store
    tracker_events: int  # their events
    tickets: int  # closed tickets
    events: int  # conversation events of the report
    ratings: int  # ratings anonymised


def open_tracker_database(url: str) -> Engine | None:
    """An engine on Rasa's tracker store; None for a SQLite file that does not exist (Rasa never ran): the
    purge must not create it."""
    parsed = make_url(url)
    sqlite_file = parsed.database if parsed.get_backend_name() == "sqlite" else None
    if sqlite_file not in (None, "", ":memory:") and not Path(sqlite_file).exists():
        return None
    return create_database_engine(url)


def purge(*, session: Session, tracker: Engine | None, before: datetime, dry_run: bool = False) -> PurgeReport:
    """Delete (or, dry run, only count) what is older than `before`, in the tracker store then in guichet's
    database (committed at the end, rolled back in a dry run)."""
    keep = set(session.execute(select(TicketRow.sender_id).where(TicketRow.status != CLOSED)).scalars())
    conversations, tracker_events = 0, 0
    if tracker is not None:
        with tracker.begin() as connection:
            conversations, tracker_events = purge_conversations(connection=connection, before=before, keep=keep,
                                                                dry_run=dry_run)
    tickets = purge_closed_tickets(session=session, before=before, dry_run=dry_run)
    events = purge_conversation_events(session=session, before=before, dry_run=dry_run)
    ratings = anonymise_ratings(session=session, before=before, dry_run=dry_run)
    if dry_run:
        session.rollback()
    else:
        session.commit()
    return PurgeReport(before=before, conversations=conversations, tracker_events=tracker_events, tickets=tickets,
                       events=events, ratings=ratings)


def purge_conversations(*, connection: Connection, before: datetime, keep: Collection[str] = (),
                        dry_run: bool = False) -> tuple[int, int]:
    """(conversations, events) of Rasa's tracker store whose latest event is older than `before`, deleted
    unless their sender_id is in `keep`. A conversation that gets a new event meanwhile is left alone."""
    if not inspect(connection).has_table(RASA_EVENTS.name):
        return 0, 0
    cutoff = before.timestamp()
    events = RASA_EVENTS.c
    stale = [(sender, count) for sender, count in connection.execute(
        select(events.sender_id, func.count()).group_by(events.sender_id).having(func.max(events.timestamp) < cutoff))
        if sender not in keep]
    if dry_run:
        return len(stale), sum(count for _, count in stale)
    newer = RASA_EVENTS.alias("newer")
    has_a_newer_event = exists().where(newer.c.sender_id == events.sender_id, newer.c.timestamp >= cutoff)
    conversations, deleted = 0, 0
    for chunk in _chunks([sender for sender, _ in stale]):
        deleted += connection.execute(
            delete(RASA_EVENTS).where(events.sender_id.in_(chunk), ~has_a_newer_event)).rowcount
        spared = connection.execute(
            select(func.count(events.sender_id.distinct())).where(events.sender_id.in_(chunk))).scalar_one()
        conversations += len(chunk) - spared
    return conversations, deleted


def purge_closed_tickets(*, session: Session, before: datetime, dry_run: bool = False) -> int:
    """Tickets closed before `before`, with their messages and notes; open tickets are never touched."""
    identifiers = list(session.execute(
        select(TicketRow.id).where(TicketRow.status == CLOSED, TicketRow.closed_at < before)).scalars())
    if not dry_run:
        for chunk in _chunks(identifiers):
            for statement in (delete(TicketMessageRow).where(TicketMessageRow.ticket_id.in_(chunk)),
                              delete(TicketNoteRow).where(TicketNoteRow.ticket_id.in_(chunk)),
                              delete(TicketRow).where(TicketRow.id.in_(chunk), TicketRow.status == CLOSED)):
                session.execute(statement.execution_options(synchronize_session=False))
    return len(identifiers)


def purge_conversation_events(*, session: Session, before: datetime, dry_run: bool = False) -> int:
    older = ConversationEventRow.created_at < before
    count = session.execute(select(func.count()).select_from(ConversationEventRow).where(older)).scalar_one()
    if not dry_run and count:
        session.execute(delete(ConversationEventRow).where(older).execution_options(synchronize_session=False))
    return count


def anonymise_ratings(*, session: Session, before: datetime, dry_run: bool = False) -> int:
    """Ratings older than `before` that still name a conversation or hold a reason: both erased."""
    identifying = (RatingRow.created_at < before) & ((RatingRow.sender_id != "") | RatingRow.reason.is_not(None))
    count = session.execute(select(func.count()).select_from(RatingRow).where(identifying)).scalar_one()
    if not dry_run and count:
        session.execute(update(RatingRow).where(identifying).values(sender_id="", reason=None)
                        .execution_options(synchronize_session=False))
    return count


def _chunks(items: Sequence[str] | Sequence[int]) -> Iterator[list]:
    for start in range(0, len(items), _CHUNK):
        yield list(items[start:start + _CHUNK])

"""Tables of the handoff to a human advisor: advisors, tickets, their messages and the advisors' notes.

A ticket is the promise made to the user: it is committed before the user is given its number, and
everything the advisor needs (context, transcript, how to call back) is stored in it, so that no
process holds state of its own.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, Column, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import relationship

from assistant.db import Base

# Ticket statuses, as sent to integrators in the `handoff` payload.
WAITING, LIVE, CALLBACK, CLOSED = "waiting", "live", "callback", "closed"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class AdvisorRow(Base):
    __tablename__ = "advisor"

    id = Column(Integer, primary_key=True)
    login = Column(String(120), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    password_hash = Column(String(300), nullable=False)
    departments = Column(JSON, nullable=False, default=list)  # codes ("77", "974"); empty: every département
    last_seen_at = Column(DateTime(timezone=True))  # the console's last request: online for a few minutes
    created_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)


class TicketRow(Base):
    __tablename__ = "handoff_ticket"

    id = Column(Integer, primary_key=True)
    secret_hash = Column(String(64), nullable=False)  # sha256 of the per-ticket secret given to the user's client
    sender_id = Column(String(255), nullable=False, index=True)
    status = Column(String(20), nullable=False, index=True)
    reason = Column(String(40), nullable=False)  # asked, fallback, needs_person
    topic = Column(String(60))
    procedures = Column(JSON, nullable=False, default=list)
    commune = Column(String(200))
    insee = Column(String(5))
    department = Column(String(3), index=True)
    summary = Column(Text, nullable=False)
    transcript = Column(JSON, nullable=False, default=list)  # [{"author": "user"|"bot", "text": …}]
    phone = Column(String(40))
    email = Column(String(200))
    preferred_time = Column(String(120))
    structure_id = Column(Integer)  # the France Services the callback is routed to (no FK: the list is re-imported)
    structure_name = Column(String(300))
    claimed_by = Column(Integer, ForeignKey("advisor.id"))
    created_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)
    claimed_at = Column(DateTime(timezone=True))
    closed_at = Column(DateTime(timezone=True))

    advisor = relationship(AdvisorRow, lazy="joined")
    messages = relationship("TicketMessageRow", order_by="TicketMessageRow.id", cascade="all, delete-orphan")
    notes = relationship("TicketNoteRow", order_by="TicketNoteRow.id", cascade="all, delete-orphan")


class TicketMessageRow(Base):
    """A message of the live exchange. The user's are copied from Rasa's tracker, once each (its timestamp)."""

    __tablename__ = "handoff_message"
    __table_args__ = (UniqueConstraint("ticket_id", "rasa_timestamp"),)

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("handoff_ticket.id", ondelete="CASCADE"), nullable=False, index=True)
    author = Column(String(10), nullable=False)  # "user", "advisor" or "system"
    advisor_id = Column(Integer, ForeignKey("advisor.id"))
    text = Column(Text, nullable=False)
    rasa_timestamp = Column(Float)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)


class TicketNoteRow(Base):
    __tablename__ = "handoff_note"

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("handoff_ticket.id", ondelete="CASCADE"), nullable=False, index=True)
    advisor_id = Column(Integer, ForeignKey("advisor.id"), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)

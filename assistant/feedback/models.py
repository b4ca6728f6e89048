"""Tables for the per-topic report. No message text is kept here: only what happened, in which topic."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Integer, String

from assistant.db import Base
from assistant.handoff.models import utc_now

ANSWER, FALLBACK = "answer", "fallback"


class ConversationEventRow(Base):
    """A topic answered, or a message not understood, in a conversation (written by the action server)."""

    __tablename__ = "conversation_event"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False, index=True)
    topic = Column(String(60), index=True)
    kind = Column(String(20), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)


class RatingRow(Base):
    """A user's "useful / not useful" on an answer, with an optional reason."""

    __tablename__ = "rating"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False, index=True)
    topic = Column(String(60), index=True)
    kind = Column(String(20), nullable=False)  # the answer's payload type: procedures, structures
    useful = Column(Boolean, nullable=False)
    reason = Column(String(500))
    created_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)

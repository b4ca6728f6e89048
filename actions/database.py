"""The action server's database sessions (handoff tickets, conversation events), one engine per process."""

from __future__ import annotations

import logging
from functools import lru_cache

from rasa_sdk import Tracker
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from assistant import config
from assistant.db import create_database_engine, create_session_factory
from assistant.feedback.report import record_event

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def shared_sessions() -> sessionmaker:
    return create_session_factory(create_database_engine(config.database_url()))


def record_conversation_event(tracker: Tracker, topic: str | None, kind: str) -> None:
    """For the console's per-topic report; a failure is logged and never stops the answer."""
    try:
        with shared_sessions()() as session:
            record_event(session=session, sender_id=tracker.sender_id, topic=topic, kind=kind)
    except SQLAlchemyError:
        logger.exception("Événement de conversation non enregistré (%s, %s)", topic, kind)

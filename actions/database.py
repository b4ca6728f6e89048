"""The action server's database sessions (handoff tickets), one engine per process."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.orm import sessionmaker

from assistant import config
from assistant.db import create_database_engine, create_session_factory


@lru_cache(maxsize=1)
def shared_sessions() -> sessionmaker:
    return create_session_factory(create_database_engine(config.database_url()))

"""One engine and session factory per database URL (SQLite by default, PostgreSQL in production)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import declarative_base, sessionmaker

Base = declarative_base()


def create_database_engine(url: str) -> Engine:
    """Create an engine in SQLAlchemy 2.0 style; make the SQLite folder and enforce its foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # SQLite connections are handed between the web app's worker threads: sessions never share one at a time.
    connect_args = {"check_same_thread": False} if parsed.get_backend_name() == "sqlite" else {}
    engine = create_engine(url, future=True, pool_pre_ping=True, connect_args=connect_args)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


def shown_database_url(url: str) -> str:
    """The URL as messages and logs may show it: its password replaced by ***."""
    return make_url(url).render_as_string(hide_password=True)


def describe_database_error(error: SQLAlchemyError) -> str:
    """The driver's first line (« connection refused », « password authentication failed »…), not SQLAlchemy's
    wrapper with its statement and link: what an operator needs to act on."""
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _enable_sqlite_foreign_keys(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


def update_in_place(row: object, values: dict) -> bool:
    """Set the attributes that differ from `values`; say whether anything changed (re-imports count it)."""
    different = {name: value for name, value in values.items() if getattr(row, name) != value}
    for name, value in different.items():
        setattr(row, name, value)
    return bool(different)

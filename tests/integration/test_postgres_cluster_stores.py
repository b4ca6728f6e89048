"""The cluster's databases are created once and dropped even while a server still holds connections."""

from __future__ import annotations

import uuid

from sqlalchemy import create_engine, text

from assistant.cluster.runner import create_database_if_missing, drop_databases
from tests.integration.conftest import SERVER_URL


def database_names() -> set[str]:
    admin = create_engine(SERVER_URL, future=True)
    with admin.connect() as connection:
        names = set(connection.execute(text("SELECT datname FROM pg_database")).scalars())
    admin.dispose()
    return names


def test_database_is_created_once_and_dropped_with_open_connections():
    name = f"guichet_test_{uuid.uuid4().hex[:12]}"
    url = f"{SERVER_URL.rsplit('/', 1)[0]}/{name}"
    create_database_if_missing(url)
    create_database_if_missing(url)  # a second run finds it and keeps its content
    assert name in database_names()

    still_open = create_engine(url, future=True).connect()
    try:
        drop_databases(url)
    finally:
        still_open.close()
    assert name not in database_names()
    drop_databases(url)  # already gone: nothing to do, no error


def test_sqlite_url_is_left_to_its_driver(tmp_path):
    create_database_if_missing(f"sqlite:///{tmp_path / 'conversations.db'}")
    assert list(tmp_path.iterdir()) == []

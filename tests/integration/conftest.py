"""A throw-away PostgreSQL database per test, on the server of the machine and of CI."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

SERVER_URL = os.environ.get("GUICHET_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def postgres_url():
    name = f"guichet_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(SERVER_URL, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield SERVER_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()

"""A throw-away PostgreSQL database per test, on the server of the machine and of CI."""

from __future__ import annotations

import os
import uuid

import pytest

from assistant.cluster.runner import create_database_if_missing, drop_databases

SERVER_URL = os.environ.get("GUICHET_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def postgres_url():
    url = SERVER_URL.rsplit("/", 1)[0] + f"/guichet_test_{uuid.uuid4().hex[:12]}"
    create_database_if_missing(url)
    yield url
    drop_databases(url)

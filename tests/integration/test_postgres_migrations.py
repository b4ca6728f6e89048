from __future__ import annotations

import pytest

from assistant.db import create_database_engine
from assistant.migrations import head_revision, upgrade_database
from tests.migrations_check import assert_data_kept, create_schema_before_migrations, differences, fill_with_data

pytestmark = pytest.mark.postgres


def test_an_empty_postgresql_database_is_upgraded_to_exactly_the_models(postgres_url):
    engine = create_database_engine(postgres_url)

    assert upgrade_database(engine).after == head_revision()
    assert differences(engine) == []
    engine.dispose()


def test_a_postgresql_database_made_before_migrations_keeps_its_data(postgres_url):
    engine = create_database_engine(postgres_url)
    create_schema_before_migrations(engine)
    fill_with_data(engine)

    upgrade_database(engine)

    assert differences(engine) == []
    assert_data_kept(engine)
    engine.dispose()

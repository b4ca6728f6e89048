from __future__ import annotations

from sqlalchemy import inspect

from assistant.db import create_database_engine
from assistant.migrations import current_revision, head_revision, schema_problem, upgrade_database
from tests.migrations_check import assert_data_kept, create_schema_before_migrations, differences, fill_with_data


def test_an_empty_database_is_upgraded_to_exactly_the_models(tmp_path):
    engine = create_database_engine(f"sqlite:///{tmp_path / 'new.db'}")

    report = upgrade_database(engine)

    assert (report.before, report.after) == (None, head_revision())
    assert differences(engine) == []
    assert schema_problem(engine) is None
    engine.dispose()


def test_a_database_made_before_migrations_is_upgraded_with_its_data(tmp_path):
    engine = create_database_engine(f"sqlite:///{tmp_path / 'old.db'}")
    create_schema_before_migrations(engine)
    fill_with_data(engine)
    assert current_revision(engine) is None

    upgrade_database(engine)

    assert current_revision(engine) == head_revision()
    assert differences(engine) == []
    assert_data_kept(engine)
    engine.dispose()


def test_upgrading_twice_changes_nothing(tmp_path):
    engine = create_database_engine(f"sqlite:///{tmp_path / 'twice.db'}")
    upgrade_database(engine)
    tables = sorted(inspect(engine).get_table_names())

    report = upgrade_database(engine)

    assert report.before == report.after == head_revision()
    assert sorted(inspect(engine).get_table_names()) == tables
    engine.dispose()


def test_a_copy_left_by_an_upgrade_that_failed_midway_does_not_stop_the_next(tmp_path):
    engine = create_database_engine(f"sqlite:///{tmp_path / 'interrupted.db'}")
    upgrade_database(engine, "0001")
    with engine.begin() as connection:  # what SQLite keeps of a batch copy interrupted before its end
        connection.exec_driver_sql("CREATE TABLE _alembic_tmp_kb_procedure (id VARCHAR(100))")

    upgrade_database(engine)

    assert current_revision(engine) == head_revision()
    assert "_alembic_tmp_kb_procedure" not in inspect(engine).get_table_names()
    assert differences(engine) == []
    engine.dispose()

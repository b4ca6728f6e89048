"""The official list of structures, imported once for the tests of this package."""

from __future__ import annotations

import pytest

from assistant.config import SHARED_STRUCTURES_LIST
from assistant.db import create_database_engine, create_schema, create_session_factory
from assistant.structures.importer import import_structures
from assistant.structures.nearest import list_structures


@pytest.fixture(scope="session")
def structures(tmp_path_factory):
    engine = create_database_engine(f"sqlite:///{tmp_path_factory.mktemp('fs') / 'fs.db'}")
    create_schema(engine)
    sessions = create_session_factory(engine)
    import_structures(sessions, SHARED_STRUCTURES_LIST)
    with sessions() as session:
        loaded = list_structures(session=session)
    engine.dispose()
    return loaded

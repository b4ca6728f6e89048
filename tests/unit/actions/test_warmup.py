from __future__ import annotations

import importlib
import logging
import sys

import pytest

from assistant import bootstrap
from assistant.config import SHARED_STRUCTURES_LIST
from assistant.db import create_database_engine, create_session_factory
from assistant.structures.importer import import_structures
from tests.conftest import KNOWLEDGE_DIRECTORY, load_into_sqlite


def start_action_server() -> None:
    """What rasa_sdk does at start: import every module of the package, this one included."""
    sys.modules.pop("actions.warmup", None)
    importlib.import_module("actions.warmup")


@pytest.fixture
def process_services(monkeypatch, resolver):
    """The process's services as the action server builds them from the environment, with the test's communes."""
    bootstrap.services_from_environment.cache_clear()
    monkeypatch.setattr(bootstrap.Services, "_read_communes", lambda self: resolver)
    yield
    bootstrap.services_from_environment.cache_clear()


def test_the_action_server_reads_its_data_before_the_first_citizen(tmp_path, monkeypatch, process_services, caplog):
    database = tmp_path / "guichet.db"
    load_into_sqlite(KNOWLEDGE_DIRECTORY, database)
    engine = create_database_engine(f"sqlite:///{database}")
    import_structures(create_session_factory(engine), SHARED_STRUCTURES_LIST)
    engine.dispose()
    monkeypatch.setenv("GUICHET_DATABASE_URL", f"sqlite:///{database}")

    with caplog.at_level(logging.INFO, logger="actions.warmup"):
        start_action_server()

    services = bootstrap.services_from_environment()
    assert set(services._loaded) == {"knowledge", "structure_index", "resolver"}
    assert "démarches, 2845 structures, " in caplog.text


def test_an_unreachable_database_leaves_reading_to_the_first_turn(monkeypatch, process_services, caplog):
    monkeypatch.setenv("GUICHET_DATABASE_URL", "postgresql://guichet@127.0.0.1:1/guichet")

    with caplog.at_level(logging.INFO, logger="actions.warmup"):
        start_action_server()  # the server still starts

    assert "pas de démarches (la base de données ne répond pas" in caplog.text
    assert "knowledge" not in bootstrap.services_from_environment()._loaded

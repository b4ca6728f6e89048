from __future__ import annotations

import importlib
import logging
import sys

from actions import knowledge_base
from actions import structures as structure_actions
from assistant.config import SHARED_STRUCTURES_LIST
from assistant.db import create_database_engine, create_session_factory
from assistant.structures.importer import import_structures
from tests.conftest import KNOWLEDGE_DIRECTORY, load_into_sqlite


def start_action_server() -> None:
    """What rasa_sdk does at start: import every module of the package, this one included."""
    sys.modules.pop("actions.warmup", None)
    importlib.import_module("actions.warmup")


def test_the_action_server_reads_its_data_before_the_first_citizen(tmp_path, monkeypatch, resolver, caplog):
    database = tmp_path / "guichet.db"
    load_into_sqlite(KNOWLEDGE_DIRECTORY, database)
    engine = create_database_engine(f"sqlite:///{database}")
    import_structures(create_session_factory(engine), SHARED_STRUCTURES_LIST)
    engine.dispose()
    monkeypatch.setenv("GUICHET_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setattr(structure_actions, "shared_resolver", lambda: resolver)
    knowledge_base._knowledge_base_from_database.cache_clear()
    structure_actions._index_from_database.cache_clear()

    with caplog.at_level(logging.INFO, logger="actions.warmup"):
        start_action_server()

    assert knowledge_base._knowledge_base_from_database.cache_info().currsize == 1
    assert structure_actions._index_from_database.cache_info().currsize == 1
    assert "démarches, 2845 structures, " in caplog.text
    knowledge_base._knowledge_base_from_database.cache_clear()
    structure_actions._index_from_database.cache_clear()


def test_an_unreachable_database_leaves_reading_to_the_first_turn(monkeypatch, caplog):
    monkeypatch.setenv("GUICHET_DATABASE_URL", "postgresql://guichet@127.0.0.1:1/guichet")
    knowledge_base._knowledge_base_from_database.cache_clear()

    with caplog.at_level(logging.INFO, logger="actions.warmup"):
        start_action_server()  # the server still starts

    assert "Préchargement impossible" in caplog.text
    assert knowledge_base._knowledge_base_from_database.cache_info().currsize == 0

from __future__ import annotations

import pytest
from sqlalchemy import text

from assistant.bootstrap import DataUnavailable, build_services
from assistant.config import SHARED_STRUCTURES_LIST
from assistant.db import create_database_engine
from assistant.knowledge.loader import load_knowledge_into_database
from assistant.structures.importer import import_structures
from tests.conftest import KNOWLEDGE_DIRECTORY, make_services, migrated_sqlite


def test_an_empty_base_is_read_again_once_loaded(session_factory):
    services = make_services(session_factory)

    with pytest.raises(DataUnavailable) as missing:
        services.knowledge()
    load_knowledge_into_database(session_factory, KNOWLEDGE_DIRECTORY)
    knowledge = services.knowledge()

    assert missing.value.sentence == ("La base de connaissances des démarches n'est pas chargée : lancez « guichet "
                                      "kb load ».")
    assert len(knowledge.procedures) >= 90 and services.knowledge() is knowledge


def test_the_structure_index_is_read_again_once_the_list_is_imported(session_factory):
    services = make_services(session_factory)

    with pytest.raises(DataUnavailable) as missing:
        services.structure_index()
    import_structures(session_factory, SHARED_STRUCTURES_LIST)

    assert missing.value.reason == "la liste des France Services n'est pas importée"
    assert len(services.structure_index().structures) == 2845


def test_reload_reads_the_database_again(session_factory):
    load_knowledge_into_database(session_factory, KNOWLEDGE_DIRECTORY)
    services = make_services(session_factory)
    first = services.knowledge()

    services.reload()

    assert services.knowledge() is not first


def test_a_database_that_was_never_upgraded_names_the_command(tmp_path):
    services = build_services(f"sqlite:///{tmp_path / 'empty.db'}")

    with pytest.raises(DataUnavailable) as missing:
        services.knowledge()

    assert missing.value.sentence == ("La base de données n'est pas initialisée : lancez « guichet db upgrade ».")


def test_an_older_revision_is_named(tmp_path):
    url = migrated_sqlite(tmp_path / "old.db")
    engine = create_database_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    services = build_services(url)

    with pytest.raises(DataUnavailable) as missing:
        services.structure_index()

    assert missing.value.reason.startswith("la base de données n'est pas à jour (révision 0000, attendue ")
    engine.dispose()


def test_an_unreachable_database_is_explained():
    services = build_services("postgresql://guichet@127.0.0.1:1/guichet")

    with pytest.raises(DataUnavailable) as missing:
        services.knowledge()

    assert missing.value.reason.startswith("la base de données ne répond pas (")
    assert "GUICHET_DATABASE_URL" in missing.value.remedy


def test_preload_says_what_was_read_and_what_is_missing(session_factory, resolver):
    load_knowledge_into_database(session_factory, KNOWLEDGE_DIRECTORY)
    services = make_services(session_factory, resolver=resolver)

    summary = services.preload()

    count = len(services.knowledge().procedures)
    assert summary.startswith(f"{count} démarches, pas de structures (la liste des France Services n'est pas "
                              "importée), ")
    assert summary.endswith(" communes")


def test_given_data_is_used_as_is(session_factory, knowledge_base):
    services = make_services(session_factory, knowledge=knowledge_base)

    assert services.knowledge() is knowledge_base
    assert services.sessions is session_factory

"""The knowledge base on PostgreSQL, the production database, through the same loader and queries."""

from __future__ import annotations

import pytest

from assistant.db import create_database_engine, create_session_factory
from assistant.knowledge import KnowledgeBase
from assistant.knowledge.loader import load_knowledge_into_database
from assistant.migrations import upgrade_database
from tests.conftest import KNOWLEDGE_DIRECTORY

pytestmark = pytest.mark.postgres
def test_load_twice_and_query_on_postgres(postgres_url):
    engine = create_database_engine(postgres_url)
    upgrade_database(engine)
    sessions = create_session_factory(engine)

    first = load_knowledge_into_database(sessions, KNOWLEDGE_DIRECTORY)
    second = load_knowledge_into_database(sessions, KNOWLEDGE_DIRECTORY)
    knowledge = KnowledgeBase.from_session_factory(sessions)
    engine.dispose()

    assert first.changes["kb_procedure"].added == first.procedures >= 90
    assert not second.changed
    assert [item.procedure.partner for item in knowledge.checklist("demenagement")][0] == "la_poste"
    assert knowledge.search("passeport", limit=1)[0].procedure.id == "ants-passeport"

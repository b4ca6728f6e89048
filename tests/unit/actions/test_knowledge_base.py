from __future__ import annotations

from actions import knowledge_base
from tests.conftest import KNOWLEDGE_DIRECTORY, load_into_sqlite


def test_an_empty_base_is_read_again_once_loaded(tmp_path, monkeypatch):
    database = tmp_path / "guichet.db"
    monkeypatch.setenv("GUICHET_DATABASE_URL", f"sqlite:///{database}")
    knowledge_base._knowledge_base_from_database.cache_clear()

    before = knowledge_base.shared_knowledge_base()
    load_into_sqlite(KNOWLEDGE_DIRECTORY, database)
    after = knowledge_base.shared_knowledge_base()

    assert before.procedures == [] and len(after.procedures) >= 90
    assert knowledge_base.shared_knowledge_base() is after
    knowledge_base._knowledge_base_from_database.cache_clear()

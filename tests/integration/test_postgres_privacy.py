"""Personal data on PostgreSQL, as in production: the redacting tracker store and `guichet purge`, with
Rasa's events and guichet's tables in one database."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from assistant.cli import main
from assistant.config import PROJECT_ROOT
from assistant.db import create_database_engine, create_session_factory
from assistant.migrations import upgrade_database
from assistant.privacy.redaction import IBAN_PLACEHOLDER, PHONE_PLACEHOLDER
from tests.unit.privacy import retention_scenario

pytestmark = pytest.mark.postgres


def test_purge_on_postgresql(postgres_url):
    engine = create_database_engine(postgres_url)
    upgrade_database(engine)
    sessions = create_session_factory(engine)
    retention_scenario.populate_database(sessions)
    retention_scenario.populate_tracker(postgres_url)

    result = CliRunner().invoke(main, ["purge", "--older-than", "90d", "--database-url", postgres_url,
                                       "--tracker-url", postgres_url], catch_exceptions=False)

    assert result.output.startswith("Purge : 2 conversations (3 événements de Rasa), 1 ticket clos, "
                                    "3 événements supprimés (antérieurs au ")
    assert retention_scenario.remaining_conversations(postgres_url) == {"recente": 2, "en-attente": 1}
    left = retention_scenario.remaining_records(sessions)
    engine.dispose()
    assert left["tickets"] == [("recente", "closed"), ("en-attente", "callback")]
    assert left["events"] == ["recente"]
    assert [rating[0] for rating in left["ratings"]] == ["", "", "recente"]


async def test_the_redacting_tracker_store_on_postgresql(postgres_url):
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered

    from assistant.privacy.tracker_store import RedactingSQLTrackerStore

    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    store = RedactingSQLTrackerStore(domain=domain, host=postgres_url)
    tracker = await store.get_or_create_tracker("marie")
    typed = "IBAN FR76 3000 6000 0112 3456 7890 189, tél 06 12 34 56 78"
    tracker.update(UserUttered(typed, intent={"name": "nlu_fallback", "confidence": 1.0}))
    await store.save(tracker)
    store.engine.dispose()

    stored = await RedactingSQLTrackerStore(domain=domain, host=postgres_url).retrieve("marie")
    assert stored.latest_message.text == f"IBAN {IBAN_PLACEHOLDER}, tél {PHONE_PLACEHOLDER}"
    assert tracker.latest_message.text == typed
    raw = create_engine(postgres_url, future=True)
    with raw.connect() as connection:
        rows = connection.execute(text("SELECT data FROM events WHERE type_name = 'user'")).scalars().all()
    raw.dispose()
    assert [json.loads(row)["text"] for row in rows] == [f"IBAN {IBAN_PLACEHOLDER}, tél {PHONE_PLACEHOLDER}"]

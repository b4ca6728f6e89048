"""What the migration tests check on SQLite (tests/unit) and PostgreSQL (tests/integration) alike."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from assistant.db import create_session_factory
from assistant.handoff.models import AdvisorRow, TicketMessageRow, TicketRow
from assistant.knowledge.models import ChecklistItemRow, PartnerRow, ProcedureRow, ProcedureTopicRow
from assistant.models import metadata

BEFORE_MIGRATIONS = Path(__file__).parent / "fixtures" / "schema"


def differences(engine: Engine) -> list:
    """What Alembic's autogenerate would change to make the database match the models (nothing, when right)."""
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), metadata)


def create_schema_before_migrations(engine: Engine) -> None:
    """The tables exactly as `create_all` made them before Alembic (its DDL, kept in tests/fixtures/schema)."""
    script = (BEFORE_MIGRATIONS / f"before_migrations.{engine.dialect.name}.sql").read_text(encoding="utf-8")
    lines = [line for line in script.splitlines() if not line.startswith("--")]
    with engine.begin() as connection:
        for statement in "\n".join(lines).split(";"):
            if statement.strip():
                connection.execute(text(statement))


def fill_with_data(engine: Engine) -> None:
    """A partner, a procedure, an advisor and a ticket with a message, as written before migrations."""
    now = {"now": datetime(2026, 11, 30, tzinfo=timezone.utc)}
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO kb_partner (slug, name, short_name, website, aliases) "
            "VALUES ('caf', 'CAF', 'la CAF', 'https://www.caf.fr', '[\"caf\"]')"))
        connection.execute(text(
            "INSERT INTO kb_procedure (id, partner_slug, title, audience, summary, steps, documents, online_service, "
            "service_public_reference, service_public_url, needs_advisor, keywords, reviewed, position) VALUES "
            "('caf-rsa', 'caf', 'Demander le RSA', 'Tous', 'Le RSA.', '[\"a\", \"b\"]', '[\"RIB\"]', "
            "'https://www.caf.fr', 'F19778', 'https://www.service-public.gouv.fr/particuliers/vosdroits/F19778', "
            ":no, '[]', :reviewed, 0)"), {"no": False, "reviewed": date(2026, 11, 23)})
        connection.execute(text(
            "INSERT INTO kb_topic (slug, title, kind, description, position) "
            "VALUES ('ressources', 'Ressources', 'everyday', 'minima sociaux', 0)"))
        connection.execute(text(
            "INSERT INTO kb_procedure_topic (procedure_id, topic_slug) VALUES ('caf-rsa', 'ressources')"))
        connection.execute(text(
            "INSERT INTO kb_checklist_item (topic_slug, position, procedure_id, \"when\") "
            "VALUES ('ressources', 0, 'caf-rsa', 'Dès que possible')"))
        connection.execute(text(
            "INSERT INTO advisor (id, login, name, password_hash, departments, created_at) "
            "VALUES (1, 'anne', 'Anne', 'hash', '[\"77\"]', :now)"), now)
        connection.execute(text(
            "INSERT INTO handoff_ticket (id, secret_hash, sender_id, status, reason, procedures, summary, "
            "transcript, created_at, claimed_by) "
            "VALUES (7, 'h', 'marie', 'live', 'asked', '[]', '« je déménage »', '[]', :now, 1)"), now)
        connection.execute(text(
            "INSERT INTO handoff_message (ticket_id, author, text, created_at) VALUES (7, 'user', 'bonjour', :now)"),
            now)


def assert_data_kept(engine: Engine) -> None:
    with create_session_factory(engine)() as session:
        assert session.execute(select(PartnerRow.slug)).scalars().all() == ["caf"]
        procedure = session.get(ProcedureRow, "caf-rsa")
        assert (procedure.title, procedure.steps, procedure.reviewed) == ("Demander le RSA", ["a", "b"],
                                                                          date(2026, 11, 23))
        assert (procedure.sources, procedure.changes) == ([], [])  # written by the next `guichet kb load`
        assert [item.when for item in session.execute(select(ChecklistItemRow)).scalars()] == ["Dès que possible"]
        assert session.execute(select(ProcedureTopicRow.topic_slug)).scalars().all() == ["ressources"]
        assert session.get(AdvisorRow, 1).departments == ["77"]
        ticket = session.get(TicketRow, 7)
        assert (ticket.status, ticket.claimed_by, ticket.summary) == ("live", 1, "« je déménage »")
        assert [m.text for m in session.execute(select(TicketMessageRow)).scalars()] == ["bonjour"]

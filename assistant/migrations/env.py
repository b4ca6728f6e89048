"""Alembic's environment: the connection comes from `assistant.migrations` (never from a file of settings)."""

from __future__ import annotations

from alembic import context

from assistant.models import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()

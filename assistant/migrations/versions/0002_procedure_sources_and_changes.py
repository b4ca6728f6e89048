"""Each procedure's sources and the rule changes it announces (issue 16: facts right today, cited).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kb_procedure") as batch:
        # Existing rows get empty lists; the next `guichet kb load` writes the files' sources and changes.
        batch.add_column(sa.Column("sources", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch.add_column(sa.Column("changes", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))


def downgrade() -> None:
    with op.batch_alter_table("kb_procedure") as batch:
        batch.drop_column("changes")
        batch.drop_column("sources")

"""A procedure may have no Service Public sheet (a partner's own service no sheet covers): its sources say
where its facts come from.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kb_procedure") as batch:
        batch.alter_column("service_public_reference", existing_type=sa.String(length=20), nullable=True)
        batch.alter_column("service_public_url", existing_type=sa.String(length=500), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("kb_procedure") as batch:
        batch.alter_column("service_public_url", existing_type=sa.String(length=500), nullable=False)
        batch.alter_column("service_public_reference", existing_type=sa.String(length=20), nullable=False)

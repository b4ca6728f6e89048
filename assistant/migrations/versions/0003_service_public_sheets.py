"""The service-public.fr sheets (issue 15: an open world of official sheets, cited and dated).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sp_sheet",
        sa.Column("id", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=80), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("modified", sa.Date(), nullable=False),
        sa.Column("audiences", sa.JSON(), nullable=False),
        sa.Column("breadcrumb", sa.JSON(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("dossier_part", sa.Text(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("anchors", sa.JSON(), nullable=False),
        sa.Column("service_url", sa.Text(), nullable=True),
        sa.Column("cerfa", sa.String(length=40), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sp_sheet_kind", "sp_sheet", ["kind"])


def downgrade() -> None:
    op.drop_index("ix_sp_sheet_kind", table_name="sp_sheet")
    op.drop_table("sp_sheet")

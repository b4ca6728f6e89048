"""The schema as `create_all` made it before migrations (guichet of 2026-12-01).

A database made then has these tables and no `alembic_version`: only the tables it lacks are created, so
that its data stays as it is.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _create_missing(name: str, *elements, indexes: tuple[str, ...] = ()) -> None:
    """Create the table and its single-column indexes (`ix_<table>_<column>`) unless the table exists."""
    if sa.inspect(op.get_bind()).has_table(name):
        return
    op.create_table(name, *elements)
    for column in indexes:
        op.create_index(f"ix_{name}_{column}", name, [column])


def upgrade() -> None:
    _create_missing(
        "advisor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("departments", sa.JSON(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("login"),
    )
    _create_missing(
        "conversation_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("topic", sa.String(length=60), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        indexes=("sender_id", "topic"),
    )
    _create_missing(
        "fs_structure",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("department", sa.String(length=3), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("address_complement", sa.String(length=300), nullable=True),
        sa.Column("insee_commune", sa.String(length=5), nullable=False),
        sa.Column("postcode", sa.String(length=5), nullable=False),
        sa.Column("commune", sa.String(length=200), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("appointment_required", sa.Boolean(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("format", sa.String(length=40), nullable=False),
        sa.Column("group", sa.String(length=200), nullable=True),
        sa.Column("labelled_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        indexes=("department",),
    )
    _create_missing(
        "kb_partner",
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("short_name", sa.String(length=100), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("slug"),
    )
    _create_missing(
        "kb_topic",
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("advice", sa.Text(), nullable=True),
        sa.Column("advice_url", sa.String(length=300), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("slug"),
    )
    _create_missing(
        "rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("topic", sa.String(length=60), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("useful", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        indexes=("sender_id", "topic"),
    )
    _create_missing(
        "handoff_ticket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("topic", sa.String(length=60), nullable=True),
        sa.Column("procedures", sa.JSON(), nullable=False),
        sa.Column("commune", sa.String(length=200), nullable=True),
        sa.Column("insee", sa.String(length=5), nullable=True),
        sa.Column("department", sa.String(length=3), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("transcript", sa.JSON(), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("preferred_time", sa.String(length=120), nullable=True),
        sa.Column("structure_id", sa.Integer(), nullable=True),
        sa.Column("structure_name", sa.String(length=300), nullable=True),
        sa.Column("claimed_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["claimed_by"], ["advisor.id"]),
        sa.PrimaryKeyConstraint("id"),
        indexes=("department", "sender_id", "status"),
    )
    _create_missing(
        "kb_procedure",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("partner_slug", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("audience", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("online_service", sa.String(length=500), nullable=False),
        sa.Column("service_public_reference", sa.String(length=20), nullable=False),
        sa.Column("service_public_url", sa.String(length=500), nullable=False),
        sa.Column("cost", sa.Text(), nullable=True),
        sa.Column("delay", sa.Text(), nullable=True),
        sa.Column("needs_advisor", sa.Boolean(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("reviewed", sa.Date(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["partner_slug"], ["kb_partner.slug"]),
        sa.PrimaryKeyConstraint("id"),
        indexes=("partner_slug",),
    )
    _create_missing(
        "handoff_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=10), nullable=False),
        sa.Column("advisor_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("rasa_timestamp", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["advisor_id"], ["advisor.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["handoff_ticket.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ticket_id", "rasa_timestamp"),
        indexes=("ticket_id",),
    )
    _create_missing(
        "handoff_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("advisor_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["advisor_id"], ["advisor.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["handoff_ticket.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        indexes=("ticket_id",),
    )
    _create_missing(
        "kb_checklist_item",
        sa.Column("topic_slug", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.String(length=100), nullable=False),
        sa.Column("when", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["procedure_id"], ["kb_procedure.id"]),
        sa.ForeignKeyConstraint(["topic_slug"], ["kb_topic.slug"]),
        sa.PrimaryKeyConstraint("topic_slug", "position"),
    )
    _create_missing(
        "kb_procedure_topic",
        sa.Column("procedure_id", sa.String(length=100), nullable=False),
        sa.Column("topic_slug", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["procedure_id"], ["kb_procedure.id"]),
        sa.ForeignKeyConstraint(["topic_slug"], ["kb_topic.slug"]),
        sa.PrimaryKeyConstraint("procedure_id", "topic_slug"),
        indexes=("topic_slug",),
    )


def downgrade() -> None:
    for name in ("kb_procedure_topic", "kb_checklist_item", "handoff_note", "handoff_message", "kb_procedure",
                 "handoff_ticket", "rating", "kb_topic", "kb_partner", "fs_structure", "conversation_event",
                 "advisor"):
        op.drop_table(name)

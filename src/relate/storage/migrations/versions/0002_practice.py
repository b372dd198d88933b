"""Relationship practice: stages over time, engagements, feedback, concerns, gifts,
owners and referrals.

Revision ID: 0002_practice
Revises: 0001_initial
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from relate.storage.migrations.existing import has_column

revision = "0002_practice"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN: a batch rebuild of `contact` would drop its FTS triggers and
    # expression index.
    # Guarded: a file left half-upgraded by an older relate may have them (existing.py).
    if not has_column("contact", "owner"):
        op.add_column("contact", sa.Column("owner", sa.String(), nullable=True))
    if not has_column("contact", "referred_by_id"):
        # Alembic cannot add a column with a constraint on SQLite; SQLite itself can.
        op.execute(
            "ALTER TABLE contact ADD COLUMN referred_by_id INTEGER"
            " REFERENCES contact (id) ON DELETE SET NULL"
        )
    op.create_table(
        "concern",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolution", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    op.create_index(
        "ix_concern_contact", "concern", ["contact_id"], unique=False, if_not_exists=True
    )
    op.create_index(
        "ix_concern_open",
        "concern",
        ["opened_at"],
        unique=False,
        sqlite_where=sa.text("resolved_at IS NULL"),
        postgresql_where=sa.text("resolved_at IS NULL"),
        if_not_exists=True,
    )

    op.create_table(
        "engagement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("status", sa.String(), server_default="active", nullable=False),
        sa.Column("value_cents", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("notes", sa.String(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    op.create_index(
        "ix_engagement_contact", "engagement", ["contact_id"], unique=False, if_not_exists=True
    )

    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    op.create_index(
        "ix_feedback_contact",
        "feedback",
        ["contact_id", "received_on"],
        unique=False,
        if_not_exists=True,
    )

    op.create_table(
        "gift",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("status", sa.String(), server_default="idea", nullable=False),
        sa.Column("occasion", sa.String(), nullable=True),
        sa.Column("given_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    op.create_index("ix_gift_contact", "gift", ["contact_id"], unique=False, if_not_exists=True)

    op.create_table(
        "stage_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    op.create_index(
        "ix_stage_change_contact",
        "stage_change",
        ["contact_id", "changed_at"],
        unique=False,
        if_not_exists=True,
    )


def downgrade() -> None:
    raise NotImplementedError("relate never downgrades a database; restore a backup instead")

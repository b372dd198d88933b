"""Engagements as a ledger; a contact's notes keep their history.

Revision ID: 0011_ledger
Revises: 0010_concerns
Create Date: 2026-12-02

``engagement.due_on`` is when an engagement is due (``relate engagement edit ID
--due DATE``); ``ix_engagement_open_due`` holds only the open ones that have one, so
``relate today`` reads the few due within a week without reading the others.
``engagement_entry`` is an engagement's history, append-only: each change of its
title, value, due date or status, with the old and the new value, and each note,
with when and by whom. ``note_history`` keeps the text each change of a contact's
notes replaced, with when and by whom. Existing rows are untouched: no due dates, no
history yet.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_ledger"
down_revision = "0010_concerns"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on both engines (no batch rebuild of the table).
    op.add_column("engagement", sa.Column("due_on", sa.Date(), nullable=True))
    op.create_index(
        "ix_engagement_open_due",
        "engagement",
        ["due_on"],
        unique=False,
        sqlite_where=sa.text("status IN ('proposed', 'active') AND due_on IS NOT NULL"),
        postgresql_where=sa.text("status IN ('proposed', 'active') AND due_on IS NOT NULL"),
        if_not_exists=True,
    )
    op.create_table(
        "engagement_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        sa.Column("entered_by", sa.String(), nullable=True),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("old_value", sa.String(), nullable=True),
        sa.Column("new_value", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["engagement_id"], ["engagement.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    op.create_index(
        "ix_engagement_entry_engagement",
        "engagement_entry",
        ["engagement_id", "entered_at"],
        unique=False,
        if_not_exists=True,
    )
    op.create_table(
        "note_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("notes", sa.String(), nullable=False),
        sa.Column("replaced_at", sa.DateTime(), nullable=False),
        sa.Column("replaced_by", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    op.create_index(
        "ix_note_history_contact",
        "note_history",
        ["contact_id", "replaced_at"],
        unique=False,
        if_not_exists=True,
    )


def downgrade() -> None:
    raise NotImplementedError("relate never downgrades a database; restore a backup instead")

"""Undo journal: every write command is a step whose inverse SQL is recorded.

Revision ID: 0003_undo
Revises: 0002_practice
Create Date: 2026-11-24

The entries are written by TEMP triggers that relate creates on its own write
connection (relate.services.undo), so other programs writing the file are not
slowed down and never fail on a missing helper table.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_undo"
down_revision = "0002_practice"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "undo_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    op.create_table(
        "undo_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("sql", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["step_id"], ["undo_step.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    op.create_index(
        "ix_undo_entry_step", "undo_entry", ["step_id"], unique=False, if_not_exists=True
    )
    # Foreign keys without an index make every contact delete scan these tables;
    # undoing a 30k-contact import took a minute without them. Plain CREATE INDEX:
    # a batch rebuild of `contact` would drop its FTS triggers.
    op.execute("CREATE INDEX IF NOT EXISTS ix_contact_referred_by ON contact (referred_by_id)")
    op.execute("CREATE INDEX IF NOT EXISTS ix_contact_alias_contact ON contact_alias (contact_id)")


def downgrade() -> None:
    raise NotImplementedError("relate never downgrades a database; restore a backup instead")

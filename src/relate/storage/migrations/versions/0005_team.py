"""Team: who logged each interaction, who made each undo step, owners indexed.

Revision ID: 0005_team
Revises: 0004_speed
Create Date: 2026-12-02

A shared database records people: ``interaction.logged_by`` and ``undo_step.made_by``
hold the current user (``RELATE_USER``, else the login name); rows from before this
revision keep NULL, as do contacts without an owner. ``relate list --owner`` and
``relate today --mine`` filter on ``contact.owner`` (a column since 0002), so it is
indexed, and the agenda's cadence walk gets an index within one owner's contacts.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_team"
down_revision = "0004_speed"
branch_labels = None
depends_on = None

LATE = "archived_at IS NULL AND next_due_on IS NOT NULL"


def upgrade() -> None:
    # Plain ADD COLUMN (nullable, no default: instant on both engines); a batch rebuild
    # of `interaction` would drop its full-text triggers on SQLite.
    op.add_column("interaction", sa.Column("logged_by", sa.String(), nullable=True))
    op.add_column("undo_step", sa.Column("made_by", sa.String(), nullable=True))
    op.create_index("ix_contact_owner", "contact", ["owner"], unique=False, if_not_exists=True)
    op.create_index(
        "ix_contact_owner_cadence_due",
        "contact",
        ["owner", "cadence_days", "next_due_on"],
        unique=False,
        sqlite_where=sa.text(LATE),
        postgresql_where=sa.text(LATE),
        if_not_exists=True,
    )


def downgrade() -> None:
    raise NotImplementedError("relate never downgrades a database; restore a backup instead")

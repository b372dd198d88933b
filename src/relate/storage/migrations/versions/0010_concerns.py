"""Concerns with severity and escalation.

Revision ID: 0010_concerns
Revises: 0009_once
Create Date: 2026-12-02

``concern`` gains ``severity`` (0 low, 1 normal, 2 high; existing concerns are
normal), ``due_on`` (the day it should be resolved by; then ``today`` lists it as
overdue), and ``cause`` and ``prevent`` (what went wrong and how to keep it from
happening again, recorded by ``relate resolve``). ``concern_escalation`` holds each
step of a concern's escalation trail (``relate escalate``): when, by whom, to whom,
a note, and the severity before and after. ``ix_concern_open_rank`` gives
``today``'s concerns section in its order (high severity first, then oldest) as the
first entries of one index range; ``ix_concern_open_due`` the overdue ones.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_concerns"
down_revision = "0009_once"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on both engines (no batch rebuild of the table).
    op.add_column(
        "concern", sa.Column("severity", sa.Integer(), nullable=False, server_default="1")
    )
    op.add_column("concern", sa.Column("due_on", sa.Date(), nullable=True))
    op.add_column("concern", sa.Column("cause", sa.String(), nullable=True))
    op.add_column("concern", sa.Column("prevent", sa.String(), nullable=True))
    op.create_index(
        "ix_concern_open_rank",
        "concern",
        [sa.text("severity DESC"), "opened_at"],
        unique=False,
        sqlite_where=sa.text("resolved_at IS NULL"),
        postgresql_where=sa.text("resolved_at IS NULL"),
        if_not_exists=True,
    )
    op.create_index(
        "ix_concern_open_due",
        "concern",
        ["due_on"],
        unique=False,
        sqlite_where=sa.text("resolved_at IS NULL AND due_on IS NOT NULL"),
        postgresql_where=sa.text("resolved_at IS NULL AND due_on IS NOT NULL"),
        if_not_exists=True,
    )
    op.create_table(
        "concern_escalation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("concern_id", sa.Integer(), nullable=False),
        sa.Column("escalated_at", sa.DateTime(), nullable=False),
        sa.Column("escalated_by", sa.String(), nullable=True),
        sa.Column("escalated_to", sa.String(), nullable=True),
        sa.Column("note", sa.String(), server_default="", nullable=False),
        sa.Column("severity_before", sa.Integer(), nullable=False),
        sa.Column("severity_after", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["concern_id"], ["concern.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    op.create_index(
        "ix_concern_escalation_concern",
        "concern_escalation",
        ["concern_id", "id"],
        unique=False,
        if_not_exists=True,
    )


def downgrade() -> None:
    raise NotImplementedError("relate never downgrades a database; restore a backup instead")

"""Dates and gifts: an important date that happens one time.

Revision ID: 0009_once
Revises: 0008_losing_touch
Create Date: 2026-12-02

``important_date.once`` marks a date that happens one time (``relate date acme
"contract renewal" 2027-01-31 --once``): ``today`` shows it within its lead time
before that day and never again, with no years counted; its year is always set.
Existing dates are yearly (``once`` 0). ``today`` still reads dates by (month, day)
on ``ix_important_date_month_day`` and skips a one-time date of another year before
looking up its contact. Nothing else changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_once"
down_revision = "0008_losing_touch"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on both engines, as 0006 does.
    op.add_column(
        "important_date", sa.Column("once", sa.Boolean(), nullable=False, server_default="0")
    )


def downgrade() -> None:
    raise NotImplementedError("relate never downgrades a database; restore a backup instead")

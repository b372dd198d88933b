"""Nobody drops off: an index for `today`'s losing-touch section.

Revision ID: 0008_losing_touch
Revises: 0007_fields
Create Date: 2026-12-02

``relate today`` lists the contacts without a cadence that nobody has contacted for
longer than a period (180 days by default), longest first, counting from when they
were added for those never contacted. ``ix_contact_losing_touch`` holds exactly those
contacts (unarchived, no cadence) ordered by ``coalesce(last_contact_at,
created_at)``, so the section reads the first few entries of one index range however
many contacts there are; ``ix_contact_owner_losing_touch`` does the same within one
owner's contacts (``today --mine``). Nothing else changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_losing_touch"
down_revision = "0007_fields"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_contact_losing_touch",
        "contact",
        [sa.text("coalesce(last_contact_at, created_at)")],
        unique=False,
        sqlite_where=sa.text("archived_at IS NULL AND cadence_days IS NULL"),
        postgresql_where=sa.text("archived_at IS NULL AND cadence_days IS NULL"),
        if_not_exists=True,
    )
    op.create_index(
        "ix_contact_owner_losing_touch",
        "contact",
        ["owner", sa.text("coalesce(last_contact_at, created_at)")],
        unique=False,
        sqlite_where=sa.text("archived_at IS NULL AND cadence_days IS NULL"),
        postgresql_where=sa.text("archived_at IS NULL AND cadence_days IS NULL"),
        if_not_exists=True,
    )


def downgrade() -> None:
    raise NotImplementedError("relate never downgrades a database; restore a backup instead")

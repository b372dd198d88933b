"""Organisations you can open: who decides, an organisation's own cadence.

Revision ID: 0006_orgs
Revises: 0005_team
Create Date: 2026-12-02

``contact.decides`` marks a decision-maker (``relate edit --decides``); existing
contacts decide nothing until marked. ``organisation.cadence_days`` is how often
someone there should hear from you (``relate org edit --every``), counted from the
last contact with anyone there: ``ix_contact_org_last_contact`` gives that in one
index step per organisation, and ``ix_organisation_cadence`` reads only the
organisations that have a cadence, so ``relate today`` stays as fast as before.
``ix_contact_role`` lets ``relate search`` find people by role without reading the
contacts.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_orgs"
down_revision = "0005_team"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on both engines (a batch rebuild of `contact` would drop its
    # full-text triggers on SQLite).
    op.add_column("contact", sa.Column("decides", sa.Boolean(), nullable=False, server_default="0"))
    op.add_column("organisation", sa.Column("cadence_days", sa.Integer(), nullable=True))
    op.create_index(
        "ix_contact_org_last_contact",
        "contact",
        ["org_id", "last_contact_at"],
        unique=False,
        if_not_exists=True,
    )
    # `search` walks the distinct roles down this index, then reads one role's people.
    op.create_index("ix_contact_role", "contact", ["role"], unique=False, if_not_exists=True)
    op.create_index(
        "ix_organisation_cadence",
        "organisation",
        ["cadence_days"],
        unique=False,
        sqlite_where=sa.text("cadence_days IS NOT NULL"),
        postgresql_where=sa.text("cadence_days IS NOT NULL"),
        if_not_exists=True,
    )


def downgrade() -> None:
    raise NotImplementedError("relate never downgrades a database; restore a backup instead")

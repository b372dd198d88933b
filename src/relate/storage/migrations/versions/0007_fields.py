"""Addresses and custom fields.

Revision ID: 0007_fields
Revises: 0006_orgs
Create Date: 2026-12-02

``contact_address`` keeps a postal address as vCard's seven ADR parts (PO box,
extended address, street, locality, region, postal code, country) and its kind
(home, work, billing or none), so an imported card's address comes back out whole.
``contact_field`` holds custom fields, one value per key and contact;
``ix_contact_field_key_value`` serves ``relate list --where KEY=VALUE`` and the list
of keys an export writes as columns. Both are new tables: nothing existing changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_fields"
down_revision = "0006_orgs"
branch_labels = None
depends_on = None

PARTS = ("po_box", "extended", "street", "locality", "region", "postal_code", "country")


def upgrade() -> None:
    op.create_table(
        "contact_address",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=True),
        *(sa.Column(part, sa.String(), server_default="", nullable=False) for part in PARTS),
        sa.Column("address_key", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    op.create_index(
        "ix_contact_address_contact",
        "contact_address",
        ["contact_id", "position"],
        unique=False,
        if_not_exists=True,
    )
    op.create_table(
        "contact_field",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("value_key", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("contact_id", "key"),
        if_not_exists=True,
    )
    op.create_index(
        "ix_contact_field_key_value",
        "contact_field",
        ["key", "value_key"],
        unique=False,
        if_not_exists=True,
    )


def downgrade() -> None:
    raise NotImplementedError("relate never downgrades a database; restore a backup instead")

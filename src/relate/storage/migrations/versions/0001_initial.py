"""Initial schema: contacts, organisations, dates, interactions, reminders, search.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-24

Frozen: later changes go in new revisions, never here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

APPLICATION_ID = 0x52454C41  # "RELA"; copied, not imported: a migration is frozen

# Full-text search over interaction texts and contact names/notes. External-content
# FTS5 tables kept in step by triggers, so every write path (including undo) updates them.
FTS_SQL = [
    """CREATE VIRTUAL TABLE interaction_fts USING fts5(
        text, content='interaction', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER interaction_fts_ai AFTER INSERT ON interaction BEGIN
        INSERT INTO interaction_fts(rowid, text) VALUES (new.id, new.text);
    END""",
    """CREATE TRIGGER interaction_fts_ad AFTER DELETE ON interaction BEGIN
        INSERT INTO interaction_fts(interaction_fts, rowid, text)
        VALUES ('delete', old.id, old.text);
    END""",
    """CREATE TRIGGER interaction_fts_au AFTER UPDATE OF text ON interaction BEGIN
        INSERT INTO interaction_fts(interaction_fts, rowid, text)
        VALUES ('delete', old.id, old.text);
        INSERT INTO interaction_fts(rowid, text) VALUES (new.id, new.text);
    END""",
    """CREATE VIRTUAL TABLE contact_fts USING fts5(
        name, notes, content='contact', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER contact_fts_ai AFTER INSERT ON contact BEGIN
        INSERT INTO contact_fts(rowid, name, notes) VALUES (new.id, new.name, new.notes);
    END""",
    """CREATE TRIGGER contact_fts_ad AFTER DELETE ON contact BEGIN
        INSERT INTO contact_fts(contact_fts, rowid, name, notes)
        VALUES ('delete', old.id, old.name, old.notes);
    END""",
    """CREATE TRIGGER contact_fts_au AFTER UPDATE OF name, notes ON contact BEGIN
        INSERT INTO contact_fts(contact_fts, rowid, name, notes)
        VALUES ('delete', old.id, old.name, old.notes);
        INSERT INTO contact_fts(rowid, name, notes) VALUES (new.id, new.name, new.notes);
    END""",
]


# The same search on PostgreSQL: a stored tsvector of the folded text per row, GIN
# indexed ("simple" keeps words as written, like FTS5's unicode61; relate_unaccent
# removes diacritics). The column exists on PostgreSQL only; it is never written.
# unaccent is a trusted extension: a database owner may create it.
POSTGRES_SQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """CREATE OR REPLACE FUNCTION relate_unaccent(text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$""",
    # Stored vectors: ranking reads them instead of folding every match again.
    """ALTER TABLE interaction ADD COLUMN search tsvector GENERATED ALWAYS AS
        (to_tsvector('simple', relate_unaccent(text))) STORED""",
    "CREATE INDEX ix_interaction_search ON interaction USING gin (search)",
    """ALTER TABLE contact ADD COLUMN search tsvector GENERATED ALWAYS AS
        (to_tsvector('simple', relate_unaccent(name || ' ' || notes))) STORED""",
    "CREATE INDEX ix_contact_search ON contact USING gin (search)",
]


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        # SQLite's NOCASE, for ORDER BY ... COLLATE NOCASE in the services' queries.
        op.execute(
            "CREATE COLLATION IF NOT EXISTS nocase (provider = icu, locale = 'und-u-ks-level2')"
        )
    else:
        op.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    op.create_table(
        "interaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("text", sa.String(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("interaction", schema=None) as batch_op:
        batch_op.create_index("ix_interaction_occurred_at", ["occurred_at"], unique=False)

    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("name_key", sa.String(), nullable=False),
        sa.Column("notes", sa.String(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name_key"),
    )

    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("name_key", sa.String(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(), nullable=True),
        sa.Column("relationship_type", sa.String(), nullable=True),
        sa.Column("stage", sa.String(), nullable=True),
        sa.Column("cadence_days", sa.Integer(), nullable=True),
        sa.Column("priority", sa.Integer(), server_default="1", nullable=False),
        sa.Column("notes", sa.String(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("archived_at", sa.DateTime(), nullable=True),
        sa.Column("last_contact_at", sa.DateTime(), nullable=True),
        sa.Column("next_due_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index("ix_contact_name_key", ["name_key"], unique=False)
        batch_op.create_index(
            "ix_contact_next_due",
            ["next_due_on"],
            unique=False,
            sqlite_where=sa.text("archived_at IS NULL AND next_due_on IS NOT NULL"),
            postgresql_where=sa.text("archived_at IS NULL AND next_due_on IS NOT NULL"),
        )

    op.create_table(
        "interaction_tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(), nullable=False),
        sa.Column("tag_key", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["interaction_id"], ["interaction.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("interaction_id", "tag_key"),
    )
    with op.batch_alter_table("interaction_tag", schema=None) as batch_op:
        batch_op.create_index("ix_interaction_tag_key", ["tag_key"], unique=False)

    op.create_table(
        "contact_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(), nullable=False),
        sa.Column("alias_key", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("contact_alias", schema=None) as batch_op:
        batch_op.create_index("ix_contact_alias_key", ["alias_key"], unique=False)

    op.create_table(
        "contact_email",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("email_key", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("contact_email", schema=None) as batch_op:
        batch_op.create_index("ix_contact_email_contact", ["contact_id", "position"], unique=False)
        batch_op.create_index("ix_contact_email_key", ["email_key"], unique=False)

    op.create_table(
        "contact_phone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(), nullable=False),
        sa.Column("phone_key", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("contact_phone", schema=None) as batch_op:
        batch_op.create_index("ix_contact_phone_contact", ["contact_id", "position"], unique=False)
        batch_op.create_index("ix_contact_phone_key", ["phone_key"], unique=False)

    op.create_table(
        "contact_tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(), nullable=False),
        sa.Column("tag_key", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("contact_id", "tag_key"),
    )
    with op.batch_alter_table("contact_tag", schema=None) as batch_op:
        batch_op.create_index("ix_contact_tag_key", ["tag_key"], unique=False)

    op.create_table(
        "important_date",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("label", sa.String(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("lead_days", sa.Integer(), server_default="7", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("important_date", schema=None) as batch_op:
        batch_op.create_index("ix_important_date_contact", ["contact_id"], unique=False)
        batch_op.create_index("ix_important_date_month_day", ["month", "day"], unique=False)

    op.create_table(
        "interaction_contact",
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["interaction_id"], ["interaction.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("interaction_id", "contact_id"),
    )
    with op.batch_alter_table("interaction_contact", schema=None) as batch_op:
        batch_op.create_index(
            "ix_interaction_contact_contact", ["contact_id", "interaction_id"], unique=False
        )

    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), server_default="reminder", nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("interaction_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("all_day", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("rrule", sa.String(), nullable=True),
        sa.Column("snoozed_until", sa.DateTime(), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["interaction_id"], ["interaction.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.create_index("ix_reminder_contact", ["contact_id"], unique=False)
        batch_op.create_index("ix_reminder_interaction", ["interaction_id"], unique=False)

    op.create_table(
        "reminder_completion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reminder_id", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["reminder_id"], ["reminder.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    # Expression indexes Alembic cannot autogenerate on SQLite.
    op.execute("CREATE INDEX ix_contact_name_nocase ON contact (name COLLATE NOCASE)")
    op.execute(
        "CREATE INDEX ix_reminder_open_due ON reminder (coalesce(snoozed_until, due_at))"
        " WHERE done_at IS NULL"
    )
    for statement in POSTGRES_SQL if postgres else FTS_SQL:
        op.execute(statement)


def downgrade() -> None:
    raise NotImplementedError("relate never downgrades a database; restore a backup instead")

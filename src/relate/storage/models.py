"""The schema of record: every table, as SQLModel classes.

Alembic migrations are generated from this metadata and a test compares a freshly
migrated database with it. Importing SQLModel costs ~480 ms, so only migrations,
tests and tools import this module: commands read and write with plain SQL
registered through ``relate.storage.sql.statement`` (a test prepares every statement
against a migrated database), and what they need to know of the tables is derived
from here into ``relate.storage.tables`` (``python -m relate.storage.models``; a test
fails when the two disagree).

All timestamps are naive UTC (``*_at``); ``*_on`` columns are calendar days.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel


class Organisation(SQLModel, table=True):
    __table_args__ = (
        # 0006: `today` reads only the organisations that have a cadence.
        Index(
            "ix_organisation_cadence",
            "cadence_days",
            sqlite_where=text("cadence_days IS NOT NULL"),
            postgresql_where=text("cadence_days IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str
    name_key: str = Field(unique=True)  # casefolded, accents stripped
    notes: str = Field(default="", sa_column_kwargs={"server_default": ""})
    created_at: datetime
    # 0006: how often someone there should hear from you; contact with anyone counts.
    cadence_days: int | None = None


class Contact(SQLModel, table=True):
    __table_args__ = (
        Index("ix_contact_name_nocase", text("name COLLATE NOCASE")),
        Index("ix_contact_name_key", "name_key"),
        # "who is overdue by cadence" reads only this index, however long the history.
        Index(
            "ix_contact_next_due",
            "next_due_on",
            sqlite_where=text("archived_at IS NULL AND next_due_on IS NOT NULL"),
        ),
        # 0003: deleting a contact looks up who it referred.
        Index("ix_contact_referred_by", "referred_by_id"),
        # 0004: the most late per cadence are the first entries of each cadence's run.
        Index(
            "ix_contact_cadence_due",
            "cadence_days",
            "next_due_on",
            sqlite_where=text("archived_at IS NULL AND next_due_on IS NOT NULL"),
        ),
        # 0005: `relate list --owner NAME`, and the owner's side of `today --mine`.
        Index("ix_contact_owner", "owner"),
        # 0005: `today --mine`'s cadence section: the same walk as ix_contact_cadence_due,
        # within one owner's contacts.
        Index(
            "ix_contact_owner_cadence_due",
            "owner",
            "cadence_days",
            "next_due_on",
            sqlite_where=text("archived_at IS NULL AND next_due_on IS NOT NULL"),
            postgresql_where=text("archived_at IS NULL AND next_due_on IS NOT NULL"),
        ),
        # 0006: an organisation's last contact with anyone there (`org show`, `today`).
        Index("ix_contact_org_last_contact", "org_id", "last_contact_at"),
        # 0006: `search` finds people by role (the distinct roles, then one role's people).
        Index("ix_contact_role", "role"),
        # 0008: `today`'s losing-touch section: contacts without a cadence, longest
        # without contact (or since added) first.
        Index(
            "ix_contact_losing_touch",
            text("coalesce(last_contact_at, created_at)"),
            sqlite_where=text("archived_at IS NULL AND cadence_days IS NULL"),
            postgresql_where=text("archived_at IS NULL AND cadence_days IS NULL"),
        ),
        # 0008: the same within one owner's contacts (`today --mine`).
        Index(
            "ix_contact_owner_losing_touch",
            "owner",
            text("coalesce(last_contact_at, created_at)"),
            sqlite_where=text("archived_at IS NULL AND cadence_days IS NULL"),
            postgresql_where=text("archived_at IS NULL AND cadence_days IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str
    name_key: str
    org_id: int | None = Field(default=None, foreign_key="organisation.id", ondelete="SET NULL")
    role: str | None = None
    relationship_type: str | None = None
    stage: str | None = None
    cadence_days: int | None = None
    priority: int = Field(default=1, sa_column_kwargs={"server_default": "1"})  # 0 low .. 2 high
    notes: str = Field(default="", sa_column_kwargs={"server_default": ""})
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None = None
    # Denormalised from interactions in the same transaction as every log, so the
    # agenda never scans the history.
    last_contact_at: datetime | None = None
    next_due_on: date | None = None
    # Added in 0002: team ownership and referrals. `relate add` sets the current user
    # (RELATE_USER, else the login name) since 0005; older rows keep NULL (no owner).
    owner: str | None = None
    referred_by_id: int | None = Field(default=None, foreign_key="contact.id", ondelete="SET NULL")
    # 0006: a decision-maker at their organisation (`relate edit --decides`).
    decides: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})


class ContactAlias(SQLModel, table=True):
    __tablename__ = "contact_alias"
    __table_args__ = (
        Index("ix_contact_alias_key", "alias_key"),
        Index("ix_contact_alias_contact", "contact_id"),  # 0003: cascading deletes
    )

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    alias: str
    alias_key: str


class ContactEmail(SQLModel, table=True):
    __tablename__ = "contact_email"
    __table_args__ = (
        Index("ix_contact_email_key", "email_key"),
        Index("ix_contact_email_contact", "contact_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    email: str
    email_key: str  # lower-cased, for duplicate detection
    position: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class ContactPhone(SQLModel, table=True):
    __tablename__ = "contact_phone"
    __table_args__ = (
        Index("ix_contact_phone_key", "phone_key"),
        Index("ix_contact_phone_contact", "contact_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    phone: str
    phone_key: str  # digits (and a leading +) only
    position: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class ContactTag(SQLModel, table=True):
    __tablename__ = "contact_tag"
    __table_args__ = (
        UniqueConstraint("contact_id", "tag_key"),
        Index("ix_contact_tag_key", "tag_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    tag: str
    tag_key: str


class ContactAddress(SQLModel, table=True):
    """0007: a postal address, kept as vCard's seven ADR parts so none is lost on a
    round trip; ``address_key`` (the parts folded, one line) finds it for ``edit``."""

    __tablename__ = "contact_address"
    __table_args__ = (Index("ix_contact_address_contact", "contact_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    kind: str | None = None  # home | work | billing; NULL when the source said none
    po_box: str = Field(default="", sa_column_kwargs={"server_default": ""})
    extended: str = Field(default="", sa_column_kwargs={"server_default": ""})
    street: str = Field(default="", sa_column_kwargs={"server_default": ""})
    locality: str = Field(default="", sa_column_kwargs={"server_default": ""})
    region: str = Field(default="", sa_column_kwargs={"server_default": ""})
    postal_code: str = Field(default="", sa_column_kwargs={"server_default": ""})
    country: str = Field(default="", sa_column_kwargs={"server_default": ""})
    address_key: str
    position: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class ContactField(SQLModel, table=True):
    """0007: a custom field (``relate edit --set KEY=VALUE``): one value per key."""

    __tablename__ = "contact_field"
    __table_args__ = (
        UniqueConstraint("contact_id", "key"),
        # `list --where KEY=VALUE` reads the matching contacts off this index; the
        # distinct keys (an export's columns) are a walk down it.
        Index("ix_contact_field_key_value", "key", "value_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    key: str  # lower case, letters, digits and "-": see services/fields.py
    value: str
    value_key: str  # folded (case and accents), for --where


class ImportantDate(SQLModel, table=True):
    __tablename__ = "important_date"
    __table_args__ = (
        # Birthdays and anniversaries in the coming days: an index range on (month, day).
        Index("ix_important_date_month_day", "month", "day"),
        Index("ix_important_date_contact", "contact_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    kind: str  # birthday | anniversary | custom
    label: str  # "birthday", "anniversary" or the custom label
    month: int
    day: int
    year: int | None = None
    lead_days: int = Field(default=7, sa_column_kwargs={"server_default": "7"})
    created_at: datetime
    # 0009: a date that happens one time (a contract renewal on 2027-01-31): shown
    # within its lead time before that day only, never repeated; its year is set.
    once: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})


class Interaction(SQLModel, table=True):
    __table_args__ = (Index("ix_interaction_occurred_at", "occurred_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str  # call | email | meeting | message | note | gift
    occurred_at: datetime
    text: str = Field(default="", sa_column_kwargs={"server_default": ""})
    created_at: datetime
    # 0005: who logged it (RELATE_USER, else the login name); NULL for older rows.
    logged_by: str | None = None


class InteractionContact(SQLModel, table=True):
    __tablename__ = "interaction_contact"
    __table_args__ = (Index("ix_interaction_contact_contact", "contact_id", "interaction_id"),)

    interaction_id: int = Field(foreign_key="interaction.id", ondelete="CASCADE", primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE", primary_key=True)


class InteractionTag(SQLModel, table=True):
    __tablename__ = "interaction_tag"
    __table_args__ = (
        UniqueConstraint("interaction_id", "tag_key"),
        Index("ix_interaction_tag_key", "tag_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    interaction_id: int = Field(foreign_key="interaction.id", ondelete="CASCADE")
    tag: str
    tag_key: str


class Reminder(SQLModel, table=True):
    """Reminders and follow-ups share this table, and so one id space."""

    __table_args__ = (
        # The agenda's "overdue and due" sections read open items only.
        Index(
            "ix_reminder_open_due",
            text("coalesce(snoozed_until, due_at)"),
            sqlite_where=text("done_at IS NULL"),
        ),
        Index("ix_reminder_contact", "contact_id"),
        Index("ix_reminder_interaction", "interaction_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default="reminder", sa_column_kwargs={"server_default": "reminder"})
    contact_id: int | None = Field(default=None, foreign_key="contact.id", ondelete="CASCADE")
    interaction_id: int | None = Field(
        default=None, foreign_key="interaction.id", ondelete="CASCADE"
    )
    text: str
    due_at: datetime  # UTC; for all-day items the local midnight
    all_day: bool = Field(default=True, sa_column_kwargs={"server_default": "1"})
    rrule: str | None = None  # RFC 5545 RRULE value, e.g. FREQ=WEEKLY;INTERVAL=2
    snoozed_until: datetime | None = None
    done_at: datetime | None = None
    created_at: datetime


class ReminderCompletion(SQLModel, table=True):
    """Each completion of a recurring reminder, kept as history."""

    __tablename__ = "reminder_completion"

    id: int | None = Field(default=None, primary_key=True)
    reminder_id: int = Field(foreign_key="reminder.id", ondelete="CASCADE")
    due_at: datetime
    done_at: datetime


# --- 0002: the relationship-practice records (services/practice.py) ----------------


class StageChange(SQLModel, table=True):
    __tablename__ = "stage_change"
    __table_args__ = (Index("ix_stage_change_contact", "contact_id", "changed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    stage: str
    changed_at: datetime


class Engagement(SQLModel, table=True):
    __table_args__ = (
        Index("ix_engagement_contact", "contact_id"),
        # 0011: `today`'s open engagements with a due date, soonest first.
        Index(
            "ix_engagement_open_due",
            "due_on",
            sqlite_where=text("status IN ('proposed', 'active') AND due_on IS NOT NULL"),
            postgresql_where=text("status IN ('proposed', 'active') AND due_on IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    title: str
    # active, then done or cancelled (with a satisfaction score) when it closes
    status: str = Field(default="active", sa_column_kwargs={"server_default": "active"})
    value_cents: int | None = None
    currency: str | None = None
    started_on: date | None = None
    ended_on: date | None = None
    satisfaction: int | None = None  # 0-10, asked for when the engagement closes
    notes: str = Field(default="", sa_column_kwargs={"server_default": ""})
    created_at: datetime
    # 0011: when it is due (`relate engagement edit ID --due DATE`); `today` shows an
    # open one within 7 days of it.
    due_on: date | None = None


class EngagementEntry(SQLModel, table=True):
    """0011: an engagement's history, append-only: each change `engagement edit` and
    `close` make (``field``: title, value, due or status, with the old and new value
    as text) and each note (``field`` note, the text in ``new_value``)."""

    __tablename__ = "engagement_entry"
    __table_args__ = (Index("ix_engagement_entry_engagement", "engagement_id", "entered_at"),)

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(foreign_key="engagement.id", ondelete="CASCADE")
    entered_at: datetime
    entered_by: str | None = None  # RELATE_USER, else the login name
    field: str  # title | value | due | status | note
    old_value: str | None = None
    new_value: str | None = None


class NoteHistory(SQLModel, table=True):
    """0011: a contact's earlier notes: the text each change of ``contact.notes``
    replaced, when and by whom (``relate show --history``)."""

    __tablename__ = "note_history"
    __table_args__ = (Index("ix_note_history_contact", "contact_id", "replaced_at"),)

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    notes: str
    replaced_at: datetime
    replaced_by: str | None = None


class Feedback(SQLModel, table=True):
    __table_args__ = (Index("ix_feedback_contact", "contact_id", "received_on"),)

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    score: int  # 0-10, as in Net Promoter Score
    received_on: date
    note: str = Field(default="", sa_column_kwargs={"server_default": ""})


class Concern(SQLModel, table=True):
    __table_args__ = (
        Index("ix_concern_open", "opened_at", sqlite_where=text("resolved_at IS NULL")),
        Index("ix_concern_contact", "contact_id"),
        # 0009: `today`'s concerns section reads open concerns in its order, high
        # severity first, then oldest first: the first entries of this index.
        Index(
            "ix_concern_open_rank",
            text("severity DESC"),
            "opened_at",
            sqlite_where=text("resolved_at IS NULL"),
            postgresql_where=text("resolved_at IS NULL"),
        ),
        # 0009: open concerns past their due day (`today`'s Overdue section).
        Index(
            "ix_concern_open_due",
            "due_on",
            sqlite_where=text("resolved_at IS NULL AND due_on IS NOT NULL"),
            postgresql_where=text("resolved_at IS NULL AND due_on IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    text: str
    opened_at: datetime
    resolved_at: datetime | None = None
    resolution: str | None = None
    # 0009: 0 low, 1 normal, 2 high (as a contact's priority); an escalation raises it.
    severity: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    due_on: date | None = None  # the day it should be resolved by; then it is overdue
    cause: str | None = None  # what went wrong (`resolve --cause`)
    prevent: str | None = None  # how to keep it from happening again (`resolve --prevent`)


class ConcernEscalation(SQLModel, table=True):
    """0009: one step of a concern's escalation trail (``relate escalate``), never
    changed afterwards; the concern's own row holds its current severity."""

    __tablename__ = "concern_escalation"
    __table_args__ = (Index("ix_concern_escalation_concern", "concern_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    concern_id: int = Field(foreign_key="concern.id", ondelete="CASCADE")
    escalated_at: datetime
    escalated_by: str | None = None  # the current user (RELATE_USER, else the login name)
    escalated_to: str | None = None  # whom to (`--to`): a colleague, a manager, free text
    note: str = Field(default="", sa_column_kwargs={"server_default": ""})
    severity_before: int
    severity_after: int


class Gift(SQLModel, table=True):
    __table_args__ = (Index("ix_gift_contact", "contact_id"),)

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    description: str
    status: str = Field(default="idea", sa_column_kwargs={"server_default": "idea"})  # or given
    occasion: str | None = None
    given_on: date | None = None
    created_at: datetime


# --- 0003: the undo journal ---------------------------------------------------------

# Every other table holds the user's data and is journaled for ``relate undo``.
NOT_JOURNALED = {"journaled": False}


class UndoStep(SQLModel, table=True):
    """One write command (``relate undo`` reverts the newest first)."""

    __tablename__ = "undo_step"
    __table_args__ = {"info": NOT_JOURNALED}

    id: int | None = Field(default=None, primary_key=True)
    label: str  # the command line, one line, shortened
    created_at: datetime
    # 0005: who ran the command; `relate undo` takes back only the current user's steps.
    made_by: str | None = None


class UndoEntry(SQLModel, table=True):
    """One inverse SQL statement of a step, recorded by the TEMP triggers of
    ``storage/journal.py``; ``services/undo.py`` replays them."""

    __tablename__ = "undo_entry"
    __table_args__ = (Index("ix_undo_entry_step", "step_id"), {"info": NOT_JOURNALED})

    id: int | None = Field(default=None, primary_key=True)
    step_id: int = Field(foreign_key="undo_step.id", ondelete="CASCADE")
    sql: str


# --- what commands may know of the schema without importing SQLModel ----------------


def _tuple_lines(head: str, values: list[str], indent: str = "", end: str = "") -> list[str]:
    """``head(values...)end`` on one line when it fits in 100 columns, else one a line."""
    quoted = [f'"{v}"' for v in values]
    line = f"{indent}{head}({', '.join(quoted)}{',' if len(quoted) == 1 else ''}){end}"
    if len(line) <= 100:
        return [line]
    return [f"{indent}{head}(", *(f"{indent}    {q}," for q in quoted), f"{indent}){end}"]


def tables_module() -> str:
    """The text of ``storage/tables.py``, derived from the models above."""
    tables = list(SQLModel.metadata.tables.values())
    journaled = [t.name for t in tables if t.info.get("journaled", True)]
    lines = [
        '"""The tables of ``storage/models.py`` and their columns, for code that must not',
        "import SQLModel (the undo journal's triggers, checks of what a statement names).",
        "",
        "Generated from the models: ``python -m relate.storage.models >",
        "src/relate/storage/tables.py``; tests/unit/test_storage.py fails when they differ.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "# Every table, with its columns in the models' order.",
        "COLUMNS: dict[str, tuple[str, ...]] = {",
    ]
    for table in tables:
        columns = [column.name for column in table.columns]
        lines += _tuple_lines(f'"{table.name}": ', columns, "    ", ",")
    lines += [
        "}",
        "",
        "# Every table's primary key (what identifies a row an undo step puts back).",
        "KEYS: dict[str, tuple[str, ...]] = {",
    ]
    for table in tables:
        keys = [column.name for column in table.primary_key.columns]
        lines += _tuple_lines(f'"{table.name}": ', keys, "    ", ",")
    lines += [
        "}",
        "",
        "# The tables holding the user's data, which ``relate undo`` can revert: all but",
        "# those the models mark NOT_JOURNALED (the undo journal's own).",
        *_tuple_lines("JOURNALED_TABLES: tuple[str, ...] = ", journaled, ""),
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(tables_module(), end="")

"""The tables of ``storage/models.py`` and their columns, for code that must not
import SQLModel (the undo journal's triggers, checks of what a statement names).

Generated from the models: ``python -m relate.storage.models >
src/relate/storage/tables.py``; tests/unit/test_storage.py fails when they differ.
"""

from __future__ import annotations

# Every table, with its columns in the models' order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "organisation": ("id", "name", "name_key", "notes", "created_at", "cadence_days"),
    "contact": (
        "id",
        "name",
        "name_key",
        "org_id",
        "role",
        "relationship_type",
        "stage",
        "cadence_days",
        "priority",
        "notes",
        "created_at",
        "updated_at",
        "archived_at",
        "last_contact_at",
        "next_due_on",
        "owner",
        "referred_by_id",
        "decides",
    ),
    "contact_alias": ("id", "contact_id", "alias", "alias_key"),
    "contact_email": ("id", "contact_id", "email", "email_key", "position"),
    "contact_phone": ("id", "contact_id", "phone", "phone_key", "position"),
    "contact_tag": ("id", "contact_id", "tag", "tag_key"),
    "important_date": (
        "id",
        "contact_id",
        "kind",
        "label",
        "month",
        "day",
        "year",
        "lead_days",
        "created_at",
    ),
    "interaction": ("id", "kind", "occurred_at", "text", "created_at", "logged_by"),
    "interaction_contact": ("interaction_id", "contact_id"),
    "interaction_tag": ("id", "interaction_id", "tag", "tag_key"),
    "reminder": (
        "id",
        "kind",
        "contact_id",
        "interaction_id",
        "text",
        "due_at",
        "all_day",
        "rrule",
        "snoozed_until",
        "done_at",
        "created_at",
    ),
    "reminder_completion": ("id", "reminder_id", "due_at", "done_at"),
    "stage_change": ("id", "contact_id", "stage", "changed_at"),
    "engagement": (
        "id",
        "contact_id",
        "title",
        "status",
        "value_cents",
        "currency",
        "started_on",
        "ended_on",
        "satisfaction",
        "notes",
        "created_at",
    ),
    "feedback": ("id", "contact_id", "score", "received_on", "note"),
    "concern": ("id", "contact_id", "text", "opened_at", "resolved_at", "resolution"),
    "gift": ("id", "contact_id", "description", "status", "occasion", "given_on", "created_at"),
    "undo_step": ("id", "label", "created_at", "made_by"),
    "undo_entry": ("id", "step_id", "sql"),
}

# The tables holding the user's data, which ``relate undo`` can revert: all but
# those the models mark NOT_JOURNALED (the undo journal's own).
JOURNALED_TABLES: tuple[str, ...] = (
    "organisation",
    "contact",
    "contact_alias",
    "contact_email",
    "contact_phone",
    "contact_tag",
    "important_date",
    "interaction",
    "interaction_contact",
    "interaction_tag",
    "reminder",
    "reminder_completion",
    "stage_change",
    "engagement",
    "feedback",
    "concern",
    "gift",
)

"""The undo journal, engine-neutral part: which tables it covers and how long it is.

Every write command is one ``undo_step``; the engine records the inverse of each
change under it as ``undo_entry`` rows in the same transaction (SQLite: TEMP
triggers, ``storage/engines/sqlite.py``). ``relate undo`` (services/undo.py) replays
a step's entries newest first and deletes the step.
"""

from __future__ import annotations

# Every table holding the user's data. A test checks this against the schema, so a
# table added by a later migration cannot silently escape undo.
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

# "relate undo" walks back at least this many write commands.
KEEP_STEPS = 100
LABEL_MAX = 80


def one_line(label: str) -> str:
    """A label fit for one line of output: no line breaks, at most LABEL_MAX characters."""
    flat = " ".join(label.split())
    return flat if len(flat) <= LABEL_MAX else flat[: LABEL_MAX - 1] + "…"

"""The undo journal, engine-neutral part: which tables it covers and how long it is.

It covers ``JOURNALED_TABLES`` of ``storage/tables.py``: every table of the models but
the journal's own, so a table added later cannot silently escape undo.

Every write command is one ``undo_step``; the engine records the inverse of each
change under it as ``undo_entry`` rows in the same transaction (SQLite: TEMP
triggers, ``storage/engines/sqlite.py``). ``relate undo`` (services/undo.py) replays
a step's entries newest first and deletes the step.
"""

from __future__ import annotations

from relate.storage.tables import JOURNALED_TABLES

__all__ = ["JOURNALED_TABLES", "KEEP_STEPS", "LABEL_MAX", "one_line"]

# "relate undo" walks back at least this many write commands.
KEEP_STEPS = 100
LABEL_MAX = 80


def one_line(label: str) -> str:
    """A label fit for one line of output: no line breaks, at most LABEL_MAX characters."""
    flat = " ".join(label.split())
    return flat if len(flat) <= LABEL_MAX else flat[: LABEL_MAX - 1] + "…"

"""Undo: revert the newest write command, however many rows it touched.

Every write command is one ``undo_step`` whose ``undo_entry`` rows hold the inverse
SQL of each change (recorded by the engine's journal, ``storage/engines/``).
Undo replays them newest first in one transaction and deletes the step; it is not
itself journaled, so repeating it walks further back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from relate import clock
from relate.errors import RelateError
from relate.storage.database import Database
from relate.storage.sql import statement

NEWEST_STEP = statement("SELECT id, label, created_at FROM undo_step ORDER BY id DESC LIMIT 1")
STEP_ENTRIES = statement("SELECT sql FROM undo_entry WHERE step_id = :id ORDER BY id DESC")
DELETE_STEP = statement("DELETE FROM undo_step WHERE id = :id")
HISTORY = statement(
    """SELECT s.id, s.label, s.created_at,
        (SELECT count(*) FROM undo_entry e WHERE e.step_id = s.id) AS changes
    FROM undo_step s ORDER BY s.id DESC LIMIT :limit"""
)


@dataclass(frozen=True)
class Undone:
    label: str  # the command line undone
    changes: int  # rows put back as they were


def undo_last(db: Database) -> Undone:
    """Revert the newest step; raise when there is nothing left to undo."""
    with db.transaction(journal=False) as conn:
        step = conn.execute(NEWEST_STEP).fetchone()
        if step is None:
            raise RelateError("nothing to undo")
        entries = [str(row[0]) for row in conn.execute(STEP_ENTRIES, {"id": step["id"]})]
        db.engine.replay(entries)  # checked: only what the journal itself writes
        conn.execute(DELETE_STEP, {"id": step["id"]})
    return Undone(str(step["label"]), len(entries))


@dataclass(frozen=True)
class Step:
    id: int
    label: str  # the command line
    at: datetime  # local: when it ran
    changes: int


def history(db: Database, limit: int = 20) -> list[Step]:
    """The newest undoable steps, newest first."""
    return [
        Step(
            int(row["id"]),
            str(row["label"]),
            clock.from_storage(str(row["created_at"])),
            int(row["changes"]),
        )
        for row in db.execute(HISTORY, {"limit": limit})
    ]

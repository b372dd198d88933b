"""Undo: revert the newest write command, however many rows it touched.

Every write command is one ``undo_step`` whose ``undo_entry`` rows hold the inverse
SQL of each change (recorded by the engine's journal, ``storage/engines/``).
Undo replays them newest first in one transaction and deletes the step; it is not
itself journaled, so repeating it walks further back. On a shared database each step
records who made it (``made_by``): given a user, undo and its list see only that
person's steps (and those from before relate recorded people), never a colleague's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from relate import clock
from relate.errors import RelateError
from relate.storage.database import Database
from relate.storage.sql import statement

NEWEST_STEP = statement("SELECT id, label, created_at FROM undo_step ORDER BY id DESC LIMIT 1")
_MINE = "(made_by = :user OR made_by IS NULL)"
NEWEST_STEP_OF = statement(
    f"SELECT id, label, created_at FROM undo_step WHERE {_MINE} ORDER BY id DESC LIMIT 1"
)
OTHERS_STEPS = statement("SELECT count(*) FROM undo_step WHERE made_by <> :user")
STEP_ENTRIES = statement("SELECT sql FROM undo_entry WHERE step_id = :id ORDER BY id DESC")
DELETE_STEP = statement("DELETE FROM undo_step WHERE id = :id")
HISTORY = statement(
    """SELECT s.id, s.label, s.created_at,
        (SELECT count(*) FROM undo_entry e WHERE e.step_id = s.id) AS changes
    FROM undo_step s WHERE CAST(:user AS TEXT) IS NULL OR s.made_by = :user OR s.made_by IS NULL
    ORDER BY s.id DESC LIMIT :limit"""
)


@dataclass(frozen=True)
class Undone:
    label: str  # the command line undone
    changes: int  # rows put back as they were


def undo_last(db: Database, user: str | None = None) -> Undone:
    """Revert the newest step (of ``user``, when given); raise when there is none."""
    with db.transaction(journal=False) as conn:
        if user is None:
            step = conn.execute(NEWEST_STEP).fetchone()
        else:
            step = conn.execute(NEWEST_STEP_OF, {"user": user}).fetchone()
        if step is None:
            others = user is not None and conn.execute(OTHERS_STEPS, {"user": user}).fetchone()[0]
            if others:
                raise RelateError(
                    f"nothing of yours ({user}) to undo",
                    hint="undo takes back only your own changes; the newer ones are a colleague's",
                )
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


def history(db: Database, limit: int = 20, user: str | None = None) -> list[Step]:
    """The newest undoable steps (``user``'s, when given), newest first."""
    return [
        Step(
            int(row["id"]),
            str(row["label"]),
            clock.from_storage(str(row["created_at"])),
            int(row["changes"]),
        )
        for row in db.execute(HISTORY, {"limit": limit, "user": user})
    ]

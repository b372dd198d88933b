"""Undo: revert the newest write command, however many rows it touched.

Every write command is one ``undo_step`` whose ``undo_entry`` rows hold the inverse
SQL of each change (recorded by the TEMP triggers of ``relate.storage.journal``).
Undo replays them newest first in one transaction and deletes the step; it is not
itself journaled, so repeating it walks further back.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from relate import clock
from relate.errors import RelateError, StorageError
from relate.storage.database import Database
from relate.storage.journal import JOURNALED_TABLES
from relate.storage.sql import statement

NEWEST_STEP = statement("SELECT id, label, created_at FROM undo_step ORDER BY id DESC LIMIT 1")
STEP_ENTRIES = statement("SELECT sql FROM undo_entry WHERE step_id = :id ORDER BY id DESC")
DELETE_STEP = statement("DELETE FROM undo_step WHERE id = :id")
HISTORY = statement(
    """SELECT s.id, s.label, s.created_at,
        (SELECT count(*) FROM undo_entry e WHERE e.step_id = s.id) AS changes
    FROM undo_step s ORDER BY s.id DESC LIMIT :limit"""
)

# What the triggers write, and nothing else: a file from elsewhere (a restored
# backup) must not be able to smuggle other SQL into an undo.
_PREFIX = re.compile(
    r'(?:INSERT INTO|UPDATE|DELETE FROM) "(?:' + "|".join(JOURNALED_TABLES) + r')" '
)
_LITERALS = re.compile(r"X'[0-9A-F]*'|\"[a-z_]+\"")
_REST = re.compile(r"[A-Za-z0-9 ,().=+\-]*")
_WORDS = re.compile(r"[A-Za-z]+")
_KEYWORDS = {"WHERE", "rowid", "SET", "VALUES", "CAST", "AS", "TEXT", "NULL", "e"}


def _authorize(action: int, arg1: str | None, *_rest: object) -> int:
    """No ATTACH, DETACH or PRAGMA while replaying (FTS5 reads ``data_version``)."""
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_PRAGMA and arg1 != "data_version":
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


@dataclass(frozen=True)
class Undone:
    label: str
    changes: int

    def describe(self) -> str:
        noun = "change" if self.changes == 1 else "changes"
        return f"Undid: {self.label} ({self.changes} {noun})"


def _check(sql: str) -> None:
    head = _PREFIX.match(sql)
    rest = _LITERALS.sub("", sql[head.end() :]) if head else ""
    if head is None or not _REST.fullmatch(rest) or set(_WORDS.findall(rest)) - _KEYWORDS:
        raise StorageError("the undo journal holds an entry relate did not write; not undoing")


def undo_last(db: Database) -> Undone:
    """Revert the newest step; raise when there is nothing left to undo."""
    with db.transaction(journal=False) as conn:
        step = conn.execute(NEWEST_STEP).fetchone()
        if step is None:
            raise RelateError("nothing to undo")
        entries = [str(row[0]) for row in conn.execute(STEP_ENTRIES, {"id": step["id"]})]
        for sql in entries:
            _check(sql)
        # Children may come back before their parent within a step: check the foreign
        # keys once, at commit.
        conn.execute("PRAGMA defer_foreign_keys=ON")
        conn.set_authorizer(_authorize)
        try:
            with db.interruptible():
                for sql in entries:
                    conn.execute(sql)
        finally:
            conn.set_authorizer(None)
        conn.execute(DELETE_STEP, {"id": step["id"]})
    return Undone(str(step["label"]), len(entries))


@dataclass(frozen=True)
class Step:
    id: int
    label: str
    when: str
    changes: int


def history(db: Database, limit: int = 20) -> list[Step]:
    """The newest undoable steps, newest first."""
    return [
        Step(
            int(row["id"]),
            str(row["label"]),
            clock.from_storage(str(row["created_at"])).strftime("%Y-%m-%d %H:%M"),
            int(row["changes"]),
        )
        for row in db.execute(HISTORY, {"limit": limit})
    ]

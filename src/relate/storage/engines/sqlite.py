"""The SQLite engine: the stdlib ``sqlite3`` driver and everything only SQLite does.

- the connection: ``sqlite3.Row`` rows, autocommit, busy timeout and pragmas;
- how a write takes the lock: ``BEGIN IMMEDIATE`` (waits out another writer);
- how a command's reads share one snapshot: a read-only deferred transaction;
- SQLite's error texts turned into one-line, exit-code-4 messages;
- the undo journal: TEMP triggers recording the inverse of every change, and the
  guarded replay of them (an authorizer, deferred foreign keys);
- full-text search: the FTS5 tables of migration 0001, bm25 ranking, snippets.

The file itself (creating, identifying, upgrading) is ``storage/database.py``'s.
"""

from __future__ import annotations

import math
import os
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from relate import clock
from relate.errors import SettingError, StorageError
from relate.storage.engines import QueryParts, SearchSyntaxError
from relate.storage.journal import KEEP_STEPS, one_line
from relate.storage.sql import statement
from relate.storage.tables import COLUMNS, JOURNALED_TABLES

NAME = "sqlite"
BUSY_TIMEOUT_MS = 5000  # how long a write waits for another writer; RELATE_BUSY_TIMEOUT (s)
MAX_BUSY_TIMEOUT_MS = 2**31 - 1  # SQLite keeps the timeout in a C int


def busy_timeout_ms() -> int:
    """How long to wait for another writer: ``RELATE_BUSY_TIMEOUT`` seconds, else 5 s."""
    configured = os.environ.get("RELATE_BUSY_TIMEOUT", "").strip()
    if configured:
        try:
            seconds = float(configured)
        except ValueError:
            seconds = math.nan
        if math.isnan(seconds):
            raise SettingError(
                f"RELATE_BUSY_TIMEOUT={configured!r} is not a number of seconds"
            ) from None
        if seconds >= 0:
            # "inf" and other huge values mean: wait as long as SQLite can (24 days).
            return int(min(seconds * 1000, MAX_BUSY_TIMEOUT_MS))
    return BUSY_TIMEOUT_MS


def storage_error(exc: sqlite3.Error, path: Path) -> StorageError:
    """Turn SQLite's environment failures into one-line, exit-code-4 messages."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return StorageError(f"{path} is locked by another program", hint="try again in a moment")
    if "readonly" in text or "read-only" in text:
        return StorageError(f"{path} is read-only", hint="check the file's permissions")
    if "full" in text:
        return StorageError(f"cannot write {path}: the disk is full")
    if "malformed" in text or "not a database" in text:
        return StorageError(f"{path} is damaged: {text}", hint="restore a backup")
    return StorageError(f"cannot use {path}: {text}")


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (relate says BEGIN itself), rows by name."""
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout_ms() / 1000)
    except sqlite3.Error as exc:
        raise storage_error(exc, path) from exc
    conn.row_factory = sqlite3.Row
    return conn


def configure(conn: sqlite3.Connection) -> None:
    """The pragmas every command's connection runs with."""
    conn.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
    conn.execute("PRAGMA foreign_keys=ON")
    # Rows deleted by ON DELETE CASCADE or REPLACE reach the undo journal's
    # triggers even when the delete itself runs inside a trigger.
    conn.execute("PRAGMA recursive_triggers=ON")
    # FULL: in WAL mode a commit survives a power cut, not only a crash; a log is
    # years of someone's work and one fsync per command is cheap.
    conn.execute("PRAGMA synchronous=FULL")


class SQLiteEngine:
    """One open SQLite database: the hooks ``Database`` calls."""

    name = NAME
    errors = sqlite3.Error

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self._journal_ready = False

    # -- statements ---------------------------------------------------------------------

    def execute(self, sql: str, params: dict[str, object] | None = None) -> sqlite3.Cursor:
        try:
            return self.conn.execute(sql, params or {})
        except sqlite3.Error as exc:
            raise storage_error(exc, self.path) from exc

    def insert(self, sql: str, params: dict[str, object] | None = None) -> int:
        """Run an INSERT and return the new row's id (``lastrowid``: no RETURNING, which
        needs SQLite 3.35 and Debian 11 ships 3.34)."""
        try:
            return int(self.conn.execute(sql, params or {}).lastrowid or 0)
        except sqlite3.Error as exc:
            raise storage_error(exc, self.path) from exc

    def tuples(self, sql: str) -> list[tuple[Any, ...]]:
        """All rows as plain tuples: cheaper than rows by name for a scan of every key."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        try:
            return cursor.execute(sql).fetchall()
        except sqlite3.Error as exc:
            raise storage_error(exc, self.path) from exc

    def error(self, exc: BaseException) -> StorageError | None:
        """The one-line message for a driver error, None for anything else."""
        return storage_error(exc, self.path) if isinstance(exc, sqlite3.Error) else None

    # -- the write lock -----------------------------------------------------------------

    def begin_write(self) -> None:
        """Take the write lock before reading anything: another writer is waited out
        (busy timeout) instead of failing half-way."""
        self.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.execute("COMMIT")

    # -- one snapshot for a command's reads ---------------------------------------------

    def begin_read(self) -> None:
        """Pin the data as it is now for every read until ``end_read`` (a deferred
        transaction, started by its first read). ``query_only`` makes a write attempted
        in it fail at once instead of being rolled back unseen at the end."""
        try:
            self.conn.execute("PRAGMA query_only=ON")
            self.conn.execute("BEGIN")
            self.conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        except sqlite3.Error as exc:
            self.end_read()
            raise storage_error(exc, self.path) from exc

    def end_read(self) -> None:
        try:
            self.rollback()  # nothing was written in it
            self.conn.execute("PRAGMA query_only=OFF")
        except sqlite3.Error as exc:
            raise storage_error(exc, self.path) from exc

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def close(self) -> None:
        self.conn.close()

    # -- the undo journal ---------------------------------------------------------------

    def prepare_journal(self) -> None:
        """Create the journal's TEMP table and triggers (idempotent, ~1 ms)."""
        if self._journal_ready:
            return
        try:
            install_journal(self.conn)
        except sqlite3.Error as exc:
            raise storage_error(exc, self.path) from exc
        self._journal_ready = True

    def begin_step(self, label: str, at: datetime) -> int:
        try:
            return begin_step(self.conn, label, at)
        except sqlite3.Error as exc:
            raise storage_error(exc, self.path) from exc

    def end_step(self, step: int) -> bool:
        try:
            return end_step(self.conn, step)
        except sqlite3.Error as exc:
            raise storage_error(exc, self.path) from exc

    def replay(self, entries: list[str]) -> None:
        """Run the inverse statements of one undo step (inside the write transaction)."""
        for sql in entries:
            check_entry(sql)
        # Children may come back before their parent within a step: check the foreign
        # keys once, at commit.
        self.execute("PRAGMA defer_foreign_keys=ON")
        self.conn.set_authorizer(_authorize)
        try:
            with self.interruptible():
                for sql in entries:
                    self.conn.execute(sql)
        except sqlite3.Error as exc:
            raise storage_error(exc, self.path) from exc
        finally:
            self.conn.set_authorizer(None)

    # -- many rows at once (an import's batch) ------------------------------------------

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]], ignore: bool
    ) -> None:
        """Insert ``rows``; a table with a full-text trigger (``contact``) takes them
        through a TEMP copy and one INSERT ... SELECT, because FTS5 writes its index out
        at the end of every statement: 20 us a row inserted one by one, 2 us in a batch."""
        if not rows:
            return
        assert table in JOURNALED_TABLES, table
        names = ",".join(f'"{column}"' for column in columns)
        verb = "INSERT OR IGNORE" if ignore else "INSERT"
        marks = ",".join("?" * len(columns))
        try:
            if table not in _STAGED:
                self.conn.executemany(
                    f'{verb} INTO main."{table}" ({names}) VALUES ({marks})', rows
                )
                return
            stage = f'temp."stage_{table}"'
            self.conn.execute(
                f'CREATE TEMP TABLE IF NOT EXISTS "stage_{table}" AS'
                f' SELECT {names} FROM main."{table}" WHERE 0'
            )
            self.conn.executemany(f"INSERT INTO {stage} ({names}) VALUES ({marks})", rows)
            self.conn.execute(
                f'{verb} INTO main."{table}" ({names}) SELECT {names} FROM {stage} ORDER BY rowid'
            )
            self.conn.execute(f"DELETE FROM {stage}")
        except sqlite3.Error as exc:
            raise storage_error(exc, self.path) from exc

    @contextmanager
    def journal_ranges(self, tables: Sequence[str]) -> Iterator[None]:
        """Journal the rows inserted into ``tables`` inside this block as one undo entry
        per table (``DELETE FROM t WHERE rowid BETWEEN first AND last``) instead of one
        per row. Only for blocks that insert: while the write lock is held, new rows get
        rowids above every existing one; an update or delete inside would go unrecorded.
        The insert triggers are dropped for the block (even idle, a trigger costs its
        program: 3.5 us a row) and made again after it; TEMP DDL is transactional."""
        try:
            active = self.conn.execute("SELECT step_id FROM temp.undo_active").fetchone()
            if active is None:  # nothing is journaled now
                yield
                return
            step = int(active[0])
            before = [_last_rowid(self.conn, table) for table in tables]
            for table in tables:
                self.conn.execute(f'DROP TRIGGER IF EXISTS temp."undo_{table}_i"')
            try:
                yield
            finally:
                for table in tables:
                    self.conn.execute(trigger_sql(table, COLUMNS[table])[0])
            for table, first in zip(tables, before, strict=True):
                last = _last_rowid(self.conn, table)
                if last > first:
                    self.conn.execute(
                        "INSERT INTO main.undo_entry (step_id, sql) VALUES (?, ?)",
                        (step, f'DELETE FROM "{table}" WHERE rowid BETWEEN {first + 1} AND {last}'),
                    )
        except sqlite3.Error as exc:
            raise storage_error(exc, self.path) from exc

    @contextmanager
    def interruptible(self) -> Iterator[None]:
        """Ctrl-C inside a long statement stops it and becomes ``KeyboardInterrupt``.

        Python delivers Ctrl-C between bytecodes, which may be inside one of SQLite's
        callbacks (undo's authorizer): SQLite then sees a refusal and reports "not
        authorized", exit 4 instead of 130 (#9.13). Here Ctrl-C only sets a flag and
        interrupts SQLite; the statement fails and the interrupt is raised after it.
        """
        import signal
        import threading

        if threading.current_thread() is not threading.main_thread():
            yield
            return
        interrupted = False

        def on_ctrl_c(_signum: int, _frame: object) -> None:
            nonlocal interrupted
            interrupted = True
            self.conn.interrupt()

        previous = signal.signal(signal.SIGINT, on_ctrl_c)
        try:
            yield
        except sqlite3.DatabaseError:
            if interrupted:
                raise KeyboardInterrupt from None
            raise
        finally:
            signal.signal(signal.SIGINT, previous)
        if interrupted:
            raise KeyboardInterrupt

    # -- full-text search ---------------------------------------------------------------

    def search_contacts(self, parts: QueryParts, limit: int) -> list[Any]:
        """Matching, unarchived contacts, best first: id, name, snippet, last_contact_at."""
        return self._search(SEARCH_CONTACTS, {"query": fts_query(parts), "limit": limit})

    def search_interactions(self, parts: QueryParts, limit: int) -> list[Any]:
        """Matching interactions, best first: id, kind, occurred_at, snippet, contacts
        (names joined by ", ") and contact_id (the lowest)."""
        query = fts_query(parts)
        ranked = self._search(RANK_INTERACTIONS, {"query": query, "limit": limit})
        return [self._search(INTERACTION_HIT, {"query": query, "id": row[0]})[0] for row in ranked]

    def _search(self, sql: str, params: dict[str, object]) -> list[Any]:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if "fts5" in str(exc) or "syntax" in str(exc):
                raise SearchSyntaxError(str(exc)) from exc
            raise storage_error(exc, self.path) from exc
        except sqlite3.Error as exc:
            raise storage_error(exc, self.path) from exc


# -- the undo journal's write side ------------------------------------------------------
#
# The classic SQLite undo recipe: while a write command runs, AFTER INSERT/UPDATE/
# DELETE triggers on every user table append the SQL that reverses the change to
# ``undo_entry`` under the command's ``undo_step``. ``relate undo`` (services/undo.py)
# replays a step's entries newest first and deletes the step.
#
# The triggers are TEMP (they live only on relate's own write connection, created on
# its first write) so the file carries no trigger that would fail or slow down another
# program writing it. They read the current step from ``temp.undo_active``; with no
# active step (undo itself, migrations) they record nothing.
#
# Text values are journaled as hex (``CAST(X'..' AS TEXT)``): SQLite's ``quote()`` cuts
# text at a NUL byte, and a name with a NUL in it must come back byte for byte. The
# journal therefore holds no quote characters and no semicolons, which undo checks.


def _value(ref: str) -> str:
    """SQL that renders the value ``ref`` (e.g. ``old."name"``) as an SQL literal."""
    return (
        f"CASE typeof({ref}) WHEN 'text' THEN 'CAST(X''' || hex({ref}) || ''' AS TEXT)'"
        f" ELSE quote({ref}) END"
    )


def trigger_sql(table: str, columns: tuple[str, ...]) -> list[str]:
    """The three TEMP triggers journaling ``table``, which has ``columns``."""
    quoted = [f'"{c}"' for c in columns]
    record = "INSERT INTO undo_entry (step_id, sql) SELECT step_id, {expr} FROM temp.undo_active"
    on_insert = f"'DELETE FROM \"{table}\" WHERE rowid=' || new.rowid"
    assignments = " || ',' || ".join(f"'{q}=' || {_value('old.' + q)}" for q in quoted)
    on_update = f"'UPDATE \"{table}\" SET ' || {assignments} || ' WHERE rowid=' || old.rowid"
    # An update that only moves ``updated_at`` (or nothing) is no change to undo.
    compared = [q for q in quoted if q != '"updated_at"']
    changed = " OR ".join(f"old.{q} IS NOT new.{q}" for q in compared) or "0"
    values = " || ',' || ".join(_value("old." + q) for q in quoted)
    on_delete = (
        f"'INSERT INTO \"{table}\" (rowid,{','.join(quoted)}) VALUES (' || old.rowid"
        f" || ',' || {values} || ')'"
    )
    return [
        f'CREATE TEMP TRIGGER IF NOT EXISTS "undo_{table}_{event[0].lower()}"'
        f' AFTER {event} ON main."{table}"{when} BEGIN {record.format(expr=expr)}; END'
        for event, expr, when in (
            ("INSERT", on_insert, ""),
            ("UPDATE", on_update, f" WHEN {changed}"),
            ("DELETE", on_delete, ""),
        )
    ]


# Tables whose rows a full-text trigger indexes (see ``insert_rows``).
_STAGED = ("contact", "interaction")


def _last_rowid(conn: sqlite3.Connection, table: str) -> int:
    assert table in JOURNALED_TABLES, table
    return int(conn.execute(f'SELECT coalesce(max(rowid), 0) FROM main."{table}"').fetchone()[0])


def install_journal(conn: sqlite3.Connection) -> None:
    """Create the journal's TEMP table and triggers on ``conn`` (idempotent, ~1 ms).

    The tables and their columns are the models' (``storage/tables.py``): the file is
    at the models' revision whenever relate writes it.
    """
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS undo_active (step_id INTEGER NOT NULL)")
    for table in JOURNALED_TABLES:
        for sql in trigger_sql(table, COLUMNS[table]):
            conn.execute(sql)


def begin_step(conn: sqlite3.Connection, label: str, at: datetime) -> int:
    """Open a step, made ``at``, inside the current write transaction; the triggers
    file under it."""
    cursor = conn.execute(
        "INSERT INTO main.undo_step (label, created_at) VALUES (?, ?)",
        (one_line(label), clock.to_storage(at)),
    )
    step = int(cursor.lastrowid or 0)
    conn.execute("DELETE FROM temp.undo_active")
    conn.execute("INSERT INTO temp.undo_active (step_id) VALUES (?)", (step,))
    return step


def end_step(conn: sqlite3.Connection, step: int) -> bool:
    """Close the step before COMMIT and prune old ones; False when nothing changed."""
    conn.execute("DELETE FROM temp.undo_active")
    if conn.execute(
        "SELECT NOT EXISTS (SELECT 1 FROM main.undo_entry WHERE step_id = ?)", (step,)
    ).fetchone()[0]:
        conn.execute("DELETE FROM main.undo_step WHERE id = ?", (step,))
        return False
    conn.execute(
        "DELETE FROM main.undo_step WHERE id < (SELECT min(id) FROM"
        " (SELECT id FROM main.undo_step ORDER BY id DESC LIMIT ?))",
        (KEEP_STEPS,),
    )
    return True


# -- the undo journal's read side: replaying only what the triggers write ---------------

# What the triggers write, and nothing else: a file from elsewhere (a restored
# backup) must not be able to smuggle other SQL into an undo. Kept as pattern strings
# (``re`` compiles and caches them on the first undo), not compiled at import: every
# command imports this module and few of them undo.
_PREFIX = r'(?:INSERT INTO|UPDATE|DELETE FROM) "(?:' + "|".join(JOURNALED_TABLES) + r')" '
_LITERALS = r"X'[0-9A-F]*'|\"[a-z_]+\""
_REST = r"[A-Za-z0-9 ,().=+\-]*"
_WORDS = r"[A-Za-z]+"
_KEYWORDS = {"WHERE", "rowid", "SET", "VALUES", "CAST", "AS", "TEXT", "NULL", "e"}
_KEYWORDS |= {"BETWEEN", "AND"}  # an import's ranges (``journal_ranges``)


def check_entry(sql: str) -> None:
    head = re.match(_PREFIX, sql)
    rest = re.sub(_LITERALS, "", sql[head.end() :]) if head else ""
    if head is None or not re.fullmatch(_REST, rest) or set(re.findall(_WORDS, rest)) - _KEYWORDS:
        raise StorageError("the undo journal holds an entry relate did not write; not undoing")


def _authorize(action: int, arg1: str | None, *_rest: object) -> int:
    """No ATTACH, DETACH or PRAGMA while replaying (FTS5 reads ``data_version``)."""
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_PRAGMA and arg1 != "data_version":
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


# -- full-text search -------------------------------------------------------------------
#
# Two steps: rank every match by bm25 reading the full-text index alone, then fetch
# details and a snippet for the few shown. Done in one statement, SQLite would build a
# snippet and join a row for every match before the LIMIT (3x slower for a common word
# at 2M interactions). Ties go to the most recently logged.
RANK_INTERACTIONS = statement(
    """SELECT rowid FROM interaction_fts WHERE interaction_fts MATCH :query
    ORDER BY bm25(interaction_fts), rowid DESC LIMIT :limit"""
)
INTERACTION_HIT = statement(
    """SELECT i.id, i.kind, i.occurred_at,
        snippet(interaction_fts, 0, char(2), char(3), '…', 16) AS snippet,
        (SELECT group_concat(c.name, ', ') FROM interaction_contact ic
            JOIN contact c ON c.id = ic.contact_id WHERE ic.interaction_id = i.id) AS contacts,
        (SELECT min(ic.contact_id) FROM interaction_contact ic
            WHERE ic.interaction_id = i.id) AS contact_id
    FROM interaction_fts JOIN interaction i ON i.id = interaction_fts.rowid
    WHERE interaction_fts MATCH :query AND interaction_fts.rowid = :id"""
)
SEARCH_CONTACTS = statement(
    """SELECT c.id, c.name, snippet(contact_fts, -1, char(2), char(3), '…', 16) AS snippet,
        c.last_contact_at
    FROM contact_fts JOIN contact c ON c.id = contact_fts.rowid
    WHERE contact_fts MATCH :query AND c.archived_at IS NULL
    ORDER BY bm25(contact_fts) LIMIT :limit"""
)


def fts_query(parts: QueryParts) -> str:
    """The FTS5 query for the parsed parts: already FTS5's own syntax, space-joined."""
    return " ".join(parts)

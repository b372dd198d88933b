"""Check: integrity, foreign keys, search indexes and text of a relate file.

Read-only, and possible on a file relate would refuse to open (damaged, older or
newer): ``relate check`` says what is wrong before anything is restored or upgraded.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from relate.errors import StorageError
from relate.storage.database import (
    busy_timeout_ms,
    check_identity,
    close_untouched,
    storage_error,
)
from relate.storage.schema import HEAD, REVISIONS


@dataclass(frozen=True)
class Health:
    integrity: list[str]
    foreign_keys: list[str]
    search: list[str]
    revision: str
    text: list[str] = field(default_factory=list)  # values that are not valid UTF-8

    @property
    def ok(self) -> bool:
        return not (self.integrity or self.foreign_keys or self.search or self.text)

    @property
    def current(self) -> bool:
        return self.revision == HEAD

    @property
    def age(self) -> Literal["current", "older", "unknown"]:
        """current, older (the next command upgrades it) or unknown (a newer relate's,
        or damaged)."""
        if self.revision == HEAD:
            return "current"
        return "older" if self.revision in REVISIONS else "unknown"

    @property
    def newer(self) -> bool:
        """Written by a newer relate (or damaged): a revision this relate does not know."""
        return self.revision not in REVISIONS


REPORTED = 20  # problems listed per check; the rest are counted


def check_file(path: Path) -> Health:
    """Integrity, foreign keys, search indexes and text of the relate file at ``path``.

    Works on any file relate's check can read, even one relate would not open (a
    damaged schema, an older or newer revision): the file is not upgraded, and is
    closed without SQLite's closing checkpoint so not a byte of it changes (#9.7).
    """
    if not path.is_file():
        raise StorageError(f"{path} is not a regular file; it was left untouched")
    check_identity(path)
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout_ms() / 1000)
    except sqlite3.Error as exc:
        raise storage_error(exc, path) from exc
    try:
        return _check(conn)
    finally:
        close_untouched(conn, path)


def _rows(conn: sqlite3.Connection, sql: str) -> list[str] | str:
    """The first column of ``sql``'s rows, or the error that stopped it."""
    try:
        return [str(r[0]) for r in conn.execute(sql)]
    except sqlite3.DatabaseError as exc:
        return str(exc)


def _check(conn: sqlite3.Connection) -> Health:
    integrity = _rows(conn, f"PRAGMA integrity_check({REPORTED})")
    if isinstance(integrity, str) or integrity != ["ok"]:
        # Nothing else can be trusted (often cannot even run) on a broken file.
        unchecked = ["not checked"]
        found = [integrity] if isinstance(integrity, str) else integrity
        return Health(found, unchecked, unchecked, "unknown", unchecked)
    try:
        fks = [
            f"{r[0]} row {r[1]} points to a missing {r[2]}"
            for r in conn.execute("PRAGMA foreign_key_check")
        ]
    except sqlite3.DatabaseError as exc:
        fks = [str(exc)]
    revision = _rows(conn, "SELECT version_num FROM alembic_version")
    known = revision[0] if isinstance(revision, list) and revision else "unknown"
    return Health([], fks, _search_drift(conn), known, _undecodable(conn))


def _search_drift(conn: sqlite3.Connection) -> list[str]:
    search = []
    for table, content in (("contact_fts", "contact"), ("interaction_fts", "interaction")):
        try:
            conn.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
            # Rows the index misses or keeps after they are gone (another program wrote
            # the file without relate's triggers).
            drift = conn.execute(
                f"SELECT (SELECT count(*) FROM {content} WHERE id NOT IN"
                f" (SELECT id FROM {table}_docsize)) + (SELECT count(*) FROM {table}_docsize"
                f" WHERE id NOT IN (SELECT id FROM {content}))"
            ).fetchone()[0]
            if drift:
                search.append(f"{table}: {drift} rows out of step with {content}")
        except sqlite3.DatabaseError as exc:
            if "malformed" in str(exc) or "corrupt" in str(exc):
                search.append(f"{table}: {exc}")
    return search


def _undecodable(conn: sqlite3.Connection) -> list[str]:
    """Text values that are not valid UTF-8 (a flipped byte): every read of them fails."""
    found: list[str] = []
    tables = [
        str(r[0])
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE '%_fts_%'"
        )
    ]
    conn.text_factory = bytes
    try:
        for table in tables:
            columns = [str(r[1], "utf-8") for r in conn.execute(f'PRAGMA table_info("{table}")')]
            picked = ", ".join(f'"{c}"' for c in columns)
            for row in conn.execute(f'SELECT rowid, {picked} FROM "{table}"'):
                for column, value in zip(columns, row[1:], strict=True):
                    if isinstance(value, bytes):
                        try:
                            value.decode("utf-8")
                        except UnicodeDecodeError:
                            found.append(f"{table} row {row[0]}: {column} is not valid UTF-8")
    except sqlite3.DatabaseError as exc:
        found.append(str(exc))
    finally:
        conn.text_factory = str
    if len(found) > REPORTED:
        found[REPORTED:] = [f"and {len(found) - REPORTED} more"]
    return found


def check_server(location: object) -> Health:
    """What a server can tell: its schema revision, and that its rows are readable.

    Integrity, foreign keys and the search vectors are the server's to keep (the
    vectors are generated columns); each table is read through once.
    """
    from relate.storage.engines.postgres import check_server as check

    revision, problems = check(location)
    return Health(problems, [], [], revision)

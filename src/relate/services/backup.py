"""Backup, restore and check: copies made with SQLite's online backup API.

The backup API copies the database page by page inside one read transaction, so
the copy is consistent even while other processes write (WAL readers never block
writers). Restoring copies a backup *into* the open database the same way, inside
one write transaction: other relate processes see the old data or the new, never a
mix, and no stale -wal file can ever be replayed over a replaced file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from relate.errors import RelateError, StorageError
from relate.storage.database import (
    OWNER_ONLY,
    Database,
    busy_timeout_ms,
    check_identity,
    close_untouched,
    make_private_folder,
    open_database,
    private_temp,
    remove_temp,
    storage_error,
    temp_beside,
)
from relate.storage.schema import HEAD, REVISIONS


def default_path(db_path: Path, now: datetime, kind: str = "backup") -> Path:
    """``relate-backup-20261124-093000.db`` next to the database; never an existing file."""
    base = f"{db_path.stem}-{kind}-{now:%Y%m%d-%H%M%S}"
    candidate = db_path.with_name(base + ".db")
    number = 1
    while candidate.exists():
        number += 1
        candidate = db_path.with_name(f"{base}-{number}.db")
    return candidate


def copy_database(source: sqlite3.Connection, dest: Path) -> None:
    """Write a consistent, self-contained (rollback-journal) copy of ``source`` to ``dest``."""
    try:
        temp = private_temp(dest)
    except OSError as exc:
        raise StorageError(f"cannot write {dest}: {exc.strerror}") from exc
    try:
        target = sqlite3.connect(temp, isolation_level=None)
        try:
            source.backup(target)
            # One file, no -wal beside it: a backup must survive being copied alone.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
        with open(temp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, dest)
    except sqlite3.Error as exc:
        raise storage_error(exc, dest) from exc
    except OSError as exc:
        raise StorageError(f"cannot write {dest}: {exc.strerror}") from exc
    finally:
        remove_temp(temp)


def backup(
    db: Database, dest: Path | None, now: datetime, *, force: bool = False, folder: bool = False
) -> Path:
    """Copy the open database to ``dest`` (a file, a folder, or None for the default).

    ``folder`` (the user wrote ``DIR/``) means ``dest`` is a folder even if it does not
    exist yet: it is created owner-only, never written as a file of that name.
    """
    if folder and dest is not None and not dest.is_dir():
        if dest.exists():
            raise RelateError(f"{dest} is not a folder", hint="drop the trailing / to name a file")
        try:
            make_private_folder(dest)
        except OSError as exc:
            raise StorageError(f"cannot create the folder {dest}: {exc.strerror}") from exc
    if dest is None:
        dest = default_path(db.path, now)
    elif dest.is_dir():
        dest = default_path(dest / db.path.name, now)
    if dest.resolve() == db.path.resolve():
        raise RelateError(f"{dest} is the database itself; choose another file")
    if dest.exists() and not force:
        raise RelateError(
            f"{dest} exists; not overwriting it", hint="choose another name or add --force"
        )
    copy_database(db.conn, dest)
    return dest


def _open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)


def inspect(path: Path) -> str:
    """Check that ``path`` is an intact relate database this relate can read; its revision."""
    if not path.is_file():
        raise RelateError(f"{path} does not exist or is not a file")
    try:
        check_identity(path)
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        conn = _open_read_only(path)
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StorageError(f"{path} is not a usable relate database: {exc}") from exc
    revision = str(row[0]) if row else ""
    if revision not in REVISIONS:
        raise StorageError(
            f"{path} was written by a newer relate (schema {revision})",
            hint="upgrade relate to restore it",
        )
    if verdict != "ok":
        raise StorageError(f"{path} is damaged ({verdict}); not restoring it")
    return revision


@dataclass(frozen=True)
class Restored:
    kept: Path | None  # the replaced database, kept as a backup
    revision: str


def restore(db_path: Path, source: Path, now: datetime) -> Restored:
    """Replace the database at ``db_path`` with the backup ``source``, keeping the old one.

    The kept copy is exactly what was replaced: it is made while the restore holds the
    write lock, so a command committing meanwhile is in the kept file or waits and
    lands in the restored one, never in neither (#9.1).
    """
    revision = inspect(source)
    if source.resolve() == db_path.resolve():
        raise RelateError(f"{source} is the database itself")
    try:
        current: Database | None = (
            open_database(db_path, create=False) if db_path.exists() else None
        )
    except StorageError:
        current = None  # damaged, foreign or newer: replace the file itself, keeping it
    staged = temp_beside(db_path)
    try:
        _stage(source, staged)
        if current is None:
            return Restored(_replace_file(db_path, staged, now), revision)
        kept = default_path(db_path, now, "before-restore")
        try:
            _swap_in(staged, current, kept)
        finally:
            current.close()
    finally:
        remove_temp(staged)
    return Restored(kept, revision)


def _stage(source: Path, staged: Path) -> None:
    """A private copy of the backup with its undo history dropped.

    That history belongs to another timeline: ``relate undo`` right after a restore
    must not revert a command recorded inside the backup.
    """
    src = _open_read_only(source)
    try:
        copy_database(src, staged)
    finally:
        src.close()
    conn = sqlite3.connect(staged, isolation_level=None)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if {"undo_step", "undo_entry"} <= tables:
            conn.execute("BEGIN")
            conn.execute("DELETE FROM undo_entry")
            conn.execute("DELETE FROM undo_step")
            conn.execute("COMMIT")
    except sqlite3.Error as exc:
        raise storage_error(exc, staged) from exc
    finally:
        conn.close()


def _swap_in(staged: Path, current: Database, kept: Path) -> None:
    """Copy ``staged`` into the open database in one write transaction, keeping the old.

    The backup API takes the destination's write lock at its first step and holds it
    to the end; the replaced data is copied to ``kept`` right after that first step,
    from a fresh read of the last commit, which no one can change while the lock is held.
    """
    kept_made = False

    def keep_replaced(_status: int, _remaining: int, _total: int) -> None:
        nonlocal kept_made
        if kept_made:
            return
        reader = sqlite3.connect(current.path, isolation_level=None)
        try:
            copy_database(reader, kept)
        finally:
            reader.close()
        kept_made = True

    src = sqlite3.connect(staged, isolation_level=None)
    try:
        src.backup(current.conn, pages=1, progress=keep_replaced)
    except sqlite3.Error as exc:
        raise storage_error(exc, current.path) from exc
    finally:
        src.close()


def _replace_file(db_path: Path, staged: Path, now: datetime) -> Path | None:
    """Restore over a file relate cannot open by renaming the staged copy over it.

    The old file (and its -wal) get a second name first, so the path holds a database
    at every moment and a kill never leaves it empty.
    """
    kept = None
    try:
        if db_path.exists():
            kept = default_path(db_path, now, "before-restore")
            _second_name(db_path, kept)
            wal = Path(f"{db_path}-wal")
            if wal.exists():
                _second_name(wal, Path(f"{kept}-wal"))
                # A stale -wal would be replayed over the restored file.
                wal.unlink()
        with contextlib.suppress(FileNotFoundError):
            Path(f"{db_path}-shm").unlink()
        os.replace(staged, db_path)
    except OSError as exc:
        raise StorageError(f"cannot replace {db_path}: {exc.strerror}") from exc
    return kept


def _second_name(path: Path, other: Path) -> None:
    try:
        os.link(path, other)
    except OSError:  # a filesystem without hard links: a copy
        shutil.copyfile(path, other)
        other.chmod(OWNER_ONLY)


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
    try:
        check_identity(path)
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {exc.strerror}") from exc
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

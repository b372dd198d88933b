"""Restore: replace the database with a backup, keeping the replaced one.

Restoring copies a backup *into* the open database with SQLite's online backup API,
inside one write transaction: other relate processes see the old data or the new,
never a mix, and no stale -wal file can ever be replayed over a replaced file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from relate.errors import RelateError, StorageError
from relate.services.backup import copy_database, copy_server_database, default_path
from relate.storage.database import (
    OWNER_ONLY,
    Database,
    check_identity,
    open_database,
    remove_temp,
    storage_error,
    temp_beside,
)
from relate.storage.schema import REVISIONS


def _open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)


def inspect(path: Path) -> str:
    """Check that ``path`` is an intact relate database this relate can read; its revision."""
    if not path.is_file():
        raise RelateError(f"{path} does not exist or is not a file")
    check_identity(path)
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


def restore_into(db: Database, source: Path, now: datetime) -> Restored:
    """Replace a server database's data with the backup ``source`` in one write
    transaction, keeping what it replaced as a backup file in the working folder."""
    import tempfile

    from relate.storage.engines.postgres import PostgresEngine, load_from_sqlite

    assert isinstance(db.engine, PostgresEngine)
    revision = inspect(source)
    with tempfile.TemporaryDirectory(prefix="relate-restore-") as folder:
        staged = Path(folder) / "staged.db"
        _stage(source, staged)
        open_database(staged).close()  # an older backup is upgraded to the newest schema
        kept = default_path(db.path, now, "before-restore")
        src = sqlite3.connect(staged, isolation_level=None)
        try:
            with db.transaction(journal=False):
                copy_server_database(db, kept)  # what is replaced, read under the lock
                load_from_sqlite(db.engine, src)
        finally:
            src.close()
    return Restored(kept, revision)

"""Backup: a consistent copy of the database made with SQLite's online backup API.

The backup API copies the database page by page inside one read transaction, so
the copy is consistent even while other processes write (WAL readers never block
writers). ``services/restore.py`` puts a copy back; ``services/check.py`` checks a file.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from relate.errors import RelateError, StorageError
from relate.storage.database import (
    Database,
    make_private_folder,
    private_temp,
    remove_temp,
    storage_error,
)


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
    write_sqlite_file(dest, source.backup)


def write_sqlite_file(
    dest: Path, fill: Callable[[sqlite3.Connection], None], *, build: bool = False
) -> None:
    """Write ``dest`` as one self-contained SQLite file, owner-only, all or nothing:
    ``fill`` writes into a temporary file beside it (after ``build`` gives that file
    the newest schema), which then replaces ``dest``."""
    try:
        temp = private_temp(dest)
    except OSError as exc:
        raise StorageError(f"cannot write {dest}: {exc.strerror}") from exc
    try:
        if build:
            from relate.storage.database import build_file

            build_file(temp)
        target = sqlite3.connect(temp, isolation_level=None)
        try:
            fill(target)
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
    if db.engine.name == "sqlite":
        copy_database(db.conn, dest)
    else:
        copy_server_database(db, dest)
    return dest


def copy_server_database(db: Database, dest: Path) -> None:
    """Write a server database to ``dest`` as a SQLite file, the format of every backup:
    a new relate file at the newest schema, filled from one consistent snapshot."""
    from relate.storage.engines.postgres import PostgresEngine, copy_to_sqlite

    engine = db.engine
    assert isinstance(engine, PostgresEngine)
    write_sqlite_file(dest, lambda target: copy_to_sqlite(engine, target), build=True)

"""Private data stays owner-only (0600), whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from relate.services import backup, contacts, restore
from relate.storage.database import open_database


@pytest.fixture
def open_umask() -> Iterator[None]:
    previous = os.umask(0)
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_wal_shm_backups_and_journal_are_owner_only(
    tmp_path: Path, open_umask: None, now: object
) -> None:
    path = tmp_path / "fresh" / "relate.db"
    db = open_database(path)
    try:
        contacts.add_contact(db, contacts.ContactInput(name="Ann", notes="secret"), now)  # type: ignore[arg-type]
        # The undo journal lives inside the database file, so it shares its mode.
        assert db.execute("SELECT count(*) FROM undo_entry").fetchone()[0] > 0
        wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
        assert wal.exists() and shm.exists()
        assert {_mode(p) for p in (path, wal, shm)} == {0o600}
        copy = backup.backup(db, None, now)  # type: ignore[arg-type]
        assert _mode(copy) == 0o600
    finally:
        db.close()
    restored = restore.restore(path, copy, now)  # type: ignore[arg-type]
    assert restored.kept is not None and _mode(restored.kept) == 0o600
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700


def test_every_folder_relate_creates_is_owner_only_under_umask_000(
    tmp_path: Path, open_umask: None, now: object
) -> None:
    path = tmp_path / "a" / "b" / "relate.db"
    db = open_database(path)
    try:
        written = backup.backup(db, tmp_path / "c" / "d", now, folder=True)  # type: ignore[arg-type]
    finally:
        db.close()
    for folder in ("a", "a/b", "c", "c/d"):
        assert _mode(tmp_path / folder) == 0o700, folder
    assert _mode(written) == 0o600

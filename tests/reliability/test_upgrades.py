"""Interrupted schema upgrades: stopped at any point, the next command works (#9.5).

The failure is injected at a chosen SQL statement of the upgrade, so every point is
hit deterministically: in-process as Ctrl-C (KeyboardInterrupt), and in a forked
child that dies on the spot (``os._exit``), as a kill or a power cut would.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from helpers import FIRST_SCHEMA_ROWS, Relate, rows
from relate.storage import migrate
from relate.storage.database import open_database
from relate.storage.schema import HEAD, REVISIONS

OLDER = REVISIONS[:-1]


@pytest.fixture(scope="module")
def older_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One database per older schema, holding FIRST_SCHEMA_ROWS (copied by each test)."""
    folder = tmp_path_factory.mktemp("older")
    files = {}
    for revision in OLDER:
        path = folder / f"{revision}.db"
        path.touch(mode=0o600)
        migrate.upgrade(path, revision)
        conn = sqlite3.connect(path)
        conn.executescript(FIRST_SCHEMA_ROWS)
        conn.close()
        files[revision] = path
    return files


def _copy(source: Path, dest: Path) -> Path:
    shutil.copyfile(source, dest)
    dest.chmod(0o600)
    return dest


def _statements_of_upgrade(source: Path, scratch: Path) -> int:
    seen: list[int] = []
    listener = lambda *_: seen.append(1)  # noqa: E731
    event.listen(Engine, "before_cursor_execute", listener)
    try:
        open_database(_copy(source, scratch)).close()
    finally:
        event.remove(Engine, "before_cursor_execute", listener)
    return len(seen)


@contextlib.contextmanager
def _failing_at(number: int, failure: Callable[[], None]) -> Iterator[None]:
    """Run ``failure`` instead of the ``number``-th SQL statement of the block."""
    seen = 0

    def count(*_args: object) -> None:
        nonlocal seen
        seen += 1
        if seen == number:
            failure()

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield
    finally:
        event.remove(Engine, "before_cursor_execute", count)


def _ctrl_c() -> None:
    raise KeyboardInterrupt


def _assert_upgraded_and_intact(path: Path) -> None:
    db = open_database(path, create=False)
    try:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD
        assert tuple(db.execute("SELECT name, notes FROM contact").fetchone()) == (
            "Søren Kierkegaard",
            "likes walks",
        )
        assert db.execute("SELECT email FROM contact_email").fetchone()[0] == "soren@example.dk"
        hits = db.execute("SELECT rowid FROM interaction_fts WHERE interaction_fts MATCH 'regine'")
        assert [h[0] for h in hits] == [1]
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        db.close()


@pytest.mark.parametrize("revision", OLDER)
def test_ctrl_c_at_points_of_an_upgrade_leaves_a_file_the_next_command_upgrades(
    relate: Relate, older_files: dict[str, Path], tmp_path: Path, revision: str
) -> None:
    total = _statements_of_upgrade(older_files[revision], tmp_path / "count.db")
    for number in range(2, total + 1, 3):
        path = _copy(older_files[revision], tmp_path / f"at{number}.db")
        with _failing_at(number, _ctrl_c), pytest.raises(KeyboardInterrupt):
            open_database(path)
        listing = relate("--db", str(path), "list")
        assert listing.exit_code == 0, (number, listing.stderr)
        assert "Søren Kierkegaard" in listing.stdout
        _assert_upgraded_and_intact(path)


def _disk_full() -> None:
    raise sqlite3.OperationalError("database or disk is full")


@pytest.mark.parametrize("revision", OLDER)
def test_a_full_disk_during_an_upgrade_is_code_4_and_the_next_command_upgrades(
    relate: Relate, older_files: dict[str, Path], tmp_path: Path, revision: str
) -> None:
    total = _statements_of_upgrade(older_files[revision], tmp_path / "count.db")
    for number in range(2, total + 1, 3):
        path = _copy(older_files[revision], tmp_path / f"at{number}.db")
        with _failing_at(number, _disk_full):
            failed = relate("--db", str(path), "list")
        assert failed.exit_code == 4, (number, failed.stderr)
        assert failed.stderr.endswith("the disk is full\n") and failed.stderr.count("\n") == 1
        listing = relate("--db", str(path), "list")
        assert listing.exit_code == 0, (number, listing.stderr)
        assert "Søren Kierkegaard" in listing.stdout
        _assert_upgraded_and_intact(path)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.parametrize("revision", OLDER)
def test_a_kill_at_every_statement_of_an_upgrade_leaves_a_file_the_next_run_upgrades(
    older_files: dict[str, Path], tmp_path: Path, revision: str
) -> None:
    total = _statements_of_upgrade(older_files[revision], tmp_path / "count.db")
    for number in range(1, total + 1):
        path = _copy(older_files[revision], tmp_path / f"at{number}.db")
        child = os.fork()
        if child == 0:  # pragma: no cover - the child dies inside the upgrade
            with _failing_at(number, lambda: os._exit(9)):
                open_database(path)
            os._exit(0)
        _, status = os.waitpid(child, 0)
        assert os.WEXITSTATUS(status) == 9, number  # died at that statement
        _assert_upgraded_and_intact(path)


def test_a_file_half_upgraded_by_an_older_relate_is_finished(
    relate: Relate, older_files: dict[str, Path], tmp_path: Path
) -> None:
    # What relate before #9.5 left after a kill inside 0002: each statement committed
    # on its own, alembic_version still at 0001.
    path = _copy(older_files["0001_initial"], tmp_path / "half.db")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(
        """
        ALTER TABLE contact ADD COLUMN owner VARCHAR;
        ALTER TABLE contact ADD COLUMN referred_by_id INTEGER
            REFERENCES contact (id) ON DELETE SET NULL;
        CREATE TABLE concern (id INTEGER NOT NULL, contact_id INTEGER NOT NULL,
            text VARCHAR NOT NULL, opened_at DATETIME NOT NULL, resolved_at DATETIME,
            resolution VARCHAR, PRIMARY KEY (id),
            FOREIGN KEY(contact_id) REFERENCES contact (id) ON DELETE CASCADE);
        CREATE INDEX ix_concern_contact ON concern (contact_id);
        """
    )
    conn.close()
    assert rows(path, "SELECT version_num FROM alembic_version") == [("0001_initial",)]
    result = relate("--db", str(path), "list")
    assert result.exit_code == 0, result.stderr
    assert "Søren Kierkegaard" in result.stdout
    assert relate("--db", str(path), "check").exit_code == 0
    _assert_upgraded_and_intact(path)

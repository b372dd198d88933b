"""Environment faults: one line on stderr, exit code 4, and nothing changed.

Tests run as root in CI, and root ignores file permissions; there the read-only
cases use the immutable attribute (chattr +i), which binds root too.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from helpers import Relate, rows


def _one_line_env_error(result: Result) -> None:
    assert result.exit_code == 4, (result.exit_code, result.stdout, result.stderr)
    assert result.stderr.startswith("relate: error: ")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make ``path`` (file or folder) unwritable, even for root."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("running as root without chattr: cannot make a file read-only for root")
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"chattr +i not supported here: {done.stderr.decode().strip()}")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        mode = path.stat().st_mode
        path.chmod(0o500 if path.is_dir() else 0o400)
        try:
            yield
        finally:
            path.chmod(mode)


def test_read_only_database_file(relate: Relate, db_path: Path) -> None:
    assert relate("add", "Ann").exit_code == 0
    before = db_path.read_bytes()
    with read_only(db_path):
        result = relate("add", "Bob")
        _one_line_env_error(result)
        assert "read-only" in result.stderr or "cannot" in result.stderr
        _one_line_env_error(relate("undo"))
    assert db_path.read_bytes() == before


def test_database_in_a_read_only_folder(relate: Relate, db_path: Path, tmp_path: Path) -> None:
    assert relate("add", "Ann").exit_code == 0
    before = db_path.read_bytes()
    with read_only(tmp_path):
        _one_line_env_error(relate("add", "Bob"))
        fresh = tmp_path / "sub" / "new.db"
        _one_line_env_error(relate("--db", str(fresh), "add", "Bob"))
        assert not fresh.exists()
    assert db_path.read_bytes() == before
    assert rows(db_path, "SELECT name FROM contact") == [("Ann",)]


def test_full_disk(relate: Relate, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's own SQLITE_FULL path, reached by capping the file at its current size."""
    from relate.storage import database

    assert relate("add", "Ann").exit_code == 0
    connect = database.connect

    def capped(path: Path) -> sqlite3.Connection:
        conn = connect(path)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count={pages}")
        return conn

    monkeypatch.setattr(database, "connect", capped)
    result = relate("add", "Bob", "--note", "x" * 1_000_000)
    _one_line_env_error(result)
    assert "disk is full" in result.stderr
    monkeypatch.undo()
    assert rows(db_path, "SELECT name FROM contact") == [("Ann",)]
    assert rows(db_path, "PRAGMA integrity_check") == [("ok",)]


def test_locked_past_the_timeout(relate: Relate, db_path: Path) -> None:
    assert relate("add", "Ann").exit_code == 0
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        result = relate("add", "Bob", env={"RELATE_BUSY_TIMEOUT": "0.3"})
        elapsed = time.monotonic() - started
        _one_line_env_error(result)
        assert "locked" in result.stderr
        assert elapsed > 0.25  # it waited for the lock before giving up
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert rows(db_path, "SELECT name FROM contact") == [("Ann",)]
    assert relate("add", "Bob").exit_code == 0


def test_a_bad_busy_timeout_setting_is_explained(relate: Relate) -> None:
    _one_line_env_error(relate("list", env={"RELATE_BUSY_TIMEOUT": "soon"}))


def test_database_from_a_newer_relate(relate: Relate, db_path: Path) -> None:
    assert relate("add", "Ann").exit_code == 0
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '0099_future'")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    for args in (("add", "Bob"), ("list",), ("undo",), ("backup",), ("check",)):
        result = relate(*args)
        _one_line_env_error(result)
        assert "newer relate" in result.stderr
    assert db_path.read_bytes() == before

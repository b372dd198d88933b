"""Helpers for the reliability tests: running relate in real processes, reading the DB."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

DOCUMENTED_EXIT_CODES = {0, 1, 2, 3, 4}


def process_env(db_path: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "RELATE_DB": str(db_path), **extra}
    env.pop("VISUAL", None)
    env["EDITOR"] = "false"  # never wait for an editor in a subprocess
    return env


def run_process(db_path: Path, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """``python -m relate ARGS`` in a real process against ``db_path``."""
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "relate", *args],
        env=process_env(db_path),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        **kwargs,
    )


def rows(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db_path)
    try:
        return [tuple(r) for r in conn.execute(sql)]
    finally:
        conn.close()


def user_data(db_path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table holding the user's data, by table (for before/after)."""
    from relate.storage.tables import JOURNALED_TABLES

    return {
        t: rows(db_path, f'SELECT rowid, * FROM "{t}" ORDER BY rowid') for t in JOURNALED_TABLES
    }


def integrity(db_path: Path) -> str:
    return str(rows(db_path, "PRAGMA integrity_check")[0][0])


def assert_clean(result: Result) -> None:
    """A documented exit code, no traceback, and at most one line of error."""
    assert result.exit_code in DOCUMENTED_EXIT_CODES, (result.exit_code, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    if result.exit_code:
        assert result.stderr.startswith("relate: error: ") or result.exit_code == 2, result.stderr


@pytest.fixture
def checked(relate: Callable[..., Result]) -> Callable[[], None]:
    """Assert ``relate check`` passes on the test's database."""

    def run() -> None:
        result = relate("check")
        assert result.exit_code == 0, result.stdout + result.stderr
        assert "integrity: ok" in result.stdout

    return run

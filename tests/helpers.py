"""What tests share besides fixtures: assertions, running relate in a real process,
reading a database. Fixtures are in the conftest.py files; everything else a test
imports from here (tests/ is on sys.path via its conftest)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from typer.testing import Result

if TYPE_CHECKING:
    from relate.storage.database import Database

Relate = Callable[..., Result]  # the `relate` fixture: relate("add", "Ann")
FIXTURES = Path(__file__).resolve().parent / "fixtures"  # real files; sources in LICENSES/


def ok(result: Result) -> str:
    """The stdout of a run that must succeed; on failure, its stderr explains why."""
    assert result.exit_code == 0, result.stderr
    return result.stdout


def as_json(result: Result) -> Any:
    return json.loads(ok(result))


def imported_modules(args: list[str], db_path: Path | str) -> set[str]:
    """Every module a ``python -m relate ARGS`` process imports (``-X importtime``)."""
    env = {**os.environ, "RELATE_DB": str(db_path), "RELATE_NOW": "2026-11-24T09:30"}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "relate", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


DOCUMENTED_EXIT_CODES = {0, 1, 2, 3, 4}


def process_env(db_path: Path | str, **extra: str) -> dict[str, str]:
    env = {**os.environ, "RELATE_DB": str(db_path), **extra}
    env.pop("VISUAL", None)
    env["EDITOR"] = "false"  # never wait for an editor in a subprocess
    return env


def run_process(
    db_path: Path | str, *args: str, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    """``python -m relate ARGS`` in a real process against ``db_path`` (a file, or the
    ``location`` fixture: the test's database on either engine)."""
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


class Stored:
    """The database this test runs on (``RELATE_DB``: a SQLite file or a PostgreSQL
    server), read and written through a connection of its own, as another program
    would: before/after comparisons and rows as an older relate left them, on either
    engine (the ``stored`` fixture). SQL is the services' kind: ``:named`` parameters,
    in a form both engines run."""

    def open(self) -> Any:
        """A connection of its own (close it)."""
        from relate.storage.database import open_database
        from relate.storage.location import parse_location

        return open_database(parse_location(os.environ["RELATE_DB"]))

    def rows(self, sql: str, params: dict[str, object] | None = None) -> list[tuple[object, ...]]:
        database = self.open()
        try:
            return [tuple(row) for row in database.execute(sql, params)]
        finally:
            database.close()

    def run(self, sql: str, params: dict[str, object] | None = None) -> None:
        """One statement, committed at once (autocommit on both engines)."""
        database = self.open()
        try:
            database.execute(sql, params)
        finally:
            database.close()

    def user_data(self) -> dict[str, list[tuple[object, ...]]]:
        """Every row of every table holding the user's data, by table, in key order."""
        from relate.storage.tables import COLUMNS, JOURNALED_TABLES

        database = self.open()
        try:
            data = {}
            for table in JOURNALED_TABLES:
                listed = ", ".join(f'"{column}"' for column in COLUMNS[table])
                order = ", ".join(str(n + 1) for n in range(len(COLUMNS[table])))
                data[table] = [
                    tuple(row)
                    for row in database.execute(f'SELECT {listed} FROM "{table}" ORDER BY {order}')
                ]
            return data
        finally:
            database.close()

    def steps(self) -> int:
        """How many undo steps the database keeps."""
        return int(self.rows("SELECT count(*) FROM undo_step")[0][0])


def integrity(db_path: Path) -> str:
    return str(rows(db_path, "PRAGMA integrity_check")[0][0])


def assert_clean(result: Result) -> None:
    """A documented exit code, no traceback, and at most one line of error."""
    assert result.exit_code in DOCUMENTED_EXIT_CODES, (result.exit_code, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    if result.exit_code:
        assert result.stderr.startswith("relate: error: ") or result.exit_code == 2, result.stderr


# Rows every schema since the first can hold (upgrade tests start from them).
FIRST_SCHEMA_ROWS = """
INSERT INTO contact (id, name, name_key, cadence_days, priority, notes, created_at, updated_at)
VALUES (1, 'Søren Kierkegaard', 'soren kierkegaard', 14, 2, 'likes walks',
    '2020-01-01 10:00:00.000000', '2020-01-01 10:00:00.000000');
INSERT INTO contact_email (contact_id, email, email_key) VALUES
    (1, 'soren@example.dk', 'soren@example.dk');
INSERT INTO interaction (id, kind, occurred_at, text, created_at) VALUES
    (1, 'call', '2020-02-01 10:00:00.000000', 'talked about Regine',
     '2020-02-01 10:00:00.000000');
INSERT INTO interaction_contact VALUES (1, 1);
INSERT INTO important_date (contact_id, kind, label, month, day, year, created_at)
VALUES (1, 'birthday', 'birthday', 5, 5, 1813, '2020-01-01 10:00:00.000000');
"""


@contextmanager
def fresh(template: Path, folder: Path, name: str) -> Iterator[Database]:
    """A database of its own for one hypothesis example: a copy of ``template``
    (already migrated), removed afterwards."""
    from relate.storage.database import open_database

    path = folder / name
    shutil.copyfile(template, path)
    db = open_database(path)
    try:
        yield db
    finally:
        db.close()
        path.unlink()

"""Small assertions shared by the CLI tests (tests/ is on sys.path via its conftest)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import Result

Relate = Callable[..., Result]
FIXTURES = Path(__file__).resolve().parent / "fixtures"  # real files; sources in LICENSES/


def ok(result: Result) -> str:
    """The stdout of a run that must succeed; on failure, its stderr explains why."""
    assert result.exit_code == 0, result.stderr
    return result.stdout


def as_json(result: Result) -> Any:
    return json.loads(ok(result))


def imported_modules(args: list[str], db_path: Path) -> set[str]:
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

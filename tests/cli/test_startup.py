"""Start-up stays lean: the commands people type most never import the heavy layers.

Times are measured in benchmarks/; here we only check which modules get imported,
which is deterministic.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "alembic", "vobject", "icalendar")


def imported_modules(args: list[str], db_path: Path) -> set[str]:
    env = {**os.environ, "RELATE_DB": str(db_path), "RELATE_NOW": "2026-11-24T09:30"}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "relate", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    modules = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            modules.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return modules


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["list"],
        ["list", "--format", "csv"],
        ["today"],
        ["today", "--format", "json"],
        ["log", "ann", "Quick call"],
        ["show", "ann"],
        ["search", "call"],
    ],
)
def test_hot_commands_skip_the_heavy_imports(args: list[str], db_path: Path) -> None:
    # The database exists already (the fixture copied it), so no migration runs.
    env = {**os.environ, "RELATE_DB": str(db_path)}
    subprocess.run(
        [sys.executable, "-m", "relate", "add", "Ann"], env=env, check=True, capture_output=True
    )
    heavy = imported_modules(args, db_path) & set(HEAVY)
    assert heavy == set()


def test_piped_output_does_not_load_rich(db_path: Path) -> None:
    assert "rich" not in imported_modules(["list"], db_path)
    assert "rich" not in imported_modules(["today"], db_path)

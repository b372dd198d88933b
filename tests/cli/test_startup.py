"""Start-up stays lean: the commands people type most never import the heavy layers.

Times are measured in benchmarks/; here we only check which modules get imported,
which is deterministic. Each test starts relate in a real process (``python -X
importtime``), so the module is ``slow``: the full suite (CI) runs it, the quick loop
does not.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import Relate, imported_modules, ok

pytestmark = pytest.mark.slow

# psycopg (the PostgreSQL driver) loads only when --db/RELATE_DB is a PostgreSQL URL.
HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "alembic", "vobject", "icalendar", "psycopg")


def top_level_packages(args: list[str], db_path: Path | str) -> set[str]:
    return {module.split(".")[0] for module in imported_modules(args, db_path)}


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
def test_hot_commands_skip_the_heavy_imports(
    args: list[str], db_path: Path, relate: Relate
) -> None:
    # The database exists already (the fixture copied it), so no migration runs.
    ok(relate("add", "Ann"))
    heavy = top_level_packages(args, db_path) & set(HEAVY)
    assert heavy == set()


def test_piped_output_does_not_load_rich(db_path: Path) -> None:
    assert "rich" not in top_level_packages(["list"], db_path)
    assert "rich" not in top_level_packages(["today"], db_path)
    assert "rich" not in top_level_packages(["report"], db_path)
    assert "rich" not in top_level_packages(["report", "--format", "json"], db_path)


def test_a_sqlite_run_never_imports_psycopg(db_path: Path) -> None:
    # Naming a server is parsing text; only connecting to one loads the driver.
    for args in (["add", "Ann"], ["export", "contacts"], ["--db", "postgresql://h/x", "where"]):
        assert "psycopg" not in top_level_packages(args, db_path)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)  # the file: above
@pytest.mark.parametrize(
    "args",
    [["list"], ["today"], ["today", "--mine"], ["log", "ann", "Quick call"], ["show", "ann"]],
    ids=" ".join,
)
def test_hot_commands_on_postgresql_load_only_the_driver(args: list[str], location: str) -> None:
    """On a server at the newest schema the same commands load psycopg and nothing else
    of the heavy layers (no SQLAlchemy or Alembic: nothing is migrated)."""
    env = {**os.environ, "RELATE_DB": location}
    subprocess.run(
        [sys.executable, "-m", "relate", "add", "Ann"], env=env, check=True, capture_output=True
    )
    assert top_level_packages(args, location) & set(HEAVY) == {"psycopg"}

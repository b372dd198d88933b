"""--db and RELATE_DB name a file or a PostgreSQL server; a password is never printed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import Relate, ok
from pg_cluster import PASSWORD_ROLE, PgCluster

SECRET = "Hunter2-pw"
# A port no server listens on (1 is tcpmux, never a database).
URL = f"postgresql://ann:{SECRET}@127.0.0.1:1/relate?sslmode=disable"
MASKED = "postgresql://ann:***@127.0.0.1:1/relate?sslmode=disable"


def test_where_shows_the_server_masked(relate: Relate, monkeypatch: pytest.MonkeyPatch) -> None:
    result = relate("--db", URL, "where")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        MASKED,
        "chosen by --db; a PostgreSQL database: relate on 127.0.0.1",
    ]
    monkeypatch.setenv("RELATE_DB", "postgres://db.example.com")
    lines = relate("where").stdout.splitlines()
    assert lines == [
        "postgres://db.example.com",
        "chosen by the RELATE_DB environment variable;"
        " a PostgreSQL database: libpq's default database on db.example.com",
    ]


def test_a_url_after_the_command_keeps_its_double_slash(relate: Relate) -> None:
    # --db was a Path, which reads "postgresql://h/db" as the file "postgresql:/h/db".
    result = relate("where", "--db", "postgresql+psycopg://ann@db.example.com/relate")
    assert result.stdout.splitlines()[0] == "postgresql+psycopg://ann@db.example.com/relate"


@pytest.mark.parametrize(
    "args",
    [
        ("today",),
        ("add", "Ann"),
        ("log", "ann", "Call"),
        ("check",),
        ("backup",),
        ("undo",),
        ("export", "contacts"),
    ],
    ids=" ".join,
)
def test_no_error_shows_the_password(relate: Relate, args: tuple[str, ...]) -> None:
    result = relate("--db", URL, *args)
    assert result.exit_code == 4, (result.stdout, result.stderr)
    assert SECRET not in result.stdout + result.stderr
    assert result.stderr.startswith("relate: error: ") and result.stderr.count("\n") == 1
    assert "127.0.0.1" in result.stderr


def test_restoring_onto_an_unreachable_server_does_not_show_the_password(
    relate: Relate, tmp_path: Path
) -> None:
    backup = tmp_path / "copy.db"
    ok(relate("add", "Ann"))
    ok(relate("backup", str(backup)))
    result = relate("--db", URL, "restore", "--yes", str(backup))
    assert result.exit_code == 4, (result.stdout, result.stderr)
    assert SECRET not in result.stdout + result.stderr
    assert "127.0.0.1" in result.stderr


def test_relate_db_with_a_password_is_masked_too(
    relate: Relate, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELATE_DB", URL)
    for args in (("where",), ("today",), ("list",)):
        result = relate(*args)
        assert SECRET not in result.stdout + result.stderr
        assert MASKED in result.stdout + result.stderr


def test_an_unknown_scheme_is_refused_without_the_url(relate: Relate) -> None:
    result = relate("--db", f"mysql://ann:{SECRET}@db/relate", "today")
    assert result.exit_code == 4
    assert result.stderr.startswith("relate: error: unsupported database URL scheme mysql://")
    assert SECRET not in result.stderr


def test_a_wrong_password_is_exit_4_and_never_echoed(
    relate: Relate, pg_cluster: PgCluster, pg_url: str
) -> None:
    database = pg_url.rsplit("/", 1)[1]
    wrong = pg_cluster.url(database, PASSWORD_ROLE, "Wrong-Pw-123")
    for args in (("today",), ("add", "Ann"), ("check",)):
        result = relate("--db", wrong, *args)
        assert result.exit_code == 4, result.stderr
        assert "Wrong-Pw-123" not in result.stdout + result.stderr
        assert database in result.stderr


@pytest.mark.slow
def test_debug_tracebacks_mask_the_password(db_path: Path) -> None:
    env = {**os.environ, "RELATE_DB": URL}
    result = subprocess.run(
        [sys.executable, "-m", "relate", "--debug", "today"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 4
    assert "Traceback" in result.stderr and MASKED in result.stderr
    assert SECRET not in result.stdout + result.stderr

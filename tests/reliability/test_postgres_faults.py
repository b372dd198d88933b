"""What a user sees when the team's server fails them (#13 Faults), as relate in a real
process: the server down, a wrong password, a missing database, missing privileges,
the connection lost mid-command. Each is one line on stderr naming the host and the
database with the password masked, exit code 4, and nothing half-written."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

SECRET = "Top-Secret-77"  # in every URL below: it must never be shown


def _relate(url: str, *args: str, wait: bool = True) -> Any:
    env = {**os.environ, "RELATE_DB": url, "RELATE_NOW": "2026-11-24T09:30", "EDITOR": "false"}
    env.pop("VISUAL", None)
    command = [sys.executable, "-m", "relate", *args]
    if not wait:
        return subprocess.Popen(
            command,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
    return subprocess.run(
        command, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120
    )


def _with_password(url: str, user: str, password: str = SECRET) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{user}:{password}@{rest.split('@', 1)[1]}"


def _one_fault_line(stdout: str, stderr: str, code: int, database: str) -> str:
    lines = stderr.strip().splitlines()
    assert code == 4, stderr
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    assert "127.0.0.1" in lines[0] and database in lines[0], lines[0]
    assert SECRET not in stderr + stdout
    return lines[0]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def team(pg_cluster: Any, pg_url: str) -> Iterator[tuple[str, str]]:
    """A relate database on the server holding Ann and one logged call: (URL, name)."""
    for args in (("add", "Ann Smith"), ("log", "ann", "First call")):
        done = _relate(pg_url, *args)
        assert done.returncode == 0, done.stderr
    yield pg_url, pg_url.rsplit("/", 1)[1]


def _contents(url: str) -> tuple[Any, ...]:
    import psycopg

    with psycopg.connect(url) as conn:
        return tuple(
            conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for table in ("contact", "interaction", "interaction_contact", "undo_step")
        )


def test_postgresql_server_down_is_one_line_exit_4(pg_cluster: Any) -> None:
    url = f"postgresql://ann:{SECRET}@127.0.0.1:{_closed_port()}/teambook"
    done = _relate(url, "log", "ann", "a call")
    line = _one_fault_line(done.stdout, done.stderr, done.returncode, "teambook")
    assert "ann:***@" in line


def test_postgresql_wrong_password_is_one_line_exit_4(team: tuple[str, str]) -> None:
    from pg_cluster import PASSWORD_ROLE

    url, name = team
    before = _contents(url)
    done = _relate(_with_password(url, PASSWORD_ROLE), "add", "Bob")
    line = _one_fault_line(done.stdout, done.stderr, done.returncode, name)
    assert "password" in line
    assert _contents(url) == before


def test_postgresql_missing_database_is_one_line_exit_4(pg_cluster: Any) -> None:
    from pg_cluster import PASSWORD, PASSWORD_ROLE

    # The right password, which must not be shown either.
    url = pg_cluster.url("no_such_book", user=PASSWORD_ROLE, password=PASSWORD)
    done = _relate(url, "add", "Bob")
    assert PASSWORD not in done.stderr
    line = _one_fault_line(done.stdout, done.stderr.replace(PASSWORD, SECRET), 4, "no_such_book")
    assert done.returncode == 4 and "does not exist" in line
    with pg_cluster.admin() as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = 'no_such_book'")
        assert found.fetchone() is None  # relate creates no database


@pytest.mark.parametrize(
    ("grant", "args"),
    [
        ("", ("list",)),  # may connect, may read nothing
        ("SELECT", ("add", "Bob")),  # may read, may not write
        ("SELECT", ("log", "ann", "a second call")),
        ("SELECT, INSERT", ("log", "ann", "a second call")),  # not the journal's sequences
    ],
    ids=["no-privileges", "read-only-add", "read-only-log", "insert-without-sequences"],
)
def test_postgresql_missing_privileges_are_one_line_exit_4_nothing_written(
    team: tuple[str, str], pg_cluster: Any, grant: str, args: tuple[str, ...]
) -> None:
    url, name = team
    before = _contents(url)
    with pg_cluster.admin(name) as conn:
        conn.execute("DROP ROLE IF EXISTS relate_clerk")  # roles outlive a test's database
        conn.execute("CREATE ROLE relate_clerk LOGIN")
        if grant:
            conn.execute(f"GRANT {grant} ON ALL TABLES IN SCHEMA public TO relate_clerk")
    try:
        done = _relate(_with_password(url, "relate_clerk"), *args)
        line = _one_fault_line(done.stdout, done.stderr, done.returncode, name)
        assert "permission denied" in line
        assert "relate_clerk:***@" in line
        assert _contents(url) == before
    finally:
        with pg_cluster.admin(name) as conn:
            conn.execute("DROP OWNED BY relate_clerk")
            conn.execute("DROP ROLE relate_clerk")


def test_postgresql_connection_lost_mid_import_is_one_line_exit_4_nothing_written(
    team: tuple[str, str], pg_cluster: Any, tmp_path: Path
) -> None:
    url, name = team
    before = _contents(url)
    rows = "".join(f"Person {n},p{n}@example.org\n" for n in range(40_000))
    big = tmp_path / "big.csv"
    big.write_text("name,email\n" + rows)
    running = _relate(_with_password(url, "postgres"), "import", str(big), wait=False)
    try:
        pid = _writing(pg_cluster, name, running)
        with pg_cluster.admin() as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        stdout, stderr = running.communicate(timeout=120)
    finally:
        _stop(running)
    line = _one_fault_line(stdout, stderr, running.returncode, name)
    assert "postgres:***@" in line
    assert _contents(url) == before


def test_postgresql_sigkill_during_a_large_import_leaves_all_or_nothing(
    team: tuple[str, str], pg_cluster: Any, tmp_path: Path
) -> None:
    """The client killed with thousands of rows written but not committed: the server
    rolls all of them back; then an unkilled import commits all of them."""
    url, name = team
    before = _contents(url)
    rows = "".join(f"Person {n},p{n}@example.org\n" for n in range(40_000))
    big = tmp_path / "big.csv"
    big.write_text("name,email\n" + rows)
    running = _relate(url, "import", str(big), "--on-duplicate", "new", wait=False)
    try:
        _writing(pg_cluster, name, running)
        running.send_signal(signal.SIGKILL)
        running.wait(timeout=60)
    finally:
        _stop(running)
    deadline = time.monotonic() + 30
    while _contents(url) != before and time.monotonic() < deadline:
        time.sleep(0.1)  # the server notices the closed socket and rolls back
    assert _contents(url) == before
    done = _relate(url, "import", str(big), "--on-duplicate", "new")
    assert done.returncode == 0, done.stderr
    assert _contents(url)[0] == before[0] + 40_000
    assert _relate(url, "check").returncode == 0


def _writing(pg_cluster: Any, name: str, running: Any) -> int:
    """The backend of ``running`` once it is inside its write transaction (holding
    the advisory write lock relate takes after BEGIN) with rows written."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and running.poll() is None:
        with pg_cluster.admin() as admin:
            row = admin.execute(
                "SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                " WHERE l.locktype = 'advisory' AND l.granted AND a.datname = %s"
                " AND a.xact_start IS NOT NULL",
                [name],
            ).fetchone()
        if row is not None:
            time.sleep(0.3)  # some of the rows are written by now
            return int(row[0])
        time.sleep(0.05)
    raise AssertionError("the import ended before it could be interrupted")


def _stop(running: Any) -> None:
    if running.poll() is None:
        running.kill()
        running.communicate()


def test_postgresql_database_of_another_program_is_refused_untouched_exit_4(
    pg_url: str,
) -> None:
    import psycopg

    name = pg_url.rsplit("/", 1)[1]
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id serial PRIMARY KEY, total numeric)")
        conn.execute("INSERT INTO invoices (total) VALUES (12.5)")
    for args in (("add", "Bob"), ("list",), ("import", "/dev/null"), ("check",)):
        done = _relate(_with_password(pg_url, "postgres"), *args)
        line = _one_fault_line(done.stdout, done.stderr, done.returncode, name)
        assert "relate" in line, args
    with psycopg.connect(pg_url) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
        rows = conn.execute("SELECT id, total FROM invoices").fetchall()
    assert tables == [("invoices",)] and len(rows) == 1

"""The suite's own PostgreSQL server (tests/pg_cluster.py) starts, isolates and cleans up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import pg_cluster as plugin
from pg_cluster import PASSWORD, PASSWORD_ROLE, PgCluster

TESTS = Path(__file__).resolve().parent


def test_the_server_answers(pg_url: str) -> None:
    import psycopg

    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        assert conn.info.host == "127.0.0.1"


def test_each_test_gets_a_fresh_empty_database(pg_cluster: PgCluster, pg_url: str) -> None:
    import psycopg

    with psycopg.connect(pg_url) as conn:
        assert conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone() == (0,)
        conn.execute("CREATE TABLE mine (x int)")
    other = pg_cluster.create_database()
    try:
        with psycopg.connect(pg_cluster.url(other)) as conn:
            tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            assert tables.fetchall() == []
            assert conn.execute("SHOW server_encoding").fetchone() == ("UTF8",)
    finally:
        pg_cluster.drop_database(other)


def test_the_server_listens_on_loopback_only_and_never_as_root(pg_cluster: PgCluster) -> None:
    with pg_cluster.admin() as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
    assert pg_cluster.folder.stat().st_uid != 0 or os.geteuid() != 0
    assert (pg_cluster.data / "postmaster.pid").stat().st_uid == pg_cluster.folder.stat().st_uid


def test_the_password_role_needs_its_password(pg_cluster: PgCluster, pg_url: str) -> None:
    import psycopg

    database = pg_url.rsplit("/", 1)[1]
    with psycopg.connect(pg_cluster.url(database, PASSWORD_ROLE, PASSWORD)) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (PASSWORD_ROLE,)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(pg_cluster.url(database, PASSWORD_ROLE, "wrong"))
    with pytest.raises(psycopg.OperationalError, match="password"):
        psycopg.connect(pg_cluster.url(database, PASSWORD_ROLE))  # no password, no ~/.pgpass


def test_a_prepared_template_is_copied_into_new_databases(pg_cluster: PgCluster) -> None:
    import psycopg

    calls: list[str] = []

    def prepare(url: str) -> None:
        calls.append(url)
        with psycopg.connect(url) as conn:
            conn.execute("CREATE TABLE contact (name text)")
            conn.execute("INSERT INTO contact VALUES ('Ann')")

    template = pg_cluster.template("one-table", prepare)
    assert pg_cluster.template("one-table", prepare) == template and len(calls) == 1
    copy = pg_cluster.create_database(template=template)
    try:
        with psycopg.connect(pg_cluster.url(copy)) as conn:
            assert conn.execute("SELECT name FROM contact").fetchall() == [("Ann",)]
    finally:
        pg_cluster.drop_database(copy)


def test_no_binaries_means_a_one_line_skip_reason(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(plugin, "DEBIAN_BINARIES", str(tmp_path / "*" / "bin"))
    monkeypatch.delenv("RELATE_TEST_POSTGRES", raising=False)
    assert plugin.find_binaries() is None
    reason = plugin.unavailable_reason()
    assert reason is not None and "\n" not in reason and "initdb" in reason


def test_debian_binaries_are_found_newest_first(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for version in ("9.6", "15", "13"):
        folder = tmp_path / version / "bin"
        folder.mkdir(parents=True)
        (folder / "initdb").touch()
        (folder / "pg_ctl").touch()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(plugin, "DEBIAN_BINARIES", str(tmp_path / "*" / "bin"))
    assert plugin.find_binaries() == tmp_path / "15" / "bin"


@pytest.mark.slow
def test_a_run_without_postgresql_skips_with_one_line(tmp_path: Path) -> None:
    # Two files, as the suite's PostgreSQL half spans many: still one line.
    (tmp_path / "test_a.py").write_text("def test_one(pg_url):\n    pass\n")
    (tmp_path / "test_b.py").write_text("def test_two(pg_cluster):\n    pass\n")
    env = {**os.environ, "RELATE_TEST_POSTGRES": "0", "PYTHONPATH": str(TESTS)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "pg_cluster",
            "-ra",
            "-q",
            "-p",
            "no:cacheprovider",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    skipped = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skipped) == 1, result.stdout
    assert skipped[0].startswith("SKIPPED [2] ") and "RELATE_TEST_POSTGRES=0" in skipped[0]
    assert "2 skipped" in result.stdout


@pytest.mark.slow
def test_stop_ends_the_server_and_deletes_its_folder() -> None:
    import psycopg

    binaries = plugin.find_binaries()
    if binaries is None or plugin.unavailable_reason() is not None:
        pytest.skip(plugin.unavailable_reason() or "no PostgreSQL")
    cluster = PgCluster(binaries)
    try:
        cluster.start()
        with psycopg.connect(cluster.url()) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        cluster.stop()
    assert not cluster.folder.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(cluster.url(), connect_timeout=2)


def test_a_killed_sessions_folder_is_swept_and_a_live_one_is_not(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    orphan = tmp_path / "relate-pg-orphan"
    orphan.mkdir()
    (orphan / plugin.OWNER_FILE).write_text(dead.stdout.strip())
    live = tmp_path / "relate-pg-live"
    live.mkdir()
    (live / plugin.OWNER_FILE).write_text(str(os.getpid()))
    foreign = tmp_path / "relate-pg-foreign"  # no owner file: not ours to judge
    foreign.mkdir()
    assert plugin.sweep_orphans(Path("/nonexistent"), tmp_path) == [orphan]
    assert not orphan.exists() and live.exists() and foreign.exists()

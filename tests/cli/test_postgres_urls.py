"""Every way #13 says a user may name the team's server, as relate in a real process:
the three URL spellings, and libpq's own places for what the URL leaves out
(``PGPASSWORD``, ``~/.pgpass``, ``PGSERVICE`` with ``~/.pg_service.conf``,
``sslmode=`` in the URL). The role here needs its password (scram-sha-256)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pg_cluster import LIBPQ_ENVIRONMENT, PASSWORD, PASSWORD_ROLE

pytestmark = pytest.mark.slow


@pytest.fixture
def book(pg_cluster: Any) -> Iterator[str]:
    """An empty database the password role owns (relate sets it up on first use)."""
    name = pg_cluster.create_database(owner=PASSWORD_ROLE)
    yield name
    pg_cluster.drop_database(name)


def _relate(url: str, home: Path, extra: dict[str, str], *args: str) -> Any:
    env = {k: v for k, v in os.environ.items() if k not in LIBPQ_ENVIRONMENT}
    env.pop("PGPASSFILE", None)
    env.pop("PGSERVICEFILE", None)
    env.update(HOME=str(home), RELATE_DB=url, RELATE_NOW="2026-11-24T09:30", **extra)
    return subprocess.run(
        [sys.executable, "-m", "relate", *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


FORMS = ["postgresql", "postgres", "postgresql+psycopg"]


@pytest.mark.parametrize("scheme", FORMS)
@pytest.mark.parametrize("source", ["PGPASSWORD", "pgpass", "PGSERVICE", "url"])
def test_postgresql_url_forms_and_libpq_password_sources(
    pg_cluster: Any, book: str, tmp_path: Path, scheme: str, source: str
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    server = f"127.0.0.1:{pg_cluster.port}"
    url = f"{scheme}://{PASSWORD_ROLE}@{server}/{book}?sslmode=disable"
    extra: dict[str, str] = {}
    if source == "PGPASSWORD":
        extra["PGPASSWORD"] = PASSWORD
    elif source == "pgpass":
        pgpass = home / ".pgpass"
        pgpass.write_text(f"127.0.0.1:{pg_cluster.port}:{book}:{PASSWORD_ROLE}:{PASSWORD}\n")
        pgpass.chmod(0o600)
    elif source == "PGSERVICE":
        (home / ".pg_service.conf").write_text(
            f"[team]\nhost=127.0.0.1\nport={pg_cluster.port}\ndbname={book}\n"
            f"user={PASSWORD_ROLE}\npassword={PASSWORD}\nsslmode=disable\n"
        )
        extra["PGSERVICE"] = "team"
        url = f"{scheme}://"  # everything from the service
    else:
        url = f"{scheme}://{PASSWORD_ROLE}:{PASSWORD}@{server}/{book}?sslmode=disable"

    added = _relate(url, home, extra, "add", "Ann Smith")
    assert added.returncode == 0, added.stderr
    listed = _relate(url, home, extra, "list", "--format", "csv")
    assert listed.returncode == 0, listed.stderr
    assert "Ann Smith" in listed.stdout
    for args in (("where",), ("check",), ("--debug", "whoami")):
        shown = _relate(url, home, extra, *args)
        assert shown.returncode == 0, shown.stderr
        assert PASSWORD not in shown.stdout + shown.stderr
    for done in (added, listed):
        assert PASSWORD not in done.stdout + done.stderr

    # Without the password's source the same URL is refused: one line, exit 4.
    bare = _relate(url, home / "nowhere", {}, "list")
    if source != "url":
        assert bare.returncode == 4, bare.stderr
        assert len(bare.stderr.strip().splitlines()) == 1


def test_postgresql_sslmode_in_the_url_reaches_libpq(
    pg_cluster: Any, book: str, tmp_path: Path
) -> None:
    """The test server has no TLS: ``sslmode=require`` must fail, in one line, exit 4;
    ``sslmode=disable`` and ``prefer`` connect."""
    server = f"127.0.0.1:{pg_cluster.port}"
    base = f"postgresql://{PASSWORD_ROLE}:{PASSWORD}@{server}/{book}"
    for mode in ("disable", "prefer"):
        done = _relate(f"{base}?sslmode={mode}", tmp_path, {}, "add", f"Ann {mode}")
        assert done.returncode == 0, done.stderr
    refused = _relate(f"{base}?sslmode=require", tmp_path, {}, "list")
    assert refused.returncode == 4
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "SSL" in lines[0] and book in lines[0]
    assert PASSWORD not in refused.stderr and "***" in lines[0]

"""Every test gets its own database (RELATE_DB) and a fixed clock (RELATE_NOW).

Building the schema runs Alembic (~0.3 s), so it is done once per session into a
template file that each test copies.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from relate.storage.database import Database, open_database

# The throwaway PostgreSQL server and its fixtures (pg_cluster, pg_url): tests/pg_cluster.py.
pytest_plugins = ["pg_cluster"]

TODAY = date(2026, 11, 24)  # a Tuesday
NOW = datetime(2026, 11, 24, 9, 30)
USER = "sam"


@pytest.fixture(scope="session", autouse=True)
def _fixed_zone() -> Iterator[None]:
    # Times are stored in UTC and shown in local time; pin "local" for repeatability.
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if previous is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = previous
    time.tzset()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "relate.db"
    open_database(path).close()
    return path


@pytest.fixture(autouse=True)
def db_path(tmp_path: Path, template_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "relate.db"
    shutil.copyfile(template_db, path)
    path.chmod(0o600)
    monkeypatch.setenv("RELATE_DB", str(path))
    monkeypatch.setenv("RELATE_NOW", NOW.isoformat())
    # Who relate records as the user (owner of new contacts, logged_by): the same on
    # every machine, whatever the login name.
    monkeypatch.setenv("RELATE_USER", USER)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    return path


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def now() -> datetime:
    return NOW.astimezone()


@pytest.fixture
def screen() -> Iterator[Callable[..., None]]:
    """The terminal seam's facts for this test: ``screen(stdin_is_terminal=True, width=60)``."""
    from relate import terminal

    yield terminal.pretend
    terminal.pretend()


@pytest.fixture
def relate() -> Callable[..., Result]:
    """Run the CLI in-process: ``relate("add", "Ann")``; stdout and stderr kept apart."""
    from relate.cli.main import app

    runner = CliRunner()

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, env=env)

    return run

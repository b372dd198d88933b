"""Every test gets its own database (RELATE_DB) and a fixed clock (RELATE_NOW).

Building the schema runs Alembic (~0.3 s), so it is done once per session into a
template file that each test copies. Test folders go to memory (/dev/shm) when the
machine has room there: see ``pytest_configure``.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from helpers import Stored
from relate.storage.database import Database, open_database

# The throwaway PostgreSQL server and its fixtures (pg_cluster, pg_url): tests/pg_cluster.py.
pytest_plugins = ["pg_cluster"]

# Where test folders go when neither --basetemp, PYTEST_DEBUG_TEMPROOT nor TMPDIR says.
MEMORY_FOLDER = Path("/dev/shm")
MEMORY_NEEDED = 2 << 30  # free bytes; tmp_path_retention_policy = "failed" keeps use small


def pytest_configure(config: pytest.Config) -> None:
    """Put the tests' folders (``tmp_path``, so every test's database) in memory.

    relate commits with ``PRAGMA synchronous=FULL``: every write command waits for the
    disk (fdatasync), and the quick loop commits some 20,000 times. On a shared disk
    that was half of its wall time; on a tmpfs the same calls return at once. What the
    tests run and assert is the same on either. A developer's own choice wins
    (``--basetemp``, ``PYTEST_DEBUG_TEMPROOT``, ``TMPDIR``), and a machine without a
    roomy /dev/shm (a container's is often 64 MB) keeps the system's temporary folder.
    xdist workers inherit the choice from the controller's environment.
    """
    if config.option.basetemp or {"PYTEST_DEBUG_TEMPROOT", "TMPDIR"} & set(os.environ):
        return
    try:
        usage = os.statvfs(MEMORY_FOLDER)
    except OSError:
        return
    if os.access(MEMORY_FOLDER, os.W_OK | os.X_OK) and (
        usage.f_bavail * usage.f_frsize >= MEMORY_NEEDED
    ):
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(MEMORY_FOLDER)


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


@pytest.fixture(scope="session", autouse=True)
def _click_commands_built_once() -> Iterator[None]:
    """Every ``CliRunner.invoke`` runs the app as ``relate`` does, but on a Click command
    tree built once per session instead of once per call.

    Typer's runner builds the tree from the app on each call (signatures, type hints and
    parameters of every command: ~20 ms for relate's, three quarters of an in-process
    run's time). The tree holds no state between runs, so one per distinct app is the
    same program; an app whose registered commands change (``entry._load`` keeps only
    the command being run) gets a tree of its own.
    """
    import typer.main
    import typer.testing

    built: dict[tuple[int, ...], tuple[list[object], Any]] = {}

    def get_command(app: typer.Typer) -> Any:
        parts = _registered(app)
        key = tuple(id(part) for part in parts)
        if key not in built:
            built[key] = (parts, typer.main.get_command(app))  # parts kept: ids stay unique
        return built[key][1]

    with pytest.MonkeyPatch.context() as patch:
        # Typer's runner calls typer.main.get_command under this name (typer <0.29 is
        # pinned in pyproject; the attribute must exist or this fails loudly).
        patch.setattr(typer.testing, "_get_command", get_command)
        yield


def _registered(app: Any) -> list[object]:
    """What a Typer app's Click tree is built from: the app, its callback, commands and
    groups, and theirs."""
    parts: list[object] = [app, app.registered_callback, *app.registered_commands]
    for group in app.registered_groups:
        parts.append(group)
        parts.extend(_registered(group.typer_instance))
    return parts


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "relate.db"
    open_database(path).close()
    return path


# Tests that reach the database only through the CLI (``relate``), ``db``, ``stored``
# (rows read and written by a connection of its own) or ``location`` (relate in a real
# process) run on both engines: ``test_x[sqlite]`` and ``test_x[postgresql]`` (the
# second skipped, one line, without a PostgreSQL server: tests/pg_cluster.py). A test
# that names ``db_path`` works on the file itself and runs on SQLite only, as does one
# parametrised ``engine=["sqlite"]`` with its reason beside it, and a module not listed
# here (docs/team.md, "What differs between engines").
BOTH_ENGINES: set[str] = {
    path.name
    for folder in ("cli", "unit", "reliability")
    for path in (Path(__file__).parent / folder).glob("test_*.py")
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    import inspect

    if "engine" in metafunc.fixturenames and "engine" in _parametrized(metafunc):
        return
    module = Path(str(metafunc.definition.fspath)).name
    named = inspect.signature(metafunc.function).parameters
    if (
        module in BOTH_ENGINES
        and not {"relate", "db", "stored", "location"}.isdisjoint(named)
        and "db_path" not in named
        and "template_db" not in named
    ):
        # The PostgreSQL half needs a server process: it runs in the full suite (CI),
        # not in the quick loop (`pytest -m "not slow"`).
        metafunc.parametrize(
            "engine",
            ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)],
            indirect=True,
        )


def _parametrized(metafunc: pytest.Metafunc) -> set[str]:
    return {
        name
        for marker in metafunc.definition.iter_markers("parametrize")
        for name in str(marker.args[0]).replace(" ", "").split(",")
    }


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    """The engine this test's database is on (sqlite unless parametrised)."""
    return str(getattr(request, "param", "sqlite"))


def _migrated(url: str) -> None:
    from relate.storage.location import parse_location

    open_database(parse_location(url)).close()


@pytest.fixture(autouse=True)
def db_path(
    tmp_path: Path,
    template_db: Path,
    monkeypatch: pytest.MonkeyPatch,
    engine: str,
    request: pytest.FixtureRequest,
) -> Iterator[Path]:
    path = tmp_path / "relate.db"
    if engine == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")
        from pg_cluster import LIBPQ_ENVIRONMENT

        for variable in LIBPQ_ENVIRONMENT:  # not the developer's own server settings
            monkeypatch.delenv(variable, raising=False)
        monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
        name = cluster.create_database(template=cluster.template("migrated", _migrated))
        monkeypatch.setenv("RELATE_DB", cluster.url(name))
        monkeypatch.chdir(tmp_path)  # where a server's backups go without a path
        _common_environment(monkeypatch)
        yield path
        cluster.drop_database(name)
        return
    shutil.copyfile(template_db, path)
    path.chmod(0o600)
    monkeypatch.setenv("RELATE_DB", str(path))
    _common_environment(monkeypatch)
    yield path


def _common_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELATE_NOW", NOW.isoformat())
    # Who relate records as the user (owner of new contacts, logged_by): the same on
    # every machine, whatever the login name.
    monkeypatch.setenv("RELATE_USER", USER)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)


@pytest.fixture
def db(db_path: Path, engine: str) -> Iterator[Database]:
    from relate.storage.location import parse_location

    database = open_database(parse_location(os.environ["RELATE_DB"]))
    yield database
    database.close()


@pytest.fixture
def stored(db_path: Path) -> Stored:
    """What the test's database holds, on either engine (``helpers.Stored``): a test
    that reads through it instead of ``db_path`` runs on both."""
    return Stored()


@pytest.fixture
def location(db_path: Path) -> str:
    """The test's database as ``--db``/``RELATE_DB`` names it (a file path or a server's
    URL), for relate in a real process: ``run_process(location, "list")``."""
    return os.environ["RELATE_DB"]


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

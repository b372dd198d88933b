"""A throwaway PostgreSQL cluster for the test suite (a pytest plugin, see conftest.py).

The suite starts its own server: ``initdb`` into a temporary folder, ``pg_ctl start``
on 127.0.0.1 with a free port, and stops it and deletes the folder when the session
ends (also after Ctrl-C; an ``atexit`` hook covers an interpreter that exits early).
Nothing needs to be started by hand, and nothing outside the folder is touched.

- Binaries: ``initdb``/``pg_ctl`` on PATH, else the newest ``/usr/lib/postgresql/*/bin``
  (Debian's ``postgresql`` package). Without them, or without psycopg, every test
  that asks for the server is skipped with one line saying why.
- Root: ``initdb`` refuses to run as root (CI runs as root), so the server runs as the
  Debian package's ``postgres`` user, else ``nobody``; the folder is theirs.
- Authentication: ``trust`` for every role from 127.0.0.1, except the one
  password-protected role (``PASSWORD_ROLE``/``PASSWORD``), which needs its password
  (scram-sha-256): the wrong-password and ``PGPASSWORD`` tests use it.
- Speed: fsync and synchronous commit are off (a crash loses nothing we keep); a
  fresh database is ``CREATE DATABASE ... TEMPLATE``, a few milliseconds from an
  empty or a prepared (migrated) template (``PgCluster.template``).

Fixtures: ``pg_cluster`` (the session's server) and ``pg_url`` (a fresh empty
database per test, dropped after it). Set ``RELATE_TEST_POSTGRES=0`` to skip them.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

SKIP_PREFIX = "PostgreSQL tests skipped: "
DEBIAN_BINARIES = "/usr/lib/postgresql/*/bin"
ADMIN = "postgres"  # the superuser initdb creates (-U)
PASSWORD_ROLE = "relate_pw"
PASSWORD = "s3cret-Pw"
# libpq reads these; a developer's own settings must not point the tests elsewhere.
LIBPQ_ENVIRONMENT = (
    "PGHOST",
    "PGHOSTADDR",
    "PGPORT",
    "PGUSER",
    "PGPASSWORD",
    "PGDATABASE",
    "PGSERVICE",
    "PGSERVICEFILE",
    "PGPASSFILE",
    "PGSSLMODE",
    "PGOPTIONS",
    "PGAPPNAME",
    "PGCONNECT_TIMEOUT",
    "PGTARGETSESSIONATTRS",
)
SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "unix_socket_directories": "''",  # TCP only: no socket folder permissions to manage
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "shared_buffers": "32MB",
    "log_min_messages": "warning",
    "timezone": "'UTC'",
}


def find_binaries() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``: PATH first, then Debian's layout."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(os.path.realpath(on_path)).parent

    def version(folder: str) -> tuple[int, ...]:
        name = Path(folder).parent.name
        return tuple(int(part) for part in name.split(".") if part.isdigit())

    for folder in sorted(glob.glob(DEBIAN_BINARIES), key=version, reverse=True):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def unavailable_reason() -> str | None:
    """Why the PostgreSQL tests cannot run here (one line), or None when they can."""
    if os.environ.get("RELATE_TEST_POSTGRES", "").strip() in {"0", "no", "off", "false"}:
        return f"{SKIP_PREFIX}RELATE_TEST_POSTGRES=0"
    if find_binaries() is None:
        return (
            f"{SKIP_PREFIX}no initdb/pg_ctl on PATH or in "
            "/usr/lib/postgresql/*/bin (apt-get install postgresql)"
        )
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return f"{SKIP_PREFIX}psycopg is not installed (pip install -e '.[postgres]')"
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_user() -> pwd.struct_passwd | None:
    """Who runs the server: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise RuntimeError("running as root and there is no 'postgres' or 'nobody' user for the server")


OWNER_FILE = "owner.pid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def sweep_orphans(binaries: Path, temp: Path) -> list[Path]:
    """Stop and delete clusters whose test session was killed; returns their folders.

    Only folders this plugin made (``relate-pg-*`` with an owner pid) whose owner
    process is gone are touched: a running session's cluster is never.
    """
    swept = []
    for folder in sorted(temp.glob("relate-pg-*")):
        try:
            pid = int((folder / OWNER_FILE).read_text())
        except (OSError, ValueError):
            continue
        if _alive(pid):
            continue
        if (folder / "data" / "postmaster.pid").exists():
            subprocess.run(
                [str(binaries / "pg_ctl"), "-D", str(folder / "data"), "-m", "immediate", "stop"],
                capture_output=True,
                timeout=60,
                check=False,
                **_as_owner_of(folder),
            )
        shutil.rmtree(folder, ignore_errors=True)
        swept.append(folder)
    return swept


def _as_owner_of(folder: Path) -> dict[str, Any]:
    """subprocess options to run as the folder's owner (pg_ctl refuses root)."""
    info = folder.stat()
    if os.geteuid() != 0 or info.st_uid == 0:
        return {}
    return {"user": info.st_uid, "group": info.st_gid, "extra_groups": []}


def _reachable_by_all(folder: Path) -> bool:
    """Whether any user can enter ``folder`` (every folder above it has o+x)."""
    levels = (folder.resolve(), *folder.resolve().parents)
    return all(level.stat().st_mode & 0o001 for level in levels)


class PgCluster:
    """One running server; ``url()`` names a database on it, ``create_database()`` makes one."""

    def __init__(self, binaries: Path) -> None:
        self.binaries = binaries
        self.user = _server_user()
        base = tempfile.gettempdir()
        if self.user is not None and not _reachable_by_all(Path(base)):
            base = "/tmp"  # TMPDIR under root's home: the server's user could not enter it
        self.folder = Path(tempfile.mkdtemp(prefix="relate-pg-", dir=base))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.host = "127.0.0.1"
        self.port = 0
        self.running = False
        self._names = itertools.count(1)
        self._templates: dict[str, str] = {}
        if self.user is not None:
            os.chown(self.folder, self.user.pw_uid, self.user.pw_gid)
        self.folder.chmod(0o700)
        # Whose cluster this is: a later session sweeps it if this process was killed
        # (SIGKILL leaves no chance to stop the server).
        (self.folder / OWNER_FILE).write_text(str(os.getpid()))

    # -- the server's lifetime -------------------------------------------------

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """A PostgreSQL program, as the server's user when we are root."""
        env = {k: v for k, v in os.environ.items() if k not in LIBPQ_ENVIRONMENT}
        env["LC_ALL"] = "C.UTF-8"
        options: dict[str, Any] = {}
        if self.user is not None:
            options = {
                "user": self.user.pw_uid,
                "group": self.user.pw_gid,
                "extra_groups": [],
            }
            env["HOME"] = str(self.folder)
            env["USER"] = env["LOGNAME"] = self.user.pw_name
        result = subprocess.run(
            [str(self.binaries / args[0]), *args[1:]],
            cwd=self.folder,
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=120,
            check=False,
            **options,
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"{args[0]} failed ({result.returncode}): {result.stderr.strip()[-2000:]}"
                + self._log_tail()
            )
        return result

    def _log_tail(self) -> str:
        with contextlib.suppress(OSError):
            return "\nserver log:\n" + self.log.read_text(errors="replace")[-2000:]
        return ""

    def start(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            ADMIN,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# relate's test suite\n")
            for key, value in SERVER_SETTINGS.items():
                conf.write(f"{key} = {value}\n")
        # Order matters: the first matching line decides. Opening with "w" keeps the
        # file's owner (the server's user).
        (self.data / "pg_hba.conf").write_text(
            f"host all {PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256\n"
            "host all all 127.0.0.1/32 trust\n"
        )
        for attempt in range(3):  # a free port can be taken between the probe and the start
            self.port = free_port()
            started = self._run(
                "pg_ctl",
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-o",
                f"-p {self.port}",
                "-w",
                "-t",
                "60",
                "start",
                check=attempt == 2,
            )
            if started.returncode == 0:
                break
        self.running = True
        atexit.register(self.stop)
        with self.admin() as conn:
            conn.execute(f"CREATE ROLE {PASSWORD_ROLE} LOGIN CREATEDB PASSWORD '{PASSWORD}'")

    def stop(self) -> None:
        """Stop the server (immediately: nothing in it is kept) and delete the folder."""
        if self.running:
            self.running = False
            with contextlib.suppress(Exception):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- databases -------------------------------------------------------------

    def url(
        self, database: str = "postgres", user: str = ADMIN, password: str | None = None
    ) -> str:
        """A libpq URL for ``database``; with ``password`` it holds it (``user:pw@``)."""
        credentials = user if password is None else f"{user}:{password}"
        return f"postgresql://{credentials}@{self.host}:{self.port}/{database}"

    @contextlib.contextmanager
    def admin(self, database: str = "postgres") -> Iterator[Any]:
        """A superuser connection in autocommit (CREATE/DROP DATABASE need it)."""
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            yield conn

    def create_database(self, template: str = "template0", owner: str = ADMIN) -> str:
        """A new database (a copy of ``template``); returns its name."""
        name = f"relate_test_{os.getpid()}_{next(self._names)}"
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" OWNER "{owner}"')
        return name

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def template(self, key: str, prepare: Callable[[str], None]) -> str:
        """A template database made once per session by ``prepare(url)``; returns its name.

        ``create_database(template=cluster.template("migrated", migrate))`` then copies
        a migrated schema in milliseconds instead of migrating every test's database.
        """
        if key not in self._templates:
            name = self.create_database()
            prepare(self.url(name))
            with self.admin() as conn:
                # No one may stay connected to a template, or CREATE DATABASE fails.
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    (name,),
                )
                conn.execute(f'ALTER DATABASE "{name}" WITH IS_TEMPLATE true')
            self._templates[key] = name
        return self._templates[key]


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """The session's throwaway PostgreSQL server (skipped, one line, when there is none).

    Its teardown stops the server; pytest runs it after Ctrl-C too, and the ``atexit``
    hook registered by ``start`` covers the rest.
    """
    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(reason)  # reported as one line: pytest_runtest_makereport
    binaries = find_binaries()
    assert binaries is not None
    for temp in {Path(tempfile.gettempdir()), Path("/tmp")}:
        sweep_orphans(binaries, temp)
    cluster = PgCluster(binaries)
    try:
        # PostgreSQL is installed but does not start: a failure (pytest reports it once
        # per test that asks), not a skip.
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.hookimpl(tryfirst=True)  # before ``-m "not slow"`` deselects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that asks for the server (``pg_cluster``/``pg_url``, itself or through a
    fixture) is ``slow``: the server is processes (``initdb``, ``pg_ctl``, a backend per
    connection), so, like the ``[postgresql]`` half of a both-engine test, it runs in the
    full suite (CI) and not in the quick loop (``pytest -m "not slow"``)."""
    for item in items:
        if {"pg_cluster", "pg_url"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Every test skipped for want of a server is reported at one place, so ``-ra``
    folds them into one line: ``SKIPPED [N] tests/pg_cluster.py: PostgreSQL tests skipped: ...``.
    """
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    longrepr = report.longrepr
    if report.skipped and isinstance(longrepr, tuple) and len(longrepr) == 3:
        message = str(longrepr[2])
        if message.removeprefix("Skipped: ").startswith(SKIP_PREFIX):
            report.longrepr = (__file__, None, message)


@pytest.fixture
def pg_url(
    pg_cluster: PgCluster,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> Iterator[str]:
    """A fresh, empty database on the test server (superuser, trust): its URL."""
    if request.node.get_closest_marker("slow") is None:
        # Asked for at run time (request.getfixturevalue), which the collection rule
        # above cannot see: the quick loop would start the server.
        pytest.fail(
            "a test that uses the PostgreSQL server must be marked slow"
            ' (e.g. pytest.param("postgresql", marks=pytest.mark.slow))'
        )
    for name in LIBPQ_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))  # not the developer's ~/.pgpass
    name = pg_cluster.create_database()
    yield pg_cluster.url(name)
    pg_cluster.drop_database(name)

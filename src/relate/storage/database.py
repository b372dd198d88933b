"""Opening the database file: location, permissions, identity, pragmas, migrations,
and the one way to write (``Database.transaction``).

Commands talk to SQLite through the stdlib ``sqlite3`` module: it costs 16 ms to
import where SQLAlchemy costs 270 ms, and relate starts many times a day. Opening a
file that is already at the newest schema never imports SQLAlchemy; Alembic is
loaded only to create or upgrade a file.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from relate import clock
from relate.errors import StorageError
from relate.storage.engines import Cursor, Engine
from relate.storage.engines.sqlite import (
    SQLiteEngine,
    busy_timeout_ms,
    configure,
    connect,
    storage_error,
)
from relate.storage.schema import APPLICATION_ID, HEAD, REVISIONS
from relate.storage.sql import statement

__all__ = ["Database", "busy_timeout_ms", "connect", "open_database", "storage_error"]

# Who made an undo step (``undo_step.made_by``): ``relate undo`` takes back only the
# current user's steps on a shared database.
SET_STEP_MAKER = statement("UPDATE undo_step SET made_by = :user WHERE id = :id")
SQLITE_MAGIC = b"SQLite format 3\x00"
OWNER_ONLY = stat.S_IRUSR | stat.S_IWUSR


def default_path() -> Path:
    """``RELATE_DB`` if set, else the platform's user data folder."""
    configured = os.environ.get("RELATE_DB")
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_path

    return user_data_path("relate", appauthor=False) / "relate.db"


class Database:
    """An open relate database, whichever engine holds it (``storage/engines/``).

    Services read with ``execute`` and write inside ``transaction``, which takes the
    write lock up front and is all-or-nothing. Rows address columns by name and by
    position; a new row's id comes from ``insert``. What differs between engines
    (full-text search, the undo journal) is reached through ``engine``.
    """

    def __init__(
        self,
        path: Path,
        conn: Any,
        now: Callable[[], datetime] = clock.now,
        engine: Engine | None = None,
    ) -> None:
        self.path = path
        self.conn = conn  # the driver's connection: storage/ only
        if engine is None:
            assert isinstance(conn, sqlite3.Connection)
            engine = SQLiteEngine(path, conn)
        self.engine: Engine = engine
        # The clock the opener chose; storage asks it only to date an undo step.
        self.now = now
        # What ``relate undo`` will say it undid; the CLI sets the command line.
        self.label = "a change"
        # Who makes the changes (RELATE_USER, else the login name); the CLI sets it and
        # each undo step records it, so undo takes back only that person's steps. The CLI
        # may set ``who`` instead: asked on the first write, so that a command that only
        # reads never looks the login name up (getpass, pwd: start-up time).
        self.user: str | None = None
        self.who: Callable[[], str] | None = None
        self.committed = False  # a transaction of this connection was committed
        self._depth = 0  # nesting of transaction(): inner ones join the outermost
        self.changed = False  # whether the last transaction committed a change
        self._snapshot = False  # hold_snapshot()'s read transaction is open

    def hold_snapshot(self) -> None:
        """Read everything from here on in one snapshot, until a write or ``close``.

        Reading statement by statement, a command that reads twice (the names, then
        the logs that mention them) could see another program's write in one read and
        not in the other, and print a mix or crash on it (#9.10). The engine's read
        transaction (SQLite in WAL mode: it never blocks a writer) pins the data as it
        is now. It refuses writes, so no change can slip into it and be lost at
        ``close``; ``transaction`` ends it before taking the write lock.
        """
        if self._snapshot or self._depth:
            return
        self.engine.begin_read()
        self._snapshot = True

    def _end_snapshot(self) -> None:
        self._snapshot = False
        self.engine.end_read()

    def execute(self, sql: str, params: dict[str, object] | None = None) -> Cursor:
        """Run one statement (``:named`` parameters); driver errors become StorageError."""
        cursor: Cursor = self.engine.execute(sql, params)
        return cursor

    def insert(self, sql: str, params: dict[str, object] | None = None) -> int:
        """Run an INSERT into a table with an ``id`` key and return the new id."""
        return self.engine.insert(sql, params)

    def insert_rows(
        self,
        table: str,
        columns: Sequence[str],
        rows: Sequence[tuple[Any, ...]],
        *,
        ignore: bool = False,
    ) -> None:
        """Insert many rows of ``table`` at once (an import's batch; ids are given in
        ``columns`` when the caller needs them), in a few statements whatever their
        number (SQLite: ``executemany``; PostgreSQL: ``COPY``, or one pipelined batch).
        ``ignore``: skip rows that would break a unique key, as ``INSERT OR IGNORE``."""
        self.engine.insert_rows(table, columns, rows, ignore)

    @contextlib.contextmanager
    def inserting(self, tables: Sequence[str]) -> Iterator[None]:
        """A block that only inserts into ``tables``: undo takes its rows back as one
        range of ids per table instead of row by row (a big import writes a fraction of
        the journal, and undoes the same)."""
        with self.engine.journal_ranges(tables):
            yield

    @contextlib.contextmanager
    def transaction(self, *, journal: bool = True) -> Iterator[Database]:
        """One write command = one transaction = one undo step.

        The engine takes the write lock before anything is read (SQLite: ``BEGIN
        IMMEDIATE``), so a busy database is waited out (busy timeout) instead of failing
        half-way, and a failed commit is rolled back rather than left holding the lock.
        With ``journal`` (the default) every change is recorded for ``relate undo`` in
        the same transaction, so the journal can never disagree with the data.

        A transaction opened inside another joins it: a command that calls two
        services (``edit --revisit``) wraps them in one and stays one undo step. A
        journaled transaction that recorded no change is rolled back (a timestamp
        bump alone is no change) and leaves ``changed`` False, so the command can say
        that nothing changed and uses no undo step.
        """
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        engine = self.engine
        if self._snapshot:
            self._end_snapshot()  # the write reads the newest data, under its lock
        if journal:
            engine.prepare_journal()  # before the lock: keeps it short
        engine.begin_write()
        self._depth = 1
        try:
            step = engine.begin_step(self.label, self.now()) if journal else None
            if step is not None and self.user is None and self.who is not None:
                self.user = self.who()
            if step is not None and self.user is not None:
                self.execute(SET_STEP_MAKER, {"user": self.user, "id": step})
            yield self
            if step is not None and not engine.end_step(step):
                engine.rollback()
                self.changed = False
                return
            engine.commit()
            self.committed = True
            self.changed = True
        except BaseException as exc:
            engine.rollback()
            failure = engine.error(exc)
            if failure is not None:
                raise failure from exc
            raise
        finally:
            self._depth = 0

    def close(self) -> None:
        if self._snapshot:
            with contextlib.suppress(StorageError):
                self._end_snapshot()
        self.engine.close()


# Files relate builds beside their destination carry this mark and the pid of the
# process building them, so a later run can tell a killed run's leftovers from work
# in progress: ``.relate.db.4242.relate-tmp`` (and its ``-journal``/``-wal``).
TEMP_MARK = ".relate-tmp"


def temp_beside(dest: Path) -> Path:
    """Where to build ``dest``: same folder (renaming is atomic), hidden, this pid."""
    return dest.with_name(f".{dest.name}.{os.getpid()}{TEMP_MARK}")


def private_temp(dest: Path) -> Path:
    """An empty owner-only file beside ``dest``, from the first byte (O_EXCL)."""
    temp = temp_beside(dest)
    remove_temp(temp)
    os.close(os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, OWNER_ONLY))
    return temp


def remove_temp(temp: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{temp}{suffix}").unlink()


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` and any missing parents, each owner-only (0700)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for level in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another relate made it meanwhile
            level.mkdir(mode=0o700)


def _pid_alive(pid: int) -> bool:
    if sys.platform == "win32":  # os.kill(pid, 0) would terminate it there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process
    return True


def remove_stale_temps(folder: Path) -> None:
    """Delete the temporary copies a killed relate left in ``folder`` (#9.14)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if not name.startswith(".") or TEMP_MARK not in name:
            continue
        pid = name.split(TEMP_MARK)[0].rsplit(".", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError):  # a folder cannot be opened on every platform
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _create(path: Path, *, over_empty: bool = False) -> None:
    """Build a new database beside ``path`` and move it into place only when complete.

    A kill or Ctrl-C during a first run then leaves no file (or the empty file that
    was there) rather than a half-built one relate would refuse (#9.6).
    """
    try:
        make_private_folder(path.parent)
        temp = private_temp(path)
    except OSError as exc:
        raise StorageError(f"cannot create {path}: {exc.strerror}") from exc
    try:
        _build(temp, shown=path)
        _fsync(temp)
        if over_empty:
            if path.stat().st_size == 0:
                os.replace(temp, path)
        else:
            try:
                # link, not rename: never replaces a database another first run made.
                os.link(temp, path)
            except FileExistsError:
                pass  # another relate created it meanwhile; use that one
            except OSError:  # a filesystem without hard links
                if not path.exists():
                    os.replace(temp, path)
        _fsync(path.parent)
    except OSError as exc:
        raise StorageError(f"cannot create {path}: {exc.strerror}") from exc
    finally:
        remove_temp(temp)


def missing_database(path: Path) -> StorageError:
    return StorageError(
        f"there is no relate database at {path}",
        hint="start one with `relate add NAME` or `relate import FILE`;"
        " `relate where` says which file is used",
    )


def check_identity(path: Path) -> None:
    """Refuse a foreign file (or one that cannot be read) before SQLite so much as opens it."""
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {exc.strerror}") from exc
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise StorageError(
            f"{path} is not a relate database (not an SQLite file); it was left untouched"
        )
    application_id = int.from_bytes(header[68:72], "big")
    if application_id != APPLICATION_ID:
        raise StorageError(
            f"{path} is an SQLite database of another program; it was left untouched"
        )


def _revision(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return None if row is None else str(row[0])


def build_file(path: Path) -> None:
    """Give the empty file at ``path`` the newest schema (a backup of a server)."""
    _build(path)


def _build(path: Path, shown: Path | None = None) -> None:
    """Give the file at ``path`` the newest schema; errors name ``shown`` (the user's
    file when ``path`` is the temporary one it is built in)."""
    from relate.storage import migrate

    shown = shown or path
    try:
        migrate.upgrade(path)
    except Exception as exc:  # SQLAlchemy wraps sqlite3's errors
        cause = getattr(exc, "orig", None)
        if isinstance(cause, sqlite3.Error):  # a full disk, a lock: said as for any command
            raise storage_error(cause, shown) from exc
        raise StorageError(f"cannot prepare {shown}: {exc}".splitlines()[0]) from exc
    _finish(path)


def _finish(path: Path) -> None:
    conn = connect(path)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        # Fold the schema into the main file so its header (application id) is current.
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _migrate(path: Path) -> None:
    """Upgrade an existing file to the newest schema, one transaction per migration."""
    # Two runs at once must not both upgrade: Alembic runs under an advisory lock on
    # the file, and the second one finds the work done.
    with path.open("rb") as handle:
        if sys.platform != "win32":
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)
        conn = connect(path)
        try:
            current = _revision_or_none(conn)
        finally:
            conn.close()
        if current != HEAD:
            _build(path)
        else:
            _finish(path)


def close_untouched(conn: sqlite3.Connection, path: Path) -> None:
    """Close without the checkpoint SQLite runs when its last connection closes.

    A refused file must keep every byte, its -wal included: a read-only connection
    opened meanwhile is the last to close, and read-only connections never write.
    """
    try:
        witness = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        witness.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.Error:
        conn.close()
        return
    conn.close()
    witness.close()


def _revision_or_none(conn: sqlite3.Connection) -> str | None:
    try:
        return _revision(conn)
    except sqlite3.OperationalError:
        return None


def open_database(
    path: Path | Any, *, create: bool = True, now: Callable[[], datetime] = clock.now
) -> Database:
    """Open (creating or upgrading as needed) the relate database at ``path``.

    ``path`` is a file (SQLite) or a ``storage/location.py`` Location; a PostgreSQL
    one opens through ``storage/engines/postgres.py``, imported only then.
    ``now`` is the clock its writes are dated by (the undo steps).

    Without ``create`` a missing file is an error: commands that only read never
    leave a new database behind (a typo in --db must not start a second one).
    """
    if not isinstance(path, Path):
        if getattr(path, "engine", None) == "postgresql":
            from relate.storage.engines.postgres import open_postgres

            return open_postgres(path, create=create, now=now)
        path = Path(path.path)
    path = path.expanduser()
    try:
        info: os.stat_result | None = path.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {exc.strerror}") from exc
    if info is None:
        if not create:
            raise missing_database(path)
        _create(path)
    elif stat.S_ISDIR(info.st_mode):
        raise StorageError(f"{path} is a folder, not a relate database")
    elif not stat.S_ISREG(info.st_mode):
        # A FIFO or a device would block or feed garbage: never open one.
        raise StorageError(f"{path} is not a regular file; it was left untouched")
    elif info.st_size == 0:
        _create(path, over_empty=True)
    remove_stale_temps(path.parent)
    check_identity(path)

    conn = connect(path)
    try:
        conn.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
        revision = _revision(conn)
    except sqlite3.DatabaseError as exc:
        close_untouched(conn, path)
        if isinstance(exc, sqlite3.OperationalError) and "no such table" in str(exc):
            raise StorageError(f"{path} has no relate schema; it was left untouched") from exc
        raise storage_error(exc, path) from exc
    if revision != HEAD:
        if revision not in REVISIONS:
            close_untouched(conn, path)
            raise StorageError(
                f"{path} was written by a newer relate (schema {revision})",
                hint="upgrade relate to open it",
            )
        conn.close()
        _migrate(path)
        print(f"relate: upgraded {path} to schema {HEAD}", file=sys.stderr)
        conn = connect(path)
    try:
        configure(conn)
    except sqlite3.Error as exc:
        conn.close()
        raise storage_error(exc, path) from exc
    return Database(path, conn, now)

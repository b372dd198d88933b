"""Opening the database file: location, permissions, identity, pragmas, migrations,
and the one way to write (``Database.transaction``).

Commands talk to SQLite through the stdlib ``sqlite3`` module: it costs 16 ms to
import where SQLAlchemy costs 270 ms, and relate starts many times a day. Opening a
file that is already at the newest schema never imports SQLAlchemy; Alembic is
loaded only to create or upgrade a file.
"""

from __future__ import annotations

import contextlib
import math
import os
import sqlite3
import stat
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from relate import clock
from relate.errors import SettingError, StorageError
from relate.storage import journal as journal_module
from relate.storage.schema import APPLICATION_ID, HEAD, REVISIONS

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000  # how long a write waits for another writer; RELATE_BUSY_TIMEOUT (s)
MAX_BUSY_TIMEOUT_MS = 2**31 - 1  # SQLite keeps the timeout in a C int
OWNER_ONLY = stat.S_IRUSR | stat.S_IWUSR


def default_path() -> Path:
    """``RELATE_DB`` if set, else the platform's user data folder."""
    configured = os.environ.get("RELATE_DB")
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_path

    return user_data_path("relate", appauthor=False) / "relate.db"


def busy_timeout_ms() -> int:
    """How long to wait for another writer: ``RELATE_BUSY_TIMEOUT`` seconds, else 5 s."""
    configured = os.environ.get("RELATE_BUSY_TIMEOUT", "").strip()
    if configured:
        try:
            seconds = float(configured)
        except ValueError:
            seconds = math.nan
        if math.isnan(seconds):
            raise SettingError(
                f"RELATE_BUSY_TIMEOUT={configured!r} is not a number of seconds"
            ) from None
        if seconds >= 0:
            # "inf" and other huge values mean: wait as long as SQLite can (24 days).
            return int(min(seconds * 1000, MAX_BUSY_TIMEOUT_MS))
    return BUSY_TIMEOUT_MS


class Database:
    """An open relate database: a stdlib connection in autocommit mode.

    Reads run directly on ``conn``; every write goes through ``transaction`` so that
    it takes the write lock up front and is all-or-nothing.
    """

    def __init__(
        self, path: Path, conn: sqlite3.Connection, now: Callable[[], datetime] = clock.now
    ) -> None:
        self.path = path
        self.conn = conn
        # The clock the opener chose; storage asks it only to date an undo step.
        self.now = now
        # What ``relate undo`` will say it undid; the CLI sets the command line.
        self.label = "a change"
        self.committed = False  # a transaction of this connection was committed
        self._journal_ready = False
        self._depth = 0  # nesting of transaction(): inner ones join the outermost
        self.changed = False  # whether the last transaction committed a change

    def execute(self, sql: str, params: dict[str, object] | None = None) -> sqlite3.Cursor:
        try:
            return self.conn.execute(sql, params or {})
        except sqlite3.OperationalError as exc:
            raise storage_error(exc, self.path) from exc

    @contextlib.contextmanager
    def transaction(self, *, journal: bool = True) -> Iterator[sqlite3.Connection]:
        """One write command = one transaction = one undo step.

        ``BEGIN IMMEDIATE`` takes the write lock before reading anything, so a busy
        database is waited out (busy timeout) instead of failing half-way, and a
        failed commit is rolled back rather than left holding the lock. With
        ``journal`` (the default) every change is recorded for ``relate undo`` in the
        same transaction, so the journal can never disagree with the data.

        A transaction opened inside another joins it: a command that calls two
        services (``edit --revisit``) wraps them in one and stays one undo step. A
        journaled transaction that recorded no change is rolled back (a timestamp
        bump alone is no change) and leaves ``changed`` False, so the command can say
        that nothing changed and uses no undo step.
        """
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        try:
            if journal and not self._journal_ready:
                journal_module.install(self.conn)  # before the lock: keeps it short
                self._journal_ready = True
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise storage_error(exc, self.path) from exc
        self._depth = 1
        try:
            step = journal_module.begin_step(self.conn, self.label, self.now()) if journal else None
            yield self.conn
            if step is not None and not journal_module.end_step(self.conn, step):
                self.conn.execute("ROLLBACK")
                self.changed = False
                return
            self.conn.execute("COMMIT")
            self.committed = True
            self.changed = True
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError):
                raise storage_error(exc, self.path) from exc
            raise
        finally:
            self._depth = 0

    @contextlib.contextmanager
    def interruptible(self) -> Iterator[None]:
        """Ctrl-C inside a long statement stops it and becomes ``KeyboardInterrupt``.

        Python delivers Ctrl-C between bytecodes, which may be inside one of SQLite's
        callbacks (undo's authorizer): SQLite then sees a refusal and reports "not
        authorized", exit 4 instead of 130 (#9.13). Here Ctrl-C only sets a flag and
        interrupts SQLite; the statement fails and the interrupt is raised after it.
        """
        import signal
        import threading

        if threading.current_thread() is not threading.main_thread():
            yield
            return
        interrupted = False

        def on_ctrl_c(_signum: int, _frame: object) -> None:
            nonlocal interrupted
            interrupted = True
            self.conn.interrupt()

        previous = signal.signal(signal.SIGINT, on_ctrl_c)
        try:
            yield
        except sqlite3.DatabaseError:
            if interrupted:
                raise KeyboardInterrupt from None
            raise
        finally:
            signal.signal(signal.SIGINT, previous)
        if interrupted:
            raise KeyboardInterrupt

    def close(self) -> None:
        self.conn.close()


def storage_error(exc: sqlite3.Error, path: Path) -> StorageError:
    """Turn SQLite's environment failures into one-line, exit-code-4 messages."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return StorageError(f"{path} is locked by another program", hint="try again in a moment")
    if "readonly" in text or "read-only" in text:
        return StorageError(f"{path} is read-only", hint="check the file's permissions")
    if "full" in text:
        return StorageError(f"cannot write {path}: the disk is full")
    if "malformed" in text or "not a database" in text:
        return StorageError(f"{path} is damaged: {text}", hint="restore a backup")
    return StorageError(f"cannot use {path}: {text}")


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
        _build(temp)
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
    """Refuse a foreign file before SQLite so much as opens it."""
    with path.open("rb") as handle:
        header = handle.read(100)
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise StorageError(
            f"{path} is not a relate database (not an SQLite file); it was left untouched"
        )
    application_id = int.from_bytes(header[68:72], "big")
    if application_id != APPLICATION_ID:
        raise StorageError(
            f"{path} is an SQLite database of another program; it was left untouched"
        )


def _connect(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout_ms() / 1000)
    except sqlite3.Error as exc:
        raise storage_error(exc, path) from exc
    conn.row_factory = sqlite3.Row
    return conn


def _revision(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return None if row is None else str(row[0])


def _build(path: Path) -> None:
    """Give the empty file at ``path`` the newest schema (no one else knows it yet)."""
    from relate.storage import migrate

    try:
        migrate.upgrade(path)
    except Exception as exc:  # SQLAlchemy wraps sqlite3's errors
        raise StorageError(f"cannot prepare {path}: {exc}".splitlines()[0]) from exc
    _finish(path)


def _finish(path: Path) -> None:
    conn = _connect(path)
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
        conn = _connect(path)
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
    path: Path, *, create: bool = True, now: Callable[[], datetime] = clock.now
) -> Database:
    """Open (creating or upgrading as needed) the relate database at ``path``.

    ``now`` is the clock its writes are dated by (the undo steps).

    Without ``create`` a missing file is an error: commands that only read never
    leave a new database behind (a typo in --db must not start a second one).
    """
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
    try:
        check_identity(path)
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {exc.strerror}") from exc

    conn = _connect(path)
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
        conn = _connect(path)
    try:
        conn.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
        conn.execute("PRAGMA foreign_keys=ON")
        # Rows deleted by ON DELETE CASCADE or REPLACE reach the undo journal's
        # triggers even when the delete itself runs inside a trigger.
        conn.execute("PRAGMA recursive_triggers=ON")
        # FULL: in WAL mode a commit survives a power cut, not only a crash; a log is
        # years of someone's work and one fsync per command is cheap.
        conn.execute("PRAGMA synchronous=FULL")
    except sqlite3.Error as exc:
        conn.close()
        raise storage_error(exc, path) from exc
    return Database(path, conn, now)

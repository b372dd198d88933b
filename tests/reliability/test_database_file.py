"""The database file's life: which file is used, creating it, refusing it, leftovers."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from helpers import Relate, rows
from relate.storage.database import open_database
from relate.storage.schema import HEAD

# Every command that only reads: none of them may start a database.
READING_COMMANDS = (
    ("today",),
    ("list",),
    ("show", "ann"),
    ("search", "ann"),
    ("reminders",),
    ("export", "contacts"),
    ("undo", "--list"),
    ("undo",),
    ("check",),
    ("backup",),
    ("concerns",),
    ("gifts", "ann"),
    ("report",),
    ("import", "-", "--dry-run"),
)


@pytest.mark.parametrize("args", READING_COMMANDS, ids=" ".join)
def test_a_reading_command_never_creates_a_database(
    relate: Relate, tmp_path: Path, args: tuple[str, ...]
) -> None:
    missing = tmp_path / "typo" / "relat.db"
    result = relate("--db", str(missing), *args, input="")
    assert result.exit_code == 4, result.stderr
    assert f"there is no relate database at {missing}" in result.stderr
    assert "relate add" in result.stderr and "relate import" in result.stderr
    assert not missing.exists() and not missing.parent.exists()


def test_add_starts_a_database_where_reading_did_not(relate: Relate, tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    assert relate("--db", str(path), "today").exit_code == 4
    assert relate("--db", str(path), "add", "Ann").exit_code == 0
    assert relate("--db", str(path), "list").stdout.splitlines()[1].split("\t")[1] == "Ann"


def test_where_names_the_database_and_why(
    relate: Relate, tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flag = tmp_path / "flag.db"
    lines = relate("--db", str(flag), "where").stdout.splitlines()
    assert lines == [
        str(flag),
        "chosen by --db; does not exist yet: relate add or relate import starts it",
    ]
    assert not flag.exists()
    lines = relate("where").stdout.splitlines()
    assert lines == [str(db_path), "chosen by the RELATE_DB environment variable; exists"]
    monkeypatch.delenv("RELATE_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    lines = relate("where").stdout.splitlines()
    assert lines[0] == str(tmp_path / "data" / "relate" / "relate.db")
    assert lines[1].startswith("the default (neither --db nor RELATE_DB is set)")
    assert not (tmp_path / "data").exists()


def test_db_works_after_the_command_too(relate: Relate, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    assert relate("add", "Ann", "--db", str(other)).exit_code == 0
    assert "Ann" in relate("list", "--db", str(other)).stdout
    assert "Ann" in relate("list", f"--db={other}").stdout
    assert "Ann" not in relate("list").stdout  # RELATE_DB's database was not touched
    # After `--` every word is the command's own.
    assert relate("add", "--db", str(other), "--", "--db").exit_code == 0
    assert "--db" in relate("--db", str(other), "list").stdout


def _ctrl_c() -> None:
    raise KeyboardInterrupt


def _fail_at_statement(number: int, failure: Callable[[], None] = _ctrl_c) -> Callable[..., None]:
    seen = 0

    def count(*_args: object) -> None:
        nonlocal seen
        seen += 1
        if seen == number:
            failure()  # Ctrl-C (or a kill) at exactly this point of building the schema

    return count


@pytest.fixture
def statements_of_a_first_run(tmp_path: Path) -> Iterator[int]:
    """How many SQL statements building a new database runs."""
    counter: list[int] = []
    listener = lambda *_: counter.append(1)  # noqa: E731
    event.listen(Engine, "before_cursor_execute", listener)
    try:
        open_database(tmp_path / "count.db").close()
    finally:
        event.remove(Engine, "before_cursor_execute", listener)
    yield len(counter)


def test_an_interrupted_first_run_leaves_no_half_built_file(
    relate: Relate, tmp_path: Path, statements_of_a_first_run: int
) -> None:
    path = tmp_path / "first" / "relate.db"
    total = statements_of_a_first_run
    assert total > 20
    for number in range(1, total + 1, 7):
        listener = _fail_at_statement(number)
        event.listen(Engine, "before_cursor_execute", listener)
        try:
            with pytest.raises(KeyboardInterrupt):
                open_database(path)
        finally:
            event.remove(Engine, "before_cursor_execute", listener)
        assert not path.exists(), number
        assert os.listdir(path.parent) == [], number
    assert relate("--db", str(path), "add", "Ann").exit_code == 0
    assert relate("--db", str(path), "check").exit_code == 0


def _die() -> None:
    os._exit(9)  # as SIGKILL: no finally, no cleanup


def _killed_child(path: Path, number: int | None, after_link: bool = False) -> None:
    """Fork a first run at ``path`` that dies (as a kill would: no cleanup) at its
    ``number``-th SQL statement, or (``number`` None) as it links the finished file
    into place, before or after."""
    child = os.fork()
    if child == 0:  # pragma: no cover - the child dies inside the first run
        if number is not None:
            event.listen(Engine, "before_cursor_execute", _fail_at_statement(number, _die))
        else:
            real_link = os.link

            def link_and_die(src: object, dst: object) -> None:
                if after_link:
                    real_link(src, dst)  # type: ignore[arg-type]
                _die()

            os.link = link_and_die  # type: ignore[assignment]
        open_database(path)
        os._exit(0)
    _, status = os.waitpid(child, 0)
    assert os.WEXITSTATUS(status) == 9, number  # died at that point


@pytest.mark.slow  # one forked first run per statement: ~10 s
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_kill_at_every_point_of_a_first_run_leaves_no_file_relate_refuses(
    relate: Relate, tmp_path: Path, statements_of_a_first_run: int
) -> None:
    points: list[tuple[int | None, bool]] = [
        (n, False) for n in range(1, statements_of_a_first_run + 1)
    ]
    points += [(None, False), (None, True)]  # as the built file is linked into place
    for number, after_link in points:
        path = tmp_path / f"at{number}-{after_link}" / "relate.db"
        _killed_child(path, number, after_link)
        # No file, or a whole database; the killed run's temporary copy is left...
        assert after_link == path.exists(), number
        assert [p for p in os.listdir(path.parent) if ".relate-tmp" in p], number
        result = relate("--db", str(path), "add", "Ann")
        assert result.exit_code == 0, (number, result.stderr)
        # ...until the next run, which removes it.
        assert [p for p in os.listdir(path.parent) if ".relate-tmp" in p] == [], number
        assert relate("--db", str(path), "check").exit_code == 0


def test_a_full_disk_during_the_first_run_names_the_file_and_leaves_nothing(
    relate: Relate, tmp_path: Path, statements_of_a_first_run: int
) -> None:
    path = tmp_path / "first" / "relate.db"

    def disk_full() -> None:
        raise sqlite3.OperationalError("database or disk is full")

    listener = _fail_at_statement(statements_of_a_first_run // 2, disk_full)
    event.listen(Engine, "before_cursor_execute", listener)
    try:
        result = relate("--db", str(path), "add", "Ann")
    finally:
        event.remove(Engine, "before_cursor_execute", listener)
    assert result.exit_code == 4
    assert result.stderr == f"relate: error: cannot write {path}: the disk is full\n"
    assert os.listdir(path.parent) == []
    assert relate("--db", str(path), "add", "Ann").exit_code == 0


def test_an_empty_file_becomes_a_database(relate: Relate, tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch(mode=0o600)
    assert relate("--db", str(path), "add", "Ann").exit_code == 0
    assert rows(path, "SELECT version_num FROM alembic_version") == [(HEAD,)]


def test_leftovers_of_a_killed_run_are_removed_on_the_next_run(
    relate: Relate, db_path: Path
) -> None:
    dead = 2**22 + 12345  # above the default pid_max: no such process
    leftovers = [
        db_path.with_name(f".relate.db.{dead}.relate-tmp"),
        db_path.with_name(f".relate.db.{dead}.relate-tmp-journal"),
        db_path.with_name(f".relate-backup-20261124-093000.db.{dead}.relate-tmp"),
    ]
    running = db_path.with_name(f".relate.db.{os.getppid()}.relate-tmp")  # still at work
    mine = db_path.with_name("notes.relate-tmp.txt")  # not relate's
    for path in [*leftovers, running, mine]:
        path.write_bytes(b"half a copy")
    assert relate("list").exit_code == 0
    assert [p for p in leftovers if p.exists()] == []
    assert running.exists() and mine.exists()


def test_a_fifo_is_refused_without_waiting(relate: Relate, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    for args in (("list",), ("add", "Ann"), ("check",)):
        result = relate("--db", str(fifo), *args)
        assert result.exit_code == 4
        assert "not a regular file" in result.stderr


def _snapshot_with_wal(source: Path, dest: Path, sql: str) -> None:
    """``dest`` (+ -wal): ``source`` with ``sql`` committed only to the -wal file."""
    conn = sqlite3.connect(source, isolation_level=None)
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute(sql)
    shutil.copyfile(source, dest)
    shutil.copyfile(f"{source}-wal", f"{dest}-wal")
    conn.close()


def _contents(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists()}


def test_refusing_a_newer_schema_changes_no_byte_not_even_the_wal(
    relate: Relate, db_path: Path, tmp_path: Path
) -> None:
    newer = tmp_path / "newer.db"
    _snapshot_with_wal(db_path, newer, "UPDATE alembic_version SET version_num = '0099_future'")
    before = _contents(newer)
    assert set(before) == {"newer.db", "newer.db-wal"}
    for args in (("list",), ("add", "Ann"), ("backup",), ("undo",)):
        result = relate("--db", str(newer), *args)
        assert result.exit_code == 4
        assert "newer relate (schema 0099_future)" in result.stderr
        assert _contents(newer) == before

"""Every command reads in one snapshot (#9.10).

Another program's write is injected (on a second connection, in this process) when
the command's own connection starts its N-th SQL statement, for every N in turn: the
command must print what it printed before the write or what it prints after it,
never a mix, and never crash.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import Relate, ok


def another_programs_write(db_path: Path) -> None:
    """A write touching what every reading command shows: a log removed, contacts
    renamed, an undo step, a new contact with a tag, a log, a follow-up and a birthday."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("BEGIN IMMEDIATE")
        stamp = "2026-11-24 09:00:00.000000"
        conn.execute("DELETE FROM interaction WHERE id = 1")
        conn.execute(
            "UPDATE contact SET name = 'Bob Redesign', name_key = 'bob redesign' WHERE id = 2"
        )
        conn.execute("UPDATE contact SET name = 'Ann Smythe', name_key = 'ann smythe' WHERE id = 1")
        conn.execute(
            "INSERT INTO contact (id, name, name_key, created_at, updated_at, last_contact_at)"
            " VALUES (9, 'Ann Zed', 'ann zed', ?, ?, ?)",
            (stamp, stamp, stamp),
        )
        conn.execute("INSERT INTO contact_tag (contact_id, tag, tag_key) VALUES (9, 'ann', 'ann')")
        conn.execute(
            "INSERT INTO interaction (id, kind, occurred_at, text, created_at)"
            " VALUES (7, 'call', ?, 'redesign with ann zed', ?)",
            (stamp, stamp),
        )
        conn.execute("INSERT INTO interaction_contact VALUES (7, 9)")
        conn.execute("INSERT INTO interaction_contact VALUES (7, 1)")
        conn.execute(
            "INSERT INTO reminder (kind, contact_id, interaction_id, text, due_at, created_at)"
            " VALUES ('follow-up', 9, 7, 'send the redesign', '2026-11-24 00:00:00.000000', ?)",
            (stamp,),
        )
        conn.execute(
            "INSERT INTO important_date (contact_id, kind, label, month, day, created_at)"
            " VALUES (9, 'birthday', 'birthday', 11, 26, ?)",
            (stamp,),
        )
        conn.execute(
            "INSERT INTO gift (contact_id, description, created_at) VALUES (1, 'a lamp', ?)",
            (stamp,),
        )
        conn.execute(
            "INSERT INTO undo_step (label, created_at) VALUES ('another program', ?)", (stamp,)
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


@pytest.fixture
def before(relate: Relate, db_path: Path, tmp_path: Path) -> Path:
    """A database with two people, logs, a follow-up, a date, a concern and a gift idea."""
    for args in (
        ("add", "Ann Smith", "--tag", "client", "--birthday", "1985-11-30"),
        ("add", "Bob Jones"),
        ("log", "ann", "Call about the redesign", "--follow-up", "friday"),
        ("log", "bob", "lunch, redesign talk"),
        ("remind", "ann", "send the contract", "--on", "2026-11-25"),
        ("concern", "ann", "invoice was late"),
        ("gift", "ann", "a redesign book"),
    ):
        ok(relate(*args))
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    saved = tmp_path / "before.db"
    shutil.copyfile(db_path, saved)
    return saved


def _fresh(db_path: Path, saved: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(saved, db_path)


def _trace_statements(
    monkeypatch: pytest.MonkeyPatch,
    write: Callable[[], None] = lambda: None,
    when: Callable[[int, str], bool] = lambda _number, _sql: False,
) -> list[str]:
    """Trace the statements of the command's database connection and run ``write``
    (once) when ``when(number, sql)`` first holds for a statement as it starts, before
    it reads anything."""
    from relate.cli import state

    real_open = state.open_database
    traced: list[str] = []

    def open_and_trace(*args: object, **kwargs: object) -> object:
        db = real_open(*args, **kwargs)  # type: ignore[arg-type]
        done: list[bool] = []

        def trace(sql: str) -> None:
            traced.append(sql)
            if not done and when(len(traced), sql):
                done.append(True)
                write()

        db.conn.set_trace_callback(trace)
        return db

    monkeypatch.setattr(state, "open_database", open_and_trace)
    return traced


READING = (
    ("today",),
    ("list",),
    ("show", "#1"),
    ("search", "redesign"),
    ("search", "ann"),
    ("reminders", "--all"),
    ("export", "contacts"),
    ("export", "interactions"),
    ("export", "interactions", "--format", "json"),
    ("export", "reminders"),
    ("export", "dates"),
    ("export", "calendar"),
    ("concerns",),
    ("gifts", "#1"),
    ("report",),
    ("undo", "--list"),
)


@pytest.mark.slow  # each command runs once per statement it makes: ~30 s in all
@pytest.mark.parametrize("args", READING, ids=" ".join)
def test_a_write_at_any_point_of_a_reading_command_is_seen_whole_or_not_at_all(
    relate: Relate,
    db_path: Path,
    before: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
) -> None:
    prior = ok(relate(*args))
    with monkeypatch.context() as patch:
        traced = _trace_statements(patch)
        ok(relate(*args))
    statements = len(traced)
    first_read = next(n for n, sql in enumerate(traced, 1) if sql.startswith("SELECT"))
    written: list[int] = []
    for at in range(1, statements + 1):
        _fresh(db_path, before)

        def write(at: int = at) -> None:
            another_programs_write(db_path)
            written.append(at)

        with monkeypatch.context() as patch:
            _trace_statements(patch, write, lambda number, _sql, at=at: number == at)
            result = relate(*args)
        assert written[-1:] == [at], f"the write was not injected at statement {at}"
        after = ok(relate(*args))
        assert prior != after
        assert result.exit_code == 0, (at, result.stderr)
        assert result.stdout in (prior, after), f"a mix at statement {at}"
        if at > first_read:  # once the command has read anything, the write is unseen
            assert result.stdout == prior, f"the write was seen at statement {at}"


def test_export_interactions_never_meets_a_contact_added_after_it_read_the_names(
    relate: Relate, db_path: Path, before: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The names are read first, then the logs: a contact and their log added in
    between used to be an IndexError, exit 70."""
    prior = ok(relate("export", "interactions"))
    injected: list[bool] = []

    def write() -> None:
        another_programs_write(db_path)
        injected.append(True)

    with monkeypatch.context() as patch:
        _trace_statements(patch, write, lambda _, sql: sql.startswith("SELECT i.id, i.occurred_at"))
        result = relate("export", "interactions")
    assert injected
    assert result.exit_code == 0, result.stderr
    assert result.stdout == prior
    assert "Ann Zed" in ok(relate("export", "interactions"))  # the write did land


def test_search_survives_a_matching_log_removed_after_it_ranked_the_hits(
    relate: Relate, db_path: Path, before: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hits are ranked first, then fetched one by one: a log removed in between used
    to be a TypeError, exit 70."""
    prior = ok(relate("search", "redesign"))
    assert "Call about the redesign" in prior
    injected: list[bool] = []

    def write() -> None:
        another_programs_write(db_path)
        injected.append(True)

    with monkeypatch.context() as patch:
        _trace_statements(patch, write, lambda _, sql: sql.startswith("SELECT i.id, i.kind, i.occ"))
        result = relate("search", "redesign")
    assert injected
    assert result.exit_code == 0, result.stderr
    assert result.stdout == prior
    assert "Call about the redesign" not in ok(relate("search", "redesign"))

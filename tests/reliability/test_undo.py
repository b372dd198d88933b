"""relate undo: every write command can be taken back, newest first."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import Relate, Stored, ok
from relate.storage.database import Database
from relate.storage.journal import KEEP_STEPS
from relate.storage.tables import JOURNALED_TABLES


def test_undo_says_what_it_undid_and_reverts_a_log(relate: Relate) -> None:
    ok(relate("add", "Ann Smith"))
    ok(relate("log", "ann", "Call about the redesign; wants a quote by Friday", "-k", "call"))
    out = ok(relate("undo"))
    assert out.strip() == 'Undid: relate log ann "Call about the redesign…" -k call (3 changes)'
    shown = json.loads(ok(relate("show", "ann", "--format", "json")))
    assert shown["timeline"] == []
    assert shown["last_contact"] is None
    assert "Nothing found" in ok(relate("search", "redesign"))


def test_deleted_contact_comes_back_with_everything(
    relate: Relate, stored: Stored, checked: Callable[[], None]
) -> None:
    ok(relate("add", "Ann Smith", "--email", "ann@acme.com", "--org", "Acme", "--tag", "vip"))
    ok(relate("add", "Bob Jones"))
    ok(relate("date", "ann", "birthday", "1985-03-14"))
    ok(relate("log", "ann", "Lunch about the rebrand", "--follow-up", "friday"))
    ok(relate("log", "ann", "Workshop together", "--with", "bob"))
    ok(relate("remind", "ann", "Send the proposal", "--on", "thursday", "--every", "weekly"))
    ok(relate("done", "2", "--force"))  # recurring, before its day: history and a new due date
    before = stored.user_data()

    ok(relate("delete", "ann smith", "--yes"))  # delete takes only an exact name
    assert relate("show", "ann").exit_code == 3
    assert stored.user_data() != before

    assert 'Undid: relate delete "ann smith" --yes' in ok(relate("undo"))
    assert stored.user_data() == before
    checked()
    shown = json.loads(ok(relate("show", "ann", "--format", "json")))
    assert {d["label"] for d in shown["dates"]} == {"birthday"}
    texts = [entry["text"] for entry in shown["timeline"]]
    assert "Lunch about the rebrand" in texts and "Workshop together" in texts
    assert "Send the proposal" in texts
    # The full-text index follows: the restored log is found again.
    assert "rebrand" in ok(relate("search", "rebrand"))
    assert "Ann Smith" in ok(relate("search", "ann"))


def test_repeated_undo_walks_back_to_an_empty_database(relate: Relate, stored: Stored) -> None:
    empty = stored.user_data()
    ok(relate("add", "Ann"))
    ok(relate("log", "ann", "hello"))
    ok(relate("remind", "ann", "call back", "--on", "friday"))
    ok(relate("snooze", "1", "--until", "monday"))
    ok(relate("done", "1"))
    ok(relate("edit", "ann", "--name", "Ann Smith", "--every", "monthly"))
    for _ in range(6):
        ok(relate("undo"))
    assert stored.user_data() == empty
    result = relate("undo")
    assert result.exit_code == 1
    assert result.stderr == "relate: error: nothing to undo\n"


def test_reads_and_failed_commands_leave_nothing_to_undo(relate: Relate) -> None:
    ok(relate("list"))
    assert relate("log", "nobody", "text").exit_code == 3
    assert relate("add", "   ").exit_code != 0
    assert relate("undo").exit_code == 1
    assert "Nothing to undo." in ok(relate("undo", "--list"))


def test_at_least_fifty_steps_are_kept(db: Database) -> None:
    from datetime import datetime

    from relate.services import contacts, undo

    for number in range(KEEP_STEPS + 20):
        contacts.add_contact(
            db,
            contacts.ContactInput(name=f"Person {number}"),
            datetime(2026, 1, 1).astimezone(),
        )
    steps = db.execute("SELECT count(*) FROM undo_step").fetchone()[0]
    assert 50 <= steps == KEEP_STEPS
    for _ in range(50):
        undo.undo_last(db)
    remaining = db.execute("SELECT count(*) FROM contact").fetchone()[0]
    assert remaining == KEEP_STEPS + 20 - 50


def test_undo_list_shows_newest_first(relate: Relate) -> None:
    ok(relate("add", "Ann"))
    ok(relate("add", "Bob"))
    lines = ok(relate("undo", "--list")).splitlines()
    assert lines[0].endswith("relate add Bob (1 change)")
    assert lines[1].endswith("relate add Ann (1 change)")


def test_label_is_one_line_even_for_multi_line_text(relate: Relate) -> None:
    ok(relate("add", "Ann"))
    ok(relate("log", "ann", "line one\nline two\n" + "x" * 500))
    out = ok(relate("undo"))
    assert out.count("\n") == 1 and len(out) < 120


def _deleted_and_undone(db: Database, name: str, notes: str) -> tuple[object, object]:
    from datetime import datetime

    from relate.services import contacts, undo
    from relate.services.matching import ContactRef

    ref = contacts.add_contact(
        db, contacts.ContactInput(name=name, notes=notes), datetime(2026, 1, 1).astimezone()
    )
    contacts.delete_contact(db, ContactRef(ref.id, name))
    undo.undo_last(db)
    row = db.execute("SELECT name, notes FROM contact WHERE id = :id", {"id": ref.id}).fetchone()
    return row[0], row[1]


def test_text_with_quotes_comes_back_byte_for_byte(db: Database) -> None:
    name = 'Robert\'); DROP TABLE contact;-- "x" \\%s %(p)s \U0001f600'
    assert _deleted_and_undone(db, name, "a\tb\r\n") == (name, "a\tb\r\n")


# PostgreSQL's text cannot hold a NUL byte at all (docs/team.md, "What differs").
@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_text_with_nul_bytes_comes_back_byte_for_byte(db: Database) -> None:
    name = 'Robert\'); DROP TABLE contact;--\x00 "x" \U0001f600'
    assert _deleted_and_undone(db, name, "a\x00b") == (name, "a\x00b")


def test_every_table_with_user_data_is_journaled(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    tables = {
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not r[0].startswith(("sqlite_", "undo_", "alembic_")) and "_fts" not in r[0]
    }
    conn.close()
    assert tables == set(JOURNALED_TABLES)


def test_a_tampered_journal_is_refused(relate: Relate, stored: Stored) -> None:
    ok(relate("add", "Ann"))
    stored.run(
        "UPDATE undo_entry SET sql = :sql", {"sql": "ATTACH DATABASE '/tmp/evil.db' AS evil"}
    )
    result = relate("undo")
    assert result.exit_code == 4
    assert "did not write" in result.stderr
    assert relate("show", "ann").exit_code == 0


def test_ctrl_c_during_a_long_undo_exits_130_and_undoes_nothing(
    relate: Relate, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import signal

    from relate.storage.engines import sqlite as service

    for number in range(5):
        assert relate("add", f"Person {number}").exit_code == 0
    assert relate("delete", "Person 3", "--yes").exit_code == 0
    calls = 0
    real = service._authorize

    def ctrl_c_midway(*args: object) -> int:
        nonlocal calls
        calls += 1
        if calls == 3:  # Ctrl-C while SQLite is inside the authorizer callback
            signal.raise_signal(signal.SIGINT)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(service, "_authorize", ctrl_c_midway)
    result = relate("undo")
    assert result.exit_code == 130, result.stderr
    assert "not authorized" not in result.stderr
    assert "Person 3" not in relate("list").stdout  # nothing was undone
    monkeypatch.setattr(service, "_authorize", real)
    assert relate("undo").exit_code == 0
    assert "Person 3" in relate("list").stdout


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)  # SQLite's: above
def test_ctrl_c_during_a_long_undo_exits_130_and_undoes_nothing_on_postgresql(
    relate: Relate, monkeypatch: pytest.MonkeyPatch
) -> None:
    import signal

    from relate.storage.engines.postgres import PostgresEngine

    for number in range(5):
        assert relate("add", f"Person {number}").exit_code == 0
    # Several rows go with Person 3, so the undo has several to put back.
    assert relate("edit", "Person 3", "--email", "p3@x.org", "--tag", "a").exit_code == 0
    assert relate("log", "Person 3", "a call").exit_code == 0
    assert relate("delete", "Person 3", "--yes").exit_code == 0
    replayed = 0
    real = PostgresEngine.execute

    def ctrl_c_midway(self: PostgresEngine, sql: str, params: object = None) -> object:
        nonlocal replayed
        if sql.startswith('INSERT INTO "'):  # the undo's replay putting rows back
            replayed += 1
            if replayed == 2:  # Ctrl-C with one row of the step back
                signal.raise_signal(signal.SIGINT)
        return real(self, sql, params)  # type: ignore[arg-type]

    monkeypatch.setattr(PostgresEngine, "execute", ctrl_c_midway)
    result = relate("undo")
    assert replayed == 2
    assert result.exit_code == 130, result.stderr
    assert "Person 3" not in relate("list").stdout  # nothing was undone
    monkeypatch.setattr(PostgresEngine, "execute", real)
    assert relate("undo").exit_code == 0
    assert "Person 3" in relate("list").stdout

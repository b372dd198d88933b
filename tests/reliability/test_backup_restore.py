"""relate backup, restore and check."""

from __future__ import annotations

import sqlite3
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import Relate, Stored, ok, rows
from relate.storage.schema import HEAD


def test_backup_is_consistent_while_another_connection_writes(
    relate: Relate, stored: Stored, tmp_path: Path
) -> None:
    ok(relate("add", "Ann"))
    stop = threading.Event()
    written = []

    def writer() -> None:
        db = stored.open()  # another program's connection, on either engine
        number = 0
        while not stop.is_set():
            number += 1
            with db.transaction(journal=False) as conn:
                new = conn.insert(
                    "INSERT INTO interaction (kind, occurred_at, text, created_at)"
                    " VALUES ('note', '2026-01-01 00:00:00.000000', :text,"
                    " '2026-01-01 00:00:00.000000')",
                    {"text": f"note {number}"},
                )
                conn.execute("INSERT INTO interaction_contact VALUES (:id, 1)", {"id": new})
            written.append(number)
        db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        copies = []
        for number in range(5):
            target = tmp_path / f"copy{number}.db"
            assert ok(relate("backup", str(target))).strip() == f"Backed up to {target}"
            copies.append(target)
    finally:
        stop.set()
        thread.join()
    assert written
    for copy in copies:
        assert rows(copy, "PRAGMA integrity_check") == [("ok",)]
        # Every interaction in the copy has its participant: no half-written command.
        assert rows(copy, "SELECT count(*) FROM interaction") == rows(
            copy, "SELECT count(*) FROM interaction_contact"
        )
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
        assert not Path(f"{copy}-wal").exists()


def test_default_backup_goes_next_to_the_database_with_a_timestamp(
    relate: Relate, tmp_path: Path
) -> None:
    # Beside the file (tmp_path/relate.db); a server's in the working folder (tmp_path).
    first = Path(ok(relate("backup")).split("Backed up to ")[1].strip())
    second = Path(ok(relate("backup")).split("Backed up to ")[1].strip())
    assert first.parent == tmp_path
    assert first.name == "relate-backup-20261124-093000.db"
    assert second != first and second.exists()


def test_backup_never_overwrites_without_force(relate: Relate, tmp_path: Path) -> None:
    target = tmp_path / "mine.db"
    target.write_text("precious")
    result = relate("backup", str(target))
    assert result.exit_code == 1
    assert target.read_text() == "precious"
    ok(relate("backup", str(target), "--force"))
    assert rows(target, "SELECT count(*) FROM contact") == [(0,)]


def test_restore_brings_back_the_backup_and_keeps_the_replaced_file(
    relate: Relate, stored: Stored, tmp_path: Path, checked: Callable[[], None]
) -> None:
    ok(relate("add", "Ann"))
    ok(relate("log", "ann", "before the backup"))
    backup = tmp_path / "backup.db"
    ok(relate("backup", str(backup)))
    ok(relate("add", "Bob"))
    ok(relate("delete", "ann", "--yes"))

    out = ok(relate("restore", str(backup), "--yes"))
    assert "Restored" in out and "kept as" in out
    kept = Path(out.split("kept as ")[1].strip())
    assert rows(kept, "SELECT name FROM contact") == [("Bob",)]
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stored.rows("SELECT name FROM contact") == [("Ann",)]
    assert "before the backup" in ok(relate("search", "backup"))
    checked()


def test_restore_needs_confirmation_off_a_terminal(
    relate: Relate, stored: Stored, tmp_path: Path
) -> None:
    backup = tmp_path / "backup.db"
    ok(relate("backup", str(backup)))
    ok(relate("add", "Ann"))
    result = relate("restore", str(backup))
    assert result.exit_code == 2
    assert "add --yes" in result.stderr
    assert stored.rows("SELECT name FROM contact") == [("Ann",)]


def test_restore_refuses_a_file_that_is_not_a_relate_database(
    relate: Relate, stored: Stored, tmp_path: Path
) -> None:
    ok(relate("add", "Ann"))
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE songs (title)")
    conn.commit()
    conn.close()
    text = tmp_path / "notes.txt"
    text.write_text("hello " * 100)
    for bad in (other, text, tmp_path / "missing.db"):
        result = relate("restore", str(bad), "--yes")
        assert result.exit_code in (1, 4), result.stderr
        assert result.stderr.count("\n") == 1
    assert stored.rows("SELECT name FROM contact") == [("Ann",)]


def test_restore_over_a_damaged_database(relate: Relate, db_path: Path, tmp_path: Path) -> None:
    ok(relate("add", "Ann"))
    backup = tmp_path / "backup.db"
    ok(relate("backup", str(backup)))
    db_path.write_bytes(b"garbage" * 1000)
    assert relate("list").exit_code == 4
    out = ok(relate("restore", str(backup), "--yes"))
    kept = Path(out.split("kept as ")[1].strip())
    assert kept.read_bytes() == b"garbage" * 1000
    assert rows(db_path, "SELECT name FROM contact") == [("Ann",)]


def test_check_reports_ok_and_the_schema(relate: Relate) -> None:
    out = ok(relate("check"))
    assert out.splitlines() == [
        "integrity: ok",
        "foreign keys: ok",
        "search index: ok",
        "text: ok",
        f"schema: {HEAD} (current)",
    ]


def test_check_exits_4_on_a_broken_foreign_key(relate: Relate, db_path: Path) -> None:
    ok(relate("add", "Ann"))
    conn = sqlite3.connect(db_path)  # foreign keys off: another program's mistake
    conn.execute("INSERT INTO contact_email (contact_id, email, email_key) VALUES (99, 'x', 'x')")
    conn.commit()
    conn.close()
    result = relate("check")
    assert result.exit_code == 4
    assert "contact_email row" in result.stdout
    assert result.stderr.startswith("relate: error:") and "damaged" in result.stderr


def test_check_exits_4_on_a_damaged_search_index(relate: Relate, db_path: Path) -> None:
    ok(relate("add", "Ann"))
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER contact_fts_ai")  # another program wrote without the index
    conn.execute(
        "INSERT INTO contact (name, name_key, created_at, updated_at) VALUES ('Bo', 'bo', 'x', 'x')"
    )
    conn.commit()
    conn.close()
    result = relate("check")
    assert result.exit_code == 4
    assert "search index: contact_fts" in result.stdout


def test_check_exits_4_on_a_damaged_file(relate: Relate, db_path: Path) -> None:
    for number in range(30):
        ok(relate("add", f"Person {number}", "--note", "n" * 500))
    data = bytearray(db_path.read_bytes())
    page = 4096
    for offset in range(3 * page, len(data) - page, page):
        data[offset + 8 : offset + 200] = b"\xff" * 192
    db_path.write_bytes(bytes(data))
    result = relate("check")
    assert result.exit_code == 4
    assert "Traceback" not in result.stderr


def test_restore_keeps_a_write_that_commits_while_it_runs(
    relate: Relate, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another terminal's `relate log` tries to commit right after the replaced data
    was kept: it must wait for the restore (the lock is held) and land in the restored
    database, or have been kept; never in neither (#9.1). The writer's first try does
    not wait, and the restore goes on only after it, so no timing decides the outcome."""
    from relate.services import restore as service

    ok(relate("add", "Ann"))
    backup = tmp_path / "backup.db"
    ok(relate("backup", str(backup)))
    real_copy = service.copy_database
    writers: list[threading.Thread] = []
    first_try_over = threading.Event()
    found_locked: list[bool] = []

    def write_a_log() -> None:
        conn = sqlite3.connect(db_path, isolation_level=None, timeout=0)
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            assert "locked" in str(exc)
            found_locked.append(True)
            first_try_over.set()
            conn.execute("PRAGMA busy_timeout=60000")  # wait for the restore, then write
            conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO interaction (kind, occurred_at, text, created_at)"
            " VALUES ('note', '2026-01-01 00:00:00', 'typed during the restore', '2026-01-01')"
        )
        conn.execute("COMMIT")
        conn.close()
        first_try_over.set()

    def copy_then_race(source: sqlite3.Connection, dest: Path) -> None:
        real_copy(source, dest)
        if "before-restore" in dest.name and not writers:
            writers.append(threading.Thread(target=write_a_log))
            writers[0].start()
            assert first_try_over.wait(60)

    monkeypatch.setattr(service, "copy_database", copy_then_race)
    out = ok(relate("restore", str(backup), "--yes"))
    writers[0].join(60)
    assert not writers[0].is_alive()
    assert found_locked, "the restore kept the replaced data without holding the write lock"
    kept = Path(out.split("kept as ")[1].strip())
    assert rows(kept, "SELECT text FROM interaction") == []
    assert rows(db_path, "SELECT text FROM interaction") == [("typed during the restore",)]


def test_a_kill_while_restoring_over_a_damaged_file_leaves_a_database_at_the_path(
    relate: Relate, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from relate.services import restore as service

    backup = tmp_path / "backup.db"
    ok(relate("backup", str(backup)))
    db_path.write_bytes(b"garbage" * 1000)
    real_replace = os.replace

    def killed_before_the_new_file_is_in_place(src: object, dst: object) -> None:
        if Path(str(dst)) == db_path:
            raise KeyboardInterrupt
        real_replace(src, dst)  # type: ignore[arg-type]

    with monkeypatch.context() as patched:
        patched.setattr(service.os, "replace", killed_before_the_new_file_is_in_place)
        assert relate("restore", str(backup), "--yes").exit_code == 130
    assert db_path.read_bytes() == b"garbage" * 1000
    ok(relate("restore", str(backup), "--yes"))
    assert rows(db_path, "SELECT count(*) FROM contact") == [(0,)]


def test_undo_right_after_restore_does_not_reach_into_the_backup(
    relate: Relate, stored: Stored, tmp_path: Path
) -> None:
    ok(relate("add", "Ann"))
    ok(relate("add", "Bob"))
    backup = tmp_path / "backup.db"
    ok(relate("backup", str(backup)))
    ok(relate("add", "Cy"))
    steps = rows(backup, "SELECT count(*) FROM undo_step")  # a server's backup has none
    ok(relate("restore", str(backup), "--yes"))
    result = relate("undo")
    assert result.exit_code == 1
    assert "nothing to undo" in result.stderr
    assert stored.rows("SELECT name FROM contact ORDER BY id") == [("Ann",), ("Bob",)]
    assert rows(backup, "SELECT count(*) FROM undo_step") == steps  # the backup is untouched


def _flip_byte(path: Path, after: bytes, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[data.index(after) + offset] = 0xFF
    path.write_bytes(bytes(data))


def test_check_and_restore_work_on_a_file_with_a_corrupted_schema_byte(
    relate: Relate, db_path: Path, tmp_path: Path
) -> None:
    ok(relate("add", "Ann"))
    backup = tmp_path / "backup.db"
    ok(relate("backup", str(backup)))
    ok(relate("list"))
    _flip_byte(db_path, b"CREATE TABLE contact_tag", 20)
    result = relate("check")
    assert result.exit_code == 4
    assert result.stdout.startswith("integrity: malformed database schema (contact_tag)")
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    ok(relate("restore", str(backup), "--yes"))
    assert "Ann" in ok(relate("list"))


def test_check_finds_text_that_cannot_be_decoded(relate: Relate, db_path: Path) -> None:
    ok(relate("add", "Ann"))
    ok(relate("log", "ann", "hello there"))
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    _flip_byte(db_path, b"hello there", 2)
    result = relate("check")
    assert result.exit_code == 4
    assert "text: interaction row 1: text is not valid UTF-8" in result.stdout.splitlines()
    assert "integrity: ok" in result.stdout


def test_check_reads_a_newer_file_without_changing_it(relate: Relate, db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '0099_future'")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    result = relate("check")
    assert result.exit_code == 4
    assert "integrity: ok" in result.stdout
    assert "schema: 0099_future (not one this relate knows" in result.stdout
    assert "written by a newer relate (schema 0099_future)" in result.stderr
    assert db_path.read_bytes() == before


def test_backup_to_a_folder_with_a_trailing_slash_creates_it_owner_only(
    relate: Relate, tmp_path: Path
) -> None:
    folder = tmp_path / "Backups" / "relate"
    out = ok(relate("backup", f"{folder}/"))
    written = Path(out.split("Backed up to ")[1].strip())
    assert written.parent == folder and written.name == "relate-backup-20261124-093000.db"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(folder.parent.stat().st_mode) == 0o700
    a_file = tmp_path / "notes"
    a_file.write_text("mine")
    result = relate("backup", f"{a_file}/")
    assert result.exit_code == 1
    assert "is not a folder" in result.stderr
    assert a_file.read_text() == "mine"

"""`relate export all --format json` and `relate import` of that document (#14 export
everything, import it back), on both engines."""

from __future__ import annotations

import io
import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from helpers import Relate
from relate.render.output import write_document
from relate.services import everything
from relate.storage.database import Database
from relate.storage.schema import HEAD
from relate.storage.tables import COLUMNS, JOURNALED_TABLES

# A practice touching every table of the document.
PRACTICE: list[tuple[str, ...]] = [
    (
        "add",
        "Ann Smith",
        "--org",
        "Acme",
        "--role",
        "CTO",
        "--email",
        "ann@acme.test",
        "--phone",
        "+44 20 1234 5678",
        "--alias",
        "Annie",
        "--tag",
        "client",
        "--every",
        "monthly",
        "--birthday",
        "1985-03-14",
        "--address",
        "1 High St, Leeds, LS1, UK",
        "--address-kind",
        "work",
        "--set",
        "tier=gold",
        "--note",
        "Met at the fair",
    ),
    ("add", "Bob Jones", "--referred-by", "Ann Smith", "--stage", "awareness"),
    (
        "edit",
        "Ann Smith",
        "--referred-by",
        "Bob Jones",
        "--note",
        "Likes tea",
        "--stage",
        "expansion",
        "--decides",
    ),
    (
        "log",
        "Ann Smith",
        "Call about the redesign",
        "--kind",
        "call",
        "--tag",
        "sales",
        "--follow-up",
        "friday",
    ),
    ("remind", "--no-contact", "Invoice clients", "--on", "dec 1", "--every", "monthly"),
    ("done", "2", "--force"),
    ("date", "Ann Smith", "contract renewal", "2027-01-31", "--lead", "30", "--once"),
    ("engagement", "Ann Smith", "Website redesign", "--value", "4500", "--currency", "EUR"),
    ("engagement", "edit", "1", "--value", "5000", "--note", "Adds the shop"),
    ("feedback", "Ann Smith", "9", "--note", "Loved it"),
    ("concern", "Bob Jones", "Invoice wrong", "--severity", "high", "--due", "2026-12-01"),
    ("escalate", "1", "--to", "Dana", "--note", "Second time"),
    ("resolve", "1", "Refunded", "--cause", "Two systems", "--prevent", "One system"),
    ("gift", "Ann Smith", "Tea set", "--given", "today", "--occasion", "birthday"),
    ("gift", "Bob Jones", "A book"),
]


def _fill(relate: Relate) -> None:
    for args in PRACTICE:
        result = relate(*args)
        assert result.exit_code == 0, (args, result.stderr)


def _export(relate: Relate) -> str:
    result = relate("export", "all", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_the_document_holds_every_table_in_order(relate: Relate) -> None:
    _fill(relate)
    document = json.loads(_export(relate))
    assert list(document) == ["relate", "schema", "tables"]
    assert document["relate"] == "all" and document["schema"] == HEAD
    assert tuple(document["tables"]) == JOURNALED_TABLES
    for table, rows in document["tables"].items():
        for row in rows:
            assert tuple(row) == COLUMNS[table]
    filled = {table for table, rows in document["tables"].items() if rows}
    assert filled >= set(JOURNALED_TABLES), set(JOURNALED_TABLES) - filled
    ann = document["tables"]["contact"][0]
    assert ann["referred_by_id"] == 2 and ann["org_id"] == 1


def test_export_import_export_gives_the_same_bytes_and_one_undo_step(
    relate: Relate, tmp_path: Path
) -> None:
    _fill(relate)
    exported = _export(relate)
    path = tmp_path / "everything.json"
    path.write_text(exported, encoding="utf-8")
    # Empty the database with undo, step by step, then import into it.
    while relate("undo").exit_code == 0:
        pass
    empty = json.loads(_export(relate))
    assert not any(empty["tables"].values())
    result = relate("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert "a whole database" in result.stderr
    assert _export(relate) == exported
    assert relate("check").exit_code == 0
    # The agenda and a card work on what came back.
    assert "Ann Smith" in relate("show", "Ann").stdout
    # New rows get ids after the imported ones (PostgreSQL's sequences moved on).
    assert "#3" in relate("add", "Carl").stdout
    assert relate("log", "Carl", "hello", "--kind", "call").exit_code == 0
    assert relate("undo").exit_code == 0 and relate("undo").exit_code == 0
    # One undo step takes all of it back.
    assert relate("undo").exit_code == 0
    assert not any(json.loads(_export(relate))["tables"].values())


def test_a_document_without_a_newer_column_takes_its_default(
    relate: Relate, tmp_path: Path
) -> None:
    _fill(relate)
    document = json.loads(_export(relate))
    while relate("undo").exit_code == 0:
        pass
    for row in document["tables"]["contact"]:
        del row["decides"]  # as a document of a schema before 0006 would be
    path = tmp_path / "older.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = relate("import", str(path))
    assert result.exit_code == 0, result.stderr
    again = json.loads(_export(relate))
    assert [row["decides"] for row in again["tables"]["contact"]] == [0, 0]
    assert again["tables"]["interaction"] == document["tables"]["interaction"]


def test_a_document_reads_from_stdin(relate: Relate) -> None:
    _fill(relate)
    exported = _export(relate)
    while relate("undo").exit_code == 0:
        pass
    result = relate("import", "-", input=exported)
    assert result.exit_code == 0, result.stderr
    assert _export(relate) == exported


def test_import_into_a_database_with_data_is_refused_and_writes_nothing(
    relate: Relate, tmp_path: Path
) -> None:
    _fill(relate)
    exported = _export(relate)
    path = tmp_path / "everything.json"
    path.write_text(exported, encoding="utf-8")
    result = relate("import", str(path))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "only into an empty one" in result.stderr
    assert _export(relate) == exported


def test_the_dry_run_counts_rows_and_writes_nothing(relate: Relate, tmp_path: Path) -> None:
    _fill(relate)
    path = tmp_path / "everything.json"
    path.write_text(_export(relate), encoding="utf-8")
    while relate("undo").exit_code == 0:
        pass
    result = relate("import", str(path), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "nothing written: would add" in result.stderr
    assert "contact 2" in result.stderr
    assert not any(json.loads(_export(relate))["tables"].values())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.replace('"contact": [', '"kontakt": [', 1), 'no table "kontakt"'),
        (lambda d: d.replace('"name_key"', '"nom"', 1), "organisation has no column 'nom'"),
        (lambda d: d.replace('"schema": "', '"schema": "9999_', 1), "written by a newer relate"),
        (lambda d: d.replace('"priority": 1', '"priority": 1.5', 1), "must be text, a whole"),
        (lambda d: d.replace('"priority": 1', '"priority": true', 1), "must be text, a whole"),
        (lambda d: d[:-10], "not valid JSON"),
        (lambda d: d.replace('{"id": 2, ', "{", 1), "a row of contact has no id"),
    ],
)
def test_a_bad_document_is_refused_with_its_line(
    change: Callable[[str], str], message: str, relate: Relate, tmp_path: Path
) -> None:
    _fill(relate)
    document = change(_export(relate))
    while relate("undo").exit_code == 0:
        pass
    path = tmp_path / "bad.json"
    path.write_text(document, encoding="utf-8")
    result = relate("import", str(path))
    assert result.exit_code == 1, result.stderr
    assert message in result.stderr and "bad.json:" in result.stderr
    assert not any(json.loads(_export(relate))["tables"].values())


@pytest.mark.parametrize(
    ("change", "table"),
    [
        # A contact of an organisation that is not there.
        (lambda d: d["tables"]["contact"][1].update(org_id=9), "contact"),
        # Two organisations with the same key.
        (
            lambda d: d["tables"]["organisation"].append(
                {**d["tables"]["organisation"][0], "id": 5}
            ),
            "organisation",
        ),
        # A referrer who is not there (set once every contact is in).
        (lambda d: d["tables"]["contact"][0].update(referred_by_id=99), "contact"),
    ],
)
def test_rows_the_database_refuses_are_the_files_fault(
    change: Callable[[dict[str, Any]], None], table: str, relate: Relate, tmp_path: Path
) -> None:
    _fill(relate)
    document = json.loads(_export(relate))
    while relate("undo").exit_code == 0:
        pass
    change(document)
    path = tmp_path / "bad.json"
    # One row a line, as relate writes it: the error names the line of the batch's
    # first row of that table, or of the row itself.
    tables = ",\n".join(
        json.dumps(name) + ": [" + ",\n".join(json.dumps(row) for row in rows) + "]"
        for name, rows in document["tables"].items()
    )
    text = '{"relate": "all", "schema": ' + json.dumps(HEAD) + ', "tables": {\n' + tables + "}}"
    path.write_text(text, encoding="utf-8")
    result = relate("import", str(path))
    assert result.exit_code == 1, result.stderr
    assert f"bad.json:{_line_of(text, table)}: {table}: " in result.stderr
    assert "breaks a rule of the database" in result.stderr
    assert result.stderr.count("\n") == 1
    assert not any(json.loads(_export(relate))["tables"].values())


def _line_of(text: str, table: str) -> int:
    """The line of a table's first row in a document written a row a line."""
    return text[: text.index(json.dumps(table) + ": [")].count("\n") + 1


def test_a_document_read_as_another_format_is_refused(relate: Relate, tmp_path: Path) -> None:
    _fill(relate)
    exported = _export(relate)
    while relate("undo").exit_code == 0:
        pass
    path = tmp_path / "everything.txt"
    path.write_text(exported, encoding="utf-8")
    for fmt in ("csv", "vcard"):
        result = relate("import", str(path), "--format", fmt)
        assert result.exit_code == 2, result.stderr
        assert "is a whole database" in result.stderr
    assert not any(json.loads(_export(relate))["tables"].values())
    # Its content says JSON: without --format it imports.
    assert relate("import", str(path)).exit_code == 0
    assert _export(relate) == exported


def test_tables_out_of_order_are_refused(relate: Relate, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text(
        json.dumps(
            {"relate": "all", "schema": HEAD, "tables": {"contact": [], "organisation": []}}
        ),
        encoding="utf-8",
    )
    result = relate("import", str(path))
    assert result.exit_code == 1
    assert "out of place" in result.stderr


def test_an_empty_database_exports_every_table_empty(relate: Relate) -> None:
    document = json.loads(_export(relate))
    assert document["tables"] == {table: [] for table in JOURNALED_TABLES}


def test_all_takes_json_only_and_no_filters(relate: Relate) -> None:
    assert relate("export", "all", "--format", "csv").exit_code == 2
    assert relate("export", "all", "--format", "json", "--owner", "x").exit_code == 2


def test_the_document_is_recognised_from_its_start() -> None:
    assert everything.is_document(b'{\n  "relate": "all",')
    assert everything.is_document(b'\xef\xbb\xbf {"relate":"all"')
    assert not everything.is_document(b'{"id": 1, "name": "Ann"}')
    assert not everything.is_document(b'[{"relate": "all"}]')


def _bulk(db: Database, count: int) -> None:
    """``count`` more contacts, each with a log."""
    stamp = "2026-11-24 09:30:00.000000"
    with db.transaction() as conn:
        start = int(conn.execute("SELECT coalesce(max(id), 0) FROM contact").fetchone()[0])
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)"
            " INSERT INTO contact (id, name, name_key, priority, notes, created_at, updated_at)"
            " SELECT :start + i, 'Person ' || (:start + i), 'person ' || (:start + i), 1,"
            " 'some notes about them', :now, :now FROM n",
            {"now": stamp, "count": count, "start": start},
        )
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)"
            " INSERT INTO interaction (id, kind, occurred_at, text, created_at)"
            " SELECT :start + i, 'call', :now, 'a call about something, of some length', :now"
            " FROM n",
            {"now": stamp, "count": count, "start": start},
        )
        conn.execute(
            "INSERT INTO interaction_contact (interaction_id, contact_id)"
            " SELECT id, id FROM interaction WHERE id > :start",
            {"start": start},
        )


class _Discard(io.StringIO):
    def write(self, text: str) -> int:
        return len(text)


def _peak_bytes(db: Database) -> int:
    tracemalloc.start()
    try:
        write_document(everything.header(), everything.tables(db), _Discard())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_export_all_memory_does_not_grow_with_the_database(db: Database) -> None:
    _bulk(db, 1_000)
    small = _peak_bytes(db)
    _bulk(db, 20_000)
    large = _peak_bytes(db)
    # 21,000 contacts and logs held at once would take many megabytes; streamed, the
    # peak stays where it was.
    assert large < small + 200_000, (small, large)


def test_a_document_read_in_tiny_pieces_gives_the_same_rows_and_lines(
    relate: Relate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(relate)
    exported = _export(relate)
    while relate("undo").exit_code == 0:
        pass
    bad = tmp_path / "bad.json"
    bad.write_text(exported.replace('"priority": 1', '"priority": 1.5', 2), encoding="utf-8")
    first = relate("import", str(bad))
    line = 1 + exported.split('"priority": 1', 1)[0].count("\n")
    assert first.exit_code == 1 and f"bad.json:{line}: contact.priority" in first.stderr
    monkeypatch.setattr(everything._Reader, "CHUNK", 3)
    assert relate("import", str(bad)).stderr == first.stderr
    good = tmp_path / "good.json"
    good.write_text(exported, encoding="utf-8")
    assert relate("import", str(good)).exit_code == 0
    assert _export(relate) == exported


def test_the_document_moves_a_practice_to_a_sqlite_file_unchanged(
    relate: Relate, tmp_path: Path
) -> None:
    """From either engine: the same document comes out of the SQLite copy."""
    _fill(relate)
    exported = _export(relate)
    path = tmp_path / "everything.json"
    path.write_text(exported, encoding="utf-8")
    copy = str(tmp_path / "copy.db")
    assert relate("--db", copy, "import", str(path)).exit_code == 0
    result = relate("--db", copy, "export", "all", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == exported

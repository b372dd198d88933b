"""Big imports write new contacts in batches (services/contacts.py ``ContactBatch``),
journaled for undo as one range per table. The rows must be exactly those
``insert_contact`` writes one by one, duplicates within a file must be found across
batches, and undo must take the whole import back."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import Result

from helpers import Stored
from relate.dates import MonthDay
from relate.services import contacts, importing
from relate.services.fields import Address
from relate.storage.database import open_database

NOW = datetime(2026, 11, 24, 9, 30).astimezone()
TABLES = ("organisation", *contacts.BATCH_TABLES)

_word = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=8)
_people = st.lists(
    st.builds(
        contacts.ContactInput,
        name=_word.filter(str.strip),
        aliases=st.lists(st.sampled_from(["Al", "al", " Bo ", "Çé"]), max_size=3),
        emails=st.lists(st.sampled_from(["a@x.org", "A@X.org ", "b@x.org", " "]), max_size=3),
        phones=st.lists(st.sampled_from(["+1 555 0100", "+15550100", "020 7946", "x"]), max_size=3),
        tags=st.lists(st.sampled_from(["Clients", "clients", "Ünï", ""]), max_size=3),
        org=st.one_of(st.none(), st.sampled_from(["Acme", " acme", "Ünïcorn Ltd", ""])),
        role=st.one_of(st.none(), _word),
        stage=st.one_of(st.none(), st.sampled_from(contacts.STAGES)),
        cadence_days=st.one_of(st.none(), st.sampled_from([7, 30])),
        priority=st.one_of(st.none(), st.integers(0, 2)),
        notes=st.one_of(st.none(), _word),
        birthday=st.one_of(
            st.none(), st.just(MonthDay(3, 15, None)), st.just(MonthDay(2, 29, 1980))
        ),
        # The same address twice (by its folded text) is one row; a later kind wins.
        addresses=st.lists(
            st.sampled_from(
                [
                    Address("work", street="Main St 1"),
                    Address(None, street="MAIN ST 1"),
                    Address("home", street="Elm 2", country="DK"),
                    Address(None, po_box="7", locality="Lyon"),
                ]
            ),
            max_size=3,
        ),
        fields=st.dictionaries(
            st.sampled_from(["tier", "region"]), st.sampled_from(["gold", "Göld"]), max_size=2
        ),
    ),
    max_size=8,
)


def _dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        conn.execute("INSERT INTO contact_fts(contact_fts) VALUES ('integrity-check')")
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in TABLES}
    finally:
        conn.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=_people, anniversary=st.booleans())
def test_a_batch_writes_the_rows_insert_contact_writes(
    people: list[contacts.ContactInput], anniversary: bool, template_db: Path, tmp_path_factory
) -> None:
    folder = tmp_path_factory.mktemp("batch")
    one, batched = folder / "one.db", folder / "batched.db"
    for path in (one, batched):
        shutil.copyfile(template_db, path)
    extra = [("anniversary", MonthDay(6, 12, 2010))] if anniversary else []
    db = open_database(one, now=lambda: NOW)
    with db.transaction() as conn:
        for person in people:
            contact_id = contacts.insert_contact(conn, person, NOW)
            for label, when in extra:
                contacts.upsert_date(conn, contact_id, label, when, NOW)
    db.close()
    db = open_database(batched, now=lambda: NOW)
    with db.transaction() as conn:
        batch = contacts.ContactBatch(conn, NOW)
        for person in people:
            batch.add(person, extra)
        batch.flush()
    db.close()
    assert _dump(batched) == _dump(one)


def _pg_dump(url: str) -> dict[str, list[tuple[object, ...]]]:
    from relate.storage.location import parse_location

    db = open_database(parse_location(url), now=lambda: NOW)
    try:
        return {
            t: [tuple(row) for row in db.execute(f'SELECT * FROM "{t}" ORDER BY 1')] for t in TABLES
        }
    finally:
        db.close()


@pytest.mark.slow
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=_people, anniversary=st.booleans())
def test_a_batch_writes_the_rows_insert_contact_writes_on_postgresql(
    people: list[contacts.ContactInput], anniversary: bool, pg_cluster: Any
) -> None:
    """The same on a server, where a batch is one COPY per table and the ids it gives
    must move the table's sequence (a contact added after it gets the next id)."""
    from relate.storage.location import parse_location

    def migrated(url: str) -> None:
        open_database(parse_location(url)).close()

    template = pg_cluster.template("migrated", migrated)
    one, batched = (pg_cluster.url(pg_cluster.create_database(template)) for _ in range(2))
    try:
        extra = [("anniversary", MonthDay(6, 12, 2010))] if anniversary else []
        db = open_database(parse_location(one), now=lambda: NOW)
        with db.transaction() as conn:
            for person in [*people, contacts.ContactInput(name="After")]:
                contact_id = contacts.insert_contact(conn, person, NOW)
                for label, when in extra:
                    contacts.upsert_date(conn, contact_id, label, when, NOW)
        db.close()
        db = open_database(parse_location(batched), now=lambda: NOW)
        with db.transaction() as conn:
            batch = contacts.ContactBatch(conn, NOW)
            for person in people:
                batch.add(person, extra)
            batch.flush()
            contact_id = contacts.insert_contact(conn, contacts.ContactInput(name="After"), NOW)
            for label, when in extra:
                contacts.upsert_date(conn, contact_id, label, when, NOW)
        db.close()
        assert _pg_dump(batched) == _pg_dump(one)
    finally:
        for url in (one, batched):
            pg_cluster.drop_database(url.rsplit("/", 1)[1])


def test_a_batched_import_is_one_range_per_table_in_the_journal_and_ids_go_on_after_it(
    relate: Callable[..., Result], tmp_path: Path, stored: Stored
) -> None:
    rows = [f"Person {n},p{n}@example.org,+1 555 {n:07d}," for n in range(300)]
    relate("add", "Before")
    assert relate("import", str(_csv(tmp_path / "people.csv", rows))).exit_code == 0
    # One entry per table the batches wrote (contact, e-mail, phone), not one per row.
    newest = stored.rows("SELECT max(id) FROM undo_step")[0][0]
    entries = stored.rows("SELECT count(*) FROM undo_entry WHERE step_id = :s", {"s": newest})
    assert entries[0][0] <= 10
    assert "#302 After" in relate("add", "After").stderr + relate("show", "after").stdout
    assert relate("undo").exit_code == 0  # the add
    assert relate("undo").exit_code == 0  # the import
    assert [row[0] for row in stored.rows("SELECT name FROM contact")] == ["Before"]
    assert relate("import", str(tmp_path / "people.csv")).exit_code == 0  # ids again free
    assert stored.rows("SELECT count(*) FROM contact")[0][0] == 301


def _csv(path: Path, rows: list[str]) -> Path:
    path.write_text("name,emails,phones,notes\n" + "".join(row + "\n" for row in rows))
    return path


@pytest.mark.parametrize("seeded", [True, False], ids=["keys-read-first", "database-asked"])
def test_duplicates_are_found_within_and_across_batches_and_undo_takes_it_all_back(
    relate: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seeded: bool
) -> None:
    monkeypatch.setattr(importing, "BATCH_SIZE", 500)  # 1,200 rows: three batches
    if not seeded:  # the database counts as big: every record is looked up in it
        monkeypatch.setattr(importing, "SEED_PER_BYTE", 10**9)
    rows = [f"Person {n},p{n}@example.org,+1 555 {n:07d}," for n in range(1200)]
    rows[5] = "Again Four,p4@example.org,,same e-mail as row 4 in the same batch"
    rows[1100] = "Again Three,P3@Example.org,,same e-mail as row 3 in an earlier batch"
    rows[1101] = "Phone Only,,+1 555 0000010,same phone as row 10"
    rows[1102] = "person 20,,,same name as row 20 (no e-mail or phone)"
    rows[1103] = "Person 1103,p1103@example.org,,"
    rows[1104] = "Person 1104 again,p1103@example.org,,the row just before"
    relate("add", "Already Here", "--email", "p7@example.org")
    path = _csv(tmp_path / "big.csv", rows)

    result = relate("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert "1194 added, 0 updated, 6 skipped as duplicates" in result.stderr
    people = json.loads(relate("export", "contacts", "--format", "json").stdout)
    assert len(people) == 1195
    by_name = {p["name"]: p for p in people}
    assert by_name["Person 1199"]["emails"] == ["p1199@example.org"]
    assert by_name["Person 1199"]["phones"] == ["+1 555 0001199"]
    assert "Again Three" not in by_name and "Phone Only" not in by_name
    assert by_name["Already Here"]["emails"] == ["p7@example.org"]

    # Search finds an imported contact (the full-text index was filled).
    found = relate("search", "Person 1150")
    assert "Person 1150" in found.stdout, found.stderr

    undone = relate("undo")
    assert undone.exit_code == 0, undone.stderr
    left = json.loads(relate("export", "contacts", "--format", "json").stdout)
    assert [p["name"] for p in left] == ["Already Here"]
    assert "Nothing found" in relate("search", "Person 1150").stdout


def test_update_policy_updates_a_contact_added_earlier_in_the_same_file(
    relate: Callable[..., Result], tmp_path: Path
) -> None:
    rows = [f"Person {n},p{n}@example.org,," for n in range(10)]
    rows.append("Person Two Renamed,p2@example.org,,a note")
    path = _csv(tmp_path / "update.csv", rows)
    result = relate("import", str(path), "--on-duplicate", "update")
    assert result.exit_code == 0, result.stderr
    assert "10 added, 1 updated" in result.stderr
    people = json.loads(relate("export", "contacts", "--format", "json").stdout)
    renamed = [p for p in people if p["emails"] == ["p2@example.org"]]
    assert [(p["name"], p["notes"]) for p in renamed] == [("Person Two Renamed", "a note")]


def test_contacts_keep_the_files_order_when_an_archived_row_is_not_batched(
    tmp_path: Path, relate: Callable[..., Result]
) -> None:
    # An archived row is written at once, a plain one is queued (with "new" nothing
    # is looked up): the queue must be written first, or the second person of the
    # file gets the first id.
    rows = ["name,archived", "First Person,false", "Second Person,true", "Third Person,false"]
    path = tmp_path / "people.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert relate("import", str(path), "--on-duplicate", "new").exit_code == 0
    people = json.loads(relate("export", "contacts", "--format", "json").stdout)
    assert [(p["id"], p["name"], p["archived"]) for p in people] == [
        (1, "First Person", False),
        (2, "Second Person", True),
        (3, "Third Person", False),
    ]

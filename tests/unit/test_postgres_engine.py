"""The PostgreSQL engine (storage/engines/postgres.py) on the suite's own server.

Skipped with one line when the machine has no PostgreSQL (tests/pg_cluster.py).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from relate.errors import ExitCode, RelateError, StorageError
from relate.storage.database import Database, open_database
from relate.storage.engines.postgres import Row, translate
from relate.storage.schema import HEAD

NOW = datetime(2026, 11, 24, 9, 30).astimezone()


@dataclass
class Location:
    """What ``storage/location.py`` (``Location``) gives the engine, for these tests."""

    url: str
    engine: str = "postgresql"

    @property
    def conninfo(self) -> str:
        return self.url

    @property
    def dbname(self) -> str:
        return self.url.rsplit("/", 1)[-1]

    def display(self) -> str:
        return re.sub(r"(//[^:/@]*:)[^@]*@", r"\1***@", self.url)


def location(url: str) -> Any:
    try:
        from relate.storage.location import Location as Real  # type: ignore[import-not-found]
    except ImportError:
        return Location(url)
    return Real.parse(url)


def clock() -> datetime:
    return NOW


@pytest.fixture
def pg(pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.chdir(tmp_path)  # where a server's backups go without a path
    db = open_database(location(pg_url), now=clock)
    yield db
    db.close()


# -- statements ---------------------------------------------------------------------------


def test_named_parameters_become_psycopg_ones_outside_literals_and_casts() -> None:
    sql = "SELECT :a, ':b', \"c:d\", x::text, 5 % 2, :e_1 || '%'"
    assert translate(sql) == "SELECT %(a)s, ':b', \"c:d\", x::text, 5 %% 2, %(e_1)s || '%%'"
    assert translate(sql) is translate(sql)  # once per statement text


def test_printf_of_zero_padded_numbers_is_the_same_text_on_postgresql(pg: Database) -> None:
    sql = (
        "SELECT printf('--%02d-%02d', a, b), printf('%04d-%02d-%02d', c, a, b)"
        " FROM (SELECT CAST(:a AS INTEGER) AS a, CAST(:b AS INTEGER) AS b,"
        " CAST(:c AS INTEGER) AS c) AS x"
    )
    assert "lpad" in translate(sql)  # not the plpgsql printf, 20x slower
    for a, b, c in ((3, 7, 1985), (12, 31, 99), (123, 0, 12345), (-1, 5, 2000)):
        expected = (f"--{a:02d}-{b:02d}", f"{c:04d}-{a:02d}-{b:02d}")
        assert tuple(pg.execute(sql, {"a": a, "b": b, "c": c}).fetchone()) == expected


def test_rows_by_name_by_position_and_as_dict() -> None:
    row = Row((1, "Ann"), {"id": 0, "name": 1})
    assert (row["id"], row[1], dict(row), list(row)) == (
        1,
        "Ann",
        {"id": 1, "name": "Ann"},
        [1, "Ann"],
    )


@pytest.mark.slow  # a Python process of its own
def test_a_sqlite_run_never_imports_psycopg(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from relate.storage.database import open_database;"
        f" open_database(Path({str(tmp_path / 'r.db')!r})).close();"
        " print('psycopg' in sys.modules, 'relate.storage.engines.postgres' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# -- set up, refuse, fault lines -----------------------------------------------------------


def test_a_fresh_empty_database_is_set_up_on_first_use(pg: Database) -> None:
    assert pg.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD
    assert pg.engine.name == "postgresql"


def test_the_servers_tables_have_the_models_columns_and_keys(pg: Database) -> None:
    """Undo's replay, backup and restore name columns from storage/tables.py (derived
    from the models), not from the server's catalogue: the two must agree."""
    from relate.storage.tables import COLUMNS, JOURNALED_TABLES, KEYS

    columns: dict[str, tuple[str, ...]] = {}
    for table, column in pg.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND is_generated = 'NEVER'"
        " AND table_name <> 'alembic_version' ORDER BY table_name, ordinal_position"
    ):
        columns[table] = (*columns.get(table, ()), column)
    assert columns == COLUMNS
    for table, keys in KEYS.items():
        found = pg.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a"
            " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
            " WHERE i.indrelid = CAST(:t AS regclass) AND i.indisprimary",
            {"t": table},
        )
        assert {row[0] for row in found} == set(keys), table
    # Every table holding the user's data is journaled for undo, and only those.
    journaled = pg.execute(
        "SELECT DISTINCT event_object_table FROM information_schema.triggers"
        " WHERE trigger_name = 'relate_journal'"
    )
    assert {row[0] for row in journaled} == set(JOURNALED_TABLES)


def test_a_database_with_other_tables_is_refused_untouched(pg_url: str) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE songs (title text)")
    with pytest.raises(StorageError, match="other tables and no relate schema") as caught:
        open_database(location(pg_url), now=clock)
    assert caught.value.exit_code == ExitCode.ENVIRONMENT
    with psycopg.connect(pg_url) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
        extensions = conn.execute("SELECT extname FROM pg_extension").fetchall()
        made = conn.execute(
            "SELECT (SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace),"
            " (SELECT count(*) FROM pg_collation WHERE collnamespace = 'public'::regnamespace),"
            " (SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace)"
        ).fetchone()
    assert tables == [("songs",)]
    assert extensions == [("plpgsql",)] and made == (0, 0, 1)  # no function, collation, index


def test_reading_an_empty_database_does_not_set_it_up(pg_url: str) -> None:
    with pytest.raises(StorageError, match="there is no relate database"):
        open_database(location(pg_url), create=False, now=clock)


def test_a_newer_schema_is_refused(pg: Database, pg_url: str) -> None:
    with pg.transaction(journal=False) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    with pytest.raises(StorageError, match="newer relate"):
        open_database(location(pg_url), now=clock)


def test_server_down_is_one_line_naming_host_and_database(pg_cluster: Any) -> None:
    url = f"postgresql://someone:topsecret@127.0.0.1:{_closed_port()}/teambook"
    with pytest.raises(StorageError) as caught:
        open_database(location(url), now=clock)
    message = str(caught.value)
    assert "127.0.0.1" in message and "teambook" in message
    assert "topsecret" not in message and "\n" not in message
    assert caught.value.exit_code == ExitCode.ENVIRONMENT


def test_wrong_password_is_one_line_without_the_password(pg_cluster: Any) -> None:
    from pg_cluster import PASSWORD_ROLE

    url = pg_cluster.url("postgres", user=PASSWORD_ROLE, password="wrong-Pw-123")
    with pytest.raises(StorageError) as caught:
        open_database(location(url), now=clock)
    message = str(caught.value)
    assert "password" in message and "wrong-Pw-123" not in message
    assert caught.value.exit_code == ExitCode.ENVIRONMENT


def test_missing_database_is_one_line(pg_cluster: Any) -> None:
    with pytest.raises(StorageError, match="no_such_db"):
        open_database(location(pg_cluster.url("no_such_db")), now=clock)


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- services on PostgreSQL ----------------------------------------------------------------


def test_add_log_show_and_search_on_postgresql(pg: Database) -> None:
    from relate.services import contacts, interactions, search

    ann = contacts.add_contact(
        pg, contacts.ContactInput(name="Zoë Müller", notes="Kitchen renovation", tags=["vip"]), NOW
    )
    bob = contacts.add_contact(pg, contacts.ContactInput(name="Bob Stone"), NOW)
    interactions.log_interaction(
        pg, [ann, bob], "Talked about the café renovation", kind="call", when=NOW, now=NOW
    )
    record = contacts.get_details(pg, ann).record
    assert record["name"] == "Zoë Müller" and record["tags"] == ["vip"]
    hits = search.search(pg, "cafe")  # accents fold on both sides
    assert [(h.type, h.contact) for h in hits] == [("interaction", "Zoë Müller, Bob Stone")]
    assert "\x02café\x03" in hits[0].snippet or "café" in hits[0].snippet
    assert next(h.contact for h in search.search(pg, "renov*")) == "Zoë Müller"
    assert [h.contact for h in search.search(pg, "vip")] == ["Zoë Müller"]
    assert search.search(pg, "kitchen NOT renovation") == []
    with pytest.raises(RelateError, match="unbalanced"):
        search.search(pg, '"open')


def test_undo_takes_back_a_whole_command_on_postgresql(pg: Database) -> None:
    from relate.services import contacts, undo

    pg.label = "relate add Ann"
    ann = contacts.add_contact(
        pg, contacts.ContactInput(name="Ann", emails=["ann@example.com"], tags=["a", "b"]), NOW
    )
    pg.label = "relate delete Ann"
    contacts.delete_contact(pg, ann)
    assert pg.execute("SELECT count(*) FROM contact").fetchone()[0] == 0
    assert undo.undo_last(pg).label == "relate delete Ann"
    record = contacts.get_details(pg, ann).record
    assert record["emails"] == ["ann@example.com"] and record["tags"] == ["a", "b"]
    assert undo.undo_last(pg).label == "relate add Ann"
    assert pg.execute("SELECT count(*) FROM contact").fetchone()[0] == 0
    assert pg.execute("SELECT count(*) FROM contact_tag").fetchone()[0] == 0
    with pytest.raises(RelateError, match="nothing to undo"):
        undo.undo_last(pg)


def test_a_journal_entry_relate_did_not_write_is_refused(pg: Database) -> None:
    from relate.services import contacts, undo

    contacts.add_contact(pg, contacts.ContactInput(name="Ann"), NOW)
    with pg.transaction(journal=False) as conn:
        conn.execute('UPDATE undo_entry SET sql = \'{"op": "delete", "table": "pg_user"}\'')
    with pytest.raises(StorageError, match="did not write"):
        undo.undo_last(pg)
    assert pg.execute("SELECT count(*) FROM contact").fetchone()[0] == 1


def test_a_failed_command_leaves_nothing_half_written(pg: Database) -> None:
    from relate.services import contacts

    with pytest.raises(StorageError), pg.transaction() as conn:
        contacts.insert_contact(conn, contacts.ContactInput(name="Ann"), NOW)
        conn.execute("SELECT * FROM no_such_table")
    assert pg.execute("SELECT count(*) FROM contact").fetchone()[0] == 0
    assert pg.execute("SELECT count(*) FROM undo_step").fetchone()[0] == 0


def test_agenda_on_postgresql(pg: Database) -> None:
    from relate.services import agenda, contacts, reminders

    ann = contacts.add_contact(pg, contacts.ContactInput(name="Ann", cadence_days=7), NOW)
    reminders.add_reminder(
        pg, contact_id=ann.id, text="Send the quote", due=NOW, all_day=True, rrule=None, now=NOW
    )
    built = agenda.build_agenda(pg, date(2026, 12, 10))
    assert built is not None


def test_a_command_reads_one_snapshot_and_writes_on_the_newest_data_on_postgresql(
    pg: Database, pg_url: str
) -> None:
    """#9.10 on PostgreSQL: what another connection commits after the snapshot is not
    read; a write ends the snapshot and works on the newest data."""
    from relate.services import contacts

    contacts.add_contact(pg, contacts.ContactInput(name="Ann"), NOW)
    pg.hold_snapshot()
    other = open_database(location(pg_url), now=clock)
    try:
        contacts.add_contact(other, contacts.ContactInput(name="Bob"), NOW)
    finally:
        other.close()
    names = "SELECT name FROM contact ORDER BY id"
    assert [r[0] for r in pg.execute(names).fetchall()] == ["Ann"]
    with pytest.raises(StorageError):  # the snapshot is read-only
        pg.execute("DELETE FROM contact")
    pg.close()
    db = open_database(location(pg_url), now=clock)
    try:
        db.hold_snapshot()
        contacts.add_contact(db, contacts.ContactInput(name="Cy"), NOW)
        assert [r[0] for r in db.execute(names).fetchall()] == ["Ann", "Bob", "Cy"]
    finally:
        db.close()


@pytest.mark.parametrize("seeded", [True, False], ids=["keys-read-first", "database-asked"])
def test_import_finds_duplicates_in_the_file_and_the_database_on_postgresql(
    pg: Database, monkeypatch: pytest.MonkeyPatch, seeded: bool
) -> None:
    from relate.services import contacts, importing, undo

    if not seeded:  # the database counts as big: every record is looked up in it
        monkeypatch.setattr(importing, "SEED_PER_BYTE", 10**9)
    contacts.add_contact(
        pg, contacts.ContactInput(name="Already Here", emails=["p7@example.org"]), NOW
    )
    rows = [f"Person {n},p{n}@example.org,+1 555 {n:07d}" for n in range(30)]
    rows += [  # 34 rows: 4 duplicates of rows before them, 1 of the contact already there
        "Again Four,P4@Example.org,",  # same e-mail as a row of the file
        "Again Seven,p7@example.org,",  # same e-mail as the contact already there
        "Phone Only,,+1 555 0000010",  # same phone as a row of the file
        "person 20,,",  # same name, no e-mail or phone
    ]
    pg.label = "relate import people.csv"
    summary = importing.import_text(
        pg,
        "name,emails,phones\n" + "\n".join(rows) + "\n",
        where="people.csv",
        fmt="csv",
        policy="skip",
        dry_run=False,
        now=NOW,
    )
    assert (summary.added, summary.updated, summary.skipped, summary.unusable) == (29, 0, 5, 0)
    assert pg.execute("SELECT count(*) FROM contact").fetchone()[0] == 30
    assert undo.undo_last(pg).label == "relate import people.csv"
    assert pg.execute("SELECT count(*) FROM contact").fetchone()[0] == 1


def test_missing_privileges_are_one_line_and_leave_nothing(pg_cluster: Any, pg_url: str) -> None:
    import psycopg

    name = pg_url.rsplit("/", 1)[-1]
    with pg_cluster.admin() as conn:
        conn.execute("DROP ROLE IF EXISTS relate_reader")
        conn.execute("CREATE ROLE relate_reader LOGIN")
    url = pg_cluster.url(name, user="relate_reader")
    with pytest.raises(StorageError) as caught:
        open_database(location(url), now=clock)
    assert "permission denied" in str(caught.value) and name in str(caught.value)
    assert caught.value.exit_code == ExitCode.ENVIRONMENT
    with psycopg.connect(pg_url) as conn:
        count = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
    assert count == (0,)


def test_connection_lost_mid_command_is_one_line_and_nothing_is_written(
    pg: Database, pg_cluster: Any, pg_url: str
) -> None:
    from relate.services import contacts

    pid = pg.execute("SELECT pg_backend_pid()").fetchone()[0]
    with pytest.raises(StorageError) as caught, pg.transaction() as conn:
        contacts.insert_contact(conn, contacts.ContactInput(name="Ann"), NOW)
        with pg_cluster.admin() as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        contacts.insert_contact(conn, contacts.ContactInput(name="Bob"), NOW)
    assert pg_url.rsplit("/", 1)[-1] in str(caught.value)
    assert "\n" not in str(caught.value)
    again = open_database(location(pg_url), now=clock)
    try:
        assert again.execute("SELECT count(*) FROM contact").fetchone()[0] == 0
        assert again.execute("SELECT count(*) FROM undo_step").fetchone()[0] == 0
    finally:
        again.close()


def test_backup_of_a_server_is_a_sqlite_file_like_any_backup(pg: Database, tmp_path: Path) -> None:
    from relate.services import backup, check, contacts, interactions, restore

    ann = contacts.add_contact(
        pg, contacts.ContactInput(name="Ann", emails=["ann@example.com"], tags=["vip"]), NOW
    )
    interactions.log_interaction(pg, [ann], "Lunch at the café", kind="meeting", when=NOW, now=NOW)
    dest = backup.backup(pg, tmp_path / "team.db", NOW)
    assert restore.inspect(dest) == HEAD
    assert check.check_file(dest).ok
    local = open_database(dest, now=clock)
    try:
        assert contacts.get_details(local, ann).record == contacts.get_details(pg, ann).record
        from relate.services import search

        assert [h.type for h in search.search(local, "cafe")] == ["interaction"]
    finally:
        local.close()


def test_restore_moves_a_personal_file_onto_the_server(
    pg: Database, tmp_path: Path, db_path: Path
) -> None:
    from relate.services import contacts, restore, search, undo

    personal = open_database(db_path, now=clock)
    ann = contacts.add_contact(personal, contacts.ContactInput(name="Zoë", notes="pottery"), NOW)
    personal.close()
    contacts.add_contact(pg, contacts.ContactInput(name="Someone else"), NOW)
    done = restore.restore_into(pg, db_path, NOW)
    assert done.kept is not None and done.kept.exists()  # what the server held before
    assert [r["name"] for r in contacts.iter_records(pg, contacts.ContactFilter())] == ["Zoë"]
    assert [h.contact for h in search.search(pg, "pottery")] == ["Zoë"]
    with pytest.raises(RelateError, match="nothing to undo"):
        undo.undo_last(pg)  # the file's history belongs to another timeline
    new = contacts.add_contact(pg, contacts.ContactInput(name="Bob"), NOW)
    assert new.id > ann.id  # ids continue after the restored ones


# -- upgrades: the same Alembic revisions as for a file ------------------------------------


def _schema(url: str) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(url) as conn:
        return {
            "columns": conn.execute(
                "SELECT table_name, column_name, data_type, collation_name, is_nullable,"
                " column_default FROM information_schema.columns"
                " WHERE table_schema = 'public' ORDER BY 1, 2"
            ).fetchall(),
            "indexes": conn.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"
            ).fetchall(),
            "triggers": conn.execute(
                "SELECT event_object_table, trigger_name, event_manipulation"
                " FROM information_schema.triggers ORDER BY 1, 2, 3"
            ).fetchall(),
        }


def test_upgrade_of_a_postgresql_database_from_the_first_schema_keeps_the_data(
    pg_cluster: Any, pg_url: str, capfd: pytest.CaptureFixture[str]
) -> None:
    import psycopg

    from helpers import FIRST_SCHEMA_ROWS
    from relate.services import contacts, search, undo
    from relate.storage import migrate
    from relate.storage.schema import REVISIONS

    migrate.upgrade_postgres(pg_url, REVISIONS[0])
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(FIRST_SCHEMA_ROWS.encode())
        for table in ("contact", "interaction", "contact_email", "important_date"):
            conn.execute(  # as the rows' own inserts would have left the sequences
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT max(id) FROM {table}))".encode()
            )
    db = open_database(location(pg_url), now=clock)
    try:
        assert f"upgraded {location(pg_url).display()} to schema {HEAD}" in capfd.readouterr().err
        assert db.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD
        row = db.execute("SELECT name, cadence_days, priority, notes, owner FROM contact")
        assert tuple(row.fetchone()) == ("Søren Kierkegaard", 14, 2, "likes walks", None)
        hits = search.search(db, "regine")  # the stored search vectors cover old rows
        assert [hit.contact for hit in hits] == ["Søren Kierkegaard"]
        contacts.add_contact(db, contacts.ContactInput(name="Regine Olsen"), NOW)
        assert undo.undo_last(db).label  # the journal's triggers are there
        assert db.execute("SELECT count(*) FROM contact").fetchone()[0] == 1
    finally:
        db.close()
    # An upgraded database is the same as a new one: columns (with their collation),
    # indexes, triggers.
    fresh = pg_cluster.create_database()
    try:
        open_database(location(pg_cluster.url(fresh)), now=clock).close()
        assert _schema(pg_url) == _schema(pg_cluster.url(fresh))
    finally:
        pg_cluster.drop_database(fresh)

"""Opening, creating, refusing and upgrading database files."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import sqlite3
import stat
from collections import defaultdict
from pathlib import Path

import pytest

from helpers import FIRST_SCHEMA_ROWS
from relate.errors import ExitCode, StorageError
from relate.storage import migrate
from relate.storage.database import open_database
from relate.storage.schema import HEAD, REVISIONS
from relate.storage.sql import STATEMENTS


def test_new_database_is_owner_only_in_a_new_folder(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "relate.db"
    db = open_database(path)
    db.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.parent.is_dir()


def test_new_database_uses_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    db = open_database(tmp_path / "relate.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    db.close()


def test_text_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"my precious notes\n" * 20)
    before = path.read_bytes()
    with pytest.raises(StorageError) as caught:
        open_database(path)
    assert "not a relate database" in str(caught.value)
    assert caught.value.exit_code == ExitCode.ENVIRONMENT
    assert path.read_bytes() == before
    assert not Path(str(path) + "-wal").exists()


def test_other_programs_sqlite_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.execute("INSERT INTO songs VALUES ('a')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StorageError, match="another program"):
        open_database(path)
    assert path.read_bytes() == before


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "relate.db"
    open_database(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()
    with pytest.raises(StorageError, match="newer relate") as caught:
        open_database(path)
    assert caught.value.exit_code == ExitCode.ENVIRONMENT


def test_revisions_constant_matches_the_alembic_scripts() -> None:
    assert migrate.script_revisions() == list(REVISIONS)
    assert REVISIONS[-1] == HEAD


def test_upgrade_from_first_schema_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    path.touch(mode=0o600)
    migrate.upgrade(path, REVISIONS[0])
    conn = sqlite3.connect(path)
    conn.executescript(FIRST_SCHEMA_ROWS)
    conn.commit()
    conn.close()

    db = open_database(path)
    assert db.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD
    row = db.execute("SELECT name, cadence_days, priority, notes, owner FROM contact").fetchone()
    assert tuple(row) == ("Søren Kierkegaard", 14, 2, "likes walks", None)
    assert db.execute("SELECT email FROM contact_email").fetchone()[0] == "soren@example.dk"
    assert db.execute("SELECT text FROM interaction").fetchone()[0] == "talked about Regine"
    # Search still finds old rows: the upgrade kept the full-text triggers and index.
    hits = db.execute(
        "SELECT rowid FROM interaction_fts WHERE interaction_fts MATCH 'regine'"
    ).fetchall()
    assert [h[0] for h in hits] == [1]
    db.execute(
        "INSERT INTO stage_change (contact_id, stage, changed_at) VALUES "
        "(1, 'commitment', '2026-01-01 00:00:00.000000')"
    )
    db.close()


# What SQLite reflection cannot show SQLAlchemy: expression indexes, and the ON DELETE
# of a foreign key added with ALTER TABLE. They are checked directly below.
# ix_concern_open_rank: SQLite reflects "severity DESC" as a plain column.
EXPRESSION_INDEXES = {"ix_contact_name_nocase", "ix_reminder_open_due", "ix_concern_open_rank"}


def _reflection_blind_spot(diff: tuple[object, ...]) -> bool:
    kind, item = diff[0], diff[1]
    name = str(getattr(item, "name", ""))
    if kind == "remove_table" and "_fts" in name:  # FTS5 shadow tables are not models
        return True
    if kind in ("add_index", "remove_index") and name in EXPRESSION_INDEXES:
        return True
    columns = {c.name for c in getattr(item, "columns", [])}
    return kind in ("add_fk", "remove_fk") and "referred_by_id" in columns


def test_migrated_schema_matches_the_sqlmodel_metadata(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from relate.storage.models import SQLModel

    path = tmp_path / "relate.db"
    open_database(path).close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = [
            d for d in compare_metadata(context, SQLModel.metadata) if not _reflection_blind_spot(d)
        ]
    engine.dispose()
    assert diff == []

    raw = sqlite3.connect(path)
    indexes = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert indexes >= EXPRESSION_INDEXES
    fks = {(r[3], r[2], r[6]) for r in raw.execute("PRAGMA foreign_key_list(contact)")}
    assert ("referred_by_id", "contact", "SET NULL") in fks
    raw.close()


PACKAGE = Path(__file__).resolve().parents[2] / "src" / "relate"


def _statement_calls(inside: type | tuple[type, ...] = ast.Module) -> list[str]:
    """file:line of every ``statement(...)`` call in relate's source within an
    ``inside`` node (by default anywhere)."""
    calls = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for outer in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(outer, inside):
                calls += [
                    f"{path.relative_to(PACKAGE)}:{node.lineno}"
                    for node in ast.walk(outer)
                    if isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id == "statement"
                ]
    return calls


def _import_every_module() -> None:
    """Import every module of relate (registering its SQL), as no one command does.

    Not the Alembic scripts (they run a migration when imported) nor ``__main__``.
    """
    import relate

    for module in pkgutil.walk_packages(relate.__path__, "relate."):
        if not module.name.startswith(("relate.storage.migrations", "relate.__main__")):
            importlib.import_module(module.name)


def test_every_registered_statement_names_real_columns(db_path: Path) -> None:
    _import_every_module()
    calls = _statement_calls()
    # Each statement(...) runs once, at import: this test prepares every one of them.
    assert len(set(STATEMENTS)) == len(STATEMENTS) == len(calls) > 80, calls

    conn = sqlite3.connect(db_path)
    params: defaultdict[str, object] = defaultdict(lambda: None)
    for sql in STATEMENTS:
        try:
            conn.execute("EXPLAIN " + sql, params)
        except sqlite3.Error as exc:  # pragma: no cover - the failure message matters
            pytest.fail(f"{exc}: {sql}")
    conn.close()


def test_every_statement_is_registered_when_its_module_is_imported() -> None:
    """A statement(...) inside a function would register again at every call (and
    not at all until then), so the check above could not count it."""
    assert _statement_calls((ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) == []


def test_the_derived_tables_module_matches_the_models() -> None:
    """storage/tables.py (what commands know of the schema without SQLModel) is the
    models' own: regenerate it with ``python -m relate.storage.models``."""
    from relate.storage.models import tables_module

    written = (PACKAGE / "storage" / "tables.py").read_text(encoding="utf-8")
    assert written == tables_module(), "run: python -m relate.storage.models > " + str(
        PACKAGE / "storage" / "tables.py"
    )


def test_the_models_mark_only_the_undo_journal_as_not_journaled() -> None:
    from relate.storage.tables import COLUMNS, JOURNALED_TABLES

    assert set(COLUMNS) - set(JOURNALED_TABLES) == {"undo_step", "undo_entry"}
    assert "contact" in JOURNALED_TABLES and "gift" in JOURNALED_TABLES


def test_undo_steps_are_dated_by_the_clock_the_opener_gives(location: str) -> None:
    from datetime import UTC, datetime

    from relate.storage.location import parse_location

    moment = datetime(2031, 5, 6, 7, 8, tzinfo=UTC)
    db = open_database(parse_location(location), now=lambda: moment)
    try:
        with db.transaction() as conn:
            conn.execute(
                "INSERT INTO contact (name, name_key, priority, created_at, updated_at)"
                " VALUES ('Ann', 'ann', 1, '2031-05-06', '2031-05-06')"
            )
        stamps = [row[0] for row in db.execute("SELECT created_at FROM undo_step")]
    finally:
        db.close()
    assert stamps == ["2031-05-06 07:08:00.000000"]


def test_a_new_dates_lead_time_is_the_models_default() -> None:
    from relate.services.important_dates import DEFAULT_LEAD_DAYS
    from relate.storage.models import ImportantDate

    column = ImportantDate.__table__.c.lead_days  # type: ignore[attr-defined]
    assert column.default.arg == DEFAULT_LEAD_DAYS
    assert column.server_default.arg == str(DEFAULT_LEAD_DAYS)

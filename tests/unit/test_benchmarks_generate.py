"""The benchmark generator builds a database relate itself can use, consistent with
what ``relate log`` would have written."""

from __future__ import annotations

import importlib.util
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType

from relate import clock
from relate.services.agenda import build_agenda
from relate.services.matching import fold, resolve_contact
from relate.storage.database import open_database

GENERATE = Path(__file__).resolve().parents[2] / "benchmarks" / "generate.py"


def _generate_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _build(tmp_path: Path, name: str = "bench.db", seed: int = 7) -> Path:
    path = tmp_path / name
    _generate_module().generate(path, 300, 6000, seed=seed, now="2026-11-24T09:30")
    return path


def test_agenda_and_lookups_work_on_a_generated_database(tmp_path: Path) -> None:
    db = open_database(_build(tmp_path))
    try:
        agenda = build_agenda(db, date(2026, 11, 24))
        assert agenda.totals["cadence"] > len(agenda.sections["cadence"]) > 0
        assert agenda.sections["overdue"]
        name = db.execute("SELECT name FROM contact ORDER BY id LIMIT 1").fetchone()[0]
        assert resolve_contact(db, "#1").name == name
        hits = db.execute(
            "SELECT count(*) FROM interaction_fts WHERE interaction_fts MATCH 'renovation'"
        ).fetchone()[0]
        assert hits > 0  # the FTS index filled itself through the schema's triggers
    finally:
        db.close()


def test_denormalised_last_contact_matches_the_history(tmp_path: Path) -> None:
    conn = sqlite3.connect(_build(tmp_path))
    rows = conn.execute(
        """SELECT c.id, c.name, c.name_key, c.cadence_days, c.created_at, c.last_contact_at,
            c.next_due_on,
            (SELECT max(i.occurred_at) FROM interaction_contact ic
                JOIN interaction i ON i.id = ic.interaction_id
                WHERE ic.contact_id = c.id AND i.kind != 'note')
        FROM contact c"""
    ).fetchall()
    assert len(rows) == 300
    assert any(row[5] is None for row in rows) and any(row[3] is None for row in rows)
    for _id, name, key, cadence, created, last, due, latest in rows:
        assert key == fold(name)
        assert last == latest
        touched = clock.local_day_of(last or created)
        expected = (touched + timedelta(days=cadence)).isoformat() if cadence else None
        assert due == expected
    emails = conn.execute("SELECT email, email_key FROM contact_email").fetchall()
    assert emails and all(key == email.lower() for email, key in emails)
    names = [row[1] for row in rows]
    assert any(not name.isascii() for name in names)
    conn.close()


def test_same_seed_same_database(tmp_path: Path) -> None:
    first = sqlite3.connect(_build(tmp_path, "a.db"))
    second = sqlite3.connect(_build(tmp_path, "b.db"))
    query = "SELECT id, name, next_due_on FROM contact ORDER BY id"
    assert first.execute(query).fetchall() == second.execute(query).fetchall()
    text = "SELECT id, occurred_at, text FROM interaction ORDER BY id"
    assert first.execute(text).fetchall() == second.execute(text).fetchall()

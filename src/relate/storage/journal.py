"""The undo journal's write side: TEMP triggers that record the inverse of every change.

The classic SQLite undo recipe: while a write command runs, AFTER INSERT/UPDATE/
DELETE triggers on every user table append the SQL that reverses the change to
``undo_entry`` under the command's ``undo_step``. ``relate undo`` (services/undo.py)
replays a step's entries newest first and deletes the step.

The triggers are TEMP (they live only on relate's own write connection, created on
its first write) so the file carries no trigger that would fail or slow down another
program writing it. They read the current step from ``temp.undo_active``; with no
active step (undo itself, migrations) they record nothing.

Text values are journaled as hex (``CAST(X'..' AS TEXT)``): SQLite's ``quote()`` cuts
text at a NUL byte, and a name with a NUL in it must come back byte for byte. The
journal therefore holds no quote characters and no semicolons, which undo checks.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from relate import clock

# Every table holding the user's data. A test checks this against the schema, so a
# table added by a later migration cannot silently escape undo.
JOURNALED_TABLES: tuple[str, ...] = (
    "organisation",
    "contact",
    "contact_alias",
    "contact_email",
    "contact_phone",
    "contact_tag",
    "important_date",
    "interaction",
    "interaction_contact",
    "interaction_tag",
    "reminder",
    "reminder_completion",
    "stage_change",
    "engagement",
    "feedback",
    "concern",
    "gift",
)

# "relate undo" walks back at least this many write commands.
KEEP_STEPS = 100
LABEL_MAX = 80


def _value(ref: str) -> str:
    """SQL that renders the value ``ref`` (e.g. ``old."name"``) as an SQL literal."""
    return (
        f"CASE typeof({ref}) WHEN 'text' THEN 'CAST(X''' || hex({ref}) || ''' AS TEXT)'"
        f" ELSE quote({ref}) END"
    )


def trigger_sql(table: str, columns: list[str]) -> list[str]:
    """The three TEMP triggers journaling ``table`` (columns as in PRAGMA table_info)."""
    quoted = [f'"{c}"' for c in columns]
    record = "INSERT INTO undo_entry (step_id, sql) SELECT step_id, {expr} FROM temp.undo_active"
    on_insert = f"'DELETE FROM \"{table}\" WHERE rowid=' || new.rowid"
    assignments = " || ',' || ".join(f"'{q}=' || {_value('old.' + q)}" for q in quoted)
    on_update = f"'UPDATE \"{table}\" SET ' || {assignments} || ' WHERE rowid=' || old.rowid"
    # An update that only moves ``updated_at`` (or nothing) is no change to undo.
    compared = [q for q in quoted if q != '"updated_at"']
    changed = " OR ".join(f"old.{q} IS NOT new.{q}" for q in compared) or "0"
    values = " || ',' || ".join(_value("old." + q) for q in quoted)
    on_delete = (
        f"'INSERT INTO \"{table}\" (rowid,{','.join(quoted)}) VALUES (' || old.rowid"
        f" || ',' || {values} || ')'"
    )
    return [
        f'CREATE TEMP TRIGGER IF NOT EXISTS "undo_{table}_{event[0].lower()}"'
        f' AFTER {event} ON main."{table}"{when} BEGIN {record.format(expr=expr)}; END'
        for event, expr, when in (
            ("INSERT", on_insert, ""),
            ("UPDATE", on_update, f" WHEN {changed}"),
            ("DELETE", on_delete, ""),
        )
    ]


def install(conn: sqlite3.Connection) -> None:
    """Create the journal's TEMP table and triggers on ``conn`` (idempotent, ~1 ms)."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS undo_active (step_id INTEGER NOT NULL)")
    names = ",".join(f"'{t}'" for t in JOURNALED_TABLES)
    columns: dict[str, list[str]] = {}
    for table, column in conn.execute(
        "SELECT m.name, p.name FROM main.sqlite_master AS m, pragma_table_info(m.name) AS p"
        f" WHERE m.type = 'table' AND m.name IN ({names}) ORDER BY m.name, p.cid"
    ):
        columns.setdefault(table, []).append(column)
    for table in JOURNALED_TABLES:
        for sql in trigger_sql(table, columns[table]):
            conn.execute(sql)


def one_line(label: str) -> str:
    """A label fit for one line of output: no line breaks, at most LABEL_MAX characters."""
    flat = " ".join(label.split())
    return flat if len(flat) <= LABEL_MAX else flat[: LABEL_MAX - 1] + "…"


def begin_step(conn: sqlite3.Connection, label: str, at: datetime) -> int:
    """Open a step, made ``at``, inside the current write transaction; the triggers
    file under it."""
    cursor = conn.execute(
        "INSERT INTO main.undo_step (label, created_at) VALUES (?, ?)",
        (one_line(label), clock.to_storage(at)),
    )
    step = int(cursor.lastrowid or 0)
    conn.execute("DELETE FROM temp.undo_active")
    conn.execute("INSERT INTO temp.undo_active (step_id) VALUES (?)", (step,))
    return step


def end_step(conn: sqlite3.Connection, step: int) -> bool:
    """Close the step before COMMIT and prune old ones; False when nothing changed."""
    conn.execute("DELETE FROM temp.undo_active")
    if conn.execute(
        "SELECT NOT EXISTS (SELECT 1 FROM main.undo_entry WHERE step_id = ?)", (step,)
    ).fetchone()[0]:
        conn.execute("DELETE FROM main.undo_step WHERE id = ?", (step,))
        return False
    conn.execute(
        "DELETE FROM main.undo_step WHERE id < (SELECT min(id) FROM"
        " (SELECT id FROM main.undo_step ORDER BY id DESC LIMIT ?))",
        (KEEP_STEPS,),
    )
    return True

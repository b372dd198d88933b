"""Exporting: contacts, interactions, reminders, important dates, concerns,
organisations, engagements, feedback and gifts as flat records (``export all``, the
whole database as one document, is ``services/everything.py``).

Every export is a generator over one SQLite cursor, so an export of 200,000
interactions holds one row at a time whatever the size of the history. Lists
(participants, tags) come folded into one column by ``group_concat`` with the unit
separator and are split in Python, as ``services.contacts`` does for contacts.

Timestamps are local ISO 8601 with the UTC offset (``2026-11-24T09:30:00+00:00``);
calendar days are ``YYYY-MM-DD``; a date without a year is ``--MM-DD``. The column
lists below are public interface (docs/import-export.md): add at the end, never
rename or reorder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import cast

from relate import clock
from relate.dates import MonthDay
from relate.errors import RelateError, UsageError
from relate.services.contacts import (
    CONTACT_FIELDS,
    ContactFilter,
    csv_columns,
    csv_record,
    field_keys,
    iter_records,
)
from relate.services.severity import severity_name
from relate.storage.database import SQLITE_MAGIC, Database
from relate.storage.engines import Row
from relate.storage.sql import statement

KINDS = (
    "contacts",
    "interactions",
    "reminders",
    "dates",
    "concerns",
    "organisations",
    "engagements",
    "feedback",
    "gifts",
)

INTERACTION_FIELDS = (
    "id",
    "occurred_at",
    "kind",
    "contact_ids",
    "contacts",
    "tags",
    "text",
    "logged_by",
)
REMINDER_FIELDS = (
    "id",
    "kind",
    "contact_id",
    "contact",
    "text",
    "due",
    "all_day",
    "rrule",
    "snoozed_until",
    "done_at",
)
DATE_FIELDS = ("id", "contact_id", "contact", "kind", "label", "date", "lead_days", "once")
CONCERN_FIELDS = (
    "id",
    "contact_id",
    "contact",
    "text",
    "severity",
    "opened_at",
    "due",
    "resolved_at",
    "resolution",
    "cause",
    "prevent",
    "trail",
)
TRAIL_FIELDS = ("at", "by", "to", "note", "severity_before", "severity_after")
ORGANISATION_FIELDS = ("id", "name", "people", "cadence", "last_contact", "notes", "created_at")
ENGAGEMENT_FIELDS = (
    "id",
    "contact_id",
    "contact",
    "title",
    "status",
    "value_cents",
    "currency",
    "started_on",
    "due_on",
    "ended_on",
    "satisfaction",
    "notes",
    "created_at",
    "history",
)
HISTORY_FIELDS = ("at", "by", "field", "old", "new")
FEEDBACK_FIELDS = ("id", "contact_id", "contact", "score", "received_on", "note")
GIFT_FIELDS = (
    "id",
    "contact_id",
    "contact",
    "description",
    "status",
    "occasion",
    "given_on",
    "created_at",
)

FIELDS: dict[str, tuple[str, ...]] = {
    "contacts": CONTACT_FIELDS,
    "interactions": INTERACTION_FIELDS,
    "reminders": REMINDER_FIELDS,
    "dates": DATE_FIELDS,
    "concerns": CONCERN_FIELDS,
    "organisations": ORGANISATION_FIELDS,
    "engagements": ENGAGEMENT_FIELDS,
    "feedback": FEEDBACK_FIELDS,
    "gifts": GIFT_FIELDS,
}

_SEP = "\x1f"

# Ordered by the indexed occurred_at, so SQLite streams rows without sorting them.
# Participants come as ids only and are named in Python from one table of every name
# (``_ContactNames``): at 200k rows a join per row costs more than the rest of the query.
INTERACTIONS = statement(
    """SELECT i.id, i.occurred_at, i.kind,
    (SELECT group_concat(contact_id) FROM
        (SELECT contact_id FROM interaction_contact WHERE interaction_id = i.id
         ORDER BY contact_id) AS p) AS contact_ids,
    (SELECT group_concat(tag, '\x1f') FROM
        (SELECT tag FROM interaction_tag WHERE interaction_id = i.id ORDER BY tag_key) AS t)
    AS tags,
    i.text, i.logged_by
FROM interaction i ORDER BY i.occurred_at, i.id"""
)
CONTACT_NAMES = statement("SELECT id, name FROM contact ORDER BY id")
MAX_CONTACT_ID = statement("SELECT max(id) FROM contact")
REMINDERS = statement(
    """SELECT r.id, r.kind, r.contact_id, c.name AS contact, r.text, r.due_at, r.all_day,
        r.rrule, r.snoozed_until, r.done_at
    FROM reminder r LEFT JOIN contact c ON c.id = r.contact_id ORDER BY r.id"""
)
DATES = statement(
    """SELECT d.id, d.contact_id, c.name AS contact, d.kind, d.label, d.month, d.day, d.year,
        d.lead_days, d.once
    FROM important_date d JOIN contact c ON c.id = d.contact_id ORDER BY d.id"""
)

CONCERNS = statement(
    """SELECT k.id, k.contact_id, c.name AS contact, k.text, k.severity, k.opened_at,
        k.due_on, k.resolved_at, k.resolution, k.cause, k.prevent
    FROM concern k JOIN contact c ON c.id = k.contact_id ORDER BY k.id"""
)
ALL_TRAILS = statement(
    """SELECT concern_id, escalated_at, escalated_by, escalated_to, note, severity_before,
        severity_after
    FROM concern_escalation ORDER BY concern_id, id"""
)
ORGANISATIONS = statement(
    """SELECT o.id, o.name, (SELECT count(*) FROM contact c WHERE c.org_id = o.id) AS people,
        o.cadence_days,
        (SELECT max(c.last_contact_at) FROM contact c WHERE c.org_id = o.id) AS last_contact,
        o.notes, o.created_at
    FROM organisation o ORDER BY o.id"""
)
ENGAGEMENTS = statement(
    """SELECT e.id, e.contact_id, c.name AS contact, e.title, e.status, e.value_cents,
        e.currency, e.started_on, e.due_on, e.ended_on, e.satisfaction, e.notes, e.created_at
    FROM engagement e JOIN contact c ON c.id = e.contact_id ORDER BY e.id"""
)
ALL_HISTORIES = statement(
    """SELECT engagement_id, entered_at, entered_by, field, old_value, new_value
    FROM engagement_entry ORDER BY engagement_id, entered_at, id"""
)
FEEDBACK = statement(
    """SELECT f.id, f.contact_id, c.name AS contact, f.score, f.received_on, f.note
    FROM feedback f JOIN contact c ON c.id = f.contact_id ORDER BY f.id"""
)
GIFTS = statement(
    """SELECT g.id, g.contact_id, c.name AS contact, g.description, g.status, g.occasion,
        g.given_on, g.created_at
    FROM gift g JOIN contact c ON c.id = g.contact_id ORDER BY g.id"""
)


def local_time(stored: str | None) -> str | None:
    """A stored UTC timestamp as local ISO 8601 with its offset, to the second."""
    if not stored:
        return None
    return clock.from_storage(stored).replace(microsecond=0).isoformat()


def local_day(stored: str) -> str:
    return clock.local_day_of(stored).isoformat()


def _split(raw: str | None) -> list[str]:
    return raw.split(_SEP) if raw else []


def _interaction_rows(
    db: Database,
) -> Iterator[tuple[int, str, str, list[str], list[str], str | None, str, str | None]]:
    """(id, local time, kind, contact ids, names, raw tags, text, logged by) per
    interaction."""
    name_of = _ContactNames(db)
    local = clock.LocalISOFormatter()
    for row in db.execute(INTERACTIONS):
        ids = row[3].split(",") if row[3] else []
        names = [name_of(int(i)) for i in ids]
        yield row[0], local(row[1]), row[2], ids, names, row[4], row[5], row[6]


class _ContactNames:
    """Every contact's name as UTF-8 in one byte buffer, with an offset table by id.

    A dict of 100k names costs ~15 MB; this costs the bytes plus 16 a contact, so an
    export's memory stays flat however large the address book.
    """

    def __init__(self, db: Database) -> None:
        from array import array

        top = int(db.execute(MAX_CONTACT_ID).fetchone()[0] or 0)
        self._start = array("q", [0]) * (top + 1)
        self._end = array("q", [0]) * (top + 1)
        self._blob = bytearray()
        for contact_id, name in db.execute(CONTACT_NAMES):
            self._start[contact_id] = len(self._blob)
            self._blob += name.encode()
            self._end[contact_id] = len(self._blob)

    def __call__(self, contact_id: int) -> str:
        return self._blob[self._start[contact_id] : self._end[contact_id]].decode()


def iter_interactions(db: Database) -> Iterator[dict[str, object]]:
    for id_, at, kind, ids, names, tags, text, logged_by in _interaction_rows(db):
        yield {
            "id": id_,
            "occurred_at": at,
            "kind": kind,
            "contact_ids": [int(value) for value in ids],
            "contacts": names,
            "tags": _split(tags),
            "text": text,
            "logged_by": logged_by,
        }


def interaction_cells(db: Database) -> Iterator[tuple[object, ...]]:
    """Interactions straight to CSV cells: the 200k-row hot path, so it repeats the
    few lines of ``_interaction_rows`` rather than stacking a second generator."""
    from relate.csvcodec import join_list, list_item

    name_of = _ContactNames(db)
    local = clock.LocalISOFormatter()
    for row in db.execute(INTERACTIONS):
        ids = row[3]
        names = ""
        if ids and "," in ids:
            names = join_list([name_of(int(i)) for i in ids.split(",")])
            ids = ids.replace(",", ";")  # integers: nothing to escape
        elif ids:  # the usual log is with one person: no list to build
            names = list_item(name_of(int(ids)))
        tags = row[4]
        yield (
            row[0],
            local(row[1]),
            row[2],
            ids or "",
            names,
            join_list(tags.split(_SEP)) if tags else "",
            row[5],
            row[6],
        )


def _reminder(row: Row) -> dict[str, object]:
    all_day = bool(row["all_day"])
    return {
        "id": row["id"],
        "kind": row["kind"],
        "contact_id": row["contact_id"],
        "contact": row["contact"],
        "text": row["text"],
        "due": local_day(row["due_at"]) if all_day else local_time(row["due_at"]),
        "all_day": all_day,
        "rrule": row["rrule"],
        "snoozed_until": local_time(row["snoozed_until"]),
        "done_at": local_time(row["done_at"]),
    }


def iter_reminders(db: Database) -> Iterator[dict[str, object]]:
    for row in db.execute(REMINDERS):
        yield _reminder(row)


def iter_dates(db: Database) -> Iterator[dict[str, object]]:
    for row in db.execute(DATES):
        yield {
            "id": row["id"],
            "contact_id": row["contact_id"],
            "contact": row["contact"],
            "kind": row["kind"],
            "label": row["label"],
            "date": MonthDay(row["month"], row["day"], row["year"]).iso(),
            "lead_days": row["lead_days"],
            "once": bool(row["once"]),
        }


def iter_concerns(db: Database) -> Iterator[dict[str, object]]:
    """Every concern, resolved ones included, in id order, each with its escalation
    trail (``TRAIL_FIELDS``), oldest step first."""
    trails: dict[int, list[dict[str, object]]] = {}
    for row in db.execute(ALL_TRAILS):
        trails.setdefault(int(row["concern_id"]), []).append(
            {
                "at": local_time(row["escalated_at"]),
                "by": row["escalated_by"],
                "to": row["escalated_to"],
                "note": row["note"],
                "severity_before": severity_name(int(row["severity_before"])),
                "severity_after": severity_name(int(row["severity_after"])),
            }
        )
    for row in db.execute(CONCERNS):
        yield {
            "id": row["id"],
            "contact_id": row["contact_id"],
            "contact": row["contact"],
            "text": row["text"],
            "severity": severity_name(int(row["severity"])),
            "opened_at": local_time(row["opened_at"]),
            "due": str(row["due_on"])[:10] if row["due_on"] else None,
            "resolved_at": local_time(row["resolved_at"]),
            "resolution": row["resolution"],
            "cause": row["cause"],
            "prevent": row["prevent"],
            "trail": trails.get(int(row["id"]), []),
        }


def trail_cell(steps: list[dict[str, object]], fields: tuple[str, ...] = TRAIL_FIELDS) -> str:
    """A concern's trail (or, with ``HISTORY_FIELDS``, an engagement's history) in one
    CSV cell: ``AT|BY|TO|NOTE|BEFORE|AFTER`` a step, steps separated by ``;``, a ``|``,
    ``;`` or ``\\`` inside a part escaped with ``\\``."""

    def part(value: object) -> str:
        text = "" if value is None else str(value)
        return text.replace("\\", "\\\\").replace("|", "\\|").replace(";", "\\;")

    return ";".join("|".join(part(step[f]) for f in fields) for step in steps)


def _day(stored: object) -> str | None:
    return str(stored)[:10] if stored else None


def iter_organisations(db: Database) -> Iterator[dict[str, object]]:
    """Every organisation in id order, with how many people are there and the day of
    the last contact with any of them."""
    from relate.dates import format_cadence

    for row in db.execute(ORGANISATIONS):
        cadence = row["cadence_days"]
        last = row["last_contact"]
        yield {
            "id": row["id"],
            "name": row["name"],
            "people": int(row["people"]),
            "cadence": format_cadence(int(cadence)) if cadence else None,
            "last_contact": local_day(str(last)) if last else None,
            "notes": row["notes"],
            "created_at": local_time(row["created_at"]),
        }


def iter_engagements(db: Database) -> Iterator[dict[str, object]]:
    """Every engagement in id order, each with its history (``HISTORY_FIELDS``), oldest
    entry first."""
    histories: dict[int, list[dict[str, object]]] = {}
    for row in db.execute(ALL_HISTORIES):
        histories.setdefault(int(row["engagement_id"]), []).append(
            {
                "at": local_time(row["entered_at"]),
                "by": row["entered_by"],
                "field": row["field"],
                "old": row["old_value"],
                "new": row["new_value"],
            }
        )
    for row in db.execute(ENGAGEMENTS):
        yield {
            "id": row["id"],
            "contact_id": row["contact_id"],
            "contact": row["contact"],
            "title": row["title"],
            "status": row["status"],
            "value_cents": row["value_cents"],
            "currency": row["currency"],
            "started_on": _day(row["started_on"]),
            "due_on": _day(row["due_on"]),
            "ended_on": _day(row["ended_on"]),
            "satisfaction": row["satisfaction"],
            "notes": row["notes"],
            "created_at": local_time(row["created_at"]),
            "history": histories.get(int(row["id"]), []),
        }


def iter_feedback(db: Database) -> Iterator[dict[str, object]]:
    for row in db.execute(FEEDBACK):
        yield {
            "id": row["id"],
            "contact_id": row["contact_id"],
            "contact": row["contact"],
            "score": row["score"],
            "received_on": _day(row["received_on"]),
            "note": row["note"],
        }


def iter_gifts(db: Database) -> Iterator[dict[str, object]]:
    for row in db.execute(GIFTS):
        yield {
            "id": row["id"],
            "contact_id": row["contact_id"],
            "contact": row["contact"],
            "description": row["description"],
            "status": row["status"],
            "occasion": row["occasion"],
            "given_on": _day(row["given_on"]),
            "created_at": local_time(row["created_at"]),
        }


def iter_contacts(db: Database) -> Iterator[dict[str, object]]:
    """Every contact, archived ones included, in id order (stable for diffs)."""
    return iter_records(db, ContactFilter(include_archived=True, by_id=True))


SOURCES: dict[str, Callable[[Database], Iterator[dict[str, object]]]] = {
    "contacts": iter_contacts,
    "interactions": iter_interactions,
    "reminders": iter_reminders,
    "dates": iter_dates,
    "concerns": iter_concerns,
    "organisations": iter_organisations,
    "engagements": iter_engagements,
    "feedback": iter_feedback,
    "gifts": iter_gifts,
}


def records(
    db: Database, kind: str, where: ContactFilter | None = None
) -> Iterator[dict[str, object]]:
    """Every record of ``kind``; ``where``: which contacts (``export contacts --type``...)."""
    if kind not in SOURCES:
        raise UsageError(f"cannot export {kind!r}", hint="use one of " + ", ".join(KINDS))
    if where is not None:
        if kind != "contacts":
            raise UsageError(f"cannot filter {kind!r}", hint="only contacts take filters")
        return iter_records(db, where)
    return SOURCES[kind](db)


def csv_header(db: Database, kind: str) -> tuple[str, ...]:
    """The columns of a CSV export: ``FIELDS[kind]``; for contacts, ``fields`` becomes a
    ``field:KEY`` column for each custom field key in the database, sorted."""
    if kind == "contacts":
        return csv_columns(field_keys(db))
    return FIELDS[kind]


def csv_rows(
    db: Database, kind: str, where: ContactFilter | None = None
) -> Iterator[tuple[object, ...]]:
    """An export as rows of CSV cells in ``csv_header`` order."""
    if kind == "interactions":
        return interaction_cells(db)
    from relate.csvcodec import csv_cell

    if kind == "contacts":
        keys = field_keys(db)
        columns = csv_columns(keys)
        return (
            tuple(csv_cell(row.get(c)) for c in columns)
            for row in (csv_record(record, keys) for record in records(db, kind, where))
        )
    columns = FIELDS[kind]
    nested = {"concerns": ("trail", TRAIL_FIELDS), "engagements": ("history", HISTORY_FIELDS)}
    if kind in nested:
        column, parts = nested[kind]
        return (
            tuple(
                trail_cell(cast(list[dict[str, object]], record[c]), parts)
                if c == column
                else csv_cell(record.get(c))
                for c in columns
            )
            for record in records(db, kind, where)
        )
    return (tuple(csv_cell(record.get(c)) for c in columns) for record in records(db, kind, where))


# --- spreadsheet safety --------------------------------------------------------------

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def excel_safe_cell(text: str) -> str:
    """Prefix a would-be formula with an apostrophe, so a spreadsheet shows it as text."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def excel_safe(rows: Iterable[tuple[object, ...]]) -> Iterator[tuple[str, ...]]:
    """Rows of CSV cells, each neutralised with ``excel_safe_cell``."""
    for row in rows:
        yield tuple(excel_safe_cell("" if cell is None else str(cell)) for cell in row)


# --- where an export may be written ---------------------------------------------------

_SIDE_FILES = ("-wal", "-shm", "-journal")


def _is_sqlite(path: Path) -> bool:
    if not path.is_file():  # never open a FIFO or a device to look
        return False
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return a.resolve() == b.resolve()


def check_destination(path: Path, db_path: Path, *, force: bool) -> None:
    """Refuse to export over the database, its -wal/-shm/-journal, any SQLite file (a
    backup), a folder, or, without ``force``, any existing file."""
    if path.name in ("", ".", "..") or path.is_dir():
        raise RelateError(f"-o {str(path)!r} is a folder; name the file to write")
    for suffix in ("", *_SIDE_FILES):
        if _same_file(path, Path(f"{db_path}{suffix}")):
            what = "the database itself" if not suffix else f"the database's {suffix} file"
            raise RelateError(f"{path} is {what}; not writing an export over it")
    side = next((s for s in _SIDE_FILES if path.name.endswith(s)), None)
    if _is_sqlite(path) or (side and _is_sqlite(path.with_name(path.name[: -len(side)]))):
        raise RelateError(
            f"{path} belongs to an SQLite database (a relate backup?); not writing an"
            " export over it",
            hint="choose another name",
        )
    if path.exists() and not force:
        raise RelateError(
            f"{path} exists; not overwriting it", hint="choose another name or add --force"
        )

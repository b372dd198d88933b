"""Importing contacts from vCard, CSV (relate, Google, Outlook) and relate's JSON.

All or nothing: the whole file is one transaction. A record that cannot be read
aborts it with ``FILE:LINE: reason`` (the line where the record or card starts; the
CSV header is line 1) and the database is left as it was. ``dry_run`` runs the same
steps and rolls back, so it reports exactly what a real import would do.

Duplicates: an incoming record duplicates a contact that shares an e-mail with it;
if the record has no e-mail, one that shares a phone; if it has neither, one whose
name is the same (case-insensitively). Records imported earlier from the same file
count, because they are already in the (uncommitted) database.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from relate import clock, dates
from relate.errors import RelateError, UsageError
from relate.services import contacts
from relate.services.contacts import ContactInput, email_key, phone_key
from relate.services.matching import fold
from relate.storage.database import Database
from relate.storage.sql import statement

FORMATS = ("vcard", "csv", "json")
POLICIES = ("skip", "update", "new")
_EXTENSIONS = {
    ".vcf": "vcard",
    ".vcard": "vcard",
    ".csv": "csv",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
}
_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n", ""}

BY_EMAIL = statement(
    """SELECT e.contact_id AS id, c.name FROM contact_email e
    JOIN contact c ON c.id = e.contact_id WHERE e.email_key = :key
    ORDER BY e.contact_id LIMIT 1"""
)
BY_PHONE = statement(
    """SELECT p.contact_id AS id, c.name FROM contact_phone p
    JOIN contact c ON c.id = p.contact_id WHERE p.phone_key = :key
    ORDER BY p.contact_id LIMIT 1"""
)
BY_NAME = statement("SELECT id, name FROM contact WHERE name_key = :key ORDER BY id")


@dataclass
class Incoming:
    """One record read from a file, ready to become (or update) a contact."""

    line: int
    data: ContactInput
    archived: bool | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class Action:
    line: int
    action: str  # add | update | skip
    name: str
    duplicate_of: str | None = None


@dataclass
class Summary:
    where: str
    dry_run: bool
    added: int = 0
    updated: int = 0
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)


class _Rollback(Exception):
    """Raised at the end of a dry run so the transaction is rolled back."""


# --- reading values ------------------------------------------------------------------


def _text(value: object, what: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RelateError(f"{what} must be text, not {json.dumps(value)}")
    return str(value)


def _list(value: object, what: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        from relate.render.output import split_list

        return split_list(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise RelateError(f"{what} must be a list of texts")


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = (_text(value, "archived") or "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise RelateError(f"archived must be true or false, not {value!r}")


def incoming_from_fields(fields: Mapping[str, object], line: int, today: date) -> Incoming:
    """relate's own fields (CSV text or JSON values) as an Incoming record; checks all."""

    def text(key: str) -> str | None:
        value = _text(fields.get(key), key)
        return value if value else None  # an empty cell is "not given"

    name = (text("name") or "").strip()
    if not name:
        raise RelateError("the record has no name")
    data = ContactInput(
        name=name,
        aliases=_list(fields.get("aliases"), "aliases"),
        emails=_list(fields.get("emails"), "emails"),
        phones=_list(fields.get("phones"), "phones"),
        tags=_list(fields.get("tags"), "tags"),
        org=text("org"),
        role=_text(fields.get("role"), "role"),
        notes=_text(fields.get("notes"), "notes"),
    )
    if kind := text("type"):
        data.relationship_type = contacts.choose(
            kind, contacts.RELATIONSHIP_TYPES, "relationship type"
        )
    if stage := text("stage"):
        data.stage = contacts.choose(stage, contacts.STAGES, "stage")
    if cadence := text("cadence"):
        data.cadence_days = dates.parse_cadence(cadence)
    if priority := text("priority"):
        data.priority = contacts.parse_priority(priority)
    if birthday := text("birthday"):
        data.birthday = dates.parse_month_day(birthday, today)
    archived = _flag(fields["archived"]) if "archived" in fields else None
    return Incoming(line, data, archived)


def _at(where: str, line: int, exc: RelateError) -> RelateError:
    return RelateError(f"{where}:{line}: {exc}")


def _csv_records(text: str, where: str, today: date) -> Iterator[Incoming]:
    from relate.services.csv_layouts import detect

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [column.strip() for column in next(reader)]
    except StopIteration:
        return
    except csv.Error as exc:
        raise RelateError(f"{where}:1: not a CSV file: {exc}") from exc
    layout = detect(header)
    if layout is None:
        raise RelateError(
            f"{where}:1: unknown CSV columns",
            hint="expected relate's own (name, emails, ...), a Google Contacts or an Outlook "
            "export; see docs/import-export.md",
        )
    warnings = []
    if layout.unknown:
        warnings.append(f"{where}: ignoring unknown columns: " + ", ".join(layout.unknown))
    first = True
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise RelateError(f"{where}:{start}: cannot read this CSV row: {exc}") from exc
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            raise RelateError(f"{where}:{start}: {len(cells)} cells for {len(header)} columns")
        row = dict(zip(header, cells, strict=False))
        try:
            record = incoming_from_fields(layout.convert(row), start, today)
        except RelateError as exc:
            raise _at(where, start, exc) from None
        if first:
            record.warnings.extend(warnings)
            first = False
        yield record


def _json_values(text: str, where: str) -> Iterator[tuple[int, object]]:
    """(line, value) for each item of a JSON array, or each line of JSON Lines."""
    decoder = json.JSONDecoder()
    start = len(text) - len(text.lstrip())
    if not text[start:].startswith("["):
        for number, content in enumerate(text.splitlines(), 1):
            if content.strip():
                try:
                    yield number, json.loads(content)
                except json.JSONDecodeError as exc:
                    raise RelateError(f"{where}:{number}: not valid JSON: {exc.msg}") from None
        return
    pos, line, counted = start + 1, 1, 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        if pos < len(text) and text[pos] == "]":
            return
        line += text.count("\n", counted, pos)
        counted = pos
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise RelateError(f"{where}:{exc.lineno}: not valid JSON: {exc.msg}") from None
        yield line, value
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        if pos < len(text) and text[pos] == ",":
            pos += 1
        elif pos >= len(text) or text[pos] != "]":
            line += text.count("\n", counted, pos)
            raise RelateError(f"{where}:{line}: not valid JSON: expected ',' or ']'")


def _json_records(text: str, where: str, today: date) -> Iterator[Incoming]:
    for line, value in _json_values(text, where):
        if not isinstance(value, dict):
            raise RelateError(f"{where}:{line}: expected a contact object")
        try:
            yield incoming_from_fields(value, line, today)
        except RelateError as exc:
            raise _at(where, line, exc) from None


def _vcard_records(text: str, where: str) -> Iterator[Incoming]:
    from relate.services.vcard import read_cards

    for card in read_cards(text, where):
        data = ContactInput(
            name=card.name,
            aliases=card.aliases,
            emails=card.emails,
            phones=card.phones,
            tags=card.tags,
            org=card.org,
            role=card.role,
            notes=card.notes,
            birthday=card.birthday,
        )
        warnings = [f"{where}:{card.line}: {warning}" for warning in card.warnings]
        yield Incoming(card.line, data, None, warnings)


def guess_format(path: Path, text: str) -> str:
    by_extension = _EXTENSIONS.get(path.suffix.lower())
    if by_extension:
        return by_extension
    head = text.lstrip("\ufeff \t\r\n")
    if head[:11].upper() == "BEGIN:VCARD":
        return "vcard"
    if head[:1] in "[{":
        return "json"
    return "csv"


def decode(raw: bytes) -> str:
    """UTF-8 (with or without a byte-order mark); Windows-1252 as Outlook writes it."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_records(text: str, fmt: str, where: str, today: date) -> Iterator[Incoming]:
    if fmt == "vcard":
        return _vcard_records(text, where)
    if fmt == "csv":
        return _csv_records(text, where, today)
    if fmt == "json":
        return _json_records(text, where, today)
    raise UsageError(f"unknown import format {fmt!r}", hint="use one of " + ", ".join(FORMATS))


# --- writing -------------------------------------------------------------------------


def find_duplicate(conn: sqlite3.Connection, data: ContactInput) -> sqlite3.Row | None:
    """The contact an incoming record duplicates, by the rule in the module docstring."""
    emails = [email_key(email) for email in data.emails if email.strip()]
    if emails:
        for key in emails:
            row: sqlite3.Row | None = conn.execute(BY_EMAIL, {"key": key}).fetchone()
            if row is not None:
                return row
        return None
    phones = [key for key in (phone_key(phone) for phone in data.phones) if key.strip("+")]
    if phones:
        for key in phones:
            row = conn.execute(BY_PHONE, {"key": key}).fetchone()
            if row is not None:
                return row
        return None
    if data.phones:
        return None  # phones without digits: nothing to compare
    name = (data.name or "").strip().casefold()
    for row in conn.execute(BY_NAME, {"key": fold(data.name or "")}):
        if str(row["name"]).strip().casefold() == name:
            return row
    return None


def _set_archived(conn: sqlite3.Connection, contact_id: int, archived: bool, now: datetime) -> None:
    conn.execute(
        contacts.SET_ARCHIVED,
        {"id": contact_id, "archive": archived, "now": clock.to_storage(now)},
    )


def apply(conn: sqlite3.Connection, record: Incoming, policy: str, now: datetime) -> Action:
    """Add, update or skip one record inside the open transaction."""
    name = record.data.name or ""
    duplicate = None if policy == "new" else find_duplicate(conn, record.data)
    if duplicate is not None:
        label = f"#{duplicate['id']} {duplicate['name']}"
        if policy == "skip":
            return Action(record.line, "skip", name, label)
        contacts.update_contact(conn, int(duplicate["id"]), record.data, now)
        if record.archived is not None:
            _set_archived(conn, int(duplicate["id"]), record.archived, now)
        return Action(record.line, "update", name, label)
    contact_id = contacts.insert_contact(conn, record.data, now)
    if record.archived:
        _set_archived(conn, contact_id, True, now)
    return Action(record.line, "add", name)


def import_text(
    db: Database,
    text: str,
    *,
    where: str,
    fmt: str,
    policy: str,
    dry_run: bool,
    now: datetime,
) -> Summary:
    """Import every record of ``text`` in one transaction (rolled back for a dry run)."""
    if policy not in POLICIES:
        raise UsageError(
            f"unknown duplicate policy {policy!r}", hint="use one of " + ", ".join(POLICIES)
        )
    summary = Summary(where, dry_run)
    records = read_records(text, fmt, where, now.date())
    try:
        with db.transaction() as conn:
            for record in records:
                summary.warnings.extend(record.warnings)
                try:
                    action = apply(conn, record, policy, now)
                except RelateError as exc:
                    raise _at(where, record.line, exc) from None
                summary.actions.append(action)
                if action.action == "add":
                    summary.added += 1
                elif action.action == "update":
                    summary.updated += 1
                else:
                    summary.skipped += 1
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return summary


def import_file(
    db: Database,
    path: Path,
    *,
    fmt: str | None,
    policy: str,
    dry_run: bool,
    now: datetime,
    where: str | None = None,
    raw: bytes | None = None,
) -> Summary:
    """Read ``path`` (or ``raw`` bytes, e.g. stdin) and import it; see ``import_text``."""
    label = where or str(path)
    if raw is None:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise RelateError(f"{label}: no such file") from None
        except IsADirectoryError:
            raise RelateError(f"{label} is a folder, not a file") from None
    text = decode(raw)
    chosen = fmt.strip().lower() if fmt else guess_format(path, text)
    if chosen not in FORMATS:
        raise UsageError(f"unknown import format {fmt!r}", hint="use one of " + ", ".join(FORMATS))
    return import_text(db, text, where=label, fmt=chosen, policy=policy, dry_run=dry_run, now=now)

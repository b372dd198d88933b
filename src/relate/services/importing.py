"""Importing contacts from vCard, CSV (relate, Google, Outlook, LinkedIn, Thunderbird)
and relate's JSON, streamed record by record from the file.

One transaction for the whole file. A record with nothing relate can keep (no name,
e-mail, phone or company) is skipped and counted, with a warning naming its line; a
record that cannot be read at all (a value invalid for its column, a cut-off file)
aborts the import with ``FILE:LINE: reason`` (the line where the record or card
starts; the CSV header is line 1) and the database is left as it was. ``dry_run``
runs the same steps and rolls back, so it reports exactly what a real import would do.

Duplicates: an incoming record duplicates a contact that shares an e-mail with it;
if the record has no e-mail, one that shares a phone; if it has neither, one whose
name is the same (case-insensitively). Records imported earlier from the same file
count, because they are already in the (uncommitted) database.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import functools
import io
import itertools
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from relate import clock, dates
from relate.dates import MonthDay
from relate.errors import RelateError, UsageError
from relate.services import contacts, everything, matching
from relate.services.contacts import ContactInput, email_key, phone_key
from relate.services.csv_layouts import LINKEDIN_NOTE
from relate.services.fields import Address
from relate.services.important_dates import ANNIVERSARY, FIND_DATE, kind_of, upsert_date
from relate.services.interactions import insert_interaction
from relate.services.matching import fold
from relate.storage.database import Database
from relate.storage.engines import Row
from relate.storage.sql import statement

if TYPE_CHECKING:
    from relate.services.csv_layouts import Layout

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
DATE_ORDERS = ("dmy", "mdy")
CONNECTED_TEXT = "Connected on LinkedIn"
PROGRESS_EVERY = 200  # records between two progress reports
BATCH_SIZE = 2000  # new contacts written together (500: 5% slower; 5,000: +15 MB)
_LINKEDIN_PREAMBLE = 4  # rows of notes LinkedIn may write before its header
_SURROGATES = re.compile("[\udc80-\udcff]")
_SLASH_DATE = re.compile(rb"\d/\d")
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
BY_NAME = statement("SELECT id, name, notes FROM contact WHERE name_key = :key ORDER BY id")
# LinkedIn's profile URL is kept in the notes; it tells people of the same name apart.
BY_PROFILE = statement(
    "SELECT id, name, notes FROM contact WHERE instr(notes, :note) > 0 ORDER BY id"
)


@dataclass
class Incoming:
    """One record read from a file, ready to become (or update) a contact."""

    line: int
    data: ContactInput
    archived: bool | None = None
    warnings: list[str] = field(default_factory=list)
    named_after: str | None = None  # "e-mail", "organisation", "phone": it had no name
    dates: list[tuple[str, MonthDay]] = field(default_factory=list)  # beyond the birthday
    connected_on: date | None = None  # when the relationship started (LinkedIn)
    problem: str | None = None  # why no contact can be made of it (skipped as unusable)
    layout: str | None = None  # the CSV layout it was read as ("LinkedIn", ...)
    date_record: IncomingDate | None = None  # a record of relate's own dates export


@dataclass(frozen=True)
class IncomingDate:
    """A record of ``relate export dates --format json``: a contact's important date."""

    contact_id: int | None  # the exporting database's id, used when the name agrees
    contact: str
    label: str
    when: MonthDay
    lead_days: int | None
    once: bool | None  # None (not in the record): as the date already is, else yearly


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
    layout: str | None = None  # the CSV layout the file was read as
    added: int = 0
    updated: int = 0
    skipped: int = 0  # duplicates left as they were
    unusable: int = 0  # records with nothing relate can keep (a warning names each)
    named_after: dict[str, int] = field(default_factory=dict)  # nameless, named after...
    warnings: list[str] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)  # dry runs only


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
        from relate.csvcodec import split_list

        return split_list(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise RelateError(f"{what} must be a list of texts")


def _flag(value: object, what: str = "archived") -> bool:
    if isinstance(value, bool):
        return value
    text = (_text(value, what) or "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise RelateError(f"{what} must be true or false, not {value!r}")


def _whole(value: object, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise RelateError(f"{what} must be a whole number, not {json.dumps(value)}")
    return value


def is_date_record(fields: Mapping[str, object]) -> bool:
    """A record of relate's own dates export (``label`` and ``date``, no ``name``)."""
    return "name" not in fields and "label" in fields and "date" in fields


def date_from_fields(fields: Mapping[str, object], line: int, today: date) -> Incoming:
    """A record of ``relate export dates --format json`` as an Incoming date record."""
    contact = (_given(fields, "contact") or "").strip()
    if not contact:
        raise RelateError("the date has no contact")
    label = _given(fields, "label") or ""
    text = _given(fields, "date")
    if not text:
        raise RelateError("the date has no date")
    record = IncomingDate(
        _whole(fields.get("contact_id"), "contact_id"),
        contact,
        label,
        _month_day(text, today),
        _whole(fields.get("lead_days"), "lead_days"),
        _flag(fields["once"], "once") if fields.get("once") is not None else None,
    )
    return Incoming(line, ContactInput(name=contact), date_record=record)


# The same birthday text comes back often in a big file; MonthDay is immutable.
_month_day = functools.lru_cache(maxsize=4096)(dates.parse_month_day)


def _given(fields: Mapping[str, object], key: str) -> str | None:
    """A text field's value; None when absent or empty (an empty cell is "not given")."""
    value = fields.get(key)
    if type(value) is not str:  # CSV cells are; JSON values are checked
        value = _text(value, key)
    return value or None


def _texts(fields: Mapping[str, object], key: str) -> list[str]:
    value = fields.get(key)
    if type(value) is list:  # what the layouts give
        try:
            "".join(value)  # a TypeError unless every item is text
        except TypeError:
            pass
        else:
            return value[:]  # a copy, as _list makes
    return _list(value, key)


def incoming_from_fields(fields: Mapping[str, object], line: int, today: date) -> Incoming:
    """relate's own fields (CSV text or JSON values) as an Incoming record; checks all."""
    name = (_given(fields, "name") or "").strip()
    if not name:
        raise RelateError("the record has no name")
    data = ContactInput(
        name=name,
        aliases=_texts(fields, "aliases"),
        emails=_texts(fields, "emails"),
        phones=_texts(fields, "phones"),
        tags=_texts(fields, "tags"),
        org=_given(fields, "org"),
        role=_given(fields, "role"),
        notes=_given(fields, "notes"),
        owner=_given(fields, "owner"),
    )
    get = fields.get  # the fields below are absent from other programs' layouts
    if get("type") is not None and (kind := _given(fields, "type")):
        data.relationship_type = contacts.choose(
            kind, contacts.RELATIONSHIP_TYPES, "relationship type"
        )
    if get("stage") is not None and (stage := _given(fields, "stage")):
        data.stage = contacts.choose(stage, contacts.STAGES, "stage")
    if get("cadence") is not None and (cadence := _given(fields, "cadence")):
        data.cadence_days = dates.parse_cadence(cadence)
    if get("priority") is not None and (priority := _given(fields, "priority")):
        data.priority = contacts.parse_priority(priority)
    if get("birthday") is not None and (birthday := _given(fields, "birthday")):
        data.birthday = _month_day(birthday, today)
    if get("addresses"):  # absent, or empty, in most files: no call
        data.addresses = _addresses(fields["addresses"])
    if get("fields") is not None:
        data.fields = _custom_fields(fields["fields"])
    archived = _flag(fields["archived"]) if "archived" in fields else None
    return Incoming(line, data, archived)


def _addresses(value: object) -> list[Address]:
    """Addresses as relate writes them: JSON objects of ADR parts, or texts in a form
    ``--address`` takes (a CSV cell holds them as a list)."""
    from relate.services.fields import address_from_object

    if value is None or value == "":
        return []
    items = _list(value, "addresses") if isinstance(value, str) else value
    if not isinstance(items, list):
        raise RelateError("addresses must be a list")
    return [address_from_object(item) for item in items if item != ""]


def _custom_fields(custom: object) -> dict[str, str]:
    """Custom fields: JSON's object ``fields``, or CSV's ``field:KEY`` columns as the
    relate layout gathers them (services/csv_layouts.py)."""
    from relate.services.fields import field_key, field_value

    if not isinstance(custom, dict):
        raise RelateError("fields must be an object of texts")
    found: dict[str, str] = {}
    for name, value in custom.items():
        if not isinstance(value, str):
            raise RelateError(f"custom field {name!r} must be text")
        key = field_key(name)
        found[key] = field_value(value, key)
    return found


def _at(where: str, line: int, exc: RelateError) -> RelateError:
    """``exc`` said at the file's line, with its exit code: a database that fails
    mid-import (a server's connection lost, a full disk) stays exit 4."""
    located = RelateError(f"{where}:{line}: {exc}")
    located.exit_code = exc.exit_code
    return located


def _fallback_name(fields: dict[str, object]) -> str | None:
    """Name a nameless CSV record after its e-mail, company or phone; say which."""
    if str(fields.get("name") or "").strip():
        return None
    for what, key in (("e-mail", "emails"), ("organisation", "org"), ("phone", "phones")):
        value = fields.get(key)
        first = value[0] if isinstance(value, list) and value else value
        if isinstance(first, str) and first.strip():
            fields["name"] = first.strip()
            return what
    return None


def _unusable(line: int, reason: str) -> Incoming:
    return Incoming(line, ContactInput(name=""), problem=reason)


class _Lines:
    """The file's lines as text: UTF-16 by its byte-order mark, else UTF-8 (a BOM
    skipped); bytes that are not UTF-8 are kept as surrogates and decoded per value
    (``_mend``), so one stray byte does not turn the whole file into Windows-1252.
    ``stray`` turns true at the first line holding such bytes."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.stray = False

    def __iter__(self) -> Iterator[str]:
        stream = self.stream
        head = stream.read(4)
        stream.seek(0)
        if codec := utf16_codec(head):
            yield from io.StringIO(stream.read().decode(codec), newline="")
            return
        if head.startswith(codecs.BOM_UTF8):
            stream.read(3)
        for chunk in stream:  # whole lines: a UTF-8 character never holds a \n byte
            try:
                yield chunk.decode("utf-8")
            except UnicodeDecodeError:
                self.stray = True
                yield chunk.decode("utf-8", errors="surrogateescape")


def utf16_codec(head: bytes) -> str | None:
    """The codec of a UTF-16 file from its first bytes: by its byte-order mark, or
    without one by the zero byte of its first (ASCII) character, as in Roundcube's
    sample; None for anything else (a UTF-8 or ASCII file has no zero bytes there)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(head) >= 4 and head[0] == 0 and head[2] == 0 and head[1] and head[3]:
        return "utf-16-be"
    if len(head) >= 4 and head[1] == 0 and head[3] == 0 and head[0] and head[2]:
        return "utf-16-le"
    return None


def _mend(cell: str) -> str:
    """A value holding bytes that were not UTF-8: Windows-1252, as Outlook writes it."""
    if not _SURROGATES.search(cell):
        return cell
    return cell.encode("utf-8", errors="surrogateescape").decode("cp1252", errors="replace")


def _sniff(lines: list[str]) -> str:
    """``;`` when the header row (Thunderbird in some locales) is split by semicolons."""
    header = next((line for line in lines if line.strip() and line.strip() != "Notes:"), "")
    return ";" if header.count(";") > header.count(",") else ","


def _csv_rows(stream: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    """(line where the row starts, cells) for every row of a CSV file."""
    lines = _Lines(stream)
    text = iter(lines)
    head = list(itertools.islice(text, 8))
    reader = csv.reader(itertools.chain(head, text), delimiter=_sniff(head))
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        yield start, [_mend(cell) for cell in cells] if lines.stray else cells


def _find_header(
    rows: Iterator[tuple[int, list[str]]], where: str, date_order: str
) -> tuple[Layout, list[str]] | None:
    """The layout and header; LinkedIn's "Notes:" paragraph before its header is skipped."""
    from relate.services.csv_layouts import detect

    preamble = 0
    for line, cells in rows:
        header = [column.strip() for column in cells]
        if not any(header):
            continue
        layout = detect(header, date_order)
        if layout is not None:
            return layout, header
        if (preamble == 0 and header[0] == "Notes:") or 0 < preamble < _LINKEDIN_PREAMBLE:
            preamble += 1
            continue
        raise RelateError(
            f"{where}:{line}: unknown CSV columns",
            hint="expected relate's own (name, emails, ...) or an export of Google Contacts, "
            "Outlook, LinkedIn or Thunderbird; see docs/import-export.md",
        )
    return None


def _may_hold_slash_dates(stream: IO[bytes]) -> bool:
    """Whether the file holds a digit, a slash and a digit anywhere (or is UTF-16)."""
    found = utf16_codec(stream.read(4)) is not None
    stream.seek(0)
    tail = b""
    while not found and (chunk := stream.read(1 << 20)):
        found = bool(
            _SLASH_DATE.search(tail + chunk[:2]) or (b"/" in chunk and _SLASH_DATE.search(chunk))
        )
        tail = chunk[-2:]
    stream.seek(0)
    return found


def csv_date_order(stream: IO[bytes], where: str) -> str | None:
    """``dmy`` or ``mdy`` from the file's d/m/y dates that can only be read one way."""
    from relate.services.csv_layouts import date_columns, slash_date_parts

    if not _may_hold_slash_dates(stream):
        return None  # no N/N date anywhere: nothing to decide (and no second reading)
    rows = _csv_rows(stream)
    found = _find_header(rows, where, "mdy")
    stream.seek(0)
    if found is None:
        return None
    _layout, header = found
    columns = date_columns(header)
    day_first = month_first = ambiguous = None
    for line, cells in rows:
        for index in columns:
            parts = slash_date_parts(cells[index]) if index < len(cells) else None
            if parts is None:
                continue
            first, second = parts
            if first > 12:
                day_first = day_first or line
            elif second > 12:
                month_first = month_first or line
            elif first != second:
                ambiguous = ambiguous or line
    stream.seek(0)
    if day_first and month_first:
        raise RelateError(
            f"{where}:{max(day_first, month_first)}: dates are written both day-first "
            f"(line {day_first}) and month-first (line {month_first})",
            hint="correct the file, or say which with --date-order dmy|mdy",
        )
    if day_first or month_first:
        return "dmy" if day_first else "mdy"
    if ambiguous:
        raise RelateError(
            f"{where}:{ambiguous}: a date such as 03/04/1990 could be day-first or month-first",
            hint="say which with --date-order dmy (3 April) or --date-order mdy (4 March)",
        )
    return None


def _csv_records(
    stream: IO[bytes], where: str, today: date, date_order: str | None
) -> Iterator[Incoming]:
    order = date_order or csv_date_order(stream, where)
    rows = _csv_rows(stream)
    try:
        found = _find_header(rows, where, order or "mdy")
    except csv.Error as exc:
        raise RelateError(f"{where}:1: not a CSV file: {exc}") from exc
    if found is None:
        return
    layout, header = found
    notes = []
    if layout.unknown:
        notes.append(f"{where}: ignoring unknown columns: " + ", ".join(layout.unknown))
    while True:
        try:
            start, cells = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            raise RelateError(f"{where}: cannot read this CSV row: {exc}") from exc
        if not "".join(cells).strip():  # a blank row
            continue
        record = _csv_record(layout, header, cells, start, where, today)
        record.layout = layout.name
        record.warnings[:0], notes = notes, []
        yield record


def _csv_record(
    layout: Layout, header: list[str], cells: list[str], start: int, where: str, today: date
) -> Incoming:
    if len(cells) > len(header) and "".join(cells[len(header) :]).strip():
        # Google's "Outlook CSV" ends every row with an empty extra cell: harmless.
        return _unusable(start, f"{len(cells)} cells for {len(header)} columns")
    cells = layout.fit(cells)
    fields = layout.convert(cells)
    named_after = _fallback_name(fields)
    if not str(fields.get("name") or "").strip():
        return _unusable(start, "no name, e-mail, company or phone")
    try:
        record = incoming_from_fields(fields, start, today)
    except RelateError as exc:
        raise _at(where, start, exc) from None
    record.named_after = named_after
    started = layout.connected_on(cells)
    if isinstance(started, str):
        record.warnings.append(
            f"{where}:{start}: Connected On {started!r} is not a date; the day the"
            " relationship started is not kept"
        )
    else:
        record.connected_on = started
    for label, text in layout.dates(cells):
        try:
            record.dates.append((label, _month_day(text, today)))
        except RelateError as exc:
            raise _at(where, start, exc) from None
    return record


_TOO_DEEP = "not a contact: its JSON is nested too deeply"


def _checked(value: object, where: str, line: int) -> object:
    """``value``, unless a string in it holds a lone UTF-16 surrogate ("\\ud800"):
    valid JSON, but not text that can be stored."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str) and not item.isascii():
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as exc:
                bad = item[exc.start : exc.end].encode("unicode_escape").decode()
                raise RelateError(f"{where}:{line}: not text: a lone surrogate {bad}") from None
    return value


def _json_values(text: str, where: str) -> Iterator[tuple[int, object]]:
    """(line, value) for each item of a JSON array, or each line of JSON Lines."""
    decoder = json.JSONDecoder()
    start = len(text) - len(text.lstrip())
    if not text[start:].startswith("["):
        for number, content in enumerate(text.splitlines(), 1):
            if content.strip():
                try:
                    yield number, _checked(json.loads(content), where, number)
                except json.JSONDecodeError as exc:
                    raise RelateError(f"{where}:{number}: not valid JSON: {exc.msg}") from None
                except RecursionError:
                    raise RelateError(f"{where}:{number}: {_TOO_DEEP}") from None
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
        except RecursionError:
            raise RelateError(f"{where}:{line}: {_TOO_DEEP}") from None
        yield line, _checked(value, where, line)
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
            if is_date_record(value):
                yield date_from_fields(value, line, today)
                continue
            yield incoming_from_fields(value, line, today)
        except RelateError as exc:
            raise _at(where, line, exc) from None


def _vcard_records(stream: IO[bytes], where: str) -> Iterator[Incoming]:
    from relate.services.vcard import read_cards

    for card in read_cards(stream, where):
        if card.problem:
            yield _unusable(card.line, card.problem)
            continue
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
            addresses=card.addresses,
            fields=card.fields,
        )
        warnings = [f"{where}:{card.line}: {warning}" for warning in card.warnings]
        record = Incoming(card.line, data, None, warnings, named_after=card.named_after)
        if card.anniversary is not None:
            record.dates.append((ANNIVERSARY, card.anniversary))
        yield record


def guess_format(path: Path, head: bytes) -> str:
    """The format from the extension, else from the first bytes of the file."""
    by_extension = _EXTENSIONS.get(path.suffix.lower())
    if by_extension:
        return by_extension
    if codec := utf16_codec(head):
        head = head.decode(codec, errors="ignore").encode("utf-8")
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start[:11].upper() == b"BEGIN:VCARD":
        return "vcard"
    if start[:15].upper() == b"BEGIN:VCALENDAR":
        return "ics"
    if start[:1] in (b"[", b"{"):
        return "json"
    return "csv"


def decode(raw: bytes) -> str:
    """UTF-8 (with or without a byte-order mark); Windows-1252 as Outlook writes it."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_records(
    stream: IO[bytes], fmt: str, where: str, today: date, date_order: str | None = None
) -> Iterator[Incoming]:
    if fmt == "vcard":
        return _vcard_records(stream, where)
    if fmt == "csv":
        return _csv_records(stream, where, today, date_order)
    if fmt == "json":
        return _json_records(decode(stream.read()), where, today)
    if fmt == "ics":
        raise RelateError(
            f"{where} is an iCalendar file (events), not contacts",
            hint="relate imports contacts from vCard (.vcf), CSV or JSON",
        )
    raise UsageError(f"unknown import format {fmt!r}", hint="use one of " + ", ".join(FORMATS))


# --- writing -------------------------------------------------------------------------


def find_duplicate(conn: Database, data: ContactInput) -> Row | None:
    """The contact an incoming record duplicates, by the rule in the module docstring."""
    emails = [email_key(email) for email in data.emails if email.strip()]
    if emails:
        for key in emails:
            row: Row | None = conn.execute(BY_EMAIL, {"key": key}).fetchone()
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
    profile = _profile(data.notes)
    if profile:
        for row in conn.execute(BY_PROFILE, {"note": profile}):
            if _profile(row["notes"]) == profile:  # .../in/ann is not .../in/anna
                return row
    name = (data.name or "").strip().casefold()
    for row in conn.execute(BY_NAME, {"key": fold(data.name or "")}):
        other = _profile(row["notes"])
        if str(row["name"]).strip().casefold() == name and not (profile and other):
            return row
    return None


def _profile(notes: str | None) -> str | None:
    """The ``LinkedIn: URL`` line of a contact's notes, if it has one."""
    if not notes or LINKEDIN_NOTE not in notes:
        return None
    for line in notes.splitlines():
        if line.startswith(LINKEDIN_NOTE):
            return line.strip()
    return None


def _set_archived(conn: Database, contact_id: int, archived: bool, now: datetime) -> None:
    conn.execute(
        contacts.SET_ARCHIVED,
        {"id": contact_id, "archive": archived, "now": clock.to_storage(now)},
    )


def _record_connection(
    conn: Database, contact_id: int, day: date, now: datetime, user: str | None
) -> None:
    """LinkedIn's "connected on": the day the relationship started, as a first note."""
    when = datetime(day.year, day.month, day.day, 12).astimezone()
    insert_interaction(
        conn, [contact_id], CONNECTED_TEXT, kind="note", when=when, now=now, logged_by=user
    )


def _add_extras(
    conn: Database, contact_id: int, record: Incoming, now: datetime, user: str | None
) -> None:
    for label, when in record.dates:
        upsert_date(conn, contact_id, label, when, now)
    if record.connected_on is not None:
        _record_connection(conn, contact_id, record.connected_on, now, user)


def apply(
    conn: Database,
    record: Incoming,
    policy: str,
    now: datetime,
    user: str | None = None,
    pending: _Pending | None = None,
    seen: _Seen | None = None,
) -> Action:
    """Add, update or skip one record inside the open transaction.

    ``user`` (the current user) owns a new contact whose record names no owner, and
    logs the notes an import adds. A plain new contact is queued in ``pending``
    (written in batches) when one is given. ``seen``: the keys written so far (and
    the database's, when seeded); every key this record is written with is added."""
    data = record.data
    name = data.name or ""
    duplicate = None
    lookup, stored = _keys(data)
    if policy != "new":
        may_match = lookup is not None and (seen is None or seen.may_hold(lookup))
        if may_match and pending is not None:
            pending.flush()
        if may_match or (lookup is not None and seen is not None and not seen.seeded):
            duplicate = find_duplicate(conn, data)
    if seen is not None:
        seen.add(stored)
    if duplicate is not None:
        label = f"#{duplicate['id']} {duplicate['name']}"
        if policy == "skip":
            return Action(record.line, "skip", name, label)
        contacts.update_contact(conn, int(duplicate["id"]), data, now, user)
        if record.archived is not None:
            _set_archived(conn, int(duplicate["id"]), record.archived, now)
        for date_label, when in record.dates:
            upsert_date(conn, int(duplicate["id"]), date_label, when, now)
        return Action(record.line, "update", name, label)
    if data.owner is None and user is not None:
        data.owner = user  # the record is this import's own: no copy needed
    if pending is not None and not record.archived and record.connected_on is None:
        pending.add(data, record.dates)
        return Action(record.line, "add", name)
    if pending is not None:
        pending.flush()  # contacts keep the file's order (their ids follow it)
    contact_id = contacts.insert_contact(conn, data, now)
    if record.archived:
        _set_archived(conn, contact_id, True, now)
    _add_extras(conn, contact_id, record, now, user)
    return Action(record.line, "add", name)


def _keys(data: ContactInput) -> tuple[list[str] | None, list[str]]:
    """The keys, in ``_Seen``'s spelling, that ``find_duplicate`` looks a record up by
    (None when it looks nothing up: phones, none with a digit), and every key a
    contact written from it (added or updated) could be found by."""
    emails = ["e:" + email_key(email) for email in data.emails]
    phones = ["p:" + phone_key(phone) for phone in data.phones] if data.phones else []
    folded = "n:" + fold(data.name) if data.name else None
    profile = _profile(data.notes)
    stored = emails + phones
    if folded:
        stored.append(folded)
    if profile:
        stored.append("l:" + profile)
    lookup: list[str] | None = [key for key in emails if key != "e:"]  # not blank ones
    if lookup:
        return lookup, stored
    if phones:
        return [key for key in phones if key.strip("p:+")] or None, stored
    lookup = [folded or "n:" + fold(data.name or "")]
    if profile:
        lookup.append("l:" + profile)
    return lookup, stored


COUNT_CONTACTS = statement("SELECT count(*) FROM contact")
ALL_EMAIL_KEYS = statement("SELECT email_key FROM contact_email")
ALL_PHONE_KEYS = statement("SELECT phone_key FROM contact_phone")
ALL_NAME_KEYS = statement("SELECT name_key FROM contact")
SEED_PER_BYTE = 50  # a database of up to one contact per 50 bytes of file is read whole


class _Seen:
    """A Bloom filter of the keys (e-mail, phone, folded name, LinkedIn profile) that
    ``find_duplicate`` could find a contact by: those of the database when it is small
    next to the file (``seeded``), and those of every record written since. A key it
    has not seen has no duplicate, so most records of a big file need no query; a key
    it may have seen is looked up as before. Fixed size: memory stays flat."""

    BITS = 1 << 24  # 2 MB; a million keys give about one false "seen" in 500

    def __init__(self) -> None:
        self.bits = bytearray(self.BITS >> 3)
        self.seeded = False

    def add(self, keys: list[str]) -> None:
        bits, mask = self.bits, self.BITS - 1
        for key in keys:
            h = hash(key)
            for pos in (h & mask, (h >> 32) & mask):
                bits[pos >> 3] |= 1 << (pos & 7)

    def may_hold(self, keys: list[str]) -> bool:
        bits, mask = self.bits, self.BITS - 1
        for key in keys:
            h = hash(key)
            one, two = h & mask, (h >> 32) & mask
            if bits[one >> 3] & (1 << (one & 7)) and bits[two >> 3] & (1 << (two & 7)):
                return True
        return False

    def seed(self, conn: Database, file_bytes: int) -> None:
        """Read the database's keys, when it is small next to the file."""
        if int(conn.execute(COUNT_CONTACTS).fetchone()[0]) > file_bytes // SEED_PER_BYTE:
            return
        self.add(["e:" + str(row[0]) for row in conn.execute(ALL_EMAIL_KEYS)])
        self.add(["p:" + str(row[0]) for row in conn.execute(ALL_PHONE_KEYS)])
        self.add(["n:" + str(row[0]) for row in conn.execute(ALL_NAME_KEYS)])
        notes = conn.execute(BY_PROFILE, {"note": LINKEDIN_NOTE})
        profiles = (_profile(row["notes"]) for row in notes)
        self.add(["l:" + profile for profile in profiles if profile])
        self.seeded = True


class _Pending:
    """New contacts queued for a ``ContactBatch``. A later record of the same file
    that may match one of them (``_Seen``) flushes the queue first, so duplicates
    within a file are found exactly as when each contact is written at once."""

    def __init__(self, conn: Database, now: datetime) -> None:
        self.batch = contacts.ContactBatch(conn, now)

    def add(self, data: ContactInput, dates: list[tuple[str, MonthDay]]) -> None:
        self.batch.add(data, dates)
        if len(self.batch) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        self.batch.flush()


def _date_contact(conn: Database, record: IncomingDate) -> int:
    """Whose date it is: the exported id when that contact has the exported name (an
    import into the database the contacts were imported into), else the contact of
    that exact name or alias; none or several is an error (with the candidates)."""
    if record.contact_id is not None:
        row = conn.execute(matching.BY_ID, {"id": record.contact_id}).fetchone()
        if row is not None and row["name"] == record.contact:
            return int(row["id"])
    return matching.resolve_contact(conn, record.contact, exact=True).id


def apply_date(
    conn: Database, line: int, record: IncomingDate, policy: str, now: datetime
) -> Action:
    """Set one exported date inside the open transaction: added, or (a date of that
    label already there) updated, or left as it is with the ``skip`` policy."""
    contact_id = _date_contact(conn, record)
    _kind, label = kind_of(record.label)
    name = f"{record.contact}: {label}"
    found = conn.execute(FIND_DATE, {"contact_id": contact_id, "label": label}).fetchone()
    if found is not None and policy == "skip":
        return Action(line, "skip", name)
    saved = upsert_date(
        conn, contact_id, label, record.when, now, record.lead_days, once=record.once
    )
    return Action(line, "add" if saved.created else "update", name)


def _count(summary: Summary, record: Incoming, action: Action) -> None:
    if action.action == "add":
        summary.added += 1
    elif action.action == "update":
        summary.updated += 1
    else:
        summary.skipped += 1
    if record.named_after and action.action != "skip":
        summary.named_after[record.named_after] = summary.named_after.get(record.named_after, 0) + 1


def import_stream(
    db: Database,
    stream: IO[bytes],
    *,
    where: str,
    fmt: str,
    policy: str,
    dry_run: bool,
    now: datetime,
    date_order: str | None = None,
    progress: Callable[[int], None] | None = None,
    user: str | None = None,
) -> Summary:
    """Import every record of a (seekable, binary) file in one transaction (rolled back
    for a dry run), reading it record by record; ``progress`` gets the bytes read so far.
    ``user``: the current user, owner of the new contacts and logger of their notes."""
    if policy not in POLICIES:
        raise UsageError(
            f"unknown duplicate policy {policy!r}", hint="use one of " + ", ".join(POLICIES)
        )
    if date_order is not None and date_order not in DATE_ORDERS:
        raise UsageError(
            f"unknown date order {date_order!r}", hint="use dmy (day first) or mdy (month first)"
        )
    summary = Summary(where, dry_run)
    records = read_records(stream, fmt, where, now.date(), date_order)
    try:
        with db.transaction() as conn:
            pending = _Pending(conn, now)
            seen = _Seen()
            if policy != "new":
                seen.seed(conn, _size(stream))
            for number, record in enumerate(records, 1):
                summary.warnings.extend(record.warnings)
                summary.layout = summary.layout or record.layout
                if record.problem:
                    summary.unusable += 1
                    summary.warnings.append(f"{where}:{record.line}: skipped: {record.problem}")
                    continue
                try:
                    if record.date_record is not None:
                        pending.flush()  # its contact may be one of this file's
                        action = apply_date(conn, record.line, record.date_record, policy, now)
                    else:
                        action = apply(conn, record, policy, now, user, pending, seen)
                except RelateError as exc:
                    raise _at(where, record.line, exc) from None
                if dry_run:
                    summary.actions.append(action)
                _count(summary, record, action)
                if progress is not None and number % PROGRESS_EVERY == 0:
                    progress(stream.tell())
            if pending is not None:
                pending.flush()
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return summary


def _size(stream: IO[bytes]) -> int:
    where = stream.tell()
    size = stream.seek(0, io.SEEK_END)
    stream.seek(where)
    return size


def import_text(db: Database, text: str, **options: Any) -> Summary:
    """``import_stream`` for text already in memory (same keyword arguments)."""
    return import_stream(db, io.BytesIO(text.encode("utf-8")), **options)


def import_file(
    db: Database,
    path: Path,
    *,
    fmt: str | None,
    where: str | None = None,
    raw: bytes | None = None,
    **options: Any,
) -> Summary | everything.Loaded:
    """Read ``path`` (or ``raw`` bytes, e.g. stdin) and import it; the other keyword
    arguments are ``import_stream``'s. A whole database (``export all``) goes to
    ``everything.load``, which takes only ``dry_run`` of them."""
    label = where or str(path)
    with contextlib.ExitStack() as stack:
        stream: IO[bytes]
        if raw is not None:
            stream = io.BytesIO(raw)
        else:
            try:
                stream = stack.enter_context(path.open("rb"))
            except FileNotFoundError:
                raise RelateError(f"{label}: no such file") from None
            except IsADirectoryError:
                raise RelateError(f"{label} is a folder, not a file") from None
        head = stream.read(64)
        chosen = fmt.strip().lower() if fmt else guess_format(path, head)
        stream.seek(0)
        if chosen != "json" and everything.is_document(head):
            raise UsageError(
                f"{label} is a whole database (relate export all), not {chosen}",
                hint="import it with --format json, into an empty database",
            )
        if chosen == "json" and everything.is_document(head):
            return everything.load(
                db,
                stream,
                where=label,
                dry_run=bool(options.get("dry_run")),
            )
        if chosen not in FORMATS and chosen != "ics":
            raise UsageError(
                f"unknown import format {fmt!r}", hint="use one of " + ", ".join(FORMATS)
            )
        return import_stream(db, stream, where=label, fmt=chosen, **options)

"""Everything: the whole database as one JSON document (``export all``) and back.

The document holds every row of every table that holds the user's data (the tables
``storage/tables.py`` lists as journaled, derived from the models: a new table or
column is in the document without a change here), in the models' order, each row an
object whose keys are the table's columns in the models' order, rows in primary-key
order. Values are as stored, the same on both engines: text, whole numbers or null
(timestamps UTC ``YYYY-MM-DD HH:MM:SS.ffffff``, days ``YYYY-MM-DD``, flags 0/1).
Ids are kept, so every reference (``contact_id``, ``org_id``, ``referred_by_id``...)
survives the trip. docs/import-export.md describes the layout.

Exporting streams one table at a time from one snapshot, a row at a time. Importing
reads the file a piece at a time and its rows one by one into an empty database, in
one transaction and one undo step; into a database that holds anything it refuses,
writing nothing.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any, NoReturn

from relate.errors import RelateError, StorageError
from relate.storage.database import Database
from relate.storage.schema import HEAD, REVISIONS
from relate.storage.sql import statement
from relate.storage.tables import COLUMNS, JOURNALED_TABLES, KEYS
from relate.storage.whole import ANY_ROW, SELECT_ALL

KIND = "all"
# Every table of the user's data, in the models' order: a table comes after the tables
# it references, so the document's rows can be inserted as they are read.
TABLES: tuple[str, ...] = JOURNALED_TABLES
BATCH = 1000  # rows inserted at once


SET_REFERRER = statement("UPDATE contact SET referred_by_id = :ref WHERE id = :id")


@dataclass(frozen=True)
class Header:
    """The document's first keys: what it is and the schema its rows have."""

    relate: str = KIND
    schema: str = HEAD


def header() -> dict[str, str]:
    head = Header()
    return {"relate": head.relate, "schema": head.schema}


def _rows(db: Database, table: str) -> Iterator[dict[str, object]]:
    columns = COLUMNS[table]
    for row in db.execute(SELECT_ALL[table]):
        yield dict(zip(columns, tuple(row), strict=True))


def tables(db: Database) -> Iterator[tuple[str, Iterator[dict[str, object]]]]:
    """(table, its rows) for every table, all read in one snapshot; each table's rows
    must be consumed before the next table is asked for."""
    db.hold_snapshot()
    for table in TABLES:
        yield table, _rows(db, table)


# --- importing -------------------------------------------------------------------------

_DOCUMENT = re.compile(rb'\A(?:\xef\xbb\xbf)?\s*\{\s*"relate"\s*:\s*"all"')


def is_document(head: bytes) -> bool:
    """Whether a file starting with ``head`` is an ``export all`` document."""
    return _DOCUMENT.match(head) is not None


@dataclass
class Loaded:
    """What an import of a whole-database document did (or would do, ``dry_run``)."""

    where: str
    dry_run: bool
    schema: str | None = None
    rows: dict[str, int] = field(default_factory=dict)  # rows per table, in schema order


class _Rollback(Exception):
    """Raised at the end of a dry run so the transaction is rolled back."""


class _Reader:
    """The document's JSON read piece by piece from its file, a megabyte at a time:
    its objects member by member and its arrays item by item, so memory holds a row
    at a time and not the file, whatever its size."""

    CHUNK = 1 << 20

    def __init__(self, source: IO[str], where: str) -> None:
        self.source = source
        self.where = where
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.decoder = json.JSONDecoder()
        # Line numbers: newlines in the text already dropped, and counted so far in
        # ``buf`` (up to ``counted``).
        self.dropped_lines = 0
        self.counted = 0
        self.counted_lines = 0

    def _read(self) -> str:
        try:
            return self.source.read(self.CHUNK)
        except UnicodeDecodeError:
            raise RelateError(f"{self.where}: not UTF-8 text") from None

    def _more(self) -> bool:
        """Read the next piece of the file into ``buf``; False at its end."""
        if self.eof:
            return False
        chunk = self._read()
        if not chunk:
            self.eof = True
            return False
        if self.pos:  # drop what has been read
            self.dropped_lines = self.line(self.pos) - 1
            self.buf = self.buf[self.pos :]
            self.pos = self.counted = self.counted_lines = 0
        self.buf += chunk
        return True

    def line(self, pos: int | None = None) -> int:
        """The line of ``pos`` (default: where reading is) in the file, from 1."""
        at = self.pos if pos is None else pos
        if at >= self.counted:
            self.counted_lines += self.buf.count("\n", self.counted, at)
            self.counted = at
            return self.dropped_lines + self.counted_lines + 1
        return self.dropped_lines + self.counted_lines - self.buf.count("\n", at, self.counted) + 1

    def error(self, reason: str, line: int | None = None) -> RelateError:
        return RelateError(f"{self.where}:{self.line() if line is None else line}: {reason}")

    def _skip(self) -> str:
        while True:
            buf, pos = self.buf, self.pos
            while pos < len(buf) and buf[pos] in " \t\r\n":
                pos += 1
            self.pos = pos
            if pos < len(buf):
                return buf[pos]
            if not self._more():
                return ""

    def _expect(self, char: str) -> None:
        if self._skip() != char:
            raise self.error(f"not valid JSON: expected {char!r}")
        self.pos += 1

    def value(self) -> Any:
        self._skip()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self._more():  # perhaps only cut off where the piece ends
                    continue
                raise self.error(f"not valid JSON: {exc.msg}", self.line(exc.pos)) from None
            except RecursionError:
                raise self.error("nested too deeply") from None
            if end == len(self.buf) and self._more():  # a number may go on
                continue
            self.pos = end
            return value

    def members(self) -> Iterator[str]:
        """The keys of an object; the caller reads each one's value before the next."""
        self._expect("{")
        if self._skip() == "}":
            self.pos += 1
            return
        while True:
            start = self.line()
            key = self.value()
            if not isinstance(key, str):
                raise self.error("not valid JSON: expected a key", start)
            self._expect(":")
            yield key
            following = self._skip()
            if following not in (",", "}"):
                raise self.error("not valid JSON: expected ',' or '}'")
            self.pos += 1
            if following == "}":
                return

    def items(self) -> Iterator[int]:
        """The line of each item of an array; the caller reads it before the next."""
        self._expect("[")
        if self._skip() == "]":
            self.pos += 1
            return
        while True:
            self._skip()
            yield self.line()
            following = self._skip()
            if following not in (",", "]"):
                raise self.error("not valid JSON: expected ',' or ']'")
            self.pos += 1
            if following == "]":
                return

    def end(self) -> None:
        if self._skip():
            raise self.error("not valid JSON: more after the document")


def _cell(value: object) -> bool:
    """Whether ``value`` is one relate stores: text, a whole number or null."""
    if value is None or (type(value) is int):
        return True
    if type(value) is str:
        return value.isascii() or _encodable(value)
    return False


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: valid JSON, not storable text
        return False
    return True


class _Table:
    """The rows of one table on their way into the database, in batches of rows with
    the same columns. A batch the database refuses (a reference to a row that is not
    there, a key twice) is the file's fault: FILE:LINE of the batch's first row, exit 1,
    rather than a database problem."""

    def __init__(self, db: Database, table: str, reader: _Reader) -> None:
        self.db = db
        self.table = table
        self.reader = reader
        self.columns: tuple[str, ...] = ()
        self.batch: list[tuple[object, ...]] = []
        self.first = 0  # the line of the batch's first row
        self.count = 0
        # A contact may name as its referrer one with a higher id: inserted without
        # it, the reference is set once every contact is in.
        self.referrers: list[tuple[int, int, int]] = []

    def add(self, row: dict[str, Any], line: int) -> None:
        columns = tuple(row)
        if columns != self.columns:
            self.flush()
            self.columns = columns
        if self.table == "contact" and row.get("referred_by_id") is not None:
            self.referrers.append((row["id"], row["referred_by_id"], line))
            row = {**row, "referred_by_id": None}
        if not self.batch:
            self.first = line
        self.batch.append(tuple(row.values()))
        self.count += 1
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            try:
                self.db.insert_rows(self.table, self.columns, self.batch)
            except StorageError as exc:
                self._refused(exc, self.first, len(self.batch))
            self.batch = []

    def finish(self) -> None:
        self.flush()
        for contact_id, referrer, line in self.referrers:
            try:
                self.db.execute(SET_REFERRER, {"id": contact_id, "ref": referrer})
            except StorageError as exc:
                self._refused(exc, line, 1)

    def _refused(self, exc: StorageError, line: int, rows: int) -> NoReturn:
        if "constraint" not in exc.message:  # the disk, a lock: the database's own trouble
            raise exc
        cause = str(exc.__cause__ or exc).strip().splitlines()[0]
        raise self.reader.error(
            f"{self.table}: {'this row' if rows == 1 else f'one of the {rows} rows from here'}"
            f" breaks a rule of the database ({cause})",
            line,
        ) from exc


def _check_row(reader: _Reader, start: int, table: str, row: object) -> dict[str, Any]:
    """``row`` checked against the table's columns; ``start``: its line."""
    if not isinstance(row, dict):
        raise reader.error(f"a row of {table} must be an object", start)
    known = COLUMNS[table]
    for column, value in row.items():
        if column not in known:
            raise reader.error(f"{table} has no column {column!r}", start)
        if not _cell(value):
            raise reader.error(
                f"{table}.{column} must be text, a whole number or null, not {json.dumps(value)}",
                start,
            )
    missing = [key for key in KEYS[table] if row.get(key) is None]
    if missing:
        raise reader.error(f"a row of {table} has no {missing[0]}", start)
    return row


def _refuse_if_not_empty(db: Database, where: str) -> None:
    for table in TABLES:
        if db.execute(ANY_ROW[table]).fetchone() is not None:
            raise RelateError(
                f"{where} holds a whole database; it is imported only into an empty one,"
                f" and this one has data (table {table})",
                hint="import it into a new database: relate --db NEW.db import FILE",
            )


def load(db: Database, stream: IO[bytes], *, where: str, dry_run: bool) -> Loaded:
    """Import the document in ``stream`` (``export all``, UTF-8) into ``db``, which must
    hold no data: one transaction (rolled back for a dry run), one undo step."""
    result = Loaded(where, dry_run)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = _Reader(text, where)
    try:
        with db.transaction() as conn:
            _refuse_if_not_empty(conn, where)
            ranged = [table for table in TABLES if KEYS[table] == ("id",)]
            with conn.inserting(ranged):
                _read(reader, conn, result)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return result


def _read(reader: _Reader, db: Database, result: Loaded) -> None:
    seen_kind = False
    for key in reader.members():
        if key == "relate":
            start = reader.line()
            if reader.value() != KIND:
                raise reader.error(f'not a whole database: "relate" must be "{KIND}"', start)
            seen_kind = True
        elif key == "schema":
            start = reader.line()
            schema = reader.value()
            if schema not in REVISIONS:
                raise reader.error(
                    f"written by a newer relate (schema {json.dumps(schema)}); upgrade relate"
                    " to import it",
                    start,
                )
            result.schema = schema
        elif key == "tables":
            if not seen_kind:
                raise reader.error('not a whole database: "relate": "all" must come first')
            _read_tables(reader, db, result)
        else:
            raise reader.error(f"a whole database has no {json.dumps(key)}")
    reader.end()


def _read_tables(reader: _Reader, db: Database, result: Loaded) -> None:
    last = -1
    for table in reader.members():
        if table not in TABLES:
            raise reader.error(f"no table {json.dumps(table)}")
        order = TABLES.index(table)
        if order <= last:
            raise reader.error(
                f"table {table} out of place: tables come in the order of docs/import-export.md"
            )
        last = order
        rows = _Table(db, table, reader)
        for start in reader.items():
            rows.add(_check_row(reader, start, table, reader.value()), start)
        rows.finish()
        result.rows[table] = rows.count

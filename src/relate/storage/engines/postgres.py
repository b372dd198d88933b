"""The PostgreSQL engine: psycopg 3 and everything only PostgreSQL does.

Imported only when ``--db``/``RELATE_DB`` names a PostgreSQL URL (``engine_for``), so
a SQLite run never loads psycopg.

- Statements: the services' ``:named`` SQL becomes psycopg's ``%(named)s`` once per
  text (cached); ``::casts``, string literals and quoted names are left alone.
- Rows address columns by name and by position, like ``sqlite3.Row``.
- Storage: dates and times are the same ISO text as on SQLite and booleans are 0/1
  (``storage/migrate.py`` compiles the models' types so), so comparisons, ordering
  and backups are identical on both engines.
- How a write takes the lock: ``BEGIN`` and ``pg_advisory_xact_lock``: writers
  serialise as on SQLite, so undo steps stay in order.
- The undo journal: one plpgsql trigger function on every journaled table writes the
  old row as JSON under the step named by the transaction-local setting
  ``relate.step``; replay rebuilds each statement from the table's columns and
  primary key as the models declare them (``storage/tables.py``).
- Full-text search: GIN expression indexes over ``to_tsvector('simple',
  relate_unaccent(...))`` (migration 0001), ranked by ``ts_rank``.
- Compatibility: a few functions with SQLite's names (``julianday``, ``date``,
  ``datetime``, ``instr``, ``printf``), ``group_concat`` rewritten to ``string_agg``
  and a case-insensitive collation ``nocase``, so services keep one copy of each query;
  ``VARIANTS`` holds the few statements PostgreSQL runs faster in another form.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import pq
from psycopg.adapt import Dumper
from psycopg.types.numeric import FloatLoader

from relate import clock
from relate.errors import StorageError
from relate.storage.engines import QueryParts, SearchSyntaxError
from relate.storage.journal import JOURNALED_TABLES, KEEP_STEPS, one_line
from relate.storage.schema import APPLICATION_ID
from relate.storage.sql import NAMES
from relate.storage.tables import COLUMNS, KEYS

if TYPE_CHECKING:
    from relate.storage.database import Database

NAME = "postgresql"
WRITE_LOCK = APPLICATION_ID  # pg_advisory_xact_lock key: one writer at a time
SETUP_LOCK = APPLICATION_ID + 1  # creating or upgrading the schema

# -- statements ---------------------------------------------------------------------------

_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|::|:([A-Za-z_]\w*)|%")
_translated: dict[str, str] = {}


def translate(sql: str) -> str:
    """``:name`` -> ``%(name)s`` outside literals and ``::`` casts; every ``%`` -> ``%%``."""
    done = _translated.get(sql)
    if done is None:

        def one(match: re.Match[str]) -> str:
            text = match.group(0)
            if match.group(1):
                return f"%({match.group(1)})s"
            return text.replace("%", "%%")  # psycopg reads % even inside literals

        form = VARIANTS.get(NAMES.get(sql, ""))
        text = form(sql) if form else sql
        text = _GROUP_CONCAT.sub(_string_agg, text)
        text = _PRINTF.sub(_zero_padded, text)
        text = _NOCASE_EQUAL.sub(r"lower(\1) = lower(\2)", text)
        text = _NOCASE.sub(r'lower(\1) COLLATE "C"', text)
        done = _translated[sql] = _TOKENS.sub(one, text)
    return done


# SQLite's group_concat(x[, sep]) is PostgreSQL's string_agg(text, sep): rewritten once
# per statement (an aggregate written in SQL would be 5x slower on every row).
_GROUP_CONCAT = re.compile(r"\bgroup_concat\(([^(),]+)(?:,\s*('(?:[^']|'')*'))?\)")


# SQLite's NOCASE folds ASCII letters and compares the bytes; lower() in byte order is
# the same order for every name that differs from another by more than the case of a
# non-ASCII letter ("Åse" after "Bob" on both engines).
_NOCASE = re.compile(r"(?<![:\w])([\w.]+) COLLATE NOCASE\b")
_NOCASE_EQUAL = re.compile(r"([\w.]+) = (:\w+) COLLATE NOCASE\b")


# SQLite's printf('--%02d-%02d', d.month, d.day) (zero-padded numbers between literal
# text) as lpad concatenation: the plpgsql printf defined below for any other form
# costs 8 us a call (40 ms for 5,000 birthdays in `relate list`), this 0.4 us.
_PRINTF = re.compile(r"\bprintf\('((?:[^'%]|%0\dd)*)'((?:,\s*[\w.]+)+)\)")


def _zero_padded(match: re.Match[str]) -> str:
    pieces = re.split(r"%0(\d)d", match.group(1))  # text, width, text, width, ..., text
    values = [value.strip() for value in match.group(2).split(",")[1:]]
    if len(values) != len(pieces) // 2:
        return match.group(0)  # left to the plpgsql printf
    parts = []
    for number, piece in enumerate(pieces):
        if number % 2:
            value = f"CAST({values[number // 2]} AS TEXT)"  # never cut: %02d of 123 is 123
            parts.append(f"lpad({value}, greatest({piece}, length({value})), '0')")
        elif piece:
            parts.append("'" + piece + "'")
    return "(" + " || ".join(parts) + ")"


def _string_agg(match: re.Match[str]) -> str:
    return (
        f"string_agg(CAST({match.group(1)} AS TEXT), {match.group(2) or chr(39) + ',' + chr(39)})"
    )


# Where the shared text is right on both engines but slow on PostgreSQL: the faster
# form, by the name the statement was registered with (``statement(..., name=)``).
VARIANTS: dict[str, Callable[[str], str]] = {}


def _lateral(sql: str) -> str:
    """``JOIN contact c ON c.id IN (SELECT x.id FROM contact x ... LIMIT n)``, which
    PostgreSQL runs once per contact (3 s at 10k contacts), as ``CROSS JOIN LATERAL
    (SELECT x.* ...) AS c``, run once per row on its left, as SQLite runs the IN."""
    return re.sub(
        r"JOIN contact c ON c\.id IN \(\s*SELECT x\.id FROM contact x(.*?LIMIT :limit)\)",
        r"CROSS JOIN LATERAL (SELECT x.* FROM contact x\1) AS c",
        sql,
        flags=re.S,
    )


VARIANTS["agenda.cadence"] = _lateral


class Row:
    """One result row: ``row["name"]``, ``row[0]``, ``dict(row)``, iteration."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._values = tuple(values)
        self._index = index

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def keys(self) -> list[str]:
        return list(self._index)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Row):
            return self._values == other._values
        return self._values == other

    def __hash__(self) -> int:
        return hash(self._values)

    def __repr__(self) -> str:
        return f"Row{self._values!r}"


class BoolDumper(Dumper):
    """Python booleans go as untyped ``1``/``0``: the server reads them as 0/1 into the
    INTEGER columns booleans are stored in, and as true/false where SQL wants a truth
    value (``CASE WHEN :flag``), as SQLite does."""

    oid = 0

    def dump(self, obj: Any) -> bytes:
        return b"1" if obj else b"0"


def row_factory(cursor: Any) -> Any:
    description = cursor.description or []
    index = {column.name: number for number, column in enumerate(description)}

    def make(values: Sequence[Any]) -> Row:
        return Row(values, index)

    return make


# -- errors -------------------------------------------------------------------------------


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def storage_error(exc: BaseException, where: str) -> StorageError:
    """One line naming the server and database (``where`` has the password masked)."""
    text = first_line(exc)
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        return StorageError(
            f"cannot use {where}: {text}", hint="ask for the privileges relate needs"
        )
    if isinstance(exc, psycopg.errors.LockNotAvailable):
        return StorageError(f"{where} is locked by another program", hint="try again in a moment")
    if isinstance(exc, psycopg.OperationalError):
        return StorageError(f"cannot use {where}: {text}")
    return StorageError(f"cannot use {where}: {text}")


# -- the engine ---------------------------------------------------------------------------


class PostgresEngine:
    """One open PostgreSQL database: the hooks ``Database`` calls."""

    name = NAME
    errors = psycopg.Error

    def __init__(self, conn: psycopg.Connection[Any], where: str) -> None:
        self.conn = conn
        self.where = where  # the URL with its password masked, for messages

    def execute(self, sql: str, params: dict[str, object] | None = None) -> Any:
        try:
            return self.conn.execute(translate(sql), params or {})
        except psycopg.Error as exc:
            raise storage_error(exc, self.where) from exc

    def insert(self, sql: str, params: dict[str, object] | None = None) -> int:
        row = self.execute(sql + " RETURNING id", params).fetchone()
        return int(row[0])

    def tuples(self, sql: str) -> list[tuple[Any, ...]]:
        from psycopg.rows import tuple_row

        try:
            with self.conn.cursor(row_factory=tuple_row) as cursor:
                cursor.execute(translate(sql), {})
                return cursor.fetchall()
        except psycopg.Error as exc:
            raise storage_error(exc, self.where) from exc

    def error(self, exc: BaseException) -> StorageError | None:
        return storage_error(exc, self.where) if isinstance(exc, psycopg.Error) else None

    # -- one snapshot for a command's reads -----------------------------------------------

    def begin_read(self) -> None:
        """Pin the data as it is now for every read until ``end_read`` (#9.10): a
        read-only REPEATABLE READ transaction takes its snapshot at its first query."""
        self.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        self.execute("SELECT 1").fetchall()

    def end_read(self) -> None:
        self.rollback()  # nothing was written in it

    # -- the write lock -------------------------------------------------------------------

    def begin_write(self) -> None:
        self.execute("BEGIN")
        self.execute("SELECT pg_advisory_xact_lock(:key)", {"key": WRITE_LOCK})

    def commit(self) -> None:
        self.execute("COMMIT")

    def rollback(self) -> None:
        if self.conn.closed:
            return
        if self.conn.info.transaction_status != pq.TransactionStatus.IDLE:
            # A lost connection cannot roll back: the server does it on its own.
            with suppress(psycopg.Error):
                self.conn.execute("ROLLBACK")

    def close(self) -> None:
        self.conn.close()

    # -- the undo journal -----------------------------------------------------------------

    def prepare_journal(self) -> None:
        """Nothing per connection: the triggers are installed with the schema."""

    def begin_step(self, label: str, at: datetime) -> int:
        step = self.insert(
            "INSERT INTO undo_step (label, created_at) VALUES (:label, :at)",
            {"label": one_line(label), "at": clock.to_storage(at)},
        )
        self.execute("SELECT set_config('relate.step', :step, true)", {"step": str(step)})
        return step

    def end_step(self, step: int) -> bool:
        self.execute("SELECT set_config('relate.step', '', true)")
        if not self.execute(
            "SELECT 1 FROM undo_entry WHERE step_id = :id LIMIT 1", {"id": step}
        ).fetchone():
            self.execute("DELETE FROM undo_step WHERE id = :id", {"id": step})
            return False
        self.execute(
            "DELETE FROM undo_step WHERE id < (SELECT min(id) FROM"
            " (SELECT id FROM undo_step ORDER BY id DESC LIMIT :keep) AS newest)",
            {"keep": KEEP_STEPS},
        )
        return True

    def replay(self, entries: list[str]) -> None:
        """Run one step's inverse changes, newest first, foreign keys checked at commit."""
        statements = [self._inverse(entry) for entry in entries]  # all checked first
        self.execute("SET CONSTRAINTS ALL DEFERRED")
        for sql, params in statements:
            self.execute(sql, params)

    def _inverse(self, entry: str) -> tuple[str, dict[str, object]]:
        try:
            record = json.loads(entry)
            if isinstance(record, dict) and record.get("op") == "range":
                return _range_inverse(record)
            op, table, row = record["op"], record["table"], record["row"]
        except (ValueError, KeyError, TypeError):
            record = None
        columns = COLUMNS[table] if record and table in JOURNALED_TABLES else ()
        if (
            not columns
            or op not in ("insert", "update", "delete")
            or not isinstance(row, dict)
            or set(row) - set(columns)
        ):
            raise StorageError("the undo journal holds an entry relate did not write; not undoing")
        keys = KEYS[table]
        names = [column for column in columns if column in row]
        params = {f"v{number}": row[name] for number, name in enumerate(names)}
        where = " AND ".join(f'"{key}" = :v{names.index(key)}' for key in keys)
        if op == "delete":
            return f'DELETE FROM "{table}" WHERE {where}', params
        if op == "update":
            sets = ", ".join(f'"{name}" = :v{number}' for number, name in enumerate(names))
            return f'UPDATE "{table}" SET {sets} WHERE {where}', params
        listed = ", ".join(f'"{name}"' for name in names)
        values = ", ".join(f":v{number}" for number in range(len(names)))
        return f'INSERT INTO "{table}" ({listed}) VALUES ({values})', params

    @contextmanager
    def interruptible(self) -> Iterator[None]:
        yield

    # -- many rows at once (an import's batch) ------------------------------------------

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]], ignore: bool
    ) -> None:
        """Insert ``rows`` in one ``COPY`` (or, to skip rows that would break a unique
        key, one pipelined ``executemany``): a few round trips for a batch instead of
        one per row (an import of 5,000 contacts: 15 s row by row). Ids given in
        ``columns`` move the table's sequence past them, so later rows get new ones."""
        if not rows:
            return
        assert table in JOURNALED_TABLES, table
        listed = ", ".join(f'"{column}"' for column in columns)
        try:
            with self.conn.cursor() as cursor:
                if ignore:
                    marks = ", ".join("%s" for _ in columns)
                    cursor.executemany(
                        f'INSERT INTO "{table}" ({listed}) VALUES ({marks})'
                        " ON CONFLICT DO NOTHING".encode(),
                        rows,
                    )
                else:
                    with cursor.copy(f'COPY "{table}" ({listed}) FROM STDIN'.encode()) as copy:
                        for row in rows:
                            copy.write_row(row)
                if "id" in columns:
                    cursor.execute(
                        "SELECT setval(s, greatest(pg_sequence_last_value(s),"
                        f' (SELECT max(id) FROM "{table}")))'
                        " FROM CAST(pg_get_serial_sequence(%s, 'id') AS regclass) AS s".encode(),
                        [f'"{table}"'],
                    )
        except psycopg.Error as exc:
            raise storage_error(exc, self.where) from exc

    @contextmanager
    def journal_ranges(self, tables: Sequence[str]) -> Iterator[None]:
        """Journal the rows inserted into ``tables`` inside this block as one undo entry
        per table (the range of ids they took) instead of one per row. Only for blocks
        that insert: while the write lock is held, new rows get ids above every existing
        one (sequences and ``insert_rows`` keep above the largest); an update or delete
        inside would go unrecorded. The journal's triggers skip the block's rows (the
        step setting is empty for it)."""
        step = self.execute("SELECT current_setting('relate.step', true)").fetchone()[0]
        if not step:  # nothing is journaled now
            yield
            return
        assert all(KEYS[table] == ("id",) for table in tables), tables
        before = [self._last_id(table) for table in tables]
        self.execute("SELECT set_config('relate.step', '', true)")
        try:
            yield
        finally:
            # After a failed statement the transaction only rolls back: setting the
            # step again would fail too, and hide the error that stopped the block.
            if (
                not self.conn.closed
                and self.conn.info.transaction_status != pq.TransactionStatus.INERROR
            ):
                self.execute("SELECT set_config('relate.step', :step, true)", {"step": step})
        for table, first in zip(tables, before, strict=True):
            last = self._last_id(table)
            if last > first:
                entry = {"op": "range", "table": table, "first": first + 1, "last": last}
                self.execute(
                    "INSERT INTO undo_entry (step_id, sql) VALUES (:step, :entry)",
                    {"step": int(step), "entry": json.dumps(entry)},
                )

    def _last_id(self, table: str) -> int:
        return int(self.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"').fetchone()[0])

    # -- full-text search -----------------------------------------------------------------

    def search_contacts(self, parts: QueryParts, limit: int) -> list[Any]:
        query, params = ts_query(parts)
        return self._search(
            f"""WITH q AS (SELECT {query} AS q)
            SELECT c.id, c.name,
                CASE WHEN to_tsvector('simple', relate_unaccent(c.name)) @@ q.q
                    THEN ts_headline('simple', c.name, q.q, :headline)
                    ELSE ts_headline('simple', c.notes, q.q, :headline) END AS snippet,
                c.last_contact_at
            FROM contact c, q
            WHERE {CONTACT_DOCUMENT} @@ q.q AND c.archived_at IS NULL
            ORDER BY ts_rank({CONTACT_DOCUMENT}, q.q) DESC, c.id LIMIT :limit""",
            {**params, "limit": limit, "headline": HEADLINE},
        )

    def search_interactions(self, parts: QueryParts, limit: int) -> list[Any]:
        query, params = ts_query(parts)
        return self._search(
            f"""WITH q AS (SELECT {query} AS q),
            ranked AS (SELECT i.id, ts_rank({INTERACTION_DOCUMENT}, q.q) AS rank
                FROM interaction i, q WHERE {INTERACTION_DOCUMENT} @@ q.q
                ORDER BY rank DESC, i.id DESC LIMIT :limit)
            SELECT i.id, i.kind, i.occurred_at,
                ts_headline('simple', i.text, q.q, :headline) AS snippet,
                (SELECT string_agg(c.name, ', ' ORDER BY c.id) FROM interaction_contact ic
                    JOIN contact c ON c.id = ic.contact_id
                    WHERE ic.interaction_id = i.id) AS contacts,
                (SELECT min(ic.contact_id) FROM interaction_contact ic
                    WHERE ic.interaction_id = i.id) AS contact_id
            FROM ranked JOIN interaction i ON i.id = ranked.id, q
            ORDER BY ranked.rank DESC, i.id DESC""",
            {**params, "limit": limit, "headline": HEADLINE},
        )

    def _search(self, sql: str, params: dict[str, object]) -> list[Any]:
        try:
            return list(self.conn.execute(translate(sql), params).fetchall())
        except psycopg.errors.SyntaxError as exc:
            raise SearchSyntaxError(first_line(exc)) from exc
        except psycopg.Error as exc:
            raise storage_error(exc, self.where) from exc


def _range_inverse(record: dict[str, Any]) -> tuple[str, dict[str, object]]:
    """Undo of a batch's rows (``journal_ranges``): delete the ids it took."""
    table, first, last = record.get("table"), record.get("first"), record.get("last")
    if (
        table not in JOURNALED_TABLES
        or KEYS[str(table)] != ("id",)
        or type(first) is not int
        or type(last) is not int
    ):
        raise StorageError("the undo journal holds an entry relate did not write; not undoing")
    return f'DELETE FROM "{table}" WHERE id BETWEEN :first AND :last', {
        "first": first,
        "last": last,
    }


# The stored, GIN-indexed vectors of migration 0001 (PostgreSQL only).
INTERACTION_DOCUMENT = "i.search"
CONTACT_DOCUMENT = "c.search"
HEADLINE = "StartSel=\x02, StopSel=\x03, MaxWords=16, MinWords=15, ShortWord=1"


def ts_query(parts: QueryParts) -> tuple[str, dict[str, object]]:
    """SQL building the tsquery for the parsed parts, and its parameters.

    FTS5's grammar, kept: NOT binds tightest, then AND (also implicit between terms),
    then OR; ``"a phrase"``, ``"prefix"*``.
    """
    params: dict[str, object] = {}
    position = 0
    items = list(parts)

    def peek() -> str | None:
        return items[position] if position < len(items) else None

    def take() -> str:
        nonlocal position
        position += 1
        return items[position - 1]

    def term() -> str:
        if peek() is None:
            raise SearchSyntaxError("syntax error at the end of the query")
        token = take()
        if token == "(":
            inner = either()
            if peek() != ")":
                raise SearchSyntaxError("unbalanced parenthesis")
            take()
            return f"({inner})"
        if token in ("AND", "OR", "NOT", ")"):
            raise SearchSyntaxError(f"syntax error near {token!r}")
        name = f"w{len(params)}"
        if token.endswith("*"):
            params[name] = token[:-1].strip('"')
            return f"to_tsquery('simple', quote_literal(lower(relate_unaccent(:{name}))) || ':*')"
        params[name] = token.strip('"')
        return f"phraseto_tsquery('simple', relate_unaccent(:{name}))"

    def negation() -> str:
        result = term()
        while peek() == "NOT":
            take()
            result = f"({result} && !!{term()})"
        return result

    def both() -> str:
        result = negation()
        while peek() not in (None, "OR", ")"):
            if peek() == "AND":
                take()
            result = f"({result} && {negation()})"
        return result

    def either() -> str:
        result = both()
        while peek() == "OR":
            take()
            result = f"({result} || {both()})"
        return result

    sql = either()
    if peek() is not None:
        raise SearchSyntaxError(f"syntax error near {peek()!r}")
    return sql, params


# -- opening: connect, set up a fresh database, upgrade, refuse a foreign one ---------------

# Run after every schema change (idempotent). SQLite's names for what services call,
# deferrable foreign keys (undo replays a step with them checked at commit, like
# SQLite's defer_foreign_keys) and the undo journal's triggers.
COMPATIBILITY_SQL = [
    """CREATE OR REPLACE FUNCTION julianday(text) RETURNS double precision
        LANGUAGE sql IMMUTABLE STRICT AS $$
        SELECT extract(epoch FROM $1::timestamp)::double precision / 86400 + 2440587.5 $$""",
    """CREATE OR REPLACE FUNCTION date(text, text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT AS $$
        SELECT to_char($1::date + $2::interval, 'YYYY-MM-DD') $$""",
    """CREATE OR REPLACE FUNCTION datetime(text, text) RETURNS text
        LANGUAGE sql STABLE STRICT AS $$
        SELECT to_char(CASE WHEN $2 = 'localtime'
            THEN ($1::timestamp AT TIME ZONE 'UTC') AT TIME ZONE current_setting('TimeZone')
            ELSE $1::timestamp END, 'YYYY-MM-DD HH24:MI:SS') $$""",
    """CREATE OR REPLACE FUNCTION instr(text, text) RETURNS integer
        LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT strpos($1, $2) $$""",
    """CREATE OR REPLACE FUNCTION printf(text, VARIADIC integer[]) RETURNS text
        LANGUAGE plpgsql IMMUTABLE AS $$
        DECLARE result text := $1; value integer; width text;
        BEGIN
            FOREACH value IN ARRAY $2 LOOP
                width := substring(result FROM '%0(\\d)d');
                result := regexp_replace(result, '%0\\dd',
                    lpad(value::text, coalesce(width, '1')::integer, '0'));
            END LOOP;
            RETURN result;
        END $$""",
    """DO $$ DECLARE r record; BEGIN
        FOR r IN SELECT conrelid::regclass AS t, conname FROM pg_constraint
            WHERE contype = 'f' AND NOT condeferrable
            AND connamespace = current_schema()::regnamespace LOOP
            EXECUTE format('ALTER TABLE %s ALTER CONSTRAINT %I DEFERRABLE INITIALLY IMMEDIATE',
                r.t, r.conname);
        END LOOP; END $$""",
    """CREATE OR REPLACE FUNCTION relate_journal() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE step text := current_setting('relate.step', true);
        BEGIN
            IF step IS NULL OR step = '' THEN RETURN NULL; END IF;
            IF TG_OP = 'INSERT' THEN
                INSERT INTO undo_entry (step_id, sql) VALUES (step::integer, json_build_object(
                    'op', 'delete', 'table', TG_TABLE_NAME, 'row', to_jsonb(NEW) - 'search')::text);
            ELSIF TG_OP = 'UPDATE' THEN
                IF (to_jsonb(OLD) - 'updated_at') = (to_jsonb(NEW) - 'updated_at') THEN
                    RETURN NULL;
                END IF;
                INSERT INTO undo_entry (step_id, sql) VALUES (step::integer, json_build_object(
                    'op', 'update', 'table', TG_TABLE_NAME, 'row', to_jsonb(OLD) - 'search')::text);
            ELSE
                INSERT INTO undo_entry (step_id, sql) VALUES (step::integer, json_build_object(
                    'op', 'insert', 'table', TG_TABLE_NAME, 'row', to_jsonb(OLD) - 'search')::text);
            END IF;
            RETURN NULL;
        END $$""",
    *(
        f'CREATE OR REPLACE TRIGGER relate_journal AFTER INSERT OR UPDATE OR DELETE ON "{table}"'
        " FOR EACH ROW EXECUTE FUNCTION relate_journal()"
        for table in JOURNALED_TABLES
    ),
]


def session_time_zone() -> str | None:
    """This machine's zone by IANA name, for ``datetime(x, 'localtime')`` on the server."""
    import os

    configured = os.environ.get("TZ", "").lstrip(":")
    if configured:
        return configured
    try:
        target = os.path.realpath("/etc/localtime")
    except OSError:
        return None
    marker = "/zoneinfo/"
    return target.split(marker, 1)[1] if marker in target else None


def connect(conninfo: str, where: str) -> psycopg.Connection[Any]:
    import os

    from relate.storage.engines.sqlite import busy_timeout_ms

    options: dict[str, Any] = {}
    if "connect_timeout" not in conninfo and not os.environ.get("PGCONNECT_TIMEOUT"):
        options["connect_timeout"] = 10
    try:
        conn = psycopg.connect(conninfo, autocommit=True, row_factory=row_factory, **options)
    except psycopg.Error as exc:
        raise StorageError(f"cannot connect to {where}: {first_line(exc)}") from exc
    conn.adapters.register_dumper(bool, BoolDumper)
    # avg() and other numeric results come back as float, as they do from SQLite.
    conn.adapters.register_loader("numeric", FloatLoader)
    try:
        # RELATE_BUSY_TIMEOUT=0 means "do not wait" as on SQLite; PostgreSQL's 0 is
        # "wait for ever", so the least it can wait is 1 ms.
        wait = max(busy_timeout_ms(), 1)
        conn.execute("SELECT set_config('lock_timeout', %s, false)", [f"{wait}ms"])
        zone = session_time_zone()
        if zone:
            # A zone the server does not know: it keeps its own.
            with suppress(psycopg.errors.InvalidParameterValue):
                conn.execute("SELECT set_config('TimeZone', %s, false)", [zone])
    except psycopg.Error as exc:
        conn.close()
        raise storage_error(exc, where) from exc
    return conn


def _revision(engine: PostgresEngine) -> str | None:
    if engine.execute("SELECT to_regclass('alembic_version')").fetchone()[0] is None:
        return None
    row = engine.execute("SELECT version_num FROM alembic_version").fetchone()
    return None if row is None else str(row[0])


def _foreign_tables(engine: PostgresEngine) -> int:
    return int(
        engine.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        ).fetchone()[0]
    )


def prepare(engine: PostgresEngine, conninfo: str, *, create: bool) -> str | None:
    """Bring the database to the newest schema; the revision it had (None: new)."""
    from relate.storage import migrate
    from relate.storage.schema import HEAD, REVISIONS

    where = engine.where
    revision = _revision(engine)
    if revision == HEAD:
        return revision
    # One relate sets up or upgrades at a time; the others find the work done.
    engine.execute("SELECT pg_advisory_lock(:key)", {"key": SETUP_LOCK})
    try:
        revision = _revision(engine)
        if revision == HEAD:
            return revision
        if revision is None:
            if _foreign_tables(engine):
                raise StorageError(
                    f"{where} holds other tables and no relate schema; it was left untouched"
                )
            if not create:
                raise StorageError(
                    f"there is no relate database at {where}",
                    hint="start one with `relate add NAME` or `relate import FILE`",
                )
        elif revision not in REVISIONS:
            raise StorageError(
                f"{where} was written by a newer relate (schema {revision})",
                hint="upgrade relate to open it",
            )
        try:
            migrate.upgrade_postgres(conninfo)
        except Exception as exc:  # SQLAlchemy wraps psycopg's errors
            raise StorageError(f"cannot prepare {where}: {first_line(exc)}") from exc
        engine.execute("BEGIN")
        try:
            for sql in COMPATIBILITY_SQL:
                engine.conn.execute(sql.encode())  # as written: no parameters in it
            engine.execute("COMMIT")
        except BaseException:
            engine.rollback()
            raise
        return revision
    finally:
        engine.execute("SELECT pg_advisory_unlock(:key)", {"key": SETUP_LOCK})


def open_postgres(location: Any, *, create: bool, now: Callable[[], datetime]) -> Database:
    """Open (setting up or upgrading as needed) the relate database ``location`` names."""
    import sys
    from pathlib import Path

    from relate.storage.database import Database
    from relate.storage.schema import HEAD

    where = str(location.display())
    conn = connect(location.conninfo, where)
    engine = PostgresEngine(conn, where)
    try:
        before = prepare(engine, location.conninfo, create=create)
    except BaseException:
        engine.close()
        raise
    if before is not None and before != HEAD:
        print(f"relate: upgraded {where} to schema {HEAD}", file=sys.stderr)
    # Backups made without a path land in the working folder (relate-backup-....db).
    path = Path.cwd() / "relate.db"
    return Database(path, conn, now, engine=engine)


# -- backup, restore and check: a SQLite file is the one backup format -----------------------

# What a backup carries: every table of the user's data, parents before children.
# The undo history stays behind (a restore drops it: it belongs to another timeline).
COPIED_TABLES = JOURNALED_TABLES


def copy_to_sqlite(engine: PostgresEngine, target: Any) -> None:
    """Copy every table into ``target`` (an open sqlite3 connection to an empty relate
    file at the newest schema), read in one snapshot: a REPEATABLE READ transaction
    sees one moment however long the copy takes and whoever writes meanwhile. Inside
    a write transaction of ``engine`` it reads that transaction's view instead."""
    conn = engine.conn
    own = conn.info.transaction_status == pq.TransactionStatus.IDLE
    try:
        if own:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        target.execute("BEGIN")
        for table in COPIED_TABLES:
            columns = COLUMNS[table]
            listed = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" for _ in columns)
            with conn.cursor() as cursor:
                cursor.execute(f'SELECT {listed} FROM "{table}"'.encode())
                while rows := cursor.fetchmany(5000):
                    target.executemany(
                        f'INSERT INTO "{table}" ({listed}) VALUES ({marks})',
                        [tuple(row) for row in rows],
                    )
        target.execute("COMMIT")
        if own:
            conn.execute("COMMIT")
    except psycopg.Error as exc:
        if own:
            engine.rollback()
        raise storage_error(exc, engine.where) from exc


def load_from_sqlite(engine: PostgresEngine, source: Any) -> None:
    """Replace every table's rows with those of ``source`` (an open sqlite3 connection
    to a relate file at the newest schema), inside the current write transaction."""
    conn = engine.conn
    try:
        conn.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in (*reversed(COPIED_TABLES), "undo_entry", "undo_step"):
            conn.execute(f'DELETE FROM "{table}"'.encode())
        for table in COPIED_TABLES:
            columns = COLUMNS[table]
            listed = ", ".join(f'"{c}"' for c in columns)
            with (
                conn.cursor() as cursor,
                cursor.copy(f'COPY "{table}" ({listed}) FROM STDIN'.encode()) as copy,
            ):
                for row in source.execute(f'SELECT {listed} FROM "{table}"'):
                    copy.write_row(tuple(row))
            if "id" in columns:
                conn.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'),"
                    f' (SELECT coalesce(max(id), 0) + 1 FROM "{table}"), false)'.encode(),
                    [table],
                )
    except psycopg.Error as exc:
        raise storage_error(exc, engine.where) from exc


def check_server(location: Any) -> tuple[str, list[str]]:
    """The schema revision of the database ``location`` names, and the tables that
    could not be read through (without setting up or upgrading anything)."""
    where = str(location.display())
    engine = PostgresEngine(connect(location.conninfo, where), where)
    problems: list[str] = []
    try:
        revision = _revision(engine)
        if revision is None:
            raise StorageError(f"there is no relate database at {where}")
        for table in COPIED_TABLES:
            try:
                engine.conn.execute(f'SELECT count(*) FROM "{table}"'.encode()).fetchone()
            except psycopg.Error as exc:
                problems.append(f"{table}: {first_line(exc)}")
    finally:
        engine.close()
    return revision, problems

"""Output shared by every command.

stdout carries data, stderr carries talk. On a terminal the default is a Rich table;
piped, it is plain tab-separated text with a header line, stable for ``cut``/``awk``.
``--format csv|json`` is exact data: no colour and no markup, ever. Rich (50 ms to
import) is loaded only when a table is really drawn for a person.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any, NamedTuple

from relate import terminal
from relate.csvcodec import csv_cell
from relate.errors import UsageError

FORMATS = ("table", "plain", "csv", "json")


def resolve_format(requested: str | None, allowed: Sequence[str] = FORMATS) -> str:
    if requested is None:
        return "table" if terminal.current().stdout_is_terminal else "plain"
    value = requested.strip().lower()
    if value not in allowed:
        raise UsageError(f"unknown format {requested!r}", hint="use one of " + ", ".join(allowed))
    return value


def write_csv(
    records: Iterable[Mapping[str, Any]], columns: Sequence[str], stream: IO[str] | None = None
) -> None:
    """RFC 4180 CSV with a header row (CRLF line ends, minimal quoting)."""
    out = stream or sys.stdout
    import csv  # here, not at the top: a table or plain run never pays for it

    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([csv_cell(record.get(column)) for column in columns])


def write_csv_rows(
    rows: Iterable[Sequence[object]], columns: Sequence[str], stream: IO[str] | None = None
) -> None:
    """Like ``write_csv`` for rows that are already CSV cells (the export hot path)."""
    import csv
    import io
    from itertools import islice

    out = stream or sys.stdout
    # csv.writer on a text stream makes one write() per row, which costs more than
    # the CSV itself: fill a buffer and hand it over in large chunks instead.
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    iterator = iter(rows)
    while True:
        writer.writerows(islice(iterator, 2000))
        chunk = buffer.getvalue()
        if not chunk:
            break
        out.write(chunk)
        buffer.seek(0)
        buffer.truncate()


def write_json(records: Iterable[Mapping[str, Any]], stream: IO[str] | None = None) -> None:
    """A JSON array, written item by item so a large export never sits in memory."""
    import json

    out = stream or sys.stdout
    first = True
    out.write("[")
    for record in records:
        out.write("\n  " if first else ",\n  ")
        out.write(json.dumps(record, ensure_ascii=False))
        first = False
    out.write("\n]\n" if not first else "]\n")


def write_document(
    head: Mapping[str, Any],
    tables: Iterable[tuple[str, Iterable[Mapping[str, Any]]]],
    stream: IO[str] | None = None,
) -> None:
    """A JSON object: ``head``'s keys, then ``"tables"``, an object of each table's rows
    as an array, a row a line; written row by row so a large database never sits in
    memory (``export all``, docs/import-export.md)."""
    import json

    out = stream or sys.stdout
    out.write("{\n")
    for key, value in head.items():
        out.write(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
    out.write('  "tables": {')
    first_table = True
    for name, rows in tables:
        out.write("\n    " if first_table else ",\n    ")
        out.write(json.dumps(name) + ": [")
        first_table = False
        first = True
        for row in rows:
            out.write("\n      " if first else ",\n      ")
            out.write(json.dumps(row, ensure_ascii=False))
            first = False
        out.write("]" if first else "\n    ]")
    out.write("}\n}\n" if first_table else "\n  }\n}\n")


def write_jsonl(records: Iterable[Mapping[str, Any]], stream: IO[str] | None = None) -> None:
    import json

    out = stream or sys.stdout
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False))
        out.write("\n")


def write_lines(lines: Iterable[str], stream: IO[str] | None = None) -> None:
    """One value per line, nothing else (``list --format ids``)."""
    out = stream or sys.stdout
    for line in lines:
        out.write(line + "\n")


def write_object(record: Mapping[str, Any], stream: IO[str] | None = None) -> None:
    import json

    out = stream or sys.stdout
    out.write(json.dumps(record, ensure_ascii=False, indent=2))
    out.write("\n")


class Column(NamedTuple):
    """A table column. ``keep``: never wrapped or shortened (ids, dates, times, counts:
    the when of a row must survive any width); other columns wrap and fold long words,
    so no character is lost."""

    header: str
    key: str
    style: str | None = None
    justify: str = "left"
    keep: bool = False
    # On a screen too narrow for every column at its header's width (8 cells at least,
    # unless its content is narrower), the columns with the highest ``drop`` are left
    # out first (0: never); plain, CSV and JSON still carry them.
    drop: int = 0


def plain_cell(value: object) -> str:
    """A value for a person (tables, plain lines): one line, no tabs, no control codes."""
    if isinstance(value, list | tuple):
        value = ", ".join(str(item) for item in value)
    text = "" if value is None else str(value)
    return terminal.visible(text.replace("\t", " ").replace("\r", " ").replace("\n", " "))


def console(stderr: bool = False) -> Any:
    """A Rich console as wide as the terminal seam says; Rich honours FORCE_COLOR."""
    from rich.console import Console

    screen = terminal.current()
    return Console(
        stderr=stderr, highlight=False, width=screen.width, no_color=not screen.colour or None
    )


def write_table(
    records: Sequence[Mapping[str, Any]],
    columns: Sequence[Column],
    fmt: str,
    title: str | None = None,
    stream: IO[str] | None = None,
) -> None:
    """Records as a Rich table (``table``) or tab-separated lines (``plain``)."""
    out = stream or sys.stdout
    if fmt == "plain":
        out.write("\t".join(column.header.lower() for column in columns) + "\n")
        for record in records:
            out.write("\t".join(plain_cell(record.get(c.key)) for c in columns) + "\n")
        return
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    cells = [[plain_cell(record.get(c.key)) for c in columns] for record in records]
    natural = [
        max([cell_len(column.header), *(cell_len(row[n]) for row in cells)])
        for n, column in enumerate(columns)
    ]
    screen = console()
    widths: list[int | None] = [None] * len(columns)
    table = Table(title=title, title_justify="left", header_style="bold")
    if sum(natural) + 3 * len(columns) + 1 > screen.width:
        shown = [n for n in range(len(columns)) if any(row[n] for row in cells)] or [0]

        def least(n: int) -> int:  # what _fit gives column n before texts give way
            size = natural[n]
            if not columns[n].keep:
                size = min(size, max(cell_len(columns[n].header), 8))
            return size + 2

        while sum(least(n) for n in shown) > screen.width:
            droppable = [n for n in shown if columns[n].drop]
            if not droppable:
                break
            shown.remove(max(droppable, key=lambda n: (columns[n].drop, n)))
        columns = [columns[n] for n in shown]
        cells = [[row[n] for n in shown] for row in cells]
        widths = _fit([natural[n] for n in shown], columns, screen.width)
        # Borders cost three cells a column: a narrow screen gets a table without them.
        table = Table(title=title, title_justify="left", header_style="bold underline", box=None)
    for column, width in zip(columns, widths, strict=True):
        table.add_column(
            column.header,
            style=column.style,
            justify=column.justify,  # type: ignore[arg-type]
            no_wrap=column.keep,
            overflow="ellipsis" if column.keep else "fold",
            width=width,
        )
    for row in cells:
        # Text(...) so that user data such as "[red]" is shown, never interpreted.
        table.add_row(*(Text(cell) for cell in row))
    screen.print(table)


SHORT_TEXT = 20


def _fit(natural: list[int], columns: Sequence[Column], width: int) -> list[int | None]:
    """Column widths for a table narrower than its content (one space either side of
    each column): kept columns whole, the others at least as wide as their header (or
    8) when there is room for that, else narrower still; then the room left goes to
    the widest texts first."""
    from rich.cells import cell_len

    floor = [
        size if column.keep else min(size, max(cell_len(column.header), 8))
        for size, column in zip(natural, columns, strict=True)
    ]
    room = width - 2 * len(columns) - sum(floor)
    widths = list(floor)
    # Too narrow even for that: the texts give way, never the kept columns (a cut
    # date or time is the one thing a narrow table must not do); first down to their
    # headers, widest first, and only then below them.
    folding = [n for n, column in enumerate(columns) if not column.keep]
    for least in ([cell_len(columns[n].header) for n in range(len(columns))], None):
        while room < 0:
            shrinkable = [
                n for n in folding if widths[n] > (1 if least is None else max(1, least[n]))
            ]
            if not shrinkable:
                break
            widest = max(shrinkable, key=lambda n: widths[n])
            widths[widest] -= 1
            room += 1
    # First every column up to a name's width, in order; then the widest texts.
    for n, cap in [(n, SHORT_TEXT) for n in range(len(columns))] + [
        (n, natural[n]) for n in sorted(range(len(columns)), key=lambda n: -natural[n])
    ]:
        extra = max(0, min(room, min(cap, natural[n]) - widths[n]))
        widths[n] += extra
        room -= extra
    return list(widths)


def write_fields(
    pairs: Sequence[tuple[str, object]], fmt: str, stream: IO[str] | None = None
) -> None:
    """A card of label/value pairs (``show``)."""
    out = stream or sys.stdout
    shown = [(label, value) for label, value in pairs if value not in (None, "", [], ())]
    if fmt == "plain":
        for label, value in shown:
            out.write(f"{label}: {plain_cell(value)}\n")
        return
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in shown:
        grid.add_row(label, Text(plain_cell(value)))
    console().print(grid)


def say(message: str) -> None:
    """A confirmation for people (``Added #12 Ann Smith``): stdout, one line."""
    terminal.current().write(message + "\n")


def warn(message: str) -> None:
    terminal.current().write(f"relate: warning: {message}\n", stderr=True)


def write_records(
    records: Iterable[Mapping[str, Any]],
    fields: Sequence[str],
    columns: Sequence[Column],
    fmt: str,
    title: str | None = None,
) -> None:
    """A listing in the chosen format: CSV/JSON carry every field, tables the columns."""
    if fmt == "csv":
        write_csv(records, fields)
    elif fmt == "json":
        write_json(records)
    else:
        write_table(list(records), columns, fmt, title=title)

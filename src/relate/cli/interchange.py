"""Interchange commands: export (CSV, JSON, JSON Lines, vCard, iCalendar) and import.

Exports stream row by row from one SQLite cursor; vobject and icalendar are imported
only by the formats that need them.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Annotated

import typer

from relate import terminal
from relate.cli import filters, state
from relate.cli.app import app
from relate.errors import StorageError, UsageError
from relate.services.contacts import ContactFilter
from relate.storage.database import Database, private_temp, remove_temp

TABLE_FORMATS = ("csv", "json", "jsonl")
# What `export` takes besides the record kinds of services/exporting.py (KINDS).
OTHER_EXPORTS = ("calendar", "all")


@contextlib.contextmanager
def _destination(path: Path | None) -> Iterator[IO[str]]:
    """stdout, or a file built owner-only beside its final name and moved there when
    complete; a failure names the user's file, not the temporary one."""
    if path is None or str(path) == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    temp: Path | None = None
    try:
        temp = private_temp(path)
        with temp.open("w", encoding="utf-8", newline="") as handle:
            yield handle
        os.replace(temp, path)
    except OSError as exc:
        raise StorageError(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:
        if temp is not None:
            remove_temp(temp)


def _formats_for(kind: str) -> tuple[str, ...]:
    if kind == "calendar":
        return ("ics",)
    if kind == "all":
        return ("json",)
    if kind == "contacts":
        return (*TABLE_FORMATS, "vcard")
    return TABLE_FORMATS


@app.command("export")
@filters.filter_options
def export(
    what: Annotated[
        str,
        typer.Argument(
            help="What to export: contacts, interactions, reminders, dates, concerns,"
            " organisations, engagements, feedback, gifts, calendar, or all (the whole"
            " database as one JSON document).",
            show_default=False,
        ),
    ],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="csv (default), json, jsonl; vcard for contacts; ics for calendar; json for all.",
            show_default=False,
        ),
    ] = None,
    output_path: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this file (owner-only) instead of stdout; never over the "
            "database or a backup.",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="With -o: overwrite the file if it exists.")
    ] = False,
    excel_safe: Annotated[
        bool,
        typer.Option(
            "--excel-safe",
            help="CSV only: prefix cells starting with = + - @ tab or CR with ' so a "
            "spreadsheet shows them as text instead of running them.",
        ),
    ] = False,
    filter_by: filters.FilterOptions = filters.NO_FILTER,
) -> None:
    """Export data to stdout (or -o FILE), streaming, in a stable documented layout.

    Contacts (archived ones too, in id order) can be filtered, sorted and capped as
    `relate list` does: --type, --owner, --priority, --no-cadence, --overdue,
    --referred-by, --where, --sort, --limit. Custom fields are a `field:KEY` column
    each in CSV, an object `fields` in JSON and X-RELATE-FIELD-KEY in vCard;
    addresses are vCard ADR (docs/import-export.md).

    `export all --format json` writes every record of every table, ids kept, as one
    document that `relate import` reads back into an empty database.

    \b
    Examples:
      relate export contacts --format csv > contacts.csv
      relate export contacts --format json --no-cadence --sort last-contact --limit 50
      relate export contacts --format vcard --where tier=gold > gold.vcf
      relate export all --format json -o everything.json
    """
    from relate.services.exporting import KINDS

    kind = what.strip().lower()
    if kind not in (*KINDS, *OTHER_EXPORTS):
        kinds = ", ".join((*KINDS, *OTHER_EXPORTS))
        raise UsageError(f"cannot export {what!r}", hint="use one of " + kinds)
    allowed = _formats_for(kind)
    chosen = (fmt or allowed[0]).strip().lower()
    if chosen not in allowed:
        raise UsageError(
            f"{kind} cannot be exported as {fmt!r}", hint="use one of " + ", ".join(allowed)
        )
    if excel_safe and chosen != "csv":
        raise UsageError("--excel-safe applies to CSV only")
    used = filter_by.given()
    if used and kind != "contacts":
        raise UsageError(f"{used[0]} applies to contacts only")
    db = state.database()
    where = None
    if used:
        where = filters.contact_filter(filter_by, include_archived=True, by_id=True)
    if output_path is not None and str(output_path) != "-":
        from relate.services.exporting import check_destination

        check_destination(output_path, db.path, force=force)
    with _destination(output_path) as out:
        _write(db, kind, chosen, out, excel_safe, where)


def _write(
    db: Database,
    kind: str,
    fmt: str,
    out: IO[str],
    excel_safe: bool,
    where: ContactFilter | None = None,
) -> None:
    from relate.render import output
    from relate.services import exporting

    if kind == "calendar":
        from relate.services.calendar import write_calendar

        write_calendar(db, out, state.now())
        return
    if kind == "all":
        from relate.services import everything

        output.write_document(everything.header(), everything.tables(db), out)
        return
    if fmt == "vcard":
        from relate.services.vcard import write_vcards

        write_vcards(exporting.records(db, kind, where), out)
    elif fmt == "csv":
        cells = exporting.csv_rows(db, kind, where)
        output.write_csv_rows(
            exporting.excel_safe(cells) if excel_safe else cells,
            exporting.csv_header(db, kind),
            out,
        )
    elif fmt == "json":
        output.write_json(exporting.records(db, kind, where), out)
    else:
        output.write_jsonl(exporting.records(db, kind, where), out)


@app.command("import")
def import_(
    file: Annotated[
        Path,
        typer.Argument(help="A .vcf, .csv or .json file (- reads stdin).", show_default=False),
    ],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="vcard, csv or json (default: from the file's extension or content).",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would happen; write nothing.")
    ] = False,
    on_duplicate: Annotated[
        str,
        typer.Option(
            "--on-duplicate",
            help="When a record matches a contact (same e-mail, else phone, else name): "
            "skip, update it, or add a new contact anyway.",
        ),
    ] = "skip",
    date_order: Annotated[
        str | None,
        typer.Option(
            "--date-order",
            help="CSV dates such as 03/04/1990: dmy (day first) or mdy (month first). "
            "Needed only when the file's dates do not tell.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Import contacts: vCard, CSV (relate, Google, Outlook, LinkedIn, Thunderbird), JSON.

    One transaction: a record that cannot be read aborts with FILE:LINE and nothing is
    written; a record with nothing to keep (no name, e-mail, phone or company) is
    skipped with a warning. A whole database (`relate export all --format json`) is
    imported, ids and all, only into an empty database.

    \b
    Examples:
      relate import contacts.vcf --dry-run
      relate --db new.db import everything.json
    """
    from relate.render import imports as render_import
    from relate.services import importing

    raw = sys.stdin.buffer.read() if str(file) == "-" else None
    with _progress(file if raw is None else None) as progress:
        summary = importing.import_file(
            state.database(create=not dry_run),
            file,
            fmt=fmt,
            policy=on_duplicate.strip().lower(),
            dry_run=dry_run,
            now=state.now(),
            where="<stdin>" if raw is not None else str(file),
            raw=raw,
            date_order=date_order.strip().lower() if date_order else None,
            progress=progress,
            user=state.user(),
        )
    if isinstance(summary, importing.Summary):
        render_import.write(summary)
    else:
        render_import.write_loaded(summary)


PROGRESS_BYTES = 1_000_000  # about 3,000 cards or 5,000 CSV rows: worth a bar


@contextlib.contextmanager
def _progress(path: Path | None) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr for a big file read while a person watches."""
    try:
        size = path.stat().st_size if path is not None else 0
    except OSError:
        size = 0
    if size < PROGRESS_BYTES or not terminal.current().stderr_is_terminal:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    screen = terminal.current()
    console = Console(file=screen.stderr, force_terminal=True, width=screen.width)
    with Progress(
        TextColumn("importing"),
        BarColumn(),
        TaskProgressColumn(),
        console=console,
        transient=True,
        refresh_per_second=4,  # enough for a person; rich's 10 cost 10% of a big import
    ) as bar:
        task = bar.add_task("import", total=size)
        yield lambda done: bar.update(task, completed=done)

"""Interchange commands: export (CSV, JSON, JSON Lines, vCard, iCalendar) and import.

Exports stream row by row from one SQLite cursor; vobject and icalendar are imported
only by the formats that need them.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Annotated

import typer

from relate import terminal
from relate.cli import state
from relate.cli.app import app
from relate.errors import UsageError
from relate.storage.database import Database

TABLE_FORMATS = ("csv", "json", "jsonl")
EXPORT_KINDS = ("contacts", "interactions", "reminders", "dates", "calendar")


@contextlib.contextmanager
def _destination(path: Path | None) -> Iterator[IO[str]]:
    """stdout, or a file written beside its final name and moved there when complete."""
    if path is None or str(path) == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    partial = path.with_name(path.name + ".part")
    try:
        with partial.open("w", encoding="utf-8", newline="") as handle:
            yield handle
        os.replace(partial, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()


def _formats_for(kind: str) -> tuple[str, ...]:
    if kind == "calendar":
        return ("ics",)
    if kind == "contacts":
        return (*TABLE_FORMATS, "vcard")
    return TABLE_FORMATS


@app.command("export")
def export(
    what: Annotated[
        str,
        typer.Argument(
            help="What to export: contacts, interactions, reminders, dates or calendar.",
            show_default=False,
        ),
    ],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="csv (default), json, jsonl; vcard for contacts; ics for calendar.",
            show_default=False,
        ),
    ] = None,
    output_path: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of stdout."),
    ] = None,
    excel_safe: Annotated[
        bool,
        typer.Option(
            "--excel-safe",
            help="CSV only: prefix cells starting with = + - @ tab or CR with ' so a "
            "spreadsheet shows them as text instead of running them.",
        ),
    ] = False,
) -> None:
    """Export data to stdout (or -o FILE), streaming, in a stable documented layout.

    Example: relate export contacts --format csv > contacts.csv
    """
    kind = what.strip().lower()
    if kind not in EXPORT_KINDS:
        raise UsageError(f"cannot export {what!r}", hint="use one of " + ", ".join(EXPORT_KINDS))
    allowed = _formats_for(kind)
    chosen = (fmt or allowed[0]).strip().lower()
    if chosen not in allowed:
        raise UsageError(
            f"{kind} cannot be exported as {fmt!r}", hint="use one of " + ", ".join(allowed)
        )
    if excel_safe and chosen != "csv":
        raise UsageError("--excel-safe applies to CSV only")
    db = state.database()
    with _destination(output_path) as out:
        _write(db, kind, chosen, out, excel_safe)


def _write(db: Database, kind: str, fmt: str, out: IO[str], excel_safe: bool) -> None:
    from relate.render import output
    from relate.services import exporting

    if kind == "calendar":
        from relate.services.calendar import write_calendar

        write_calendar(db, out, state.now())
        return
    if fmt == "vcard":
        from relate.services.vcard import write_vcards

        write_vcards(exporting.records(db, kind), out)
    elif fmt == "csv":
        cells = exporting.csv_rows(db, kind)
        output.write_csv_rows(
            exporting.excel_safe(cells) if excel_safe else cells, exporting.FIELDS[kind], out
        )
    elif fmt == "json":
        output.write_json(exporting.records(db, kind), out)
    else:
        output.write_jsonl(exporting.records(db, kind), out)


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
) -> None:
    """Import contacts from vCard, CSV (relate, Google, Outlook) or relate's JSON.

    All or nothing: one bad record aborts with FILE:LINE and nothing is written.

    Example: relate import contacts.vcf --dry-run
    """
    from relate.render import output
    from relate.services import importing

    raw = sys.stdin.buffer.read() if str(file) == "-" else None
    summary = importing.import_file(
        state.database(create=not dry_run),
        file,
        fmt=fmt,
        policy=on_duplicate.strip().lower(),
        dry_run=dry_run,
        now=state.now(),
        where="<stdin>" if raw is not None else str(file),
        raw=raw,
    )
    for warning in summary.warnings:
        output.warn(warning)
    if dry_run:
        for action in summary.actions:
            duplicate = f" (duplicate of {action.duplicate_of})" if action.duplicate_of else ""
            output.say(f"line {action.line}: {action.action} {action.name}{duplicate}")
    counts = f"{summary.added} added, {summary.updated} updated, {summary.skipped} skipped"
    if dry_run:
        talk = f"Dry run of {summary.where}, nothing written: would be {counts}\n"
    else:
        talk = f"Imported {summary.where}: {counts}\n"
    terminal.current().write(talk, stderr=True)

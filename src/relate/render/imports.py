"""How ``import`` talks: its warnings, the dry run's line-by-line plan on stdout, and
one summary line on stderr (stdout stays free for data)."""

from __future__ import annotations

from relate import terminal
from relate.render import output
from relate.services.everything import Loaded
from relate.services.importing import Summary


def summary_line(summary: Summary) -> str:
    """'Imported FILE: 3 added, 0 updated, ...' or the dry run's 'would be ...'."""
    counts = (
        f"{summary.added} added, {summary.updated} updated, "
        f"{summary.skipped} skipped as duplicates, {summary.unusable} skipped as unusable"
    )
    named = "".join(
        f"; {count} without a name named after their {what}"
        for what, count in sorted(summary.named_after.items())
    )
    read_as = f" (read as {summary.layout} CSV)" if summary.layout not in (None, "relate") else ""
    if summary.dry_run:
        return f"Dry run of {summary.where}, nothing written: would be {counts}{named}{read_as}"
    return f"Imported {summary.where}: {counts}{named}{read_as}"


def write(summary: Summary) -> None:
    for warning in summary.warnings:
        output.warn(warning)
    if summary.dry_run:
        for action in summary.actions:
            duplicate = f" (duplicate of {action.duplicate_of})" if action.duplicate_of else ""
            output.say(f"line {action.line}: {action.action} {action.name}{duplicate}")
    terminal.current().write(summary_line(summary) + "\n", stderr=True)


def loaded_line(loaded: Loaded) -> str:
    """'Imported FILE (a whole database): 3 contact, 1 organisation rows...' or the dry
    run's 'would be ...'; the tables with no rows are left out."""
    total = sum(loaded.rows.values())
    parts = ", ".join(f"{table} {count}" for table, count in loaded.rows.items() if count)
    counts = f"{total} rows" + (f" ({parts})" if parts else "")
    if loaded.dry_run:
        return f"Dry run of {loaded.where}, a whole database, nothing written: would add {counts}"
    return f"Imported {loaded.where}, a whole database: added {counts}"


def write_loaded(loaded: Loaded) -> None:
    terminal.current().write(loaded_line(loaded) + "\n", stderr=True)

"""How the agenda looks: sections with headings on a terminal, one line per item
when piped, and the item records for CSV/JSON."""

from __future__ import annotations

import sys
from typing import IO

from relate.dates import format_day
from relate.render import output
from relate.services.agenda import DATES, OVERDUE, RECORD_FIELDS, SECTION_TITLES, Agenda, Item

EMPTY = "Nothing on the agenda today. Enjoy the quiet!"
SECTION_STYLES = {OVERDUE: "bold red", DATES: "magenta"}


def _when(item: Item, agenda: Agenda) -> str:
    day = format_day(item.due, agenda.today)
    if item.time:
        day += f" {item.time}"
    if item.section == OVERDUE:
        return f"{day} ({item.overdue_days}d late)"
    return day


def _ref(item: Item) -> str:
    return f"#{item.id}" if item.id is not None else ""


def write(agenda: Agenda, fmt: str, stream: IO[str] | None = None) -> None:
    out = stream or sys.stdout
    if fmt == "json":
        output.write_json(item.record() for item in agenda.items())
        return
    if fmt == "csv":
        output.write_csv((item.record() for item in agenda.items()), RECORD_FIELDS)
        return
    if agenda.is_empty():
        out.write(EMPTY + "\n")
        return
    if fmt == "plain":
        out.write("section\tid\tkind\tcontact\tdue\ttext\n")
        for item in agenda.items():
            cells = (
                item.section,
                _ref(item),
                item.kind,
                item.contact or "",
                _when(item, agenda),
                item.text,
            )
            out.write("\t".join(output.plain_cell(cell) for cell in cells) + "\n")
        for name in agenda.sections:
            if agenda.hidden(name) > 0:
                out.write(f"{name}\t\t\t\t\t… and {agenda.hidden(name)} more (--all)\n")
        return
    _write_rich(agenda)


def _write_rich(agenda: Agenda) -> None:
    from rich.table import Table
    from rich.text import Text

    console = output.console()
    console.print(Text(f"Agenda for {agenda.today:%A %d %B %Y}", style="bold"))
    for name, items in agenda.sections.items():
        if not items:
            continue
        style = SECTION_STYLES.get(name, "bold")
        table = Table(
            title=Text(f"{SECTION_TITLES[name]} ({agenda.totals[name]})", style=style),
            title_justify="left",
            show_header=False,
            box=None,
            padding=(0, 1),
        )
        table.add_column(style="dim", justify="right", no_wrap=True)
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        table.add_column(style="red" if name == OVERDUE else "cyan", no_wrap=True)
        for item in items:
            table.add_row(
                _ref(item), Text(item.contact or "—"), Text(item.text), _when(item, agenda)
            )
        console.print(table)
        if agenda.hidden(name) > 0:
            console.print(
                Text(f"  … and {agenda.hidden(name)} more (relate today --all)", style="dim")
            )

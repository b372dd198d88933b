"""How the agenda looks: sections with headings on a terminal, one line per item
when piped, and the item records for CSV/JSON."""

from __future__ import annotations

import sys
from typing import IO

from relate.dates import format_day
from relate.render import output
from relate.services.agenda import (
    CADENCE,
    CONCERNS,
    DATES,
    OVERDUE,
    RECORD_FIELDS,
    SECTION_TITLES,
    Agenda,
    Item,
)

EMPTY = "Nothing on the agenda today. Enjoy the quiet!"
SECTION_STYLES = {OVERDUE: "bold red", CONCERNS: "bold yellow", DATES: "magenta"}


def _when(item: Item, agenda: Agenda) -> str:
    if item.section == CADENCE:
        return f"{item.overdue_days}d late" if item.overdue_days > 0 else "today"
    if item.section == CONCERNS:
        return f"open {item.overdue_days}d" if item.overdue_days > 0 else "opened today"
    day = format_day(item.due, agenda.today)
    if item.time:
        day += f" {item.time}"
    if item.section == OVERDUE:
        return f"{day} ({item.overdue_days}d late)"
    return day


def _ref(item: Item) -> str:
    return f"#{item.id}"


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


# Below this many cells for the text beside who and when, the text goes under them.
NARROWEST_TEXT = 30
NARROWEST_CONTACT = 10


def _write_rich(agenda: Agenda) -> None:
    """Sections as aligned rows: ref, who, what, when. The when is never shortened and
    the text never loses a character: it wraps (folding a word longer than the line);
    only the contact may be shortened with "…". On a narrow screen the text goes under
    the contact, as wide as the line allows."""
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    console = output.console()
    console.print(Text(f"Agenda for {agenda.today:%A %d %B %Y}", style="bold"))
    rows = {
        name: [
            (
                _ref(item),
                output.plain_cell(item.contact or "—"),
                output.plain_cell(item.text),
                _when(item, agenda),
            )
            for item in items
        ]
        for name, items in agenda.sections.items()
    }
    # One width per column across sections, so the screen reads as one aligned list.
    ref_w, contact_w, text_w, when_w = (
        max((cell_len(row[column]) for section in rows.values() for row in section), default=0)
        for column in range(4)
    )
    padding = 2 * 4  # one space either side of each column
    room = console.width - ref_w - when_w - padding
    stacked = room - contact_w < min(text_w, NARROWEST_TEXT)
    if stacked:  # two columns: ref, and a body of "who ... when" over the text
        body_w = max(console.width - ref_w - 4, when_w + 2 + NARROWEST_CONTACT)
        contact_w = min(contact_w, body_w - when_w - 2)
    else:
        text_w = min(text_w, room - contact_w)
    for name, section in rows.items():
        if not section:
            continue
        style = SECTION_STYLES.get(name, "bold")
        table = Table(
            title=Text(f"{SECTION_TITLES[name]} ({agenda.totals[name]})", style=style),
            title_justify="left",
            show_header=False,
            box=None,
            padding=(0, 1),
        )
        table.add_column(style="dim", justify="right", no_wrap=True, width=ref_w)
        when_style = "red" if name == OVERDUE else "cyan"
        if stacked:
            table.add_column(width=body_w, overflow="fold")
        else:
            table.add_column(style="bold", no_wrap=True, width=contact_w, overflow="ellipsis")
            table.add_column(width=text_w, overflow="fold")
            table.add_column(style=when_style, no_wrap=True, width=when_w)
        for ref, contact, text, when in section:
            if stacked:
                who = Text(contact, style="bold")
                who.truncate(contact_w, overflow="ellipsis", pad=True)
                head = Text.assemble(who, "  ", (when, when_style))
                table.add_row(ref, Text.assemble(head, "\n", text))
            else:
                table.add_row(ref, Text(contact), Text(text), when)
        console.print(table)
        if agenda.hidden(name) > 0:
            more = f"  … and {agenda.hidden(name)} more (relate today --all)"
            console.print(Text(more, style="dim"))

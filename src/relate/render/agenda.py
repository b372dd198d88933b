"""How the agenda looks: sections with headings on a terminal, one line per item
when piped, and the item records for CSV/JSON. The services give facts (days late,
an occasion and its years, a cadence); the sentences are made here."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from typing import IO

from relate.dates import format_cadence, format_day
from relate.render import output
from relate.services.agenda import (
    CADENCE,
    CONCERNS,
    DATES,
    DUE,
    ENGAGEMENTS,
    LOSING_TOUCH,
    OVERDUE,
    Agenda,
    Gifts,
    Item,
)
from relate.services.important_dates import BIRTHDAY

EMPTY = "Nothing on the agenda today. Enjoy the quiet!"
SECTION_TITLES = {
    OVERDUE: "Overdue",
    DUE: "Due",
    ENGAGEMENTS: "Engagements due",
    CONCERNS: "Open concerns",
    DATES: "Coming up",
    CADENCE: "Time to get in touch",
    LOSING_TOUCH: "Losing touch",
}
SECTION_STYLES = {OVERDUE: "bold red", CONCERNS: "bold yellow", DATES: "magenta"}
# The public JSON/CSV shape of an agenda item (docs/json.md), in this order.
RECORD_FIELDS = (
    "id",
    "kind",
    "contact",
    "contact_id",
    "due",
    "text",
    "overdue_days",
    "section",
    "time",
    "severity",
    "opened",
    "escalations",
)


def gifts_text(gifts: Gifts | None, today: date) -> list[str]:
    """What a date's line says about gifts, so nothing is given twice: ["ideas: Book,
    Tea, Scarf (+2 more)", "last gift: Wine (Sat 14 Mar 2025)"]; [] when there is
    neither an idea nor a gift given."""
    parts = []
    if gifts is not None and gifts.ideas:
        more = f" (+{gifts.more} more)" if gifts.more else ""
        parts.append("ideas: " + ", ".join(gifts.ideas) + more)
    if gifts is not None and gifts.last is not None:
        on = format_day(gifts.last.given_on, today)
        parts.append(f"last gift: {gifts.last.description} ({on})")
    return parts


def item_text(item: Item, today: date) -> str:
    """What the agenda says about an item: the user's own words for a reminder or a
    concern; a sentence for a date ("Ann Smith turns 41 on Fri 14 Mar: gift?", with
    the contact's gift ideas and last gift given ("...: gift? ideas: Book; last gift:
    Wine (Sat 14 Mar 2025)"), or "...; gift given: Book" once one is recorded for it) or a
    person to get in touch with ("No contact for 20 days (weekly)"), or losing touch
    ("No contact for 200 days (no cadence)")."""
    if item.occasion is not None:
        ahead = (item.due - today).days
        day = format_day(item.due, today)
        when = day if ahead <= 1 else f"on {day}"
        name, occasion, years = item.contact or "", item.occasion, item.occasion.years
        parts = gifts_text(item.gifts, today)
        if item.gift is not None:
            gift = f"; gift given: {item.gift}"
        elif occasion.kind == BIRTHDAY:
            gift = ": gift?" + (" " + "; ".join(parts) if parts else "")
        else:
            gift = "".join("; " + part for part in parts)
        if occasion.kind == BIRTHDAY:
            if years is not None:
                return f"{name} turns {years} {when}{gift}"
            return f"{name}'s birthday {when}{gift}"
        if years is not None:
            unit = "year" if years == 1 else "years"
            return f"{years} {unit} since {occasion.label} with {name} {when}{gift}"
        return f"{occasion.label.capitalize()} with {name} {when}{gift}"
    if item.neglect is not None:
        since, every = item.neglect.days_since, format_cadence(item.neglect.cadence_days)
        if item.organisation:
            if item.neglect.ever_contacted:
                return f"{item.contact}: nobody contacted for {since} days ({every})"
            return f"{item.contact}: nobody contacted since added {since} days ago ({every})"
        if item.neglect.ever_contacted:
            return f"No contact for {since} days ({every})"
        return f"Never contacted; added {since} days ago ({every})"
    if item.silence is not None:
        since = item.silence.days_since
        if item.silence.ever_contacted:
            return f"No contact for {since} days (no cadence)"
        return f"Never contacted; added {since} days ago (no cadence)"
    return item.text or ""


def concern_text(item: Item, today: date) -> str:
    """A concern as the agenda's rows show it: its severity unless normal, and what
    the columns do not say: that an overdue item is a concern, how often it was
    escalated and to whom, and the day it is due by
    ("[high] Invoice sent twice (escalated to Dana; due Fri 27 Nov)")."""
    state = item.concern
    text = item.text or ""
    if state is None:
        return text
    notes = []
    if state.escalations:
        to = state.escalated_to
        if state.escalations == 1:
            notes.append("escalated" + (f" to {to}" if to else ""))
        else:
            notes.append(f"escalated {state.escalations} times" + (f", last to {to}" if to else ""))
    if state.due is not None and item.section != OVERDUE:
        notes.append(f"due {format_day(state.due, today)}")
    if state.severity != "normal":
        text = f"[{state.severity}] {text}"
    if item.section == OVERDUE:
        text = f"Concern: {text}"
    return text + (f" ({'; '.join(notes)})" if notes else "")


def _row_text(item: Item, today: date) -> str:
    """The text beside the contact column: an organisation's name is in that column
    already ("Acme  nobody contacted for 45 days (monthly)"); a concern says its
    severity and escalations (``concern_text``)."""
    if item.concern is not None:
        return concern_text(item, today)
    text = item_text(item, today)
    prefix = f"{item.contact}: "
    return text[len(prefix) :] if item.organisation and text.startswith(prefix) else text


def _time(item: Item) -> str | None:
    return item.time_of_day.strftime("%H:%M") if item.time_of_day is not None else None


def record(item: Item, today: date) -> dict[str, object]:
    """The public CSV shape of an agenda item (``RECORD_FIELDS``)."""
    return {
        "id": item.id,
        "kind": item.kind,
        "contact": item.contact,
        "contact_id": item.contact_id,
        "due": item.due.isoformat(),
        "text": item_text(item, today),
        "overdue_days": item.overdue_days,
        "section": item.section,
        "time": _time(item),
        "severity": item.concern.severity if item.concern else None,
        "opened": item.concern.opened.isoformat() if item.concern else None,
        "escalations": item.concern.escalations if item.concern else None,
    }


def json_record(item: Item, today: date) -> dict[str, object]:
    """The public JSON shape of an agenda item: the CSV's fields, then a date's gifts
    (``[]``, ``0`` and ``null`` for every other item; a list and an object do not fit
    a CSV cell)."""
    gifts = item.gifts
    last = gifts.last if gifts is not None else None
    return {
        **record(item, today),
        "gift_ideas": list(gifts.ideas) if gifts is not None else [],
        "more_gift_ideas": gifts.more if gifts is not None else 0,
        "last_gift": (
            {"description": last.description, "given_on": last.given_on.isoformat()}
            if last is not None
            else None
        ),
    }


def _when(item: Item, agenda: Agenda) -> str:
    if item.section == CADENCE:
        return f"{item.overdue_days}d late" if item.overdue_days > 0 else "today"
    if item.silence is not None:  # the day of the last contact (or when added)
        return (agenda.today - timedelta(days=item.silence.days_since)).isoformat()
    if item.section == CONCERNS and item.concern is not None:
        age = (agenda.today - item.concern.opened).days
        return f"open {age}d" if age > 0 else "opened today"
    day = format_day(item.due, agenda.today)
    if item.time_of_day is not None:
        day += f" {_time(item)}"
    if item.section == OVERDUE or (item.section == ENGAGEMENTS and item.overdue_days > 0):
        return f"{day} ({item.overdue_days}d late)"
    return day


def _ref(item: Item) -> str:
    return "" if item.organisation else f"#{item.id}"  # an organisation's id is no contact's


def write(agenda: Agenda, fmt: str, stream: IO[str] | None = None) -> None:
    out = stream or sys.stdout
    if fmt in ("json", "csv"):
        if fmt == "json":
            output.write_json(json_record(item, agenda.today) for item in agenda.items())
        else:
            records = (record(item, agenda.today) for item in agenda.items())
            output.write_csv(records, RECORD_FIELDS)
        hidden = sum(agenda.hidden(name) for name in agenda.sections)
        if hidden:  # the sections' "… and N more" lines, for a script's reader
            output.warn(f"{hidden} more items not shown; add --all for every item")
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
                concern_text(item, agenda.today) if item.concern else item_text(item, agenda.today),
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
                output.plain_cell(_row_text(item, agenda.today)),
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

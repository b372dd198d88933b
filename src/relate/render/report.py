"""How ``report`` looks.

At a terminal: one screen of small charts drawn with Rich (a sparkline of the
interactions per week, bars of NPS per quarter and of contacts by stage and type) and
short tables (the most neglected contacts, engagements per currency). Piped
(``plain``): label/value lines and tab-separated tables, stable for scripts, no
drawing. ``json``: one object (docs/json.md); the keys of the first version come first
and keep their meaning. Rich is imported only to draw at a terminal.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from relate.render import output
from relate.services.report import Report

CONTACTS_COLUMNS = (
    output.Column("Stage", "stage"),
    output.Column("Type", "type"),
    output.Column("Contacts", "contacts", justify="right", keep=True),
)
MONTHLY_COLUMNS = (
    output.Column("Month", "month", keep=True),
    output.Column("Interactions", "interactions", justify="right", keep=True),
    output.Column("People", "people", justify="right", keep=True),
)
WEEKLY_COLUMNS = (
    output.Column("Week", "week", keep=True),
    output.Column("Interactions", "interactions", justify="right", keep=True),
)
QUARTERLY_COLUMNS = (
    output.Column("Quarter", "quarter", keep=True),
    output.Column("Responses", "responses", justify="right", keep=True),
    output.Column("Average", "average", justify="right", keep=True),
    output.Column("NPS", "nps", justify="right", keep=True),
)
NEGLECTED_COLUMNS = (
    output.Column("ID", "id", justify="right", keep=True),
    output.Column("Name", "name"),
    output.Column("Cadence", "cadence_days", justify="right", keep=True),
    output.Column("Last contact", "last_contact", keep=True),
    output.Column("Days", "days_since", justify="right", keep=True),
    output.Column("Cadences", "lateness", justify="right", keep=True),
)
ENGAGEMENT_COLUMNS = (
    output.Column("Currency", "currency", keep=True),
    output.Column("Opened", "opened", justify="right", keep=True),
    output.Column("Value opened", "opened_value", justify="right", keep=True),
    output.Column("Closed", "closed", justify="right", keep=True),
    output.Column("Value closed", "closed_value", justify="right", keep=True),
)
SPARKS = "▁▂▃▄▅▆▇█"


def _average(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def _money(cents: int) -> float:
    return float(Decimal(cents).scaleb(-2))


def _contact_rows(report: Report) -> list[dict[str, object]]:
    return [
        {"stage": row.stage, "type": row.type, "contacts": row.contacts} for row in report.contacts
    ]


def _monthly_rows(report: Report) -> list[dict[str, object]]:
    return [
        {"month": row.month, "interactions": row.interactions, "people": row.people}
        for row in report.monthly
    ]


def _weekly_rows(report: Report) -> list[dict[str, object]]:
    return [{"week": w.week.isoformat(), "interactions": w.interactions} for w in report.weekly]


def _quarterly_rows(report: Report) -> list[dict[str, object]]:
    return [
        {
            "quarter": f"{q.year}-Q{q.quarter}",
            "responses": q.responses,
            "average": _average(q.average),
            "nps": q.nps,
        }
        for q in report.quarterly
    ]


def _neglected_rows(report: Report) -> list[dict[str, object]]:
    return [
        {
            "id": n.id,
            "name": n.name,
            "cadence_days": n.cadence_days,
            "last_contact": n.last_contact.isoformat() if n.last_contact else None,
            "days_since": n.days_since,
            "lateness": round(n.lateness, 2),
        }
        for n in report.neglected
    ]


def _engagement_rows(report: Report) -> list[dict[str, object]]:
    return [
        {
            "currency": f.currency,
            "opened": f.opened,
            "opened_value_cents": f.opened_value_cents,
            "opened_value": _money(f.opened_value_cents),
            "closed": f.closed,
            "closed_value_cents": f.closed_value_cents,
            "closed_value": _money(f.closed_value_cents),
        }
        for f in report.engagements
    ]


def record(report: Report) -> dict[str, object]:
    """The report as the public JSON object (the first version's keys first)."""
    concerns = report.concerns
    return {
        "since": report.since.isoformat(),
        "feedback": {
            "responses": report.responses,
            "average": _average(report.average_score),
            "nps": report.nps,
        },
        "engagements_closed": report.engagements_closed,
        "average_satisfaction": _average(report.average_satisfaction),
        "contacts": _contact_rows(report),
        "monthly": _monthly_rows(report),
        "concerns": {
            "open": concerns.open if concerns else 0,
            "resolved": concerns.resolved if concerns else 0,
            "median_days_to_resolve": concerns.median_days_to_resolve if concerns else None,
        },
        "until": report.until.isoformat() if report.until else None,
        "weekly": _weekly_rows(report),
        "quarterly": _quarterly_rows(report),
        "by_stage": [{"stage": t.name, "contacts": t.contacts} for t in report.by_stage],
        "by_type": [{"type": t.name, "contacts": t.contacts} for t in report.by_type],
        "neglected": _neglected_rows(report),
        "engagements": {
            "opened": report.engagements_opened,
            "closed": report.engagements_ended,
            "currencies": _engagement_rows(report),
        },
    }


def _concern_fields(report: Report) -> list[tuple[str, object]]:
    """Open concerns, and how long the ones resolved in the period took (the median)."""
    concerns = report.concerns
    if concerns is None:
        return []
    median = concerns.median_days_to_resolve
    took = None if median is None else f"{median:g} days ({concerns.resolved} resolved)"
    return [("Open concerns", str(concerns.open)), ("Median time to resolve", took)]


def _fields(report: Report) -> list[tuple[str, object]]:
    return [
        ("Since", report.since.isoformat()),
        ("Until", report.until.isoformat() if report.until else None),
        ("Feedback responses", str(report.responses)),
        ("Average score", _average(report.average_score)),
        ("Net Promoter Score", report.nps),
        ("Engagements closed", str(report.engagements_closed)),
        ("Average satisfaction", _average(report.average_satisfaction)),
        *_concern_fields(report),
    ]


def write(report: Report, fmt: str) -> None:
    if fmt == "json":
        output.write_object(record(report))
    elif fmt == "plain":
        output.write_fields(_fields(report), fmt)
        output.write_table(_contact_rows(report), CONTACTS_COLUMNS, fmt, title="Contacts")
        output.write_table(_monthly_rows(report), MONTHLY_COLUMNS, fmt, title="Contact frequency")
        output.write_table(_weekly_rows(report), WEEKLY_COLUMNS, fmt)
        output.write_table(_quarterly_rows(report), QUARTERLY_COLUMNS, fmt)
        output.write_table(_neglected_rows(report), NEGLECTED_COLUMNS, fmt)
        output.write_table(_engagement_rows(report), ENGAGEMENT_COLUMNS, fmt)
    else:
        _draw(report)


# -- the screen ---------------------------------------------------------------------------


def sparkline(values: list[int], width: int) -> tuple[str, int]:
    """Values as one line of block characters at most ``width`` long: consecutive
    values summed in groups when there are more of them than cells; with the group size."""
    group = max(1, -(-len(values) // max(1, width)))
    sums = [sum(values[n : n + group]) for n in range(0, len(values), group)]
    top = max(sums, default=0)
    if not top:
        return SPARKS[0] * len(sums), group
    return "".join(SPARKS[round(v * (len(SPARKS) - 1) / top)] for v in sums), group


def bar(value: float, top: float, width: int) -> str:
    """A horizontal bar of ``value`` against ``top`` in at most ``width`` cells (one
    cell at least for anything above zero)."""
    if value <= 0 or top <= 0:
        return ""
    return "█" * max(1, round(width * value / top))


def _draw(report: Report) -> None:
    from rich.table import Table
    from rich.text import Text

    screen = output.console()
    width = screen.width
    period = report.since.isoformat() + " to " + (report.until or report.since).isoformat()
    screen.print(Text("Report " + period, style="bold"))

    # Interactions per week: a sparkline with the first and last week under it.
    counts = [w.interactions for w in report.weekly]
    line, group = sparkline(counts, width - 2)
    per = "week" if group == 1 else f"{group} weeks"
    screen.print(
        Text(f"\nInteractions per {per}", style="bold")
        + Text(f"  {sum(counts)} in all, most {max(counts, default=0)} in a week")
    )
    screen.print(Text(line, style="cyan"), no_wrap=True, overflow="crop")
    if report.weekly:
        first, last = report.weekly[0].week.isoformat(), report.weekly[-1].week.isoformat()
        gap = len(line) - len(first) - len(last)
        axis = first + " " * gap + last if gap >= 2 else f"weeks of {first} to {last}"
        screen.print(Text(axis, style="dim"), no_wrap=True, overflow="crop")

    # Feedback per quarter: responses, average, NPS with a bar either side of zero.
    quarters = Table(
        title="Feedback per quarter", title_justify="left", box=None, header_style="bold"
    )
    for header in ("Quarter", "Responses", "Average", "NPS"):
        quarters.add_column(header, justify="left" if header == "Quarter" else "right")
    quarters.add_column("", no_wrap=True, overflow="crop")
    room = max(4, width - 42)
    for q in report.quarterly:
        average = "" if q.average is None else f"{q.average:.1f}"
        nps = _signed(q.nps)
        style = "green" if (q.nps or 0) >= 0 else "red"
        drawn = Text(bar(abs(q.nps or 0), 100, room), style=style)
        quarters.add_row(f"{q.year}-Q{q.quarter}", str(q.responses), average, nps, drawn)
    screen.print()
    screen.print(quarters)

    # Contacts by stage and by type: bars side by side (one under the other when narrow).
    screen.print()
    screen.print(_tallies(report, width))

    _neglected(report, screen)

    # Concerns and engagements in a few lines.
    screen.print()
    concerns = report.concerns
    if concerns is not None:
        median = concerns.median_days_to_resolve
        took = (
            "none resolved in the period"
            if median is None
            else f"{concerns.resolved} resolved in the period, median {median:g} days to resolve"
        )
        screen.print(Text("Concerns", style="bold") + Text(f"  {concerns.open} open; {took}"))
    screen.print(
        Text("Engagements", style="bold")
        + Text(f"  {report.engagements_opened} opened, {report.engagements_ended} closed")
    )
    if report.engagements:
        output.write_table(_engagement_screen_rows(report), ENGAGEMENT_COLUMNS, "table")
    feedback = [f"{report.responses} responses"]
    if report.average_score is not None:
        feedback.append(f"average {report.average_score:.1f}, NPS {_signed(report.nps)}")
    if report.average_satisfaction is not None:
        scored = report.engagements_closed
        feedback.append(f"satisfaction {report.average_satisfaction:.1f} ({scored} scored)")
    screen.print(Text("Feedback", style="bold") + Text("  " + "; ".join(feedback)))


def _signed(value: float | None) -> str:
    """An NPS as people read it: +25, -10, 0 (empty without responses)."""
    if value is None:
        return ""
    return f"{value:+g}" if value else "0"


def _engagement_screen_rows(report: Report) -> list[dict[str, object]]:
    return [
        {
            "currency": f.currency or "(none)",
            "opened": f.opened,
            "opened_value": f"{_money(f.opened_value_cents):,.2f}",
            "closed": f.closed,
            "closed_value": f"{_money(f.closed_value_cents):,.2f}",
        }
        for f in report.engagements
    ]


def _tallies(report: Report, width: int) -> Any:
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    def one(title: str, rows: list[tuple[str, int]], room: int) -> Table:
        # Names as wide as they need (a third of the room for bars at most), counts
        # whole; the bars take what is left, four cells at least.
        names = max((cell_len(output.plain_cell(name)) for name, _ in rows), default=0)
        counts = max((len(str(n)) for _, n in rows), default=0)
        # Three columns with a space either side of each: 6 cells, and one to spare.
        name_width = max(6, min(names, room - counts - 7 - 4))
        bar_width = max(4, min(room // 3, room - name_width - counts - 7))
        table = Table(title=title, title_justify="left", box=None, show_header=False)
        table.add_column(overflow="fold", max_width=name_width)
        table.add_column(justify="right", no_wrap=True)
        table.add_column(no_wrap=True, overflow="crop")
        top = max((n for _, n in rows), default=0)
        for name, n in rows:
            drawn = Text(bar(n, top, bar_width), style="cyan")
            table.add_row(Text(output.plain_cell(name)), str(n), drawn)
        return table

    stages = [(t.name, t.contacts) for t in report.by_stage]
    types = [(t.name, t.contacts) for t in report.by_type]
    if width < 70:
        grid = Table.grid()
        grid.add_column()
        grid.add_row(one("Contacts by stage", stages, width - 4))
        grid.add_row(one("Contacts by type", types, width - 4))
        return grid
    half = (width - 4) // 2
    grid = Table.grid(padding=(0, 4))
    grid.add_column(width=half)
    grid.add_column(width=half)
    grid.add_row(one("Contacts by stage", stages, half), one("Contacts by type", types, half))
    return grid


def _neglected(report: Report, screen: Any) -> None:
    from rich.text import Text

    screen.print()
    if not report.neglected:
        screen.print(Text("Most neglected", style="bold") + Text("  nobody is late for contact"))
        return
    rows = [
        {**row, "last_contact": row["last_contact"] or "never", "lateness": f"{n.lateness:.1f}"}
        for row, n in zip(_neglected_rows(report), report.neglected, strict=True)
    ]
    output.write_table(
        rows,
        NEGLECTED_COLUMNS,
        "table",
        title="Most neglected (cadences passed since the last contact)",
    )

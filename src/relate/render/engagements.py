"""How engagements look: ``engagements`` (a table with the totals per currency under
it; JSON: both, docs/json.md), ``engagement show`` (a card and its history), and what
engagement, engagement edit and close say when they are done."""

from __future__ import annotations

from datetime import date, datetime

from relate.render import output
from relate.render.capture import due_text
from relate.render.orgs import money
from relate.services.engagements import (
    Change,
    Closed,
    Edited,
    EngagementCard,
    EngagementRecord,
    Ledger,
    Total,
)
from relate.services.matching import ContactRef

# The public JSON/CSV shape of an engagement (docs/json.md), in this order.
ENGAGEMENT_FIELDS = (
    "id",
    "title",
    "status",
    "contact",
    "contact_id",
    "org",
    "value_cents",
    "currency",
    "value",
    "started_on",
    "due_on",
    "ended_on",
    "satisfaction",
)
# What, who and when (the due day), whole at 80 columns; the organisation and the
# start are in `engagement show`, CSV and JSON.
ENGAGEMENT_COLUMNS = (
    output.Column("ID", "id", style="dim", justify="right", keep=True),
    output.Column("Title", "title"),
    output.Column("Contact", "contact", style="bold"),
    output.Column("Status", "status", keep=True),
    output.Column("Value", "shown_value", justify="right", keep=True),
    output.Column("Due", "due_on", style="cyan", keep=True),
)
TOTAL_FIELDS = ("currency", "engagements", "value_cents", "value", "open_value_cents", "open_value")
TOTAL_COLUMNS = (
    output.Column("Currency", "currency", keep=True),
    output.Column("Engagements", "engagements", justify="right", keep=True),
    output.Column("Value", "shown_value", justify="right", keep=True),
    output.Column("Open", "shown_open", justify="right", keep=True),
)
HISTORY_COLUMNS = (
    output.Column("When", "when", style="cyan", keep=True),
    output.Column("By", "by"),
    output.Column("Change", "change"),
)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def record(engagement: EngagementRecord) -> dict[str, object]:
    """The public JSON/CSV shape of an engagement (``ENGAGEMENT_FIELDS``)."""
    cents = engagement.value_cents
    return {
        "id": engagement.id,
        "title": engagement.title,
        "status": engagement.status,
        "contact": engagement.contact,
        "contact_id": engagement.contact_id,
        "org": engagement.org,
        "value_cents": cents,
        "currency": engagement.currency,
        "value": None if cents is None else cents / 100,
        "started_on": _day(engagement.started_on),
        "due_on": _day(engagement.due_on),
        "ended_on": _day(engagement.ended_on),
        "satisfaction": engagement.satisfaction,
    }


def total_record(total: Total) -> dict[str, object]:
    return {
        "currency": total.currency,
        "engagements": total.engagements,
        "value_cents": total.value_cents,
        "value": total.value_cents / 100,
        "open_value_cents": total.open_value_cents,
        "open_value": total.open_value_cents / 100,
    }


def _row(engagement: EngagementRecord) -> dict[str, object]:
    return {
        **record(engagement),
        "shown_value": money(engagement.value_cents, engagement.currency),
    }


def write_ledger(ledger: Ledger, fmt: str) -> None:
    """The engagements, then their totals per currency (JSON: one object with both;
    CSV: the engagements only)."""
    if fmt == "json":
        output.write_object(
            {
                "engagements": [record(e) for e in ledger.engagements],
                "totals": [total_record(t) for t in ledger.totals],
            }
        )
        return
    if fmt == "csv":
        output.write_csv([record(e) for e in ledger.engagements], ENGAGEMENT_FIELDS)
        return
    if not ledger.engagements and fmt == "table":
        output.say("No engagements.")
        return
    output.write_table([_row(e) for e in ledger.engagements], ENGAGEMENT_COLUMNS, fmt)
    if ledger.totals:
        output.say("")
        totals = [
            {
                **total_record(t),
                "currency": t.currency or "(none)",
                "shown_value": money(t.value_cents, None),
                "shown_open": money(t.open_value_cents, None),
            }
            for t in ledger.totals
        ]
        output.write_table(totals, TOTAL_COLUMNS, fmt, title="Totals" if fmt == "table" else None)


def change_text(field: str, old: str | None, new: str | None) -> str:
    """A history entry for people: 'value 4,500.00 → 5,000.00', 'due none → 2026-12-15',
    'note: Adds the shop'."""
    if field == "note":
        return f"note: {new or ''}"
    if field == "value":
        old, new = (money(_cents(v), None) if v is not None else None for v in (old, new))
    if field == "satisfaction" and old is None:
        return f"satisfaction {new}/10"
    return f"{field} {old or 'none'} → {new or 'none'}"


def _cents(amount: str) -> int:
    return round(float(amount) * 100)


def write_card(card: EngagementCard, fmt: str) -> None:
    e = card.engagement
    history = [
        {
            "at": entry.at.strftime("%Y-%m-%d %H:%M"),
            "by": entry.by,
            "field": entry.field,
            "old": entry.old,
            "new": entry.new,
        }
        for entry in card.history
    ]
    if fmt == "json":
        output.write_object({**record(e), "history": history})
        return
    if fmt == "csv":
        output.write_csv([record(e)], ENGAGEMENT_FIELDS)
        return
    output.write_fields(
        [
            ("Engagement", f"#{e.id} {e.title}"),
            ("Contact", f"#{e.contact_id} {e.contact}"),
            ("Organisation", e.org),
            ("Status", e.status),
            ("Value", money(e.value_cents, e.currency)),
            ("Started", _day(e.started_on)),
            ("Due", _day(e.due_on)),
            ("Ended", _day(e.ended_on)),
            ("Satisfaction", f"{e.satisfaction}/10" if e.satisfaction is not None else None),
        ],
        fmt,
    )
    if history:
        output.say("")
        rows = [
            {
                "when": h["at"],
                "by": h["by"],
                "change": change_text(entry.field, entry.old, entry.new),
            }
            for h, entry in zip(history, card.history, strict=True)
        ]
        output.write_table(rows, HISTORY_COLUMNS, fmt, title="History")


def started(new_id: int, title: str, ref: ContactRef) -> None:
    output.say(f"Started engagement #{new_id} {title.strip()} with {ref.name}")


def closed(number: int, closed: Closed, now: datetime) -> None:
    """'Closed engagement #1 Website redesign with Ann Smith; follow-up #3 due Tue 8 Dec'."""
    message = f"Closed engagement #{number} {closed.title} with {closed.contact}"
    if closed.follow_up_id is not None and closed.follow_up_due is not None:
        due = due_text(closed.follow_up_due, True, now)
        message += f"; follow-up #{closed.follow_up_id} due {due}"
    output.say(message)


def _changes(changes: list[Change]) -> str:
    return "; ".join(change_text(c.field, c.old, c.new) for c in changes)


def edited(number: int, edited: Edited) -> None:
    """'Updated engagement #1 Website redesign: value 4,500.00 → 5,000.00; note: ...'."""
    title = edited.engagement.title
    if not edited.changes:
        output.say(f"Engagement #{number} {title} unchanged")
        return
    output.say(f"Updated engagement #{number} {title}: {_changes(edited.changes)}")

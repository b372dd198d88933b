"""How ``reminders`` looks: one row per reminder or follow-up; with ``--all`` on a
table a status column tells the done ones from the open ones."""

from __future__ import annotations

from relate.render import output

# The public JSON/CSV shape of a reminder (docs/json.md), in this order.
FIELDS = (
    "id",
    "kind",
    "contact",
    "contact_id",
    "due",
    "time",
    "text",
    "every",
    "rrule",
    "snoozed",
    "done",
)
COLUMNS = (
    output.Column("ID", "id", style="dim", justify="right", keep=True),
    output.Column("Due", "due", keep=True),
    output.Column("Time", "time", keep=True),
    output.Column("Kind", "kind", keep=True),
    output.Column("Contact", "contact", style="bold"),
    output.Column("Text", "text"),
    output.Column("Every", "every", style="cyan"),
)


def _status(record: dict[str, object]) -> str:
    return "done" if record["done"] else "snoozed" if record["snoozed"] else "open"


def write(records: list[dict[str, object]], fmt: str, with_done: bool) -> None:
    columns: tuple[output.Column, ...] = COLUMNS
    if with_done and fmt in ("table", "plain"):
        # Done ones listed with open ones must look done: a status column says which.
        records = [{**record, "status": _status(record)} for record in records]
        columns = (columns[0], output.Column("Status", "status", keep=True), *columns[1:])
    output.write_records(records, FIELDS, columns, fmt, "Reminders")

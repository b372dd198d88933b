"""How the relationship-practice listings look: ``concerns`` and ``gifts``."""

from __future__ import annotations

from relate.render import output

CONCERN_FIELDS = ("id", "contact", "contact_id", "opened", "text", "resolved", "resolution")
CONCERN_COLUMNS = (
    output.Column("ID", "id", style="dim", justify="right", keep=True),
    output.Column("Opened", "opened", keep=True),
    output.Column("Contact", "contact", style="bold"),
    output.Column("Concern", "text"),
    output.Column("Resolved", "resolved", keep=True),
    output.Column("Resolution", "resolution"),
)
GIFT_FIELDS = ("id", "description", "status", "occasion", "given_on")
GIFT_COLUMNS = (
    output.Column("ID", "id", style="dim", justify="right", keep=True),
    output.Column("Gift", "description"),
    output.Column("Status", "status", keep=True),
    output.Column("Occasion", "occasion"),
    output.Column("Given", "given_on", keep=True),
)


def write_concerns(records: list[dict[str, object]], fmt: str) -> None:
    output.write_records(records, CONCERN_FIELDS, CONCERN_COLUMNS, fmt, "Concerns")


def write_gifts(records: list[dict[str, object]], fmt: str) -> None:
    output.write_records(records, GIFT_FIELDS, GIFT_COLUMNS, fmt, "Gifts")

"""How ``list`` looks: one row per contact; CSV and JSON carry every field of the
public record (``CONTACT_FIELDS``, docs/json.md)."""

from __future__ import annotations

from collections.abc import Iterable

from relate.render import output
from relate.services.contacts import CONTACT_FIELDS

COLUMNS = (
    output.Column("ID", "id", style="dim", justify="right", keep=True),
    output.Column("Name", "name", style="bold"),
    output.Column("Org", "org"),
    output.Column("Tags", "tags", style="cyan"),
    output.Column("Stage", "stage"),
    output.Column("Cadence", "cadence"),
    output.Column("E-mail", "emails"),
)


def write(records: Iterable[dict[str, object]], fmt: str) -> None:
    output.write_records(records, CONTACT_FIELDS, COLUMNS, fmt)

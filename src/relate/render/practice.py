"""How the relationship-practice listings look: ``gifts`` (concerns are
``render/concerns.py``'s); and what feedback and gift say when they are done."""

from __future__ import annotations

from relate.render import output
from relate.services.matching import ContactRef

GIFT_FIELDS = ("id", "description", "status", "occasion", "given_on")
GIFT_COLUMNS = (
    output.Column("ID", "id", style="dim", justify="right", keep=True),
    output.Column("Gift", "description"),
    output.Column("Status", "status", keep=True),
    output.Column("Occasion", "occasion"),
    output.Column("Given", "given_on", keep=True),
)


def write_gifts(records: list[dict[str, object]], fmt: str) -> None:
    output.write_records(records, GIFT_FIELDS, GIFT_COLUMNS, fmt, "Gifts")


def feedback_recorded(new_id: int, score: int, ref: ContactRef) -> None:
    output.say(f"Recorded feedback #{new_id} ({score}/10) from {ref.name}")


def gift_noted(new_id: int, ref: ContactRef, given: bool) -> None:
    """'Gift #3 for Ann Smith' when given, 'Gift idea #3 for Ann Smith' when not."""
    output.say(f"{'Gift' if given else 'Gift idea'} #{new_id} for {ref.name}")

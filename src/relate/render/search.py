"""How ``search`` looks: one row per hit (contacts, then interactions), the matched
text without its marks; "Nothing found" for a person when there is no hit."""

from __future__ import annotations

from relate.render import output
from relate.services.search import HIT_END, HIT_START, Hit

# The public JSON/CSV shape of a hit (docs/json.md), in this order.
RECORD_FIELDS = ("type", "id", "contact", "contact_id", "when", "kind", "text")
COLUMNS = (
    output.Column("Type", "type", style="dim", keep=True),
    output.Column("ID", "id", style="dim", justify="right", keep=True),
    output.Column("When", "when", keep=True),
    output.Column("Who", "contact", style="bold"),
    output.Column("Kind", "kind", keep=True),
    output.Column("Text", "text"),
)


def _text(hit: Hit) -> str:
    if hit.tag is not None:
        return f"tag: {hit.tag}"
    if hit.field is not None:
        return f"{hit.field}: {hit.value}"
    return hit.snippet.replace(HIT_START, "").replace(HIT_END, "")


def record(hit: Hit) -> dict[str, object]:
    return {
        "type": hit.type,
        "id": hit.id,
        "contact": hit.contact,
        "contact_id": hit.contact_id,
        "when": hit.when.isoformat() if hit.when else None,
        "kind": hit.kind,
        "text": _text(hit),
    }


def write(hits: list[Hit], fmt: str, query: str) -> None:
    if not hits and fmt in ("table", "plain"):
        output.say(f"Nothing found for {query!r}.")
    else:
        output.write_records([record(hit) for hit in hits], RECORD_FIELDS, COLUMNS, fmt)

"""How concerns look: the ``concerns`` listing with each concern's escalation trail,
a trail as JSON objects, and what concern, escalate and resolve say when done."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from relate.csvcodec import join_list
from relate.render import output
from relate.services.concerns import Escalated, Step
from relate.services.matching import ContactRef

CONCERN_FIELDS = (
    "id",
    "contact",
    "contact_id",
    "opened",
    "text",
    "resolved",
    "resolution",
    "severity",
    "due",
    "cause",
    "prevent",
    "escalations",
    "trail",
)
CONCERN_COLUMNS = (
    output.Column("ID", "id", style="dim", justify="right", keep=True),
    output.Column("Opened", "opened", keep=True),
    output.Column("Contact", "contact", style="bold"),
    output.Column("Concern", "text"),
    output.Column("Due", "due", keep=True),
    output.Column("Resolved", "resolved", keep=True),
    output.Column("Resolution", "resolution"),
)


def step_record(step: Step) -> dict[str, object]:
    """One escalation as a JSON object (docs/json.md)."""
    return {
        "when": step.at.strftime("%Y-%m-%d %H:%M"),
        "by": step.by,
        "to": step.to,
        "note": step.note,
        "severity_before": step.severity_before,
        "severity_after": step.severity_after,
    }


def step_text(step: Step) -> str:
    """One escalation for people: 'escalated by sam to Dana, normal → high: refund'."""
    text = "escalated"
    if step.by:
        text += f" by {step.by}"
    if step.to:
        text += f" to {step.to}"
    if step.severity_after != step.severity_before:
        text += f", {step.severity_before} → {step.severity_after}"
    return text + (f": {step.note}" if step.note else "")


def _trail(record: Mapping[str, Any]) -> list[Step]:
    trail: list[Step] = record["escalations"]
    return trail


def _json(record: Mapping[str, Any]) -> dict[str, object]:
    trail = _trail(record)
    return {**record, "escalations": len(trail), "trail": [step_record(s) for s in trail]}


def _csv(record: Mapping[str, Any]) -> dict[str, object]:
    trail = _trail(record)
    lines = [f"{s.at:%Y-%m-%d %H:%M} {step_text(s)}" for s in trail]
    return {**record, "escalations": len(trail), "trail": join_list(lines)}


def _rows(records: Sequence[Mapping[str, Any]], fmt: str) -> list[dict[str, object]]:
    """A row per concern, its severity before its text unless normal ("[high] ..."),
    and (in a table) a row per escalation under it: its day in the Opened column,
    what happened in the Concern column. Plain output keeps one line per concern, its
    trail at the end of the text. The resolution says the cause and the prevention."""
    rows: list[dict[str, object]] = []
    for record in records:
        trail = _trail(record)
        row = {**record, "cause": None, "prevent": None}
        resolution = [str(record["resolution"] or "")]
        if record["cause"]:
            resolution.append(f"cause: {record['cause']}")
        if record["prevent"]:
            resolution.append(f"prevent: {record['prevent']}")
        row["resolution"] = "; ".join(part for part in resolution if part) or None
        if record["severity"] != "normal":
            row["text"] = f"[{record['severity']}] {record['text']}"
        if fmt == "plain" and trail:
            steps = "; ".join(f"{s.at:%Y-%m-%d} {step_text(s)}" for s in trail)
            row["text"] = f"{row['text']} ({steps})"
        rows.append(row)
        if fmt != "plain":
            rows.extend({"opened": f"{s.at:%Y-%m-%d}", "text": f"↳ {step_text(s)}"} for s in trail)
    return rows


def write_concerns(records: list[dict[str, object]], fmt: str) -> None:
    if fmt == "json":
        output.write_json(_json(record) for record in records)
    elif fmt == "csv":
        output.write_csv((_csv(record) for record in records), CONCERN_FIELDS)
    else:
        output.write_table(_rows(records, fmt), CONCERN_COLUMNS, fmt, title="Concerns")


def concern_opened(new_id: int, ref: ContactRef, severity: str = "normal") -> None:
    kind = "concern" if severity == "normal" else f"{severity}-severity concern"
    output.say(f"Opened {kind} #{new_id} for {ref.name}")


def concern_escalated(done: Escalated) -> None:
    """'Escalated concern #3 for Ann Smith to Dana (normal → high)'."""
    text = f"Escalated concern #{done.concern_id} for {done.contact}"
    if done.to:
        text += f" to {done.to}"
    if done.severity_after != done.severity_before:
        text += f" ({done.severity_before} → {done.severity_after})"
    else:
        text += f" (still {done.severity_after})"
    output.say(text)


def concern_resolved(number: int, name: str) -> None:
    output.say(f"Resolved concern #{number} for {name}")

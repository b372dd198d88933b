"""How ``show`` looks: a contact's card of label/value lines, their dates and a
timeline table; the same facts as one JSON object (docs/json.md) or a CSV row."""

from __future__ import annotations

from datetime import datetime

from relate.render import output
from relate.render.concerns import step_record, step_text
from relate.render.contacts import address_line
from relate.services.contacts import csv_columns, csv_record
from relate.services.fields import Address
from relate.services.timeline import Card, Entry, OpenConcern

TIMELINE_COLUMNS = (
    output.Column("When", "when", style="cyan", keep=True),
    output.Column("ID", "id", style="dim", justify="right", keep=True),
    output.Column("Kind", "kind", keep=True),
    output.Column("Text", "text"),
)


def _when(entry: Entry) -> str:
    return entry.at.strftime("%Y-%m-%d %H:%M")


def _minute(at: datetime | None) -> str | None:
    return at.strftime("%Y-%m-%d %H:%M") if at is not None else None


NOTES_COLUMNS = (
    output.Column("Written", "written", style="cyan", keep=True),
    output.Column("Replaced", "replaced", style="cyan", keep=True),
    output.Column("Notes", "notes"),
)


def _by(at: datetime | None, by: str | None) -> str:
    return (_minute(at) or "—") + (f" {by}" if by else "")


def _notes_rows(card: Card) -> list[dict[str, object]]:
    return [
        {
            "written": _by(n.written_at, n.written_by),
            "replaced": _by(n.replaced_at, n.replaced_by),
            "notes": n.notes,
        }
        for n in card.notes_history
    ]


def record(card: Card) -> dict[str, object]:
    """The card as the public JSON object of ``show``."""
    return {
        **card.contact,
        "owner": card.owner,
        "referred_by": card.referred_by,
        "last_contact": card.last_contact.isoformat() if card.last_contact else None,
        "dates": [
            {
                "id": d.id,
                "label": d.label,
                "date": d.date.iso(),
                "lead_days": d.lead_days,
                "once": d.once,
            }
            for d in card.dates
        ],
        "stages": [{"stage": s.stage, "on": s.on.isoformat()} for s in card.stages],
        "referred": [{"id": r.id, "name": r.name} for r in card.referred],
        "engagements": [
            {
                "id": e.id,
                "title": e.title,
                "status": e.status,
                "value_cents": e.value_cents,
                "currency": e.currency,
                "started_on": e.started_on,
                "ended_on": e.ended_on,
                "satisfaction": e.satisfaction,
                "value": e.value,
            }
            for e in card.engagements
        ],
        "feedback": [
            {"score": f.score, "received_on": f.received_on, "note": f.note} for f in card.feedback
        ],
        "concerns": [
            {
                "id": c.id,
                "text": c.text,
                "opened": c.opened.isoformat(),
                "severity": c.severity,
                "due": c.due.isoformat() if c.due else None,
                "escalations": len(c.trail),
                "trail": [step_record(step) for step in c.trail],
            }
            for c in card.concerns
        ],
        "notes_history": [
            {
                "notes": n.notes,
                "written_at": _minute(n.written_at),
                "written_by": n.written_by,
                "replaced_at": _minute(n.replaced_at),
                "replaced_by": n.replaced_by,
            }
            for n in card.notes_history
        ],
        "timeline": [
            {
                "type": e.type,
                "id": e.id,
                "kind": e.kind,
                "when": _when(e),
                "text": e.text,
                "done": e.done,
                "all_day": e.all_day,
                "logged_by": e.logged_by,
            }
            for e in card.timeline
        ],
        "gift_ideas": [{"id": g.id, "description": g.description} for g in card.gift_ideas],
        "last_gift": (
            {
                "id": card.last_gift.id,
                "description": card.last_gift.description,
                "given_on": card.last_gift.given_on,
            }
            if card.last_gift is not None
            else None
        ),
    }


def _timeline_rows(card: Card) -> list[dict[str, object]]:
    """Timeline entries as a person reads them: a day without a time shows no
    "00:00", and a done reminder says so."""
    return [
        {
            "when": _when(e)[:10] if e.all_day else _when(e),
            "id": e.id,
            "kind": f"{e.kind} (done)" if e.done else e.kind,
            "logged_by": e.logged_by,
            "text": e.text,
        }
        for e in card.timeline
    ]


def _timeline_columns(card: Card, me: str | None) -> tuple[output.Column, ...]:
    """The timeline's columns, with "By" when someone other than ``me`` logged one of
    the entries shown (a team's database): one person's own book looks as it did."""
    if any(e.logged_by not in (None, me) for e in card.timeline):
        return (*TIMELINE_COLUMNS[:3], output.Column("By", "logged_by"), *TIMELINE_COLUMNS[3:])
    return TIMELINE_COLUMNS


def _concern(concern: OpenConcern) -> str:
    """'#3 [high] Site down (due 2026-11-27)': the severity unless normal."""
    severity = "" if concern.severity == "normal" else f"[{concern.severity}] "
    due = f" (due {concern.due.isoformat()})" if concern.due else ""
    return f"#{concern.id} {severity}{concern.text}{due}"


def _addresses(card: Card) -> list[tuple[str, object]]:
    addresses = card.contact.get("addresses")
    if not isinstance(addresses, list):
        return []
    return [("Address", address_line(Address(**address))) for address in addresses]


def _custom(card: Card) -> list[tuple[str, object]]:
    """A row per custom field, labelled with its key."""
    custom = card.contact.get("fields")
    return list(custom.items()) if isinstance(custom, dict) else []


def _fields(card: Card) -> list[tuple[str, object]]:
    contact = card.contact
    return [
        ("Contact", f"#{contact['id']} {contact['name']}"),
        ("Also known as", contact["aliases"]),
        ("E-mail", contact["emails"]),
        ("Phone", contact["phones"]),
        *_addresses(card),
        ("Organisation", contact["org"]),
        ("Role", contact["role"]),
        ("Tags", contact["tags"]),
        ("Type", contact["type"]),
        ("Stage", contact["stage"]),
        ("Cadence", contact["cadence"]),
        ("Priority", contact["priority"]),
        ("Birthday", contact["birthday"]),
        ("Last contact", card.last_contact.isoformat() if card.last_contact else None),
        ("Owner", card.owner),
        ("Referred by", card.referred_by),
        ("Referred", [f"#{r.id} {r.name}" for r in card.referred]),
        ("Stages", [f"{s.stage} ({s.on.isoformat()})" for s in card.stages]),
        ("Engagements", [f"#{e.id} {e.title} ({e.status})" for e in card.engagements]),
        ("Feedback", [f"{f.score}/10 ({f.received_on})" for f in card.feedback]),
        ("Open concerns", [_concern(c) for c in card.concerns]),
        *(
            (f"Escalated #{c.id}", f"{step.at:%Y-%m-%d} {step_text(step)[len('escalated ') :]}")
            for c in card.concerns
            for step in c.trail
        ),
        ("Gift ideas", [f"#{g.id} {g.description}" for g in card.gift_ideas]),
        (
            "Last gift",
            f"{card.last_gift.description} ({card.last_gift.given_on})" if card.last_gift else None,
        ),
        *_custom(card),
        ("Archived", "yes" if contact["archived"] else None),
        ("Notes", contact["notes"]),
    ]


def write(card: Card, fmt: str, limit: int, me: str | None = None, history: bool = False) -> None:
    """The card in ``fmt``; entries beyond ``limit`` are counted (on stdout for a
    table, as a warning otherwise) with the ``-n`` that shows them all. ``me``: the
    current user, whose own entries need no "By". ``history``: the earlier notes too,
    newest first, with when and by whom each was written and replaced (JSON always
    has them)."""
    if fmt == "json":
        output.write_object(record(card))
    elif fmt == "csv":
        custom = card.contact.get("fields")
        keys = sorted(custom) if isinstance(custom, dict) else []
        output.write_csv([csv_record(card.contact, keys)], csv_columns(keys))
    else:
        output.write_fields(_fields(card), fmt)
        if card.dates:
            dates_text = "; ".join(
                f"{d.label} {d.date.iso()}" + (" (once)" if d.once else "") for d in card.dates
            )
            output.write_fields([("Dates", dates_text)], fmt)
        if history and card.notes_history:
            output.say("")
            output.write_table(_notes_rows(card), NOTES_COLUMNS, fmt, title="Earlier notes")
        if card.timeline:
            output.say("")
            output.write_table(
                _timeline_rows(card), _timeline_columns(card, me), fmt, title="Timeline"
            )
    more = card.timeline_total - len(card.timeline)
    if more > 0 and fmt == "table":
        output.say(f"… and {more} more (-n {limit + more})")
    elif more > 0:
        output.warn(f"{more} more timeline entries not shown; add -n {limit + more}")

"""How organisations look: ``org list`` as a table, ``org show`` as a card with its
people, open engagements and concerns; the same facts as JSON (docs/json.md); what
``org add`` and ``org edit`` say when they are done."""

from __future__ import annotations

from collections.abc import Sequence

from relate.dates import format_cadence
from relate.render import output
from relate.services.matching import ContactRef
from relate.services.orgs import OrgCard, OrgSummary

ORG_FIELDS = ("id", "name", "people", "cadence", "last_contact", "notes")
ORG_COLUMNS = (
    output.Column("ID", "id", style="dim", justify="right", keep=True),
    output.Column("Organisation", "name", style="bold"),
    output.Column("People", "people", justify="right", keep=True),
    output.Column("Cadence", "cadence"),
    output.Column("Last contact", "last_contact", keep=True),
)
PEOPLE_COLUMNS = (
    output.Column("ID", "id", style="dim", justify="right", keep=True),
    output.Column("Name", "name", style="bold"),
    output.Column("Role", "role"),
    output.Column("Decides", "decides", keep=True),
    output.Column("Owner", "owner"),
    output.Column("Last contact", "last_contact", keep=True),
)


def _cadence(days: int | None) -> str | None:
    return format_cadence(days) if days else None


def _day(day: object) -> str | None:
    return day.isoformat() if day is not None else None  # type: ignore[attr-defined]


def summary_record(org: OrgSummary) -> dict[str, object]:
    return {
        "id": org.id,
        "name": org.name,
        "people": org.people,
        "cadence": _cadence(org.cadence_days),
        "last_contact": _day(org.last_contact),
        "notes": org.notes,
    }


def write_list(orgs: Sequence[OrgSummary], fmt: str) -> None:
    output.write_records(
        [summary_record(org) for org in orgs], ORG_FIELDS, ORG_COLUMNS, fmt, "Organisations"
    )


def money(value_cents: int | None, currency: str | None) -> str | None:
    """``4,500.00 EUR``: an engagement's value for people."""
    if value_cents is None:
        return None
    return f"{value_cents / 100:,.2f}" + (f" {currency}" if currency else "")


def record(card: OrgCard) -> dict[str, object]:
    """The public JSON object of ``org show``."""
    return {
        "id": card.id,
        "name": card.name,
        "cadence": _cadence(card.cadence_days),
        "owners": card.owners,
        "last_contact": _day(card.last_contact),
        "last_contact_with": card.last_contact_with,
        "people": [
            {
                "id": p.id,
                "name": p.name,
                "role": p.role,
                "decides": p.decides,
                "owner": p.owner,
                "last_contact": _day(p.last_contact),
                "archived": p.archived,
            }
            for p in card.people
        ],
        "engagements": [
            {
                "id": e.id,
                "title": e.title,
                "status": e.status,
                "contact": e.contact,
                "value_cents": e.value_cents,
                "currency": e.currency,
            }
            for e in card.engagements
        ],
        "concerns": [
            {
                "id": k.id,
                "contact": k.contact,
                "text": k.text,
                "opened": k.opened.isoformat(),
                "severity": k.severity,
            }
            for k in card.concerns
        ],
        "notes": card.notes,
    }


def _fields(card: OrgCard) -> list[tuple[str, object]]:
    last = None
    if card.last_contact is not None:
        last = f"{card.last_contact.isoformat()} with {card.last_contact_with}"
    lapsed = None
    if card.neglect is not None:
        lapsed = f"nobody contacted for {card.neglect.days_since} days"
    return [
        ("Organisation", f"#{card.id} {card.name}"),
        ("Cadence", _cadence(card.cadence_days)),
        ("Owners", card.owners),
        ("Last contact", last),
        ("Overdue", lapsed),
        (
            "Engagements",
            [
                f"#{e.id} {e.title} ({e.status}"
                + (f", {money(e.value_cents, e.currency)}" if e.value_cents is not None else "")
                + f", {e.contact})"
                for e in card.engagements
            ],
        ),
        (
            "Open concerns",
            [
                f"#{k.id} "
                + ("" if k.severity == "normal" else f"[{k.severity}] ")
                + f"{k.text} ({k.contact})"
                for k in card.concerns
            ],
        ),
        ("Notes", card.notes),
    ]


def write_card(card: OrgCard, fmt: str) -> None:
    if fmt == "json":
        output.write_object(record(card))
        return
    output.write_fields(_fields(card), fmt)
    people = [
        {
            "id": p.id,
            "name": p.name + (" (archived)" if p.archived else ""),
            "role": p.role,
            "decides": "yes" if p.decides else "",
            "owner": p.owner,
            "last_contact": _day(p.last_contact),
        }
        for p in card.people
    ]
    if people:
        output.say("")
        output.write_table(people, PEOPLE_COLUMNS, fmt, title="People")


def added(ref: ContactRef) -> None:
    output.say(f"Added organisation {ref.label()}")


def unchanged(ref: ContactRef) -> None:
    output.say(f"Nothing changed: {ref.label()} already is as asked")


def updated(ref: ContactRef) -> None:
    output.say(f"Updated organisation {ref.label()}")

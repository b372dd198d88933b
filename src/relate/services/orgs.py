"""Organisations: the client as a whole, with its people, who decides, who owns the
relationship, its engagements and concerns, and a cadence of its own.

An organisation's cadence counts contact with anyone there (``agenda.org_neglect``):
the agenda's cadence section names an organisation nobody there has heard from for
longer than its cadence (``agenda.lapsed_orgs``, kept there so that ``today`` does not
import this module).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from relate import clock
from relate.errors import RelateError, UsageError
from relate.services.agenda import Neglect, org_neglect
from relate.services.matching import ContactRef, fold
from relate.services.severity import severity_name
from relate.storage.database import Database
from relate.storage.sql import statement

# Open engagements are those not yet done or cancelled.
OPEN_STATUSES = ("proposed", "active")

LIST_ORGS = statement(
    """SELECT o.id, o.name, o.cadence_days, o.notes,
        (SELECT count(*) FROM contact c WHERE c.org_id = o.id) AS people,
        (SELECT max(c.last_contact_at) FROM contact c WHERE c.org_id = o.id) AS last_contact_at
    FROM organisation o ORDER BY o.name COLLATE NOCASE, o.id"""
)
FIND_ORG_KEY = statement("SELECT id, name FROM organisation WHERE name_key = :key")
ADD_ORG = statement(
    """INSERT INTO organisation (name, name_key, notes, cadence_days, created_at)
    VALUES (:name, :key, '', NULL, :now)"""
)
GET_ORG = statement(
    "SELECT id, name, notes, cadence_days, created_at FROM organisation WHERE id = :id"
)
UPDATE_ORG = statement(
    """UPDATE organisation SET name = :name, name_key = :key, notes = :notes,
        cadence_days = :cadence_days
    WHERE id = :id"""
)
ORG_PEOPLE = statement(
    """SELECT id, name, role, decides, owner, last_contact_at, archived_at IS NOT NULL AS archived
    FROM contact WHERE org_id = :id ORDER BY decides DESC, name COLLATE NOCASE, id"""
)
# The last contact with anyone there: one step down ix_contact_org_last_contact.
ORG_LAST_CONTACT = statement(
    """SELECT id, name, last_contact_at FROM contact
    WHERE org_id = :id AND last_contact_at IS NOT NULL
    ORDER BY last_contact_at DESC, id LIMIT 1"""
)
ORG_ENGAGEMENTS = statement(
    """SELECT e.id, e.title, e.status, e.value_cents, e.currency, e.started_on,
        c.name AS contact
    FROM engagement e JOIN contact c ON c.id = e.contact_id
    WHERE c.org_id = :id AND e.status IN ('proposed', 'active')
    ORDER BY e.started_on, e.id"""
)
ORG_CONCERNS = statement(
    """SELECT k.id, k.text, k.opened_at, k.severity, c.name AS contact
    FROM concern k JOIN contact c ON c.id = k.contact_id
    WHERE c.org_id = :id AND k.resolved_at IS NULL
    ORDER BY k.severity DESC, k.opened_at, k.id"""
)


@dataclass(frozen=True)
class OrgSummary:
    """An organisation in ``org list``."""

    id: int
    name: str
    people: int
    cadence_days: int | None
    last_contact: date | None
    notes: str


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    role: str | None
    decides: bool
    owner: str | None
    last_contact: date | None
    archived: bool


@dataclass(frozen=True)
class OpenEngagement:
    id: int
    title: str
    status: str
    contact: str
    value_cents: int | None
    currency: str | None


@dataclass(frozen=True)
class OpenConcern:
    id: int
    contact: str
    text: str
    opened: date
    severity: str = "normal"  # low | normal | high


@dataclass(frozen=True)
class OrgCard:
    """Everything ``org show`` tells about an organisation."""

    id: int
    name: str
    notes: str
    cadence_days: int | None
    people: list[Person]
    owners: list[str]  # who owns the relationships with its people, first seen first
    last_contact: date | None  # the local day of the last contact with anyone there
    last_contact_with: str | None  # and whom
    engagements: list[OpenEngagement]
    concerns: list[OpenConcern]
    neglect: Neglect | None  # set when its cadence has lapsed


def _day(stamp: object) -> date | None:
    return clock.local_day_of(str(stamp)) if stamp else None


def list_orgs(db: Database) -> list[OrgSummary]:
    return [
        OrgSummary(
            int(row["id"]),
            str(row["name"]),
            int(row["people"]),
            row["cadence_days"],
            _day(row["last_contact_at"]),
            str(row["notes"] or ""),
        )
        for row in db.execute(LIST_ORGS)
    ]


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise RelateError("an organisation needs a name")
    return cleaned


def add_org(db: Database, name: str, now: datetime) -> ContactRef:
    """A new organisation; one of the same name (ignoring case and accents) is refused."""
    cleaned = _clean_name(name)
    key = fold(cleaned)
    with db.transaction() as conn:
        row = conn.execute(FIND_ORG_KEY, {"key": key}).fetchone()
        if row is not None:
            raise UsageError(
                f"organisation #{row['id']} {row['name']} already exists",
                hint="relate org show or org edit it",
            )
        new_id = conn.insert(ADD_ORG, {"name": cleaned, "key": key, "now": clock.to_storage(now)})
    return ContactRef(new_id, cleaned)


def edit_org(
    db: Database,
    ref: ContactRef,
    *,
    name: str | None = None,
    notes: str | None = None,
    cadence_days: int | None = None,
    clear_cadence: bool = False,
) -> ContactRef:
    """Rename an organisation, replace its notes, set or clear its cadence."""
    with db.transaction() as conn:
        row = conn.execute(GET_ORG, {"id": ref.id}).fetchone()
        new_name = _clean_name(name) if name is not None else str(row["name"])
        key = fold(new_name)
        other = conn.execute(FIND_ORG_KEY, {"key": key}).fetchone()
        if other is not None and int(other["id"]) != ref.id:
            raise UsageError(
                f"organisation #{other['id']} {other['name']} already has that name",
                hint="pick another name",
            )
        cadence = None if clear_cadence else (cadence_days or row["cadence_days"])
        conn.execute(
            UPDATE_ORG,
            {
                "id": ref.id,
                "name": new_name,
                "key": key,
                "notes": str(row["notes"] or "") if notes is None else notes.strip(),
                "cadence_days": cadence,
            },
        )
    return ContactRef(ref.id, new_name)


def org_card(db: Database, ref: ContactRef, today: date) -> OrgCard:
    row = db.execute(GET_ORG, {"id": ref.id}).fetchone()
    people = [
        Person(
            int(p["id"]),
            str(p["name"]),
            p["role"] or None,
            bool(p["decides"]),
            p["owner"],
            _day(p["last_contact_at"]),
            bool(p["archived"]),
        )
        for p in db.execute(ORG_PEOPLE, {"id": ref.id})
    ]
    owners = list(dict.fromkeys(p.owner for p in people if p.owner))
    last = db.execute(ORG_LAST_CONTACT, {"id": ref.id}).fetchone()
    last_day = _day(last["last_contact_at"]) if last is not None else None
    engagements = [
        OpenEngagement(
            int(e["id"]),
            str(e["title"]),
            str(e["status"]),
            str(e["contact"]),
            e["value_cents"],
            e["currency"],
        )
        for e in db.execute(ORG_ENGAGEMENTS, {"id": ref.id})
    ]
    concerns = [
        OpenConcern(
            int(k["id"]),
            str(k["contact"]),
            str(k["text"]),
            clock.local_day_of(str(k["opened_at"])),
            severity_name(int(k["severity"])),
        )
        for k in db.execute(ORG_CONCERNS, {"id": ref.id})
    ]
    created = clock.local_day_of(str(row["created_at"]))
    return OrgCard(
        ref.id,
        str(row["name"]),
        str(row["notes"] or ""),
        row["cadence_days"],
        people,
        owners,
        last_day,
        str(last["name"]) if last is not None else None,
        engagements,
        concerns,
        org_neglect(today, row["cadence_days"], last_day, created),
    )

"""Engagements as a ledger: projects and contracts with a client, their value and due
date, and a history that is only ever added to.

Every change `engagement edit` and `close` make is written as a dated entry of
``engagement_entry`` (the field, the old and the new value, who made it) beside the
change itself, and a note is an entry of its own: nothing said about an engagement
is overwritten. Closing asks for the client's satisfaction, as the field advises, and
sets a follow-up to ask for a referral or testimonial.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from relate import clock
from relate.errors import NotFoundError, RelateError, UsageError
from relate.services.matching import ContactRef
from relate.services.reminders import FOLLOW_UP, insert_reminder, parse_id
from relate.storage.database import Database
from relate.storage.engines import Row
from relate.storage.sql import statement

OPEN_STATUSES = ("proposed", "active")
# The follow-up `close` sets (unless --no-follow-up), and how many days after closing.
REFERRAL_TEXT = "Ask for a referral or testimonial"
REFERRAL_AFTER_DAYS = 14

ADD_ENGAGEMENT = statement(
    """INSERT INTO engagement (contact_id, title, status, value_cents, currency, started_on,
        notes, created_at, due_on)
    VALUES (:contact_id, :title, 'active', :value_cents, :currency, :started_on, '', :now,
        :due_on)"""
)
_ENGAGEMENT = """SELECT e.id, e.title, e.status, e.value_cents, e.currency, e.started_on,
        e.due_on, e.ended_on, e.satisfaction, c.id AS contact_id, c.name AS contact,
        o.name AS org
    FROM engagement e JOIN contact c ON c.id = e.contact_id
    LEFT JOIN organisation o ON o.id = c.org_id"""
GET_ENGAGEMENT = statement(_ENGAGEMENT + " WHERE e.id = :id")
LIST_ENGAGEMENTS = statement(
    _ENGAGEMENT
    + """ WHERE (:all OR e.status IN ('proposed', 'active'))
    AND (CAST(:contact_id AS INTEGER) IS NULL OR e.contact_id = :contact_id)
    AND (CAST(:org_id AS INTEGER) IS NULL OR c.org_id = :org_id)
    ORDER BY e.status NOT IN ('proposed', 'active'), e.started_on, e.id"""
)
CLOSE_ENGAGEMENT = statement(
    """UPDATE engagement SET status = :status, ended_on = :ended_on, satisfaction = :score
    WHERE id = :id"""
)
UPDATE_ENGAGEMENT = statement(
    """UPDATE engagement SET title = :title, value_cents = :value_cents, currency = :currency,
        due_on = :due_on
    WHERE id = :id"""
)
ADD_ENTRY = statement(
    """INSERT INTO engagement_entry (engagement_id, entered_at, entered_by, field, old_value,
        new_value)
    VALUES (:engagement_id, :now, :by, :field, :old, :new)"""
)
HISTORY = statement(
    """SELECT id, entered_at, entered_by, field, old_value, new_value FROM engagement_entry
    WHERE engagement_id = :id ORDER BY entered_at, id"""
)


def parse_engagement_id(text: str) -> int:
    """``2`` or ``#2``: the id `relate engagement` printed."""
    return parse_id(text, "an engagement")


def parse_money(text: str) -> int:
    """'4500', '4,500.50' -> cents."""
    cleaned = text.replace(",", "").replace("_", "").strip()
    try:
        cents = round(float(cleaned) * 100)
    except (ValueError, OverflowError):
        raise RelateError(f"{text!r} is not an amount", hint="e.g. 4500 or 4500.50") from None
    if not -(2**62) < cents < 2**62:
        raise RelateError(f"{text!r} is not an amount", hint="e.g. 4500 or 4500.50")
    return cents


def _currency(text: str | None) -> str | None:
    return text.strip().upper() or None if text else None


def amount_text(cents: int | None) -> str | None:
    """Cents as the amount a history entry keeps (``4500.00``): data, not a sentence."""
    if cents is None:
        return None
    from decimal import Decimal

    return str(Decimal(cents).scaleb(-2))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _satisfaction(score: int) -> int:
    if not 0 <= score <= 10:
        raise RelateError(f"satisfaction {score} is out of range", hint="use 0 to 10")
    return score


def start_engagement(
    db: Database,
    ref: ContactRef,
    title: str,
    now: datetime,
    *,
    value: str | None = None,
    currency: str | None = None,
    started: date | None = None,
    due: date | None = None,
) -> int:
    """Start an engagement with a contact; its id."""
    if not title.strip():
        raise RelateError("an engagement needs a title")
    with db.transaction() as conn:
        return conn.insert(
            ADD_ENGAGEMENT,
            {
                "contact_id": ref.id,
                "title": title.strip(),
                "value_cents": parse_money(value) if value else None,
                "currency": _currency(currency),
                "started_on": (started or now.date()).isoformat(),
                "now": clock.to_storage(now),
                "due_on": due.isoformat() if due else None,
            },
        )


@dataclass(frozen=True)
class Closed:
    title: str
    contact: str
    follow_up_id: int | None = None  # the referral follow-up `close` set
    follow_up_due: datetime | None = None  # its day (all-day: the local midnight)


def open_engagement(conn: Database, engagement_id: int) -> Closed:
    """The engagement that can still be closed, or the error that says why not."""
    row = conn.execute(GET_ENGAGEMENT, {"id": engagement_id}).fetchone()
    if row is None:
        raise NotFoundError(f"no engagement #{engagement_id}")
    if row["status"] not in OPEN_STATUSES:
        raise RelateError(f"engagement #{engagement_id} is already {row['status']}")
    return Closed(str(row["title"]), str(row["contact"]))


def check_closable(db: Database, engagement_id: int) -> Closed:
    """Read-only: says "no engagement #N" before anyone is asked for a score."""
    return open_engagement(db, engagement_id)


def _entry(
    conn: Database,
    engagement_id: int,
    name: str,
    old: str | None,
    new: str | None,
    now: datetime,
    by: str | None,
) -> None:
    conn.execute(
        ADD_ENTRY,
        {
            "engagement_id": engagement_id,
            "now": clock.to_storage(now),
            "by": by,
            "field": name,
            "old": old,
            "new": new,
        },
    )


def close_engagement(
    db: Database,
    engagement_id: int,
    satisfaction: int,
    ended: date,
    cancelled: bool = False,
    *,
    now: datetime,
    by: str | None = None,
    follow_up: bool = False,
) -> Closed:
    """End an engagement with the client's satisfaction (0-10), as the field advises:
    one transaction (one undo step) that records the status change in its history
    and, with ``follow_up``, sets a follow-up with the contact to ask for a referral or
    testimonial ``REFERRAL_AFTER_DAYS`` after closing (or after ``ended``, if later)."""
    with db.transaction() as conn:
        closed = open_engagement(conn, engagement_id)
        row = conn.execute(GET_ENGAGEMENT, {"id": engagement_id}).fetchone()
        status = "cancelled" if cancelled else "done"
        score = _satisfaction(satisfaction)
        conn.execute(
            CLOSE_ENGAGEMENT,
            {
                "id": engagement_id,
                "status": status,
                "ended_on": ended.isoformat(),
                "score": score,
            },
        )
        _entry(conn, engagement_id, "status", str(row["status"]), status, now, by)
        _entry(conn, engagement_id, "satisfaction", None, str(score), now, by)
        if not follow_up:
            return closed
        day = max(ended, now.date()) + timedelta(days=REFERRAL_AFTER_DAYS)
        due = clock.local_start_of_day(day)
        new_id = insert_reminder(
            conn,
            kind=FOLLOW_UP,
            contact_id=int(row["contact_id"]),
            text=REFERRAL_TEXT,
            due=due,
            all_day=True,
            rrule=None,
            now=now,
        )
        return Closed(closed.title, closed.contact, new_id, due)


@dataclass(frozen=True)
class EngagementRecord:
    """One engagement as `engagements` lists it and `engagement show` shows it."""

    id: int
    title: str
    status: str  # proposed | active | done | cancelled
    contact: str
    contact_id: int
    org: str | None  # the contact's organisation
    value_cents: int | None
    currency: str | None
    started_on: date | None
    due_on: date | None
    ended_on: date | None
    satisfaction: int | None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def _day(value: object) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def _record(row: Row) -> EngagementRecord:
    return EngagementRecord(
        id=int(row["id"]),
        title=str(row["title"]),
        status=str(row["status"]),
        contact=str(row["contact"]),
        contact_id=int(row["contact_id"]),
        org=row["org"],
        value_cents=None if row["value_cents"] is None else int(row["value_cents"]),
        currency=row["currency"],
        started_on=_day(row["started_on"]),
        due_on=_day(row["due_on"]),
        ended_on=_day(row["ended_on"]),
        satisfaction=None if row["satisfaction"] is None else int(row["satisfaction"]),
    )


@dataclass(frozen=True)
class Total:
    """The value of the listed engagements in one currency (None: none was given)."""

    currency: str | None
    engagements: int  # how many of them have a value in this currency
    value_cents: int
    open_value_cents: int  # of those still open


@dataclass(frozen=True)
class Ledger:
    engagements: list[EngagementRecord]  # open ones first, each part by start
    totals: list[Total] = field(default_factory=list)  # by currency, none last


def totals(records: list[EngagementRecord]) -> list[Total]:
    """The value per currency of ``records`` (those with a value), and how much of it
    is still open; currencies in alphabetical order, a value without one last."""
    sums: dict[str | None, list[int]] = {}
    for record in records:
        if record.value_cents is None:
            continue
        entry = sums.setdefault(record.currency, [0, 0, 0])
        entry[0] += 1
        entry[1] += record.value_cents
        entry[2] += record.value_cents if record.is_open else 0
    order = sorted(sums, key=lambda currency: (currency is None, currency or ""))
    return [Total(c, sums[c][0], sums[c][1], sums[c][2]) for c in order]


def list_engagements(
    db: Database,
    *,
    open_only: bool = False,
    contact_id: int | None = None,
    org_id: int | None = None,
) -> Ledger:
    """Engagements (``open_only``: those not done or cancelled), of one contact or of
    anyone at one organisation, with their totals per currency."""
    rows = db.execute(
        LIST_ENGAGEMENTS, {"all": not open_only, "contact_id": contact_id, "org_id": org_id}
    )
    records = [_record(row) for row in rows]
    return Ledger(records, totals(records))


@dataclass(frozen=True)
class Entry:
    """One dated entry of an engagement's history."""

    id: int
    at: datetime  # local time
    by: str | None
    field: str  # title | value | currency | due | status | satisfaction | note
    old: str | None
    new: str | None  # a note's text


@dataclass(frozen=True)
class EngagementCard:
    engagement: EngagementRecord
    history: list[Entry]  # oldest first


def _get(db: Database, engagement_id: int) -> EngagementRecord:
    row = db.execute(GET_ENGAGEMENT, {"id": engagement_id}).fetchone()
    if row is None:
        raise NotFoundError(f"no engagement #{engagement_id}", hint="relate engagements lists them")
    return _record(row)


def show_engagement(db: Database, engagement_id: int) -> EngagementCard:
    """An engagement with its history, oldest entry first."""
    record = _get(db, engagement_id)
    history = [
        Entry(
            int(row["id"]),
            clock.from_storage(str(row["entered_at"])),
            row["entered_by"],
            str(row["field"]),
            row["old_value"],
            row["new_value"],
        )
        for row in db.execute(HISTORY, {"id": engagement_id})
    ]
    return EngagementCard(record, history)


@dataclass(frozen=True)
class Change:
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Edited:
    engagement: EngagementRecord  # as it is now
    changes: list[Change]  # what changed, a note last; none: it already was as asked


def edit_engagement(
    db: Database,
    engagement_id: int,
    now: datetime,
    *,
    by: str | None = None,
    title: str | None = None,
    value: str | None = None,
    currency: str | None = None,
    due: date | None = None,
    clear_due: bool = False,
    note: str | None = None,
) -> Edited:
    """Change an engagement's title, value, currency or due date and add a note: each
    change is a dated entry of its history (old and new value, who), in one
    transaction (one undo step). A value already as asked is no change."""
    if all(v is None for v in (title, value, currency, due, note)) and not clear_due:
        raise UsageError(
            "nothing to change", hint="give --title, --value, --currency, --due or --note"
        )
    if title is not None and not title.strip():
        raise RelateError("an engagement needs a title")
    if note is not None and not note.strip():
        raise RelateError("a note needs a text")
    if due is not None and clear_due:
        raise UsageError("--due and --no-due contradict each other")
    with db.transaction() as conn:
        before = _get(conn, engagement_id)
        new_title = title.strip() if title is not None else before.title
        old_value = amount_text(before.value_cents)
        new_value = amount_text(parse_money(value)) if value is not None else old_value
        new_currency = _currency(currency) if currency is not None else before.currency
        new_due = None if clear_due else (due or before.due_on)
        pairs = (
            ("title", before.title, new_title),
            ("value", old_value, new_value),
            ("currency", before.currency, new_currency),
            ("due", _iso(before.due_on), _iso(new_due)),
        )
        changes = [Change(name, old, new) for name, old, new in pairs if old != new]
        if changes:
            conn.execute(
                UPDATE_ENGAGEMENT,
                {
                    "id": engagement_id,
                    "title": new_title,
                    "value_cents": parse_money(new_value) if new_value is not None else None,
                    "currency": new_currency,
                    "due_on": _iso(new_due),
                },
            )
        if note is not None:
            changes.append(Change("note", None, note.strip()))
        for change in changes:
            _entry(conn, engagement_id, change.field, change.old, change.new, now, by)
        return Edited(_get(conn, engagement_id), changes)

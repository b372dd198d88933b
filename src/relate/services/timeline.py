"""A contact's card for ``show``: their record, dates, practice records and their
history (interactions and reminders), newest first, as typed records; how they look
is ``relate.render.card``'s."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from relate import clock
from relate.dates import MonthDay
from relate.services import concerns, contacts
from relate.services.concerns import Step
from relate.services.matching import ContactRef
from relate.services.severity import severity_name
from relate.storage.database import Database
from relate.storage.sql import statement

TIMELINE = statement(
    """SELECT * FROM (
        SELECT 'interaction' AS type, i.id, i.kind, i.occurred_at AS at, i.text,
            NULL AS done_at, 0 AS all_day, i.logged_by
        FROM interaction_contact ic JOIN interaction i ON i.id = ic.interaction_id
        WHERE ic.contact_id = :id
        UNION ALL
        SELECT r.kind, r.id, coalesce(r.rrule, ''), coalesce(r.snoozed_until, r.due_at),
            r.text, r.done_at, r.all_day, NULL
        FROM reminder r WHERE r.contact_id = :id
    ) AS timeline ORDER BY at DESC, id DESC LIMIT :limit"""
)
DATES = statement(
    """SELECT id, kind, label, month, day, year, lead_days, once FROM important_date
    WHERE contact_id = :id ORDER BY month, day"""
)
# Open gift ideas, oldest first, and the last gift given (ix_gift_contact).
GIFT_IDEAS = statement(
    """SELECT id, description FROM gift WHERE contact_id = :id AND status = 'idea'
    ORDER BY id"""
)
LAST_GIFT = statement(
    """SELECT id, description, given_on FROM gift WHERE contact_id = :id
    AND status = 'given' AND given_on IS NOT NULL ORDER BY given_on DESC, id DESC LIMIT 1"""
)

TIMELINE_TOTAL = statement(
    """SELECT (SELECT count(*) FROM interaction_contact WHERE contact_id = :id)
        + (SELECT count(*) FROM reminder WHERE contact_id = :id)"""
)


def timeline_total(db: Database, ref: ContactRef) -> int:
    """How many entries the whole timeline has (``timeline`` shows at most ``limit``)."""
    return int(db.execute(TIMELINE_TOTAL, {"id": ref.id}).fetchone()[0])


@dataclass(frozen=True)
class Entry:
    """One line of the timeline: an interaction, or a reminder or follow-up."""

    type: str  # interaction | reminder | follow-up
    id: int
    kind: str  # the interaction's kind (call, email...), else the same as type
    at: datetime  # local: when it happened, or is due (midnight when all-day)
    text: str
    done: bool | None  # a reminder's; None for an interaction
    all_day: bool
    # Who logged an interaction (RELATE_USER, else the login name); None for a
    # reminder and for what was logged before relate recorded it.
    logged_by: str | None = None


def timeline(db: Database, ref: ContactRef, limit: int = 20) -> list[Entry]:
    entries = []
    for row in db.execute(TIMELINE, {"id": ref.id, "limit": limit}):
        is_log = row["type"] == "interaction"
        entries.append(
            Entry(
                type=str(row["type"]),
                id=int(row["id"]),
                kind=str(row["kind"] if is_log else row["type"]),
                at=clock.from_storage(str(row["at"])),
                text=str(row["text"]),
                done=None if is_log else row["done_at"] is not None,
                all_day=bool(row["all_day"]),
                logged_by=row["logged_by"],
            )
        )
    return entries


@dataclass(frozen=True)
class YearlyDate:
    """An important date: yearly, or one time (``once``: then ``date`` has its year)."""

    id: int
    label: str
    date: MonthDay
    lead_days: int
    once: bool = False


def yearly_dates(db: Database, ref: ContactRef) -> list[YearlyDate]:
    """A contact's important dates, by day of the year."""
    return [
        YearlyDate(
            int(row["id"]),
            str(row["label"]),
            MonthDay(int(row["month"]), int(row["day"]), row["year"]),
            int(row["lead_days"]),
            bool(row["once"]),
        )
        for row in db.execute(DATES, {"id": ref.id})
    ]


@dataclass(frozen=True)
class GiftIdea:
    id: int
    description: str


@dataclass(frozen=True)
class LastGift:
    id: int
    description: str
    given_on: str  # the day as stored (ISO)


STAGES = statement(
    "SELECT stage, changed_at FROM stage_change WHERE contact_id = :id ORDER BY changed_at, id"
)
REFERRALS = statement(
    # Ordered by id (when they were added), which the referred_by_id index yields as is.
    "SELECT id, name FROM contact WHERE referred_by_id = :id ORDER BY id"
)
ENGAGEMENTS = statement(
    """SELECT id, title, status, value_cents, currency, started_on, ended_on, satisfaction
    FROM engagement WHERE contact_id = :id ORDER BY started_on DESC, id DESC"""
)
FEEDBACK = statement(
    "SELECT score, received_on, note FROM feedback WHERE contact_id = :id ORDER BY received_on"
)
OPEN_CONCERNS = statement(
    """SELECT id, text, opened_at, severity, due_on FROM concern
    WHERE contact_id = :id AND resolved_at IS NULL ORDER BY severity DESC, opened_at, id"""
)


@dataclass(frozen=True)
class StageChange:
    stage: str
    on: date


@dataclass(frozen=True)
class Referral:
    id: int
    name: str


@dataclass(frozen=True)
class Engagement:
    id: int
    title: str
    status: str  # active | done | cancelled
    value_cents: int | None
    currency: str | None
    started_on: str  # days as stored (ISO)
    ended_on: str | None
    satisfaction: int | None

    @property
    def value(self) -> float | None:
        return None if self.value_cents is None else self.value_cents / 100


@dataclass(frozen=True)
class Feedback:
    score: int
    received_on: str  # the day as stored (ISO)
    note: str


@dataclass(frozen=True)
class OpenConcern:
    id: int
    text: str
    opened: date
    severity: str = "normal"  # low | normal | high
    due: date | None = None  # the day it should be resolved by
    trail: tuple[Step, ...] = ()  # its escalations, oldest first


def open_concerns(db: Database, ref: ContactRef) -> list[OpenConcern]:
    """A contact's open concerns, each with its escalation trail."""
    trails = concerns.trails(db, contact_id=ref.id)
    return [
        OpenConcern(
            int(row["id"]),
            str(row["text"]),
            clock.local_day_of(str(row["opened_at"])),
            severity_name(int(row["severity"])),
            date.fromisoformat(str(row["due_on"])[:10]) if row["due_on"] else None,
            tuple(trails.get(int(row["id"]), ())),
        )
        for row in db.execute(OPEN_CONCERNS, {"id": ref.id})
    ]


@dataclass(frozen=True)
class Card:
    """Everything ``show`` shows about a contact."""

    contact: dict[str, object]  # the public record ``list`` prints (``CONTACT_FIELDS``)
    owner: str | None
    referred_by: str | None  # the name of the contact who introduced them
    last_contact: date | None
    dates: list[YearlyDate]
    stages: list[StageChange]  # oldest first
    referred: list[Referral]  # the contacts they introduced
    engagements: list[Engagement]  # newest first
    feedback: list[Feedback]  # oldest first
    concerns: list[OpenConcern]  # open ones, high severity first, then oldest first
    timeline: list[Entry]  # newest first, at most the limit asked for
    timeline_total: int  # how many entries the whole timeline has
    gift_ideas: list[GiftIdea]  # open ones, oldest first
    last_gift: LastGift | None  # the last gift given, so nothing is given twice
    notes_history: list[contacts.EarlierNote] = field(default_factory=list)  # newest first


def card(db: Database, ref: ContactRef, limit: int = 20) -> Card:
    """A contact's card with the newest ``limit`` entries of their timeline."""
    details = contacts.get_details(db, ref)
    params: dict[str, object] = {"id": ref.id}
    history = timeline(db, ref, limit)
    return Card(
        contact=details.record,
        owner=details.owner,
        referred_by=details.referred_by,
        last_contact=details.last_contact,
        dates=yearly_dates(db, ref),
        stages=[
            StageChange(str(row["stage"]), clock.local_day_of(str(row["changed_at"])))
            for row in db.execute(STAGES, params)
        ],
        referred=[
            Referral(int(row["id"]), str(row["name"])) for row in db.execute(REFERRALS, params)
        ],
        engagements=[
            Engagement(
                int(row["id"]),
                str(row["title"]),
                str(row["status"]),
                row["value_cents"],
                row["currency"],
                row["started_on"],
                row["ended_on"],
                row["satisfaction"],
            )
            for row in db.execute(ENGAGEMENTS, params)
        ],
        feedback=[
            Feedback(int(row["score"]), row["received_on"], row["note"])
            for row in db.execute(FEEDBACK, params)
        ],
        concerns=open_concerns(db, ref),
        timeline=history,
        timeline_total=timeline_total(db, ref) if len(history) >= limit else len(history),
        gift_ideas=[
            GiftIdea(int(row["id"]), str(row["description"]))
            for row in db.execute(GIFT_IDEAS, params)
        ],
        last_gift=next(
            (
                LastGift(int(row["id"]), str(row["description"]), str(row["given_on"]))
                for row in db.execute(LAST_GIFT, params)
            ),
            None,
        ),
        notes_history=contacts.note_history(db, ref.id),
    )

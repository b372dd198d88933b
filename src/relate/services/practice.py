"""The relationship-practice records (concerns are ``services/concerns.py``'s):
feedback scores (NPS) and gifts (engagements are ``services/engagements.py``'s)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from relate import clock
from relate.errors import RelateError
from relate.services.concerns import Figures
from relate.services.concerns import figures as concern_figures
from relate.services.interactions import insert_interaction
from relate.services.matching import ContactRef
from relate.storage.database import Database
from relate.storage.sql import statement

ADD_FEEDBACK = statement(
    """INSERT INTO feedback (contact_id, score, received_on, note)
    VALUES (:contact_id, :score, :on, :note)"""
)
ADD_GIFT = statement(
    """INSERT INTO gift (contact_id, description, status, occasion, given_on, created_at)
    VALUES (:contact_id, :description, :status, :occasion, :given_on, :now)"""
)
LIST_GIFTS = statement(
    """SELECT id, description, status, occasion, given_on FROM gift
    WHERE contact_id = :contact_id ORDER BY status = 'given', given_on DESC, id DESC"""
)
FEEDBACK_SCORES = statement(
    """SELECT f.score, f.received_on, c.name FROM feedback f
    JOIN contact c ON c.id = f.contact_id
    WHERE f.received_on >= :since ORDER BY f.received_on"""
)
SATISFACTION = statement(
    """SELECT count(*), avg(satisfaction) FROM engagement
    WHERE satisfaction IS NOT NULL AND ended_on >= :since"""
)
CONTACTS_BY = statement(
    """SELECT coalesce(stage, '(none)') AS stage, coalesce(relationship_type, '(none)') AS type,
        count(*) AS contacts
    FROM contact WHERE archived_at IS NULL GROUP BY 1, 2 ORDER BY 1, 2"""
)
# Months are local months: a call at 00:30 on 1 December in Copenhagen is stored as
# 30 November 23:30 UTC and counts for December ('localtime' is the process's zone,
# the one clock.from_storage uses).
MONTHLY_TOUCHES = statement(
    """SELECT substr(datetime(occurred_at, 'localtime'), 1, 7) AS month,
        count(DISTINCT i.id) AS interactions, count(DISTINCT ic.contact_id) AS people
    FROM interaction i JOIN interaction_contact ic ON ic.interaction_id = i.id
    WHERE occurred_at >= :since GROUP BY 1 ORDER BY 1"""
)


def _score(score: int, what: str) -> int:
    if not 0 <= score <= 10:
        raise RelateError(f"{what} {score} is out of range", hint="use 0 to 10")
    return score


def add_feedback(db: Database, ref: ContactRef, score: int, on: date, note: str) -> int:
    with db.transaction() as conn:
        return conn.insert(
            ADD_FEEDBACK,
            {
                "contact_id": ref.id,
                "score": _score(score, "score"),
                "on": on.isoformat(),
                "note": note.strip(),
            },
        )


def gift_text(description: str, occasion: str | None) -> str:
    """What the timeline says about a gift given."""
    return f"Gift: {description}" + (f" ({occasion})" if occasion else "")


def add_gift(
    db: Database,
    ref: ContactRef,
    description: str,
    now: datetime,
    *,
    given: datetime | None = None,
    occasion: str | None = None,
    logged_by: str | None = None,
) -> int:
    """A gift idea, or (``given``: when) a gift given, which is logged as an interaction
    of kind gift in the same transaction: it counts as contact and is on the timeline.
    ``logged_by``: the current user, as for `relate log`."""
    if not description.strip():
        raise RelateError("a gift needs a description")
    occasion = " ".join(occasion.split()) if occasion else None
    with db.transaction() as conn:
        gift_id = conn.insert(
            ADD_GIFT,
            {
                "contact_id": ref.id,
                "description": description.strip(),
                "status": "given" if given else "idea",
                "occasion": occasion or None,
                "given_on": given.astimezone().date().isoformat() if given else None,
                "now": clock.to_storage(now),
            },
        )
        if given is not None:
            text = gift_text(description.strip(), occasion)
            insert_interaction(
                conn, [ref.id], text, kind="gift", when=given, now=now, logged_by=logged_by
            )
        return gift_id


def list_gifts(db: Database, ref: ContactRef) -> list[dict[str, object]]:
    return [dict(row) for row in db.execute(LIST_GIFTS, {"contact_id": ref.id})]


def net_promoter_score(scores: list[int]) -> float | None:
    """% promoters (9-10) minus % detractors (0-6); None without scores."""
    if not scores:
        return None
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return round(100 * (promoters - detractors) / len(scores), 1)


@dataclass(frozen=True)
class StageCount:
    stage: str  # "(none)" for contacts without one
    type: str  # the relationship type, "(none)" likewise
    contacts: int


@dataclass(frozen=True)
class MonthCount:
    month: str  # local YYYY-MM
    interactions: int
    people: int  # distinct contacts in them


@dataclass(frozen=True)
class Report:
    """The figures of ``report`` since a day (how they look is ``render/report.py``'s)."""

    since: date
    responses: int  # feedback scores received
    average_score: float | None  # None without scores
    nps: float | None  # Net Promoter Score, None without scores
    engagements_closed: int  # with a satisfaction score
    average_satisfaction: float | None
    contacts: list[StageCount]  # active contacts by stage and type
    monthly: list[MonthCount]  # contact frequency, oldest month first
    concerns: Figures | None = None  # open now, resolved since, median days to resolve


def report(db: Database, since: date) -> Report:
    """Feedback, satisfaction, the book of contacts, and contact frequency over time."""
    scores = [
        int(row["score"]) for row in db.execute(FEEDBACK_SCORES, {"since": since.isoformat()})
    ]
    count, average = db.execute(SATISFACTION, {"since": since.isoformat()}).fetchone()
    return Report(
        since=since,
        responses=len(scores),
        average_score=sum(scores) / len(scores) if scores else None,
        nps=net_promoter_score(scores),
        engagements_closed=int(count),
        average_satisfaction=average,
        contacts=[
            StageCount(str(row["stage"]), str(row["type"]), int(row["contacts"]))
            for row in db.execute(CONTACTS_BY)
        ],
        monthly=[
            MonthCount(str(row["month"]), int(row["interactions"]), int(row["people"]))
            for row in db.execute(MONTHLY_TOUCHES, {"since": clock.day_bounds(since)[0]})
        ],
        concerns=concern_figures(db, since),
    )

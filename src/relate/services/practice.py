"""The relationship-practice records (concerns are ``services/concerns.py``'s):
feedback scores (NPS) and gifts (engagements are ``services/engagements.py``'s;
the report is ``services/report.py``'s)."""

from __future__ import annotations

from datetime import date, datetime

from relate import clock
from relate.errors import RelateError
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

"""A contact's history for ``show``: interactions, reminders and dates, newest first."""

from __future__ import annotations

from relate import clock
from relate.services.matching import ContactRef
from relate.storage.database import Database
from relate.storage.sql import statement

TIMELINE = statement(
    """SELECT * FROM (
        SELECT 'interaction' AS type, i.id, i.kind, i.occurred_at AS at, i.text,
            NULL AS done_at, 0 AS all_day
        FROM interaction_contact ic JOIN interaction i ON i.id = ic.interaction_id
        WHERE ic.contact_id = :id
        UNION ALL
        SELECT r.kind, r.id, coalesce(r.rrule, ''), coalesce(r.snoozed_until, r.due_at),
            r.text, r.done_at, r.all_day
        FROM reminder r WHERE r.contact_id = :id
    ) ORDER BY at DESC, id DESC LIMIT :limit"""
)
DATES = statement(
    """SELECT id, kind, label, month, day, year, lead_days FROM important_date
    WHERE contact_id = :id ORDER BY month, day"""
)

TIMELINE_FIELDS = ("type", "id", "kind", "when", "text", "done", "all_day")
TIMELINE_TOTAL = statement(
    """SELECT (SELECT count(*) FROM interaction_contact WHERE contact_id = :id)
        + (SELECT count(*) FROM reminder WHERE contact_id = :id)"""
)


def timeline_total(db: Database, ref: ContactRef) -> int:
    """How many entries the whole timeline has (``timeline`` shows at most ``limit``)."""
    return int(db.execute(TIMELINE_TOTAL, {"id": ref.id}).fetchone()[0])


def timeline(db: Database, ref: ContactRef, limit: int = 20) -> list[dict[str, object]]:
    records = []
    for row in db.execute(TIMELINE, {"id": ref.id, "limit": limit}):
        is_log = row["type"] == "interaction"
        records.append(
            {
                "type": row["type"],
                "id": row["id"],
                "kind": row["kind"] if is_log else row["type"],
                "when": clock.from_storage(str(row["at"])).strftime("%Y-%m-%d %H:%M"),
                "text": row["text"],
                "done": None if is_log else row["done_at"] is not None,
                "all_day": bool(row["all_day"]),
            }
        )
    return records


def important_dates(db: Database, ref: ContactRef) -> list[dict[str, object]]:
    from relate.dates import MonthDay

    return [
        {
            "id": row["id"],
            "label": row["label"],
            "date": MonthDay(int(row["month"]), int(row["day"]), row["year"]).iso(),
            "lead_days": row["lead_days"],
        }
        for row in db.execute(DATES, {"id": ref.id})
    ]


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
    """SELECT id, text, opened_at FROM concern
    WHERE contact_id = :id AND resolved_at IS NULL ORDER BY opened_at"""
)


def relationship(db: Database, ref: ContactRef) -> dict[str, list[dict[str, object]]]:
    """The practice records around a contact: stage history, who they referred,
    engagements, feedback scores and open concerns."""
    params: dict[str, object] = {"id": ref.id}
    return {
        "stages": [
            {"stage": row["stage"], "on": clock.local_day_of(str(row["changed_at"])).isoformat()}
            for row in db.execute(STAGES, params)
        ],
        "referred": [
            {"id": row["id"], "name": row["name"]} for row in db.execute(REFERRALS, params)
        ],
        "engagements": [
            {
                **dict(row),
                "value": None if row["value_cents"] is None else row["value_cents"] / 100,
            }
            for row in db.execute(ENGAGEMENTS, params)
        ],
        "feedback": [dict(row) for row in db.execute(FEEDBACK, params)],
        "concerns": [
            {
                "id": row["id"],
                "text": row["text"],
                "opened": clock.local_day_of(str(row["opened_at"])).isoformat(),
            }
            for row in db.execute(OPEN_CONCERNS, params)
        ],
    }

"""Concerns: complaints and problems, open until resolved, with a severity, a day
they should be resolved by, an escalation trail, and on resolution what went wrong
and how to keep it from happening again.

Severity is stored as a number (0 low, 1 normal, 2 high, like a contact's priority)
so that ``today`` reads open concerns in its order straight off an index. Escalating
a concern (``escalate``) means it has gone past the person handling it, so it raises
the severity one step (low to normal, normal to high; high stays high) and records
the step, with the severity before and after, on the concern's trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from relate import clock
from relate.errors import NotFoundError, RelateError
from relate.services.matching import ContactRef
from relate.services.reminders import parse_id
from relate.services.severity import SEVERITIES, severity_name
from relate.storage.database import Database
from relate.storage.engines import Row
from relate.storage.sql import statement

NORMAL = 1

OPEN_CONCERN = statement(
    """INSERT INTO concern (contact_id, text, opened_at, severity, due_on)
    VALUES (:contact_id, :text, :now, :severity, :due_on)"""
)
GET_CONCERN = statement(
    """SELECT k.id, k.text, k.resolved_at, k.severity, c.name FROM concern k
    JOIN contact c ON c.id = k.contact_id WHERE k.id = :id"""
)
RESOLVE_CONCERN = statement(
    """UPDATE concern SET resolved_at = :now, resolution = :resolution, cause = :cause,
        prevent = :prevent
    WHERE id = :id"""
)
ESCALATE = statement(
    """INSERT INTO concern_escalation (concern_id, escalated_at, escalated_by, escalated_to,
        note, severity_before, severity_after)
    VALUES (:id, :now, :by, :to, :note, :before, :after)"""
)
SET_SEVERITY = statement("UPDATE concern SET severity = :severity WHERE id = :id")
LIST_CONCERNS = statement(
    """SELECT k.id, c.id AS contact_id, c.name AS contact, k.text, k.opened_at, k.resolved_at,
        k.resolution, k.severity, k.due_on, k.cause, k.prevent
    FROM concern k JOIN contact c ON c.id = k.contact_id
    WHERE (:all OR k.resolved_at IS NULL)
    AND (CAST(:contact_id AS INTEGER) IS NULL OR c.id = :contact_id)
    ORDER BY k.resolved_at IS NOT NULL, k.severity DESC, k.opened_at, k.id"""
)
_TRAILS = """SELECT e.concern_id, e.escalated_at, e.escalated_by, e.escalated_to, e.note,
        e.severity_before, e.severity_after
    FROM concern_escalation e JOIN concern k ON k.id = e.concern_id
    WHERE (:all OR k.resolved_at IS NULL)"""
# The trails of the concerns listed (`relate concerns`: the whole trail table at most).
TRAILS = statement(_TRAILS + " ORDER BY e.concern_id, e.id")
# One contact's (`show`): their concerns, then one index range of steps each.
CONTACT_TRAILS = statement(_TRAILS + " AND k.contact_id = :contact_id ORDER BY e.concern_id, e.id")
OPEN_COUNT = statement("SELECT count(*) FROM concern WHERE resolved_at IS NULL")
# How long the concerns resolved in a period took, for the median time to resolve.
RESOLVED_SINCE = statement(
    """SELECT opened_at, resolved_at FROM concern
    WHERE resolved_at IS NOT NULL AND resolved_at >= :since AND resolved_at < :until"""
)


def parse_severity(text: str) -> int:
    """``low``, ``normal`` or ``high`` (any case) -> 0, 1, 2."""
    word = text.strip().lower()
    if word not in SEVERITIES:
        raise RelateError(f"{text!r} is not a severity", hint="use low, normal or high")
    return SEVERITIES.index(word)


def raised(severity: int) -> int:
    """The severity after an escalation: one step up, high at most."""
    return min(severity + 1, len(SEVERITIES) - 1)


def parse_concern_id(text: str) -> int:
    """``3`` or ``#3``: the id a concern has on the agenda and in `relate concerns`."""
    return parse_id(text, "a concern")


def _clean(text: str | None) -> str | None:
    return " ".join(text.split()) or None if text is not None else None


def open_concern(
    db: Database,
    ref: ContactRef,
    text: str,
    now: datetime,
    *,
    severity: int = NORMAL,
    due: date | None = None,
) -> int:
    if not text.strip():
        raise RelateError("a concern needs a text")
    with db.transaction() as conn:
        return conn.insert(
            OPEN_CONCERN,
            {
                "contact_id": ref.id,
                "text": text.strip(),
                "now": clock.to_storage(now),
                "severity": severity,
                "due_on": due.isoformat() if due else None,
            },
        )


def _open(conn: Database, concern_id: int) -> tuple[str, int]:
    """The open concern's contact name and severity, or the error that says why not."""
    row = conn.execute(GET_CONCERN, {"id": concern_id}).fetchone()
    if row is None:
        raise NotFoundError(f"no concern #{concern_id}")
    if row["resolved_at"] is not None:
        raise RelateError(f"concern #{concern_id} is already resolved")
    return str(row["name"]), int(row["severity"])


@dataclass(frozen=True)
class Escalated:
    """What ``escalate`` did: whose concern, and its severity before and after."""

    concern_id: int
    contact: str
    to: str | None
    severity_before: str
    severity_after: str


def escalate_concern(
    db: Database,
    concern_id: int,
    now: datetime,
    *,
    by: str | None,
    to: str | None = None,
    note: str | None = None,
) -> Escalated:
    """Record an escalation step on an open concern's trail (``by``: the current user)
    and raise its severity one step (``raised``)."""
    to, note = _clean(to), _clean(note)
    with db.transaction() as conn:
        name, before = _open(conn, concern_id)
        after = raised(before)
        conn.execute(
            ESCALATE,
            {
                "id": concern_id,
                "now": clock.to_storage(now),
                "by": by,
                "to": to,
                "note": note or "",
                "before": before,
                "after": after,
            },
        )
        if after != before:
            conn.execute(SET_SEVERITY, {"id": concern_id, "severity": after})
        return Escalated(concern_id, name, to, severity_name(before), severity_name(after))


def resolve_concern(
    db: Database,
    concern_id: int,
    resolution: str,
    now: datetime,
    *,
    cause: str | None = None,
    prevent: str | None = None,
) -> str:
    """Close a concern with what was done about it (and, if given, what went wrong and
    how to prevent it); returns the contact's name."""
    with db.transaction() as conn:
        name, _ = _open(conn, concern_id)
        conn.execute(
            RESOLVE_CONCERN,
            {
                "id": concern_id,
                "resolution": resolution.strip(),
                "cause": _clean(cause),
                "prevent": _clean(prevent),
                "now": clock.to_storage(now),
            },
        )
        return name


@dataclass(frozen=True)
class Step:
    """One escalation of a concern."""

    at: datetime  # local
    by: str | None  # who escalated (None: not recorded)
    to: str | None  # whom to (None: not said)
    note: str  # "" when none
    severity_before: str
    severity_after: str


def _step(row: Row) -> Step:
    return Step(
        clock.from_storage(str(row["escalated_at"])),
        row["escalated_by"],
        row["escalated_to"],
        str(row["note"]),
        severity_name(int(row["severity_before"])),
        severity_name(int(row["severity_after"])),
    )


def trails(
    db: Database, include_resolved: bool = False, contact_id: int | None = None
) -> dict[int, list[Step]]:
    """The escalation trails of the open concerns (``include_resolved``: of all), or of
    one contact's: concern id -> its steps, oldest first."""
    found: dict[int, list[Step]] = {}
    query = TRAILS if contact_id is None else CONTACT_TRAILS
    for row in db.execute(query, {"all": include_resolved, "contact_id": contact_id}):
        found.setdefault(int(row["concern_id"]), []).append(_step(row))
    return found


def list_concerns(
    db: Database, include_resolved: bool, contact: ContactRef | None = None
) -> list[dict[str, object]]:
    """Open concerns (``include_resolved``: then the resolved ones), high severity
    first, then oldest first; each with its escalation trail, oldest step first."""
    params: dict[str, object] = {
        "all": include_resolved,
        "contact_id": contact.id if contact else None,
    }
    trail = trails(db, include_resolved, contact.id if contact else None)
    return [
        {
            "id": row["id"],
            "contact": row["contact"],
            "contact_id": row["contact_id"],
            "opened": clock.local_day_of(str(row["opened_at"])).isoformat(),
            "text": row["text"],
            "resolved": clock.local_day_of(str(row["resolved_at"])).isoformat()
            if row["resolved_at"]
            else None,
            "resolution": row["resolution"],
            "severity": severity_name(int(row["severity"])),
            "due": str(row["due_on"]) if row["due_on"] else None,
            "cause": row["cause"],
            "prevent": row["prevent"],
            "escalations": trail.get(int(row["id"]), []),
        }
        for row in db.execute(LIST_CONCERNS, params)
    ]


def median_days_to_resolve(spans: list[tuple[datetime, datetime]]) -> float | None:
    """The median of (resolved - opened) in days, to one decimal; None without any."""
    if not spans:
        return None
    days = [(resolved - opened).total_seconds() / 86400 for opened, resolved in spans]
    import statistics  # only for a median: decimal and fractions come with it

    return round(statistics.median(days), 1)


def median_time_to_resolve(db: Database, since: date) -> float | None:
    """The median days to resolve of the concerns resolved since a (local) day."""
    return figures(db, since).median_days_to_resolve


@dataclass(frozen=True)
class Figures:
    """The concerns' part of ``report``: how many are open now, how many were resolved
    in the period, and the median days they took (None when none was)."""

    open: int
    resolved: int
    median_days_to_resolve: float | None


def figures(db: Database, since: date, until: date | None = None) -> Figures:
    """Open concerns now; those resolved from the local day ``since`` to ``until``
    (included; no end without it) and the median days they took."""
    end = clock.day_bounds(until)[1] if until else "9999-12-31"
    params: dict[str, object] = {"since": clock.day_bounds(since)[0], "until": end}
    rows = db.execute(RESOLVED_SINCE, params).fetchall()
    spans = [
        (clock.from_storage(str(row["opened_at"])), clock.from_storage(str(row["resolved_at"])))
        for row in rows
    ]
    return Figures(
        int(db.execute(OPEN_COUNT).fetchone()[0]), len(spans), median_days_to_resolve(spans)
    )

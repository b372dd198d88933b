"""Reminders and follow-ups: one table, one id space, so whatever id the agenda
shows is what ``done`` and ``snooze`` take."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict, Unpack

from relate import clock
from relate.errors import NotFoundError, RelateError, UsageError
from relate.storage.database import Database
from relate.storage.engines import Row
from relate.storage.sql import statement

REMINDER = "reminder"
FOLLOW_UP = "follow-up"

INSERT_REMINDER = statement(
    """INSERT INTO reminder (kind, contact_id, interaction_id, text, due_at, all_day, rrule,
        created_at)
    VALUES (:kind, :contact_id, :interaction_id, :text, :due_at, :all_day, :rrule, :now)"""
)
GET_REMINDER = statement(
    """SELECT r.id, r.kind, r.text, r.due_at, r.all_day, r.rrule, r.snoozed_until, r.done_at,
        c.name AS contact
    FROM reminder r LEFT JOIN contact c ON c.id = r.contact_id WHERE r.id = :id"""
)
RECORD_COMPLETION = statement(
    """INSERT INTO reminder_completion (reminder_id, due_at, done_at)
    VALUES (:id, :due_at, :now)"""
)
ADVANCE = statement(
    "UPDATE reminder SET due_at = :due_at, rrule = :rrule, snoozed_until = NULL WHERE id = :id"
)
FINISH = statement("UPDATE reminder SET done_at = :now WHERE id = :id")
SNOOZE = statement("UPDATE reminder SET snoozed_until = :until WHERE id = :id")
LIST_REMINDERS = statement(
    """SELECT r.id, r.kind, r.contact_id, c.name AS contact, r.text,
        coalesce(r.snoozed_until, r.due_at) AS due_at, r.all_day, r.rrule, r.done_at,
        r.snoozed_until IS NOT NULL AS snoozed
    FROM reminder r LEFT JOIN contact c ON c.id = r.contact_id
    WHERE (:all OR r.done_at IS NULL)
    ORDER BY r.done_at IS NOT NULL,
        CASE WHEN r.done_at IS NULL THEN coalesce(r.snoozed_until, r.due_at) END,
        r.done_at DESC, r.id"""
)


def parse_id(text: str, what: str, letters: str = "") -> int:
    """``12`` or ``#12`` (or a letter of ``letters`` before it): the id of ``what``."""
    # At most 18 digits: SQLite ids are 64-bit; a longer number can name no item.
    match = re.fullmatch(rf"\s*[#{letters}]?\s*(\d{{1,18}})\s*", text)
    if not match:
        raise RelateError(f"{text!r} is not {what} id", hint="e.g. 12 or #12")
    return int(match.group(1))


def parse_item_id(text: str) -> int:
    """``12``, ``#12``, ``r12`` or ``f12``: the ids the agenda shows."""
    return parse_id(text, "a reminder or follow-up", "rRfF")


class ReminderFields(TypedDict):
    """What every reminder and follow-up is given, by keyword."""

    contact_id: int | None
    text: str
    due: datetime
    all_day: bool
    rrule: str | None
    now: datetime


def insert_reminder(
    conn: Database,
    *,
    kind: str = REMINDER,
    interaction_id: int | None = None,
    **reminder: Unpack[ReminderFields],
) -> int:
    """Insert a reminder (or, with ``kind``, a follow-up) inside an open transaction."""
    rrule, due = reminder["rrule"], reminder["due"]
    if rrule:
        from relate.dates import anchored_rule

        # The series keeps its day (the 31st, 29 Feb) in the rule, not in a due date
        # that month-end clamping will move.
        rrule = anchored_rule(rrule, due.astimezone().date())
    return conn.insert(
        INSERT_REMINDER,
        {
            "kind": kind,
            "contact_id": reminder["contact_id"],
            "interaction_id": interaction_id,
            "text": reminder["text"],
            "due_at": clock.to_storage(due),
            "all_day": reminder["all_day"],
            "rrule": rrule,
            "now": clock.to_storage(reminder["now"]),
        },
    )


def add_reminder(db: Database, **reminder: Unpack[ReminderFields]) -> int:
    """Add a reminder in its own transaction (or the caller's); its id."""
    reminder["text"] = reminder["text"].strip()
    if not reminder["text"]:
        raise RelateError("a reminder needs a text")
    with db.transaction() as conn:
        return insert_reminder(conn, **reminder)


@dataclass(frozen=True)
class Completed:
    id: int
    kind: str
    text: str
    next_due: datetime | None  # the next occurrence of a recurring reminder
    all_day: bool = True


class NotYetDue(UsageError):
    """Completing a recurring item before its day would silently skip that occurrence."""

    def __init__(self, item_id: int, due: datetime, all_day: bool) -> None:
        super().__init__(
            f"#{item_id} is not due until {due.date().isoformat()}; completing it now skips"
            " that occurrence",
            hint="add --force",
        )
        self.due = due
        self.all_day = all_day


def _open_item(conn: Database, item_id: int) -> Row:
    row = conn.execute(GET_REMINDER, {"id": item_id}).fetchone()
    if row is None:
        raise NotFoundError(f"no reminder or follow-up #{item_id}")
    if row["done_at"] is not None:
        raise RelateError(f"#{item_id} is already done")
    return row  # type: ignore[no-any-return]


def complete(db: Database, item_id: int, now: datetime, *, early: bool = False) -> Completed:
    """Mark an item done. A recurring reminder records the completion and moves to
    its next occurrence after today (so a late completion does not leave it overdue).
    One whose day has not come yet raises NotYetDue unless ``early``."""
    from relate.dates import anchored_rule, next_occurrence, remaining_rule

    stamp = clock.to_storage(now)
    with db.transaction() as conn:
        row = _open_item(conn, item_id)
        if row["rrule"]:
            due = clock.from_storage(str(row["due_at"]))
            if not early and due.date() > now.date():
                raise NotYetDue(item_id, due, bool(row["all_day"]))
            after = max(due, now).replace(tzinfo=None)
            # A rule stored before anchoring existed is anchored on its (unclamped) due day.
            rule = anchored_rule(str(row["rrule"]), due.date())
            following = next_occurrence(rule, due.replace(tzinfo=None), after)
            conn.execute(RECORD_COMPLETION, {"id": item_id, "due_at": row["due_at"], "now": stamp})
            if following is not None:
                rule = remaining_rule(rule, due.replace(tzinfo=None), following)
                next_due = following.astimezone()
                advance = {"id": item_id, "due_at": clock.to_storage(next_due), "rrule": rule}
                conn.execute(ADVANCE, advance)
                return Completed(
                    item_id, str(row["kind"]), str(row["text"]), next_due, bool(row["all_day"])
                )
        conn.execute(FINISH, {"id": item_id, "now": stamp})
    return Completed(item_id, str(row["kind"]), str(row["text"]), None)


def snooze(db: Database, item_id: int, until: datetime, now: datetime) -> str:
    """Hide an item until a later day; returns its text."""
    if until.date() <= now.date():
        raise RelateError(
            f"cannot snooze #{item_id} until {until.date().isoformat()}: that is not after today",
            hint="give a later date, e.g. --until tomorrow",
        )
    with db.transaction() as conn:
        row = _open_item(conn, item_id)
        conn.execute(SNOOZE, {"id": item_id, "until": clock.to_storage(until)})
    return str(row["text"])


def list_reminders(db: Database, include_done: bool) -> list[dict[str, object]]:
    """Reminders and follow-ups as public records (the JSON/CSV shape of ``reminders``)."""
    from relate.dates import describe_recurrence

    records: list[dict[str, object]] = []
    for row in db.execute(LIST_REMINDERS, {"all": include_done}):
        due = clock.from_storage(str(row["due_at"]))
        records.append(
            {
                "id": row["id"],
                "kind": row["kind"],
                "contact": row["contact"],
                "contact_id": row["contact_id"],
                "due": due.date().isoformat(),
                "time": None if row["all_day"] else due.strftime("%H:%M"),
                "text": row["text"],
                "every": describe_recurrence(str(row["rrule"])) if row["rrule"] else None,
                "rrule": row["rrule"],
                "snoozed": bool(row["snoozed"]),
                "done": row["done_at"] is not None,
            }
        )
    return records

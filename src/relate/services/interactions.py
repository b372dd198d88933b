"""Logging calls, e-mails, meetings and notes, with an optional follow-up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from relate import clock
from relate.errors import NotFoundError, RelateError
from relate.services.matching import ContactRef, fold, resolve_contact
from relate.services.reminders import FOLLOW_UP, insert_reminder
from relate.storage.database import Database
from relate.storage.sql import statement

KINDS = ("call", "email", "meeting", "message", "other", "note", "gift")
# An internal note (what you know or think about someone) is no contact with them: it
# neither sets their last contact nor resets their cadence. Every other kind does.
NOTE = "note"
# What `log` records without --kind: some contact not worth classifying (it counts).
OTHER = "other"


def counts_as_contact(kind: str) -> bool:
    """Whether an interaction of ``kind`` is contact with its participants."""
    return kind != NOTE


KIND_ALIASES = {
    "e-mail": "email",
    "mail": "email",
    "meet": "meeting",
    "msg": "message",
    "sms": "message",
    "text": "message",
    "phone": "call",
}

INSERT_INTERACTION = statement(
    """INSERT INTO interaction (kind, occurred_at, text, created_at, logged_by)
    VALUES (:kind, :at, :text, :now, :logged_by)"""
)
INSERT_PARTICIPANT = statement(
    """INSERT INTO interaction_contact (interaction_id, contact_id)
    VALUES (:interaction_id, :contact_id)
    ON CONFLICT DO NOTHING"""
)
INSERT_INTERACTION_TAG = statement(
    """INSERT INTO interaction_tag (interaction_id, tag, tag_key)
    VALUES (:interaction_id, :tag, :key)
    ON CONFLICT DO NOTHING"""
)
# Kept in the same transaction as the log, so "overdue by cadence" never has to scan
# the history. A back-dated log never moves the last contact backwards.
TOUCH_CONTACT = statement(
    """UPDATE contact SET last_contact_at = :at,
        next_due_on = CASE WHEN cadence_days IS NULL THEN NULL
            ELSE date(:day, '+' || cadence_days || ' days') END
    WHERE id = :id AND (last_contact_at IS NULL OR last_contact_at < :at)"""
)


def parse_kind(value: str) -> str:
    kind = value.strip().lower()
    kind = KIND_ALIASES.get(kind, kind)
    if kind not in KINDS:
        raise RelateError(f"unknown kind {value!r}", hint="use one of " + ", ".join(KINDS))
    return kind


@dataclass(frozen=True)
class Logged:
    interaction_id: int
    follow_up_id: int | None


def follow_up_text(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return f"Follow up: {first}" if first else "Follow up"


def participants(db: Database, named: Sequence[str]) -> list[ContactRef]:
    """The contacts ``named`` (as typed), each once, in the order given."""
    people: list[ContactRef] = []
    for query in named:
        ref = resolve_contact(db, query)
        if ref.id not in {person.id for person in people}:
            people.append(ref)
    return people


def _same_people(db: Database, named: Sequence[str], expected: list[ContactRef]) -> None:
    """Refuse when the names typed no longer lead to the people resolved before the
    text was written (deleted meanwhile, or an id reused by someone else)."""
    chosen = {(ref.id, ref.name) for ref in expected}
    for query in named:
        ref = resolve_contact(db, query)
        if (ref.id, ref.name) not in chosen:
            raise NotFoundError(
                f"{query!r} now names {ref.label()}, not the contact chosen before the text"
                " was written; nothing logged"
            )


def insert_interaction(
    conn: Database,
    contact_ids: list[int],
    text: str,
    *,
    kind: str,
    when: datetime,
    now: datetime,
    logged_by: str | None,
) -> int:
    """Insert one interaction inside an open transaction (log, import); unless it is an
    internal note, it counts as contact for each participant (their last contact and
    cadence). ``logged_by``: the current user, who logged it."""
    at = clock.to_storage(when)
    interaction_id = conn.insert(
        INSERT_INTERACTION,
        {
            "kind": kind,
            "at": at,
            "text": text,
            "now": clock.to_storage(now),
            "logged_by": logged_by,
        },
    )
    day = when.astimezone().date().isoformat()
    touch = counts_as_contact(kind)
    for contact_id in contact_ids:
        conn.execute(
            INSERT_PARTICIPANT, {"interaction_id": interaction_id, "contact_id": contact_id}
        )
        if touch:
            conn.execute(TOUCH_CONTACT, {"id": contact_id, "at": at, "day": day})
    return interaction_id


def log_interaction(
    db: Database,
    contacts: list[ContactRef],
    text: str,
    *,
    kind: str,
    when: datetime,
    now: datetime,
    tags: list[str] | None = None,
    follow_up: datetime | None = None,
    follow_up_all_day: bool = True,
    named: Sequence[str] | None = None,
    logged_by: str | None = None,
) -> Logged:
    """Record one interaction with every participant; it counts as contact for each
    unless it is an internal note (``counts_as_contact``).

    ``logged_by`` is who logged it (the current user; the CLI passes it).

    With ``named`` (what the user typed for ``contacts``), the names are resolved
    again inside the write transaction, so a contact deleted or replaced while the
    text was being written is refused instead of receiving someone else's note.
    """
    if not contacts:
        raise RelateError("an interaction needs at least one contact")
    with db.transaction() as conn:
        if named is not None:
            _same_people(db, named, contacts)
        interaction_id = insert_interaction(
            conn,
            [ref.id for ref in contacts],
            text,
            kind=kind,
            when=when,
            now=now,
            logged_by=logged_by,
        )
        for tag in tags or []:
            if tag.strip():
                conn.execute(
                    INSERT_INTERACTION_TAG,
                    {"interaction_id": interaction_id, "tag": tag.strip(), "key": fold(tag)},
                )
        follow_up_id = None
        if follow_up is not None:
            follow_up_id = insert_reminder(
                conn,
                contact_id=contacts[0].id,
                text=follow_up_text(text),
                due=follow_up,
                all_day=follow_up_all_day,
                rrule=None,
                now=now,
                kind=FOLLOW_UP,
                interaction_id=interaction_id,
            )
    return Logged(interaction_id, follow_up_id)

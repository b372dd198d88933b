"""Birthdays, anniversaries and custom dates, each with a lead time for gifts.

A contact has at most one date per label: setting it again changes it. 29 February
falls on 28 February in years without one (``MonthDay.in_year``).
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from relate import clock
from relate.dates import MonthDay
from relate.errors import RelateError
from relate.services.matching import ContactRef
from relate.storage.database import Database
from relate.storage.sql import statement

BIRTHDAY = "birthday"
ANNIVERSARY = "anniversary"
CUSTOM = "custom"
DEFAULT_LEAD_DAYS = 7  # a week to find a gift (also the column's default in the models)

FIND_DATE = statement(
    "SELECT id FROM important_date WHERE contact_id = :contact_id AND label = :label"
)
UPDATE_DATE = statement(
    """UPDATE important_date SET month = :month, day = :day, year = :year,
        lead_days = coalesce(:lead_days, lead_days) WHERE id = :id"""
)
INSERT_DATE = statement(
    """INSERT INTO important_date (contact_id, kind, label, month, day, year, lead_days,
        created_at)
    VALUES (:contact_id, :kind, :label, :month, :day, :year, :lead_days, :now)"""
)
# Dates whose (month, day) falls in a window: a range on the (month, day) index.
_DATES_IN_WINDOW = """SELECT d.id, d.kind, d.label, d.month, d.day, d.year, d.lead_days,
        c.id AS contact_id, c.name AS contact, c.priority
    FROM important_date d JOIN contact c ON c.id = d.contact_id
    WHERE c.archived_at IS NULL
    AND (month, day) >= (:from_month, :from_day) AND (month, day) <= (:to_month, :to_day)"""
DATES_IN_WINDOW = statement(_DATES_IN_WINDOW)
# `today --mine`: the dates of the contacts one person owns.
DATES_IN_WINDOW_MINE = statement(_DATES_IN_WINDOW + " AND c.owner = :owner")
MAX_LEAD = statement("SELECT coalesce(max(lead_days), 0) FROM important_date")


class Saved(NamedTuple):
    id: int
    created: bool


def kind_of(label: str) -> tuple[str, str]:
    """(kind, label) for what the user typed: birthday, anniversary or a custom label."""
    text = " ".join(label.split())
    if not text:
        raise RelateError("a date needs a label", hint="birthday, anniversary or your own")
    lowered = text.lower()
    if lowered in (BIRTHDAY, ANNIVERSARY):
        return lowered, lowered
    return CUSTOM, text


def upsert_date(
    conn: Database,
    contact_id: int,
    label: str,
    when: MonthDay,
    now: datetime,
    lead_days: int | None = None,
) -> Saved:
    """Set a contact's date for ``label`` inside an open transaction (add, edit, import).

    ``lead_days`` None keeps an existing lead time (a new date gets ``DEFAULT_LEAD_DAYS``).
    """
    if lead_days is not None and not 0 <= lead_days <= 366:
        raise RelateError(f"lead time {lead_days} is out of range", hint="use 0 to 366 days")
    kind, clean_label = kind_of(label)
    params = {
        "contact_id": contact_id,
        "kind": kind,
        "label": clean_label,
        "month": when.month,
        "day": when.day,
        "year": when.year,
        "lead_days": lead_days,
        "now": clock.to_storage(now),
    }
    row = conn.execute(FIND_DATE, params).fetchone()
    if row is not None:
        conn.execute(UPDATE_DATE, {**params, "id": row["id"]})
        return Saved(int(row["id"]), False)
    if lead_days is None:
        params["lead_days"] = DEFAULT_LEAD_DAYS
    return Saved(conn.insert(INSERT_DATE, params), True)


def set_date(
    db: Database,
    ref: ContactRef,
    label: str,
    when: MonthDay,
    now: datetime,
    lead_days: int | None = None,
) -> Saved:
    with db.transaction() as conn:
        return upsert_date(conn, ref.id, label, when, now, lead_days)

"""Birthdays, anniversaries and custom dates, each with a lead time for gifts.

A contact has at most one date per label: setting it again changes it. 29 February
falls on 28 February in years without one (``MonthDay.in_year``). A date is yearly
unless it happens one time (``once``: a contract renewal on 2027-01-31), and then its
year is always set (``once_day``).
"""

from __future__ import annotations

from datetime import date, datetime
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
    "SELECT id, once FROM important_date WHERE contact_id = :contact_id AND label = :label"
)
UPDATE_DATE = statement(
    """UPDATE important_date SET month = :month, day = :day, year = :year,
        lead_days = coalesce(:lead_days, lead_days), once = :once WHERE id = :id"""
)
INSERT_DATE = statement(
    """INSERT INTO important_date (contact_id, kind, label, month, day, year, lead_days,
        created_at, once)
    VALUES (:contact_id, :kind, :label, :month, :day, :year, :lead_days, :now, :once)"""
)
# Dates whose (month, day) falls in a window: a range on the (month, day) index. A
# one-time date of a year outside the window's is skipped on the date's own row,
# before its contact is looked up.
_DATES_IN_WINDOW = """SELECT d.id, d.kind, d.label, d.month, d.day, d.year, d.lead_days,
        d.once, c.id AS contact_id, c.name AS contact, c.priority
    FROM important_date d JOIN contact c ON c.id = d.contact_id
    WHERE (month, day) >= (:from_month, :from_day) AND (month, day) <= (:to_month, :to_day)
    AND (d.once = 0 OR (d.year >= :from_year AND d.year <= :to_year))
    AND c.archived_at IS NULL"""
DATES_IN_WINDOW = statement(_DATES_IN_WINDOW)
# `today --mine`: the dates of the contacts one person owns.
DATES_IN_WINDOW_MINE = statement(_DATES_IN_WINDOW + " AND c.owner = :owner")
MAX_LEAD = statement("SELECT coalesce(max(lead_days), 0) FROM important_date")


class Saved(NamedTuple):
    id: int
    created: bool
    when: MonthDay  # as stored: a one-time date has its year
    once: bool


def once_day(when: MonthDay, today: date) -> MonthDay:
    """The day a one-time date falls on: ``when`` itself when it has a year; without
    one, the next such day on or after ``today`` (a date for something to do, as
    ``remind --on``: on 24 Nov, 'jan 31' is 31 January next year; '02-29' is the
    next 29 February)."""
    if when.year is not None:
        return when
    year = today.year
    while True:
        try:
            day = date(year, when.month, when.day)
        except ValueError:  # 29 February in a common year
            day = None
        if day is not None and day >= today:
            return MonthDay(when.month, when.day, year)
        year += 1


def next_occurrence(month: int, day: int, year: int | None, once: bool, today: date) -> date | None:
    """The day a date next falls on, on or after ``today``: a yearly date's next
    anniversary; a one-time date's own day, or None once it has passed."""
    if once:
        if year is None:
            return None  # cannot be stored so; read as never
        on = date(year, month, day)
        return on if on >= today else None
    return MonthDay(month, day).next_on_or_after(today)


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
    once: bool | None = False,
) -> Saved:
    """Set a contact's date for ``label`` inside an open transaction (add, edit, import).

    ``lead_days`` None keeps an existing lead time (a new date gets ``DEFAULT_LEAD_DAYS``).
    ``once``: True, the date happens one time (without a year in ``when``, the next
    such day: ``once_day``); False, every year; None keeps what the label's date was
    (a new one is yearly).
    """
    if lead_days is not None and not 0 <= lead_days <= 366:
        raise RelateError(f"lead time {lead_days} is out of range", hint="use 0 to 366 days")
    kind, clean_label = kind_of(label)
    row = conn.execute(FIND_DATE, {"contact_id": contact_id, "label": clean_label}).fetchone()
    one_time = bool(row["once"]) if once is None and row is not None else bool(once)
    if one_time and kind != CUSTOM:
        raise RelateError(
            f"a {kind} comes every year; --once is for a date that happens one time",
            hint='give it its own label, e.g. "contract renewal"',
        )
    if one_time:
        when = once_day(when, now.date())
    params = {
        "contact_id": contact_id,
        "kind": kind,
        "label": clean_label,
        "month": when.month,
        "day": when.day,
        "year": when.year,
        "lead_days": lead_days,
        "now": clock.to_storage(now),
        "once": one_time,
    }
    if row is not None:
        conn.execute(UPDATE_DATE, {**params, "id": row["id"]})
        return Saved(int(row["id"]), False, when, one_time)
    if lead_days is None:
        params["lead_days"] = DEFAULT_LEAD_DAYS
    return Saved(conn.insert(INSERT_DATE, params), True, when, one_time)


def set_date(
    db: Database,
    ref: ContactRef,
    label: str,
    when: MonthDay,
    now: datetime,
    lead_days: int | None = None,
    once: bool | None = None,
) -> Saved:
    """Set a contact's date (``relate date``): ``once`` as ``upsert_date`` takes it; a
    one-time date without a year is the next such day from ``now``'s."""
    with db.transaction() as conn:
        return upsert_date(conn, ref.id, label, when, now, lead_days, once)

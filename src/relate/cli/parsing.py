"""Reading dates and times from the command line into aware local datetimes."""

from __future__ import annotations

from datetime import datetime, time

from relate import clock, dates
from relate.render import output

NOON = time(12, 0)


def moment(text: str, default_time: time | None = None) -> tuple[datetime, bool]:
    """(aware local datetime, all_day) for a date typed by the user.

    A day without a time is all-day and lands on ``default_time`` (midnight unless
    given). A wall-clock time that does not exist (spring forward) is moved on, and
    the user is told.
    """
    when = dates.parse_when(text, clock.today())
    at, note = clock.local_datetime(when.day, when.time or default_time)
    if note:
        output.warn(note)
    return at, when.time is None


def past_moment(text: str | None) -> datetime:
    """When something happened: now by default; a bare past day means its midday."""
    current = clock.now()
    if text is None:
        return current
    when = dates.parse_when(text, current.date())
    if when.time is None and when.day == current.date():
        return current
    at, note = clock.local_datetime(when.day, when.time or NOON)
    if note:
        output.warn(note)
    return at

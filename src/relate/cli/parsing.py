"""Reading dates and times from the command line into aware local datetimes."""

from __future__ import annotations

from datetime import datetime, time
from typing import NamedTuple

from relate import clock, dates
from relate.errors import RelateError
from relate.render import output

NOON = time(12, 0)


class Moment(NamedTuple):
    """A moment as the user gave it."""

    at: datetime  # aware, local
    all_day: bool  # a day without a time of day: say the day only


def moment(text: str, default_time: time | None = None) -> Moment:
    """When something is to be done.

    A date without a year is the next one (on 24 Nov, "jan 5" is next January). A
    day without a time is all-day and lands on ``default_time`` (midnight unless
    given). A wall-clock time that does not exist (spring forward) is moved on, and
    the user is told.
    """
    when = dates.parse_when(text, clock.today(), dates.AHEAD)
    at, note = clock.local_datetime(when.day, when.time or default_time)
    if note:
        output.warn(note)
    return Moment(at, all_day=when.time is None)


def past_moment(
    text: str | None,
    *,
    planned: bool = False,
    what: str = "a log records what happened",
    hint: str = "add --planned to log something planned",
) -> Moment:
    """When something happened: now by default; a bare past day means its midday
    (``all_day``: the user gave no time). It has happened, so "friday" is the latest
    Friday and a moment still to come is refused, unless it is ``planned``.
    """
    current = clock.now()
    if text is None:
        return Moment(current, all_day=False)
    when = dates.parse_when(text, current.date(), dates.AHEAD if planned else dates.BACK)
    if when.time is None and when.day == current.date():
        return Moment(current, all_day=True)
    at, note = clock.local_datetime(when.day, when.time or NOON)
    if at > current and not planned:
        shown = dates.format_moment(when.day, when.time, current.date())
        raise RelateError(f"{text!r} is in the future ({shown}); {what}", hint=hint)
    if note:
        output.warn(note)
    return Moment(at, all_day=when.time is None)

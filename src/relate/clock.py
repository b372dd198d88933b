"""The one place that decides what "now" is, and how times are stored.

Only the CLI asks it what time it is (``cli/state.py``); everything below takes
``today``/``now`` as an argument, and ``open_database`` the clock that dates undo
steps (the wall clock only when a caller, a test or a tool, gives none). The rest of
this module converts times and never reads the clock. ``RELATE_NOW`` (an ISO date or
date-time, local unless it carries an offset) pins the clock for tests, demos and
reproducible scripts.

Storage is naive UTC text in the format of SQLAlchemy's SQLite ``DateTime`` (the
models' type, ``YYYY-MM-DD HH:MM:SS.ffffff``): fixed width, so stored times compare
and sort as text, and the models read every row relate writes.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta

from relate.errors import SettingError

STORAGE_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def now() -> datetime:
    """The current local time, aware (honours ``RELATE_NOW``)."""
    pinned = os.environ.get("RELATE_NOW")
    if pinned:
        from relate.dates import FIRST_DAY, LAST_DAY, OUTSIDE_RANGE

        try:
            value = datetime.fromisoformat(pinned)
            value = value.astimezone() if value.tzinfo is None else value
            why = None if FIRST_DAY <= value.date() <= LAST_DAY else OUTSIDE_RANGE
        except (ValueError, OverflowError):
            why = "not a date or date-time"
        if why:
            raise SettingError(
                f"RELATE_NOW={pinned!r}: {why}",
                hint="use e.g. 2026-11-24 or 2026-11-24T09:30, or unset it",
            )
        return value
    return datetime.now().astimezone()


def today() -> date:
    return now().date()


def to_storage(moment: datetime) -> str:
    """An aware datetime as stored (UTC). Naive input is read as local time."""
    return moment.astimezone(UTC).strftime(STORAGE_FORMAT)


def from_storage(text: str) -> datetime:
    """A stored UTC timestamp as an aware local datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC).astimezone()


def local_day_of(text: str) -> date:
    """The local calendar day of a stored timestamp."""
    return from_storage(text).date()


def local_start_of_day(day: date) -> datetime:
    """Local midnight of ``day``, aware (DST-correct: uses the zone rules of that day)."""
    return datetime.combine(day, time()).astimezone()


def day_bounds(day: date) -> tuple[str, str]:
    """Stored UTC bounds [start, end) of the local calendar day ``day``."""
    return (
        to_storage(local_start_of_day(day)),
        to_storage(local_start_of_day(day + timedelta(days=1))),
    )


def local_datetime(day: date, at: time | None) -> tuple[datetime, str | None]:
    """Combine a local day and an optional wall-clock time into an aware datetime.

    Returns the moment and, when the wall-clock time does not exist on that day
    (clocks jumped forward), a sentence saying which time was used instead.
    """
    naive = datetime.combine(day, at or time())
    aware = naive.astimezone()
    # A time in the spring-forward gap does not survive a round trip through UTC.
    if aware.replace(tzinfo=None) != naive:
        # Of the two readings of a gap time (PEP 495 folds), take the later one: the
        # clock reading after the jump, as calendar programs do.
        later = max(naive.replace(fold=fold).astimezone() for fold in (0, 1))
        return later, (
            f"{naive:%Y-%m-%d %H:%M} does not exist in local time (clocks jump forward);"
            f" using {later:%H:%M}"
        )
    return aware, None


class LocalISOFormatter:
    """Stored UTC timestamps as local ISO 8601 with their offset, to the second.

    Exactly ``from_storage(text).replace(microsecond=0).isoformat()``, but fast enough for
    exports of millions of rows: the zone offset is looked up once per UTC day, and a day
    in which the offset changes (a daylight-saving transition, which need not fall on a
    whole UTC hour) is converted row by row.
    """

    def __init__(self) -> None:
        self._days: dict[str, tuple[timedelta, str] | None] = {}

    def __call__(self, stored: str) -> str:
        day = stored[:10]
        if day in self._days:
            cached = self._days[day]
        else:
            cached = self._days[day] = self._offset_of_day(day)
        if cached is None:
            return from_storage(stored).replace(microsecond=0).isoformat()
        delta, suffix = cached
        return (datetime.fromisoformat(stored[:19]) + delta).isoformat() + suffix

    @staticmethod
    def _offset_of_day(day: str) -> tuple[timedelta, str] | None:
        start = datetime.fromisoformat(day).replace(tzinfo=UTC).astimezone()
        end = (start + timedelta(hours=23, minutes=59, seconds=59)).astimezone()
        offset = start.utcoffset()
        if offset is None or offset != end.utcoffset():
            return None
        return offset, start.isoformat()[19:]

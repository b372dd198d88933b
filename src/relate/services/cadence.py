"""Contact cadence: when someone is next due for a touch, and how late they are."""

from __future__ import annotations

from datetime import date, timedelta


def next_due(last_touch: date, cadence_days: int | None) -> date | None:
    """The day a contact becomes due again, or None when they have no cadence."""
    if not cadence_days:
        return None
    return last_touch + timedelta(days=cadence_days)


def lateness(days_since_touch: int, cadence_days: int) -> float:
    """How far past the cadence someone is, relative to it.

    20 days late on a weekly cadence (ratio ~3.9) outranks 20 days late on a yearly
    one (~1.05): the agenda sorts by this, then by priority.
    """
    return days_since_touch / cadence_days

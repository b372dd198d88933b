"""Contact cadence: when someone is next due for a touch.

How late they are is ranked in SQL (``services/agenda.py``, ``CADENCE_ITEMS``)."""

from __future__ import annotations

from datetime import date, timedelta


def next_due(last_touch: date, cadence_days: int | None) -> date | None:
    """The day a contact becomes due again, or None when they have no cadence."""
    if not cadence_days:
        return None
    return last_touch + timedelta(days=cadence_days)

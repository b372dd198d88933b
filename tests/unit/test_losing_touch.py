"""The losing-touch rule (#14 nobody drops off): pure functions of the day, the
period, the last contact and when the contact was added."""

from __future__ import annotations

from datetime import date

import pytest

from relate.dates import FIRST_DAY
from relate.services.agenda import DEFAULT_LOSING_TOUCH, Silence, losing_touch_before, silence

TODAY = date(2026, 11, 24)


def test_the_default_period_is_half_a_year() -> None:
    assert DEFAULT_LOSING_TOUCH == 180


@pytest.mark.parametrize(
    ("last", "added", "expected"),
    [
        (date(2026, 5, 28), date(2020, 1, 1), None),  # exactly 180 days: not longer
        (date(2026, 5, 27), date(2020, 1, 1), Silence(181, 180, True)),  # one day longer
        (date(2026, 11, 24), date(2020, 1, 1), None),  # contacted today
        (None, date(2026, 5, 28), None),  # never contacted, added 180 days ago
        (None, date(2026, 5, 27), Silence(181, 180, False)),  # ... 181 days ago
        (None, TODAY, None),  # added today
        (date(2027, 1, 1), date(2020, 1, 1), None),  # a planned contact ahead
    ],
)
def test_longer_than_the_period_since_the_last_contact_or_since_added(
    last: date | None, added: date, expected: Silence | None
) -> None:
    assert silence(TODAY, 180, last, added) == expected


def test_the_last_contact_wins_over_when_added() -> None:
    # Added long ago, contacted recently: not losing touch.
    assert silence(TODAY, 30, date(2026, 11, 1), date(2001, 1, 1)) is None
    found = silence(TODAY, 30, date(2026, 10, 1), date(2001, 1, 1))
    assert found == Silence(54, 30, True)


@pytest.mark.parametrize("period", [0, -1])
def test_a_period_of_zero_switches_the_rule_off(period: int) -> None:
    assert silence(TODAY, period, None, date(1990, 1, 1)) is None
    assert silence(TODAY, period, date(1990, 1, 1), date(1990, 1, 1)) is None


def test_the_bound_the_query_uses_is_the_rule_s() -> None:
    """A contact last touched before ``losing_touch_before`` is losing touch; on it, not."""
    for period in (1, 7, 180, 365, 1000):
        before = losing_touch_before(TODAY, period)
        assert silence(TODAY, period, before, before) is None
        earlier = date.fromordinal(before.toordinal() - 1)
        assert silence(TODAY, period, earlier, earlier) is not None


def test_a_period_beyond_the_calendar_reaches_back_to_the_first_day() -> None:
    assert losing_touch_before(TODAY, 10**9) == FIRST_DAY
    assert silence(TODAY, 10**9, None, FIRST_DAY) is None

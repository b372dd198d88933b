"""The date grammar: what users type for days, times, cadences and recurrences."""

from __future__ import annotations

import ast
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relate import dates
from relate.dates import (
    ACCEPTED_CADENCES,
    ACCEPTED_FORMS,
    MonthDay,
    When,
    describe_recurrence,
    format_cadence,
    format_day,
    next_occurrence,
    parse_cadence,
    parse_date,
    parse_month_day,
    parse_recurrence,
    parse_when,
)
from relate.errors import ExitCode, RelateError

TODAY = date(2026, 11, 24)  # a Tuesday
D = date


@pytest.mark.parametrize(
    ("typed", "day", "at"),
    [
        # ISO, with and without a time
        ("2026-12-01", D(2026, 12, 1), None),
        ("2026-12-01 14:30", D(2026, 12, 1), time(14, 30)),
        ("2026-12-01T14:30", D(2026, 12, 1), time(14, 30)),
        ("  2026-12-01  ", D(2026, 12, 1), None),
        ("2024-02-29", D(2024, 2, 29), None),
        # month names, this year unless one is given
        ("dec 1", D(2026, 12, 1), None),
        ("December 1", D(2026, 12, 1), None),
        ("1 dec", D(2026, 12, 1), None),
        ("1 december", D(2026, 12, 1), None),
        ("dec 1 2027", D(2027, 12, 1), None),
        ("1 december 2027", D(2027, 12, 1), None),
        ("december 1st, 2027", D(2027, 12, 1), None),
        ("jan 5", D(2026, 1, 5), None),  # this year, even though it has passed
        ("sept 9", D(2026, 9, 9), None),
        # words
        ("today", TODAY, None),
        ("now", TODAY, None),
        ("TOMORROW", D(2026, 11, 25), None),
        ("yesterday", D(2026, 11, 23), None),
        # weekdays: TODAY is a Tuesday
        ("wednesday", D(2026, 11, 25), None),
        ("fri", D(2026, 11, 27), None),
        ("friday", D(2026, 11, 27), None),
        ("next friday", D(2026, 11, 27), None),
        ("last friday", D(2026, 11, 20), None),
        ("this friday", D(2026, 11, 27), None),
        ("monday", D(2026, 11, 30), None),
        ("tuesday", D(2026, 12, 1), None),  # never today: a week later
        ("next tuesday", D(2026, 12, 1), None),
        ("last tuesday", D(2026, 11, 17), None),
        ("this tuesday", TODAY, None),
        # offsets
        ("in 3 days", D(2026, 11, 27), None),
        ("in 2 weeks", D(2026, 12, 8), None),
        ("in a week", D(2026, 12, 1), None),
        ("in 1 month", D(2026, 12, 24), None),
        ("in 2 years", D(2028, 11, 24), None),
        ("3 days ago", D(2026, 11, 21), None),
        ("2 weeks ago", D(2026, 11, 10), None),
        ("3 months ago", D(2026, 8, 24), None),
        ("1 year ago", D(2025, 11, 24), None),
        ("3d", D(2026, 11, 27), None),
        ("2w", D(2026, 12, 8), None),
        ("6m", D(2027, 5, 24), None),
        ("1y", D(2027, 11, 24), None),
        ("+3d", D(2026, 11, 27), None),
        ("-3d", D(2026, 11, 21), None),
        # times of day
        ("friday 3pm", D(2026, 11, 27), time(15, 0)),
        ("friday at 3pm", D(2026, 11, 27), time(15, 0)),
        ("friday at 9", D(2026, 11, 27), time(9, 0)),
        ("tomorrow 09:30", D(2026, 11, 25), time(9, 30)),
        ("tomorrow 3:30pm", D(2026, 11, 25), time(15, 30)),
        ("tomorrow 3 PM", D(2026, 11, 25), time(15, 0)),
        ("dec 1 15:00", D(2026, 12, 1), time(15, 0)),
        ("in 3 days at 8am", D(2026, 11, 27), time(8, 0)),
        ("today 12am", TODAY, time(0, 0)),
        ("today 12pm", TODAY, time(12, 0)),
        ("3pm", TODAY, time(15, 0)),  # a time alone is today
        ("at 15:00", TODAY, time(15, 0)),
    ],
)
def test_parse_when_reads_every_documented_form(typed: str, day: date, at: time | None) -> None:
    assert parse_when(typed, TODAY) == When(day, at)


@pytest.mark.parametrize(
    ("start", "typed", "expected"),
    [
        (D(2027, 1, 31), "in 1 month", D(2027, 2, 28)),  # clamped, not Mar 3
        (D(2028, 1, 31), "1m", D(2028, 2, 29)),
        (D(2027, 3, 31), "1 month ago", D(2027, 2, 28)),
        (D(2028, 2, 29), "in 1 year", D(2029, 2, 28)),
        (D(2028, 2, 29), "in 4 years", D(2032, 2, 29)),
        (D(2026, 12, 31), "tomorrow", D(2027, 1, 1)),
        (D(2026, 11, 27), "friday", D(2026, 12, 4)),  # on a Friday: a week later
        (D(2026, 11, 27), "last friday", D(2026, 11, 20)),
        (D(2026, 11, 27), "this friday", D(2026, 11, 27)),
        (D(2026, 11, 28), "friday", D(2026, 12, 4)),
        (D(2026, 11, 28), "last friday", D(2026, 11, 27)),
        (D(2028, 6, 1), "feb 29", D(2028, 2, 29)),
    ],
)
def test_month_ends_leap_days_and_weekday_edges(start: date, typed: str, expected: date) -> None:
    assert parse_date(typed, start) == expected


def test_parse_date_drops_the_time_of_day() -> None:
    assert parse_date("friday 3pm", TODAY) == D(2026, 11, 27)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", None),
        ("   ", None),
        ("junk", None),
        ("in x days", None),
        ("3/14", None),  # ambiguous: 14 March or 3 of a 14th month?
        ("12/01/2026", None),
        ("friday at", None),
        ("next", None),
        ("2026-02-30", "February 2026 has 28 days"),
        ("feb 29", "February 2026 has 28 days"),
        ("dec 32", "December 2026 has 31 days"),
        ("2026-13-01", "there is no month 13"),
        ("25:00", "there is no hour 25"),
        ("friday 24:00", "there is no hour 24"),
        ("friday 9:60", "not a time of day"),
        ("13pm", "the hour runs from 1 to 12"),
        ("0am", "the hour runs from 1 to 12"),
        ("in 9999 years", "relate's dates run from 1900 to 9000"),
        ("0001-01-01", "relate's dates run from 1900 to 9000"),
        ("9999-12-31", "relate's dates run from 1900 to 9000"),
    ],
)
def test_unreadable_dates_are_user_errors_naming_the_accepted_forms(
    typed: str, reason: str | None
) -> None:
    with pytest.raises(RelateError) as caught:
        parse_when(typed, TODAY)
    assert caught.value.exit_code == ExitCode.USER_ERROR
    message = str(caught.value)
    assert f"cannot read {typed!r} as a date" in message
    assert ACCEPTED_FORMS in message
    if reason:
        assert reason in message


def test_accepted_forms_lists_only_forms_that_parse() -> None:
    # The hint is what users copy from; every example in it must work.
    examples = ACCEPTED_FORMS.removeprefix("use e.g. ").replace("optionally with a time: ", "")
    for example in examples.split(", "):
        for form in example.split("/"):
            parse_when(form, TODAY)


def test_module_never_reads_the_clock_nor_imports_dateutil_eagerly() -> None:
    tree = ast.parse(Path(dates.__file__).read_text(encoding="utf-8"))
    calls = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert not calls & {"today", "now", "utcnow", "time"}
    top_level = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    modules = {
        alias.name if isinstance(node, ast.Import) else str(node.module)
        for node in top_level
        for alias in node.names
    }
    assert not any(name.startswith("dateutil") for name in modules)


@given(st.integers(0, 10_000), st.dates(min_value=dates.FIRST_DAY))
def test_in_n_days_and_nd_are_n_days_later(n: int, today: date) -> None:
    try:
        expected = today + timedelta(days=n)
    except OverflowError:
        expected = date.max
    if expected > dates.LAST_DAY:
        with pytest.raises(RelateError, match=dates.OUTSIDE_RANGE):
            parse_date(f"in {n} days", today)
        return
    assert parse_date(f"in {n} days", today) == expected
    assert parse_date(f"{n}d", today) == expected


@given(st.integers(0, 10_000), st.dates(min_value=D(1928, 1, 1), max_value=dates.LAST_DAY))
def test_n_days_ago_is_n_days_earlier(n: int, today: date) -> None:
    assert parse_date(f"{n} days ago", today) == today - timedelta(days=n)
    assert parse_date(f"-{n}d", today) == today - timedelta(days=n)


@given(st.dates(min_value=dates.FIRST_DAY, max_value=dates.LAST_DAY), st.dates())
def test_iso_dates_read_back_exactly(day: date, today: date) -> None:
    assert parse_when(day.isoformat(), today) == When(day, None)


@given(
    st.dates(min_value=D(1900, 1, 8), max_value=D(9000, 12, 24)),
    st.sampled_from(["mon", "tuesday", "wed", "thu", "friday", "sat", "sun"]),
)
def test_weekday_names_land_on_that_weekday_within_a_week(today: date, name: str) -> None:
    ahead = parse_date(name, today)
    behind = parse_date(f"last {name}", today)
    assert ahead.weekday() == behind.weekday() == dates._WEEKDAYS[name]
    assert 1 <= (ahead - today).days <= 7
    assert 1 <= (today - behind).days <= 7


# Cadences


@pytest.mark.parametrize(
    ("typed", "days"),
    [
        ("every 30 days", 30),
        ("every 2 weeks", 14),
        ("2 weeks", 14),  # as in the README: --every "2 weeks"
        ("every week", 7),
        ("weekly", 7),
        ("daily", 1),
        ("every day", 1),
        ("every 2 months", 60),
        ("monthly", 30),
        ("every month", 30),
        ("quarterly", 91),
        ("every quarter", 91),
        ("every 3 months", 91),
        ("every 6 months", 182),
        ("yearly", 365),
        ("annually", 365),
        ("every year", 365),
        ("every 2 years", 730),
        ("every 12 months", 365),
        ("30d", 30),
        ("2w", 14),
        ("3m", 91),
        ("1y", 365),
        ("every 3d", 3),
        ("every other week", 14),
        ("  Every  2  Weeks ", 14),
    ],
)
def test_parse_cadence(typed: str, days: int) -> None:
    assert parse_cadence(typed) == days


@pytest.mark.parametrize(
    "typed", ["", "junk", "0d", "every 0 days", "-3d", "every -2 weeks", "week", "d", "every d"]
)
def test_bad_cadences_are_user_errors(typed: str) -> None:
    with pytest.raises(RelateError) as caught:
        parse_cadence(typed)
    assert caught.value.exit_code == ExitCode.USER_ERROR
    assert ACCEPTED_CADENCES in str(caught.value) or "at least one day" in str(caught.value)


def test_absurdly_long_cadence_is_refused() -> None:
    with pytest.raises(RelateError, match="longer than 100 years"):
        parse_cadence("every 200 years")


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (1, "daily"),
        (7, "weekly"),
        (14, "every 2 weeks"),
        (28, "every 4 weeks"),
        (30, "monthly"),
        (60, "every 2 months"),
        (90, "every 90 days"),
        (91, "quarterly"),
        (180, "every 180 days"),
        (182, "every 6 months"),
        (210, "every 7 months"),
        (365, "yearly"),
        (730, "every 2 years"),
        (45, "every 45 days"),
    ],
)
def test_format_cadence(days: int, text: str) -> None:
    assert format_cadence(days) == text


@given(st.integers(1, 5000))
def test_format_cadence_reads_back(days: int) -> None:
    assert parse_cadence(format_cadence(days)) == days


# Recurrences


@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ("daily", "FREQ=DAILY"),
        ("weekly", "FREQ=WEEKLY"),
        ("every week", "FREQ=WEEKLY"),
        ("every 2 weeks", "FREQ=WEEKLY;INTERVAL=2"),
        ("2w", "FREQ=WEEKLY;INTERVAL=2"),
        ("every 30 days", "FREQ=DAILY;INTERVAL=30"),
        ("monthly", "FREQ=MONTHLY"),
        ("every month", "FREQ=MONTHLY"),
        ("every 3 months", "FREQ=MONTHLY;INTERVAL=3"),
        ("quarterly", "FREQ=MONTHLY;INTERVAL=3"),
        ("yearly", "FREQ=YEARLY"),
        ("annually", "FREQ=YEARLY"),
        ("every 2 years", "FREQ=YEARLY;INTERVAL=2"),
        ("FREQ=WEEKLY;BYDAY=MO,TH", "FREQ=WEEKLY;BYDAY=MO,TH"),
        ("RRULE:FREQ=WEEKLY;BYDAY=MO,TH", "FREQ=WEEKLY;BYDAY=MO,TH"),
        ("rrule:freq=monthly;bymonthday=-1", "FREQ=MONTHLY;BYMONTHDAY=-1"),
        ("INTERVAL=2;FREQ=WEEKLY", "FREQ=WEEKLY;INTERVAL=2"),  # canonical order
        ("FREQ=MONTHLY;INTERVAL=1", "FREQ=MONTHLY"),
    ],
)
def test_parse_recurrence(typed: str, rule: str) -> None:
    assert parse_recurrence(typed) == rule


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "junk",
        "every 0 weeks",
        "FREQ=FORTNIGHTLY",
        "FREQ=WEEKLY;BYDAY=XX",
        "FREQ=WEEKLY;INTERVAL=0",
        "BYDAY=MO",
        "FREQ=WEEKLY;;=",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",  # never happens
    ],
)
def test_bad_recurrences_are_user_errors(typed: str) -> None:
    with pytest.raises(RelateError) as caught:
        parse_recurrence(typed)
    assert caught.value.exit_code == ExitCode.USER_ERROR
    assert ACCEPTED_CADENCES in str(caught.value)


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        ("FREQ=DAILY", "daily"),
        ("FREQ=WEEKLY", "weekly"),
        ("FREQ=WEEKLY;INTERVAL=2", "every 2 weeks"),
        ("FREQ=MONTHLY", "monthly"),
        ("FREQ=MONTHLY;INTERVAL=3", "quarterly"),
        ("FREQ=DAILY;INTERVAL=30", "every 30 days"),
        ("FREQ=YEARLY", "yearly"),
        ("RRULE:FREQ=YEARLY;INTERVAL=2", "every 2 years"),
        ("FREQ=WEEKLY;BYDAY=MO,TH", "FREQ=WEEKLY;BYDAY=MO,TH"),
    ],
)
def test_describe_recurrence(rule: str, text: str) -> None:
    assert describe_recurrence(rule) == text


@given(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]), st.integers(1, 50))
def test_described_recurrences_read_back(freq: str, interval: int) -> None:
    rule = f"FREQ={freq}" if interval == 1 else f"FREQ={freq};INTERVAL={interval}"
    assert parse_recurrence(describe_recurrence(rule)) == rule


START = datetime(2026, 1, 31, 9, 0)


@pytest.mark.parametrize(
    ("rule", "dtstart", "after", "expected"),
    [
        ("FREQ=WEEKLY", START, START, datetime(2026, 2, 7, 9)),
        ("FREQ=WEEKLY", START, datetime(2025, 1, 1), START),  # before the start: the start
        ("FREQ=DAILY;INTERVAL=30", START, datetime(2026, 3, 2, 9), datetime(2026, 4, 1, 9)),
        # month ends clamp rather than skip
        ("FREQ=MONTHLY", START, START, datetime(2026, 2, 28, 9)),
        ("FREQ=MONTHLY", START, datetime(2026, 2, 28, 9), datetime(2026, 3, 31, 9)),
        ("FREQ=MONTHLY", START, datetime(2026, 4, 1), datetime(2026, 4, 30, 9)),
        ("FREQ=MONTHLY;INTERVAL=3", START, START, datetime(2026, 4, 30, 9)),
        ("FREQ=YEARLY", datetime(2028, 2, 29), datetime(2028, 3, 1), datetime(2029, 2, 28)),
        ("FREQ=YEARLY", datetime(2028, 2, 29), datetime(2031, 3, 1), datetime(2032, 2, 29)),
        # COUNT ends the series
        ("FREQ=WEEKLY;COUNT=2", START, START, datetime(2026, 2, 7, 9)),
        ("FREQ=WEEKLY;COUNT=2", START, datetime(2026, 2, 7, 9), None),
        # complex rules go to dateutil: Sat 31 Jan -> Mon 2 Feb
        ("FREQ=WEEKLY;BYDAY=MO,TH", START, START, datetime(2026, 2, 2, 9)),
        ("RRULE:FREQ=WEEKLY;BYDAY=MO,TH", START, datetime(2026, 2, 2, 9), datetime(2026, 2, 5, 9)),
        ("FREQ=WEEKLY;UNTIL=20260210T000000", START, datetime(2026, 2, 7, 9), None),
        ("FREQ=YEARLY", datetime(9999, 6, 1), datetime(9999, 6, 1), None),
    ],
)
def test_next_occurrence(
    rule: str, dtstart: datetime, after: datetime, expected: datetime | None
) -> None:
    assert next_occurrence(rule, dtstart, after) == expected


def test_next_occurrence_rejects_a_broken_rule() -> None:
    with pytest.raises(RelateError):
        next_occurrence("FREQ=WEEKLY;BYDAY=XX", START, START)


_instants = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1))


@given(
    st.sampled_from(["FREQ=DAILY", "FREQ=WEEKLY;INTERVAL=2", "FREQ=MONTHLY", "FREQ=YEARLY"]),
    _instants,
    _instants,
)
def test_next_occurrence_is_strictly_after(rule: str, dtstart: datetime, after: datetime) -> None:
    found = next_occurrence(rule, dtstart, after)
    assert found is not None
    assert found > after
    assert found >= dtstart


@given(_instants, _instants)
def test_weekly_occurrences_are_seven_days_apart(dtstart: datetime, after: datetime) -> None:
    first = next_occurrence("FREQ=WEEKLY", dtstart, after)
    assert first is not None
    assert (first - dtstart) % timedelta(days=7) == timedelta(0)
    assert next_occurrence("FREQ=WEEKLY", dtstart, first) == first + timedelta(days=7)


# Important dates


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1985-03-14", MonthDay(3, 14, 1985)),
        ("19850314", MonthDay(3, 14, 1985)),
        ("03-14", MonthDay(3, 14, None)),
        ("--03-14", MonthDay(3, 14, None)),
        ("--0314", MonthDay(3, 14, None)),
        ("mar 14", MonthDay(3, 14, None)),
        ("March 14", MonthDay(3, 14, None)),
        ("14 march", MonthDay(3, 14, None)),
        ("14 march 1985", MonthDay(3, 14, 1985)),
        ("march 14 1985", MonthDay(3, 14, 1985)),
        ("02-29", MonthDay(2, 29, None)),
        ("feb 29", MonthDay(2, 29, None)),
        ("today", MonthDay(11, 24, 2026)),
        ("yesterday", MonthDay(11, 23, 2026)),
    ],
)
def test_parse_month_day(typed: str, expected: MonthDay) -> None:
    assert parse_month_day(typed, TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("3/14", None),
        ("junk", None),
        ("", None),
        ("0314", None),
        ("1985-02-29", "February 1985 has 28 days"),
        ("02-30", "February has 29 days"),
        ("13-01", "there is no month 13"),
    ],
)
def test_bad_month_days_name_the_forms(typed: str, reason: str | None) -> None:
    with pytest.raises(RelateError) as caught:
        parse_month_day(typed, TODAY)
    message = str(caught.value)
    assert "1985-03-14 or 03-14 or mar 14" in message
    if reason:
        assert reason in message


@pytest.mark.parametrize(
    ("value", "iso"),
    [(MonthDay(3, 14, 1985), "1985-03-14"), (MonthDay(3, 14, None), "--03-14")],
)
def test_month_day_iso_is_the_export_format(value: MonthDay, iso: str) -> None:
    assert value.iso() == iso
    assert parse_month_day(iso, TODAY) == value


def test_month_day_refuses_impossible_dates() -> None:
    with pytest.raises(ValueError):
        MonthDay(2, 30, None)
    with pytest.raises(ValueError):
        MonthDay(2, 29, 2027)


@st.composite
def month_days(draw: st.DrawFn) -> MonthDay:
    leap_day = draw(st.dates(min_value=D(2000, 1, 1), max_value=D(2000, 12, 31)))
    return MonthDay(leap_day.month, leap_day.day, None)


@given(month_days(), st.integers(1, 9999))
def test_in_year_never_fails_and_moves_29_feb_to_28_feb(value: MonthDay, year: int) -> None:
    day = value.in_year(year)
    assert (day.year, day.month) == (year, value.month)
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if (value.month, value.day) == (2, 29) and not leap:
        assert day.day == 28
    else:
        assert day.day == value.day


@given(month_days(), st.dates(max_value=D(9998, 12, 31)))
def test_next_anniversary_is_within_a_year(value: MonthDay, day: date) -> None:
    found = value.next_on_or_after(day)
    assert day <= found < day + timedelta(days=366)
    assert found == value.in_year(found.year)


def test_next_anniversary_of_today_is_today_and_29_feb_falls_on_28_feb() -> None:
    assert MonthDay(11, 24, 1980).next_on_or_after(TODAY) == TODAY
    assert MonthDay(11, 23, None).next_on_or_after(TODAY) == D(2027, 11, 23)
    assert MonthDay(2, 29, None).next_on_or_after(TODAY) == D(2027, 2, 28)
    assert MonthDay(2, 29, None).next_on_or_after(D(2027, 3, 1)) == D(2028, 2, 29)


# Display


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (TODAY, "today"),
        (D(2026, 11, 25), "tomorrow"),
        (D(2026, 11, 23), "yesterday"),
        (D(2026, 11, 27), "Fri 27 Nov"),
        (D(2026, 1, 5), "Mon 5 Jan"),
        (D(2027, 11, 26), "Fri 26 Nov 2027"),
        (D(2025, 12, 31), "Wed 31 Dec 2025"),
    ],
)
def test_format_day(day: date, text: str) -> None:
    assert format_day(day, TODAY) == text

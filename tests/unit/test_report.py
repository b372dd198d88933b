"""The report with pictures (#14): the pure rules (NPS per quarter, weekly buckets in
local time with empty weeks and DST weeks, the neglect ranking, the sparkline) and
the report's figures over a database, on both engines."""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest

from relate.render.report import bar, sparkline
from relate.services import concerns, engagements, practice, report
from relate.services.contacts import ContactInput, add_contact
from relate.services.interactions import log_interaction
from relate.services.matching import resolve_contact
from relate.storage.database import Database

NOW = datetime(2026, 11, 24, 9, 30).astimezone()
TODAY = NOW.date()


# --- NPS and average per quarter ---------------------------------------------------------


def test_nps_of_counts_agrees_with_the_nps_of_the_scores() -> None:
    scores = [10, 9, 7, 3, 0, 8, 9]
    counts = {s: scores.count(s) for s in set(scores)}
    assert report.nps_of(counts) == practice.net_promoter_score(scores) == 14.3
    assert report.nps_of({}) is None
    assert report.average_of({}) is None
    assert report.average_of({10: 1, 7: 3}) == 7.75


def test_quarters_of_a_period_are_listed_even_without_responses() -> None:
    assert report.quarters(date(2025, 12, 31), date(2026, 7, 1)) == [
        (2025, 4),
        (2026, 1),
        (2026, 2),
        (2026, 3),
    ]
    assert report.quarters(date(2026, 5, 1), date(2026, 4, 1)) == []
    rows = [(date(2026, 1, 1), 10, 2), (date(2026, 3, 1), 3, 1), (date(2026, 7, 1), 8, 1)]
    found = report.quarterly_scores(rows, date(2026, 1, 15), date(2026, 9, 30))
    assert found == [
        report.QuarterScore(2026, 1, 3, 23 / 3, 33.3),
        report.QuarterScore(2026, 2, 0, None, None),
        report.QuarterScore(2026, 3, 1, 8.0, 0.0),
    ]
    assert report.quarterly_scores([], date(2026, 1, 1), date(2026, 1, 31)) == [
        report.QuarterScore(2026, 1, 0, None, None)
    ]


# --- weeks -------------------------------------------------------------------------------


def test_weekly_buckets_list_every_week_monday_to_sunday_empty_ones_too() -> None:
    days = {date(2026, 11, 2): 1, date(2026, 11, 8): 2, date(2026, 11, 23): 4}
    weeks = report.weekly_buckets(days, date(2026, 11, 4), date(2026, 11, 24))
    assert [(w.week.isoformat(), w.interactions) for w in weeks] == [
        ("2026-11-02", 3),  # Monday 2 and Sunday 8 are one week
        ("2026-11-09", 0),
        ("2026-11-16", 0),
        ("2026-11-23", 4),
    ]
    assert report.weekly_buckets({}, date(2026, 11, 4), date(2026, 11, 4)) == [
        report.WeekCount(date(2026, 11, 2), 0)
    ]


def test_weeks_with_a_dst_change_are_seven_days_like_any_other() -> None:
    # Europe's clocks change on Sunday 29 March and Sunday 25 October 2026.
    weeks = report.weekly_buckets({}, date(2026, 3, 20), date(2026, 11, 1))
    gaps = {(b.week - a.week).days for a, b in itertools.pairwise(weeks)}
    assert gaps == {7}
    assert all(w.week.weekday() == 0 for w in weeks)
    assert report.week_of(date(2026, 10, 25)) == date(2026, 10, 19)
    assert report.week_of(date(2026, 10, 26)) == date(2026, 10, 26)


@pytest.fixture
def copenhagen() -> Iterator[None]:
    os.environ["TZ"] = "Europe/Copenhagen"
    time.tzset()
    yield
    os.environ["TZ"] = "UTC"
    time.tzset()


def test_interactions_count_in_their_local_week_across_dst(copenhagen: None, db: Database) -> None:
    # copenhagen first: a PostgreSQL session takes the zone when it connects.
    add_contact(db, ContactInput(name="Ann Smith"), datetime(2026, 1, 1).astimezone())
    ref = resolve_contact(db, "ann")
    # 00:30 on Monday 26 October (after the clocks went back) is Sunday 23:30 in UTC;
    # 23:30 on Sunday 25 October is 22:30 UTC the same Sunday.
    for when, kind in (
        (datetime(2026, 10, 26, 0, 30), "call"),
        (datetime(2026, 10, 25, 23, 30), "call"),
        (datetime(2026, 3, 30, 0, 30), "email"),  # Monday after spring forward
        (datetime(2026, 10, 27, 9, 0), "note"),  # internal: not contact
    ):
        log_interaction(db, [ref], "x", now=NOW, kind=kind, when=when.astimezone())
    found = report.report(db, date(2026, 3, 23), date(2026, 11, 1), TODAY)
    weeks = {w.week: w.interactions for w in found.weekly}
    assert weeks[date(2026, 10, 19)] == 1
    assert weeks[date(2026, 10, 26)] == 1  # the note is not counted
    assert weeks[date(2026, 3, 30)] == 1
    assert sum(weeks.values()) == 3
    assert [m.month for m in found.monthly] == ["2026-03", "2026-10"]
    assert sum(m.interactions for m in found.monthly) == 3


# --- neglect -----------------------------------------------------------------------------


def _neglected(name: str, lateness: float, priority: int = 1, id: int = 1) -> report.Neglected:
    return report.Neglected(id, name, 10, None, round(lateness * 10), priority, lateness)


def test_neglect_is_days_since_contact_over_the_cadence() -> None:
    assert report.lateness(TODAY, TODAY, 30) == (30, 1.0)
    assert report.lateness(TODAY, TODAY - timedelta(days=30), 30) == (60, 2.0)
    assert report.lateness(TODAY, TODAY - timedelta(days=7), 7) == (14, 2.0)


def test_the_most_neglected_come_first_then_priority_then_name() -> None:
    candidates = [
        _neglected("bob", 1.5, id=2),
        _neglected("Ann", 1.5, id=3),
        _neglected("carl", 3.0, id=4),
        _neglected("dora", 1.5, priority=2, id=5),
        *(_neglected(f"x{n}", 1.1, id=10 + n) for n in range(20)),
    ]
    ranked = report.rank_neglected(candidates)
    assert [c.name for c in ranked[:4]] == ["carl", "dora", "Ann", "bob"]
    assert len(ranked) == report.NEGLECTED
    assert report.rank_neglected([]) == []


def test_the_report_names_the_ten_most_neglected_relative_to_cadence(db: Database) -> None:
    added = NOW - timedelta(days=400)
    for n in range(14):
        ref = add_contact(db, ContactInput(name=f"Weekly {n:02}", cadence_days=7), added)
        log_interaction(db, [ref], "x", now=NOW, kind="call", when=NOW - timedelta(days=7 + n))
    monthly = add_contact(db, ContactInput(name="Monthly", cadence_days=30), added)
    ref = monthly
    log_interaction(db, [ref], "x", now=NOW, kind="call", when=NOW - timedelta(days=40))
    found = report.report(db, TODAY - timedelta(days=365), TODAY, TODAY).neglected
    assert len(found) == 10
    assert found[0].name == "Weekly 13" and found[0].days_since == 20
    assert found == report.rank_neglected(found)
    assert monthly.id not in {n.id for n in found}  # 40/30 is less late than 11/7


# --- concerns, engagements, stage and type ----------------------------------------------


def test_the_report_figures_over_a_period(db: Database) -> None:
    added = NOW - timedelta(days=100)
    add_contact(db, ContactInput(name="Ann Smith", stage="commitment"), added)
    add_contact(db, ContactInput(name="Bob Berg", stage="commitment"), added)
    add_contact(db, ContactInput(name="Carl Jung"), added)
    ann, bob = resolve_contact(db, "ann"), resolve_contact(db, "bob")
    concern = concerns.open_concern(db, ann, "Late", NOW - timedelta(days=10))
    concerns.resolve_concern(db, concern, "Fixed", NOW - timedelta(days=6))
    concerns.open_concern(db, bob, "Wrong invoice", NOW)
    day = TODAY - timedelta(days=20)
    engagements.start_engagement(db, ann, "A", NOW, value="100", currency="EUR", started=day)
    engagements.start_engagement(db, ann, "B", NOW, value="50.5", currency="eur", started=day)
    engagements.start_engagement(db, bob, "C", NOW, value="10", currency="USD", started=day)
    engagements.start_engagement(db, bob, "D", NOW, started=day)
    old = date(2020, 1, 1)
    engagements.start_engagement(db, bob, "Old", NOW, value="5", currency="USD", started=old)
    engagements.close_engagement(db, 1, 9, TODAY - timedelta(days=2), now=NOW)
    found = report.report(db, TODAY - timedelta(days=30), TODAY, TODAY)
    assert found.concerns == concerns.Figures(1, 1, 4.0)
    assert [(t.name, t.contacts) for t in found.by_stage] == [("commitment", 2), ("(none)", 1)]
    assert [(t.name, t.contacts) for t in found.by_type] == [("(none)", 3)]
    assert found.engagements == [
        report.CurrencyFlow("EUR", 2, 15050, 1, 10000),
        report.CurrencyFlow("USD", 1, 1000, 0, 0),
        report.CurrencyFlow(None, 1, 0, 0, 0),
    ]
    assert (found.engagements_opened, found.engagements_ended) == (4, 1)
    before = report.report(db, date(2019, 1, 1), date(2019, 12, 31), TODAY)
    assert before.engagements == [] and before.concerns == concerns.Figures(1, 0, None)
    assert before.weekly[0].week == date(2018, 12, 31) and len(before.weekly) == 53


# --- drawing -----------------------------------------------------------------------------


def test_a_sparkline_fits_its_width_by_summing_neighbours() -> None:
    assert sparkline([0, 4, 8], 10) == ("▁▅█", 1)
    assert sparkline([0, 0], 10) == ("▁▁", 1)
    line, group = sparkline(list(range(100)), 40)
    assert (len(line), group) == (34, 3)
    assert bar(0, 10, 20) == "" and bar(1, 1000, 20) == "█" and bar(10, 10, 20) == "█" * 20

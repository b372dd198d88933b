"""Concerns with severity and escalation (#14): the pure rules (severity words, the
step an escalation raises, the agenda's order, when a concern is overdue, the median
time to resolve) and the services over a database, on both engines."""

from __future__ import annotations

import random
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from relate.errors import NotFoundError, RelateError
from relate.services import agenda, concerns, timeline
from relate.services.contacts import ContactInput, add_contact
from relate.services.matching import resolve_contact
from relate.storage import migrate
from relate.storage.database import Database, open_database

NOW = datetime(2026, 11, 24, 9, 30)
TODAY = NOW.date()


@pytest.mark.parametrize(
    ("text", "level"), [("low", 0), ("normal", 1), ("high", 2), (" HIGH ", 2), ("Normal", 1)]
)
def test_severity_words(text: str, level: int) -> None:
    assert concerns.parse_severity(text) == level
    assert agenda.severity_name(level) == text.strip().lower()


@pytest.mark.parametrize("text", ["urgent", "", "2", "hi"])
def test_an_unknown_severity_is_refused_with_the_words_to_use(text: str) -> None:
    with pytest.raises(RelateError, match="low, normal or high"):
        concerns.parse_severity(text)


def test_an_escalation_raises_one_step_and_high_stays_high() -> None:
    assert [concerns.raised(level) for level in (0, 1, 2)] == [1, 2, 2]


def test_the_agenda_order_is_severity_then_age_then_id() -> None:
    opened = ["2026-11-01 10:00:00.000000", "2026-11-20 10:00:00.000000"]
    rows = [
        (severity, at, n)
        for n, (severity, at) in enumerate((s, a) for s in (0, 1, 2) for a in opened)
    ]
    random.Random(14).shuffle(rows)
    ranked = sorted(rows, key=lambda row: agenda.concern_order(*row))
    assert [(severity, at) for severity, at, _ in ranked] == [
        (2, opened[0]),
        (2, opened[1]),
        (1, opened[0]),
        (1, opened[1]),
        (0, opened[0]),
        (0, opened[1]),
    ]
    same = [(1, opened[0], 7), (1, opened[0], 3)]
    assert sorted(same, key=lambda row: agenda.concern_order(*row))[0][2] == 3


@pytest.mark.parametrize(
    ("due", "overdue"),
    [(None, False), (TODAY, False), (TODAY + timedelta(1), False), (TODAY - timedelta(1), True)],
)
def test_a_concern_is_overdue_once_its_due_day_has_passed(due: date | None, overdue: bool) -> None:
    assert agenda.concern_overdue(due, TODAY) is overdue


def _span(days: float) -> tuple[datetime, datetime]:
    return NOW, NOW + timedelta(days=days)


@pytest.mark.parametrize(
    ("days", "median"),
    [
        ([], None),  # nothing resolved: no median, not 0
        ([2], 2.0),
        ([1, 3], 2.0),  # an even count: the mean of the middle two
        ([10, 1, 4], 4.0),
        ([0.25], 0.2),  # six hours, to one decimal (banker's rounding of 0.25)
        ([0, 0, 30], 0.0),  # one slow case does not move the median
    ],
)
def test_median_days_to_resolve(days: list[float], median: float | None) -> None:
    assert concerns.median_days_to_resolve([_span(d) for d in days]) == median


@pytest.fixture
def ann(db: Database) -> int:
    return add_contact(db, ContactInput(name="Ann Smith"), NOW - timedelta(days=30)).id


def test_escalating_records_a_step_and_raises_the_severity(db: Database, ann: int) -> None:
    ref = resolve_contact(db, "ann")
    number = concerns.open_concern(db, ref, "Invoice sent twice", NOW)
    first = concerns.escalate_concern(
        db, number, NOW, by="sam", to=" Dana ", note="  Second\ncall "
    )
    assert (first.severity_before, first.severity_after, first.to) == ("normal", "high", "Dana")
    again = concerns.escalate_concern(db, number, NOW + timedelta(hours=1), by="kim")
    assert (again.severity_before, again.severity_after, again.to) == ("high", "high", None)
    [listed] = concerns.list_concerns(db, include_resolved=False)
    assert listed["severity"] == "high"
    trail = listed["escalations"]
    assert isinstance(trail, list)
    assert [(s.by, s.to, s.note, s.severity_after) for s in trail] == [
        ("sam", "Dana", "Second call", "high"),
        ("kim", None, "", "high"),
    ]
    [card_concern] = timeline.card(db, ref).concerns
    assert (card_concern.severity, len(card_concern.trail)) == ("high", 2)


def test_a_resolved_or_missing_concern_cannot_be_escalated(db: Database, ann: int) -> None:
    ref = resolve_contact(db, "ann")
    number = concerns.open_concern(db, ref, "Late", NOW)
    assert concerns.resolve_concern(db, number, "Apologised", NOW, cause="Holiday") == "Ann Smith"
    with pytest.raises(RelateError, match="already resolved"):
        concerns.escalate_concern(db, number, NOW, by="sam")
    with pytest.raises(NotFoundError):
        concerns.escalate_concern(db, 99, NOW, by="sam")
    [closed] = concerns.list_concerns(db, include_resolved=True)
    assert (closed["cause"], closed["prevent"], closed["resolution"]) == (
        "Holiday",
        None,
        "Apologised",
    )


def test_the_agenda_ranks_by_severity_and_moves_the_overdue(db: Database, ann: int) -> None:
    ref = resolve_contact(db, "ann")
    old_low = concerns.open_concern(db, ref, "old low", NOW - timedelta(days=9), severity=0)
    new_high = concerns.open_concern(db, ref, "new high", NOW, severity=2)
    old_normal = concerns.open_concern(db, ref, "old normal", NOW - timedelta(days=5))
    late = concerns.open_concern(
        db, ref, "late", NOW - timedelta(days=3), severity=2, due=TODAY - timedelta(days=1)
    )
    due_today = concerns.open_concern(db, ref, "due today", NOW, severity=0, due=TODAY)
    concerns.escalate_concern(db, old_normal, NOW, by="sam", to="Dana")
    found = agenda.build_agenda(db, TODAY)
    section = found.sections[agenda.CONCERNS]
    # old normal was escalated to high: older than new high, so first.
    assert [item.id for item in section] == [old_normal, new_high, old_low, due_today]
    assert found.totals[agenda.CONCERNS] == 4
    first = section[0]
    assert first.concern is not None
    assert (first.concern.severity, first.concern.escalations, first.concern.escalated_to) == (
        "high",
        1,
        "Dana",
    )
    assert (first.due, first.overdue_days) == (TODAY - timedelta(days=5), 5)
    [overdue] = found.sections[agenda.OVERDUE]
    assert (overdue.id, overdue.kind, overdue.due, overdue.overdue_days) == (
        late,
        "concern",
        TODAY - timedelta(days=1),
        1,
    )
    assert found.totals[agenda.OVERDUE] == 1
    capped = agenda.build_agenda(db, TODAY, limit=2)
    assert [item.id for item in capped.sections[agenda.CONCERNS]] == [old_normal, new_high]
    assert capped.totals[agenda.CONCERNS] == 4


def test_the_median_time_to_resolve_counts_resolved_concerns_only(db: Database, ann: int) -> None:
    ref = resolve_contact(db, "ann")
    assert concerns.median_time_to_resolve(db, TODAY - timedelta(days=30)) is None
    for opened_days_ago, took in ((10, 2), (8, 4), (6, 1)):
        number = concerns.open_concern(db, ref, "x", NOW - timedelta(days=opened_days_ago))
        concerns.resolve_concern(db, number, "done", NOW - timedelta(days=opened_days_ago - took))
    concerns.open_concern(db, ref, "still open", NOW - timedelta(days=20))
    assert concerns.median_time_to_resolve(db, TODAY - timedelta(days=30)) == 2.0
    assert concerns.median_time_to_resolve(db, TODAY + timedelta(days=1)) is None


def test_concerns_from_before_0010_are_normal_with_no_due_day_nor_trail(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    path.touch(mode=0o600)
    migrate.upgrade(path, "0009_once")
    conn = sqlite3.connect(path)
    conn.executescript(
        """INSERT INTO contact (name, name_key, created_at, updated_at)
        VALUES ('Ann Smith', 'ann smith', '2026-01-01 00:00:00.000000',
            '2026-01-01 00:00:00.000000');
        INSERT INTO concern (contact_id, text, opened_at)
        VALUES (1, 'Invoice sent twice', '2026-11-01 10:00:00.000000');"""
    )
    conn.commit()
    conn.close()
    db = open_database(path)
    try:
        [old] = concerns.list_concerns(db, include_resolved=False)
        assert (old["severity"], old["due"], old["cause"], old["escalations"]) == (
            "normal",
            None,
            None,
            [],
        )
        assert concerns.escalate_concern(db, 1, NOW, by="sam").severity_after == "high"
    finally:
        db.close()


def test_the_agenda_query_orders_as_the_rule_says(db: Database, ann: int) -> None:
    """The SQL's ORDER BY (off ix_concern_open_rank) and ``concern_order`` agree on
    random severities and ages, ties included."""
    ref = resolve_contact(db, "ann")
    rnd = random.Random(10)
    opened = {}
    for n in range(40):
        at = NOW - timedelta(days=rnd.choice([0, 1, 2, 30]), hours=rnd.choice([0, 5]))
        number = concerns.open_concern(db, ref, f"c{n}", at, severity=rnd.randint(0, 2))
        opened[number] = at
    section = agenda.build_agenda(db, TODAY, limit=None).sections[agenda.CONCERNS]
    levels = {"low": 0, "normal": 1, "high": 2}
    expected = sorted(
        section,
        key=lambda item: agenda.concern_order(
            levels[item.concern.severity] if item.concern else 1,
            opened[item.id].isoformat(),
            item.id,
        ),
    )
    assert [item.id for item in section] == [item.id for item in expected]
    assert len(section) == 40

"""Stored in UTC, shown in local time: the agenda across daylight-saving changes."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from helpers import Relate, Stored


@pytest.fixture
def copenhagen() -> Iterator[None]:
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Copenhagen"
    time.tzset()
    yield
    os.environ["TZ"] = previous or "UTC"
    time.tzset()


def _agenda(relate: Relate, at: str) -> list[dict[str, object]]:
    result = relate("today", "--all", "--format", "json", env={"RELATE_NOW": at})
    assert result.exit_code == 0, result.stderr
    return list(json.loads(result.stdout))


@pytest.mark.slow
@pytest.mark.parametrize("first", [date(2026, 3, 27), date(2026, 10, 23)])
def test_agenda_across_a_dst_change_never_loses_or_doubles_items(
    relate: Relate, copenhagen: None, first: date
) -> None:
    assert relate("add", "Ann").exit_code == 0
    days = [first + timedelta(days=n) for n in range(5)]
    expected: dict[date, set[int]] = {}
    for day in days:
        for at in ("", " 00:30", " 02:30", " 23:30"):
            result = relate("remind", "ann", f"at {day}{at}", "--on", f"{day}{at}")
            assert result.exit_code == 0, result.stderr
            new_id = int(result.stdout.split("#")[1].split()[0])
            expected.setdefault(day, set()).add(new_id)
    for day in days:
        for clock_time in ("00:00", "09:00", "23:59"):
            items = _agenda(relate, f"{day}T{clock_time}")
            ids = [item["id"] for item in items if item["kind"] == "reminder"]
            assert len(ids) == len(set(ids)), "an item shows twice"
            due_today = {i["id"] for i in items if i["section"] == "due"}
            assert due_today == expected[day], (day, clock_time)
            overdue = {i["id"] for i in items if i["section"] == "overdue"}
            assert overdue == set().union(*(expected[d] for d in days if d < day))


def test_a_time_that_does_not_exist_is_moved_and_explained(
    relate: Relate, copenhagen: None
) -> None:
    assert relate("add", "Ann").exit_code == 0
    result = relate("remind", "ann", "Call", "--on", "2026-03-29 02:30")
    assert result.exit_code == 0
    assert "2026-03-29 02:30 does not exist in local time" in result.stderr
    assert "using 03:30" in result.stderr
    listed = json.loads(relate("reminders", "--format", "json").stdout)
    assert (listed[0]["due"], listed[0]["time"]) == ("2026-03-29", "03:30")


def test_times_are_stored_in_utc_and_shown_local(
    relate: Relate, copenhagen: None, stored: Stored
) -> None:
    assert relate("add", "Ann").exit_code == 0
    assert relate("remind", "ann", "Summer", "--on", "2026-07-01 15:00").exit_code == 0
    assert relate("remind", "ann", "Winter", "--on", "2026-12-01 15:00").exit_code == 0
    assert stored.rows("SELECT text, due_at FROM reminder ORDER BY id") == [
        ("Summer", "2026-07-01 13:00:00.000000"),
        ("Winter", "2026-12-01 14:00:00.000000"),
    ]
    listed = json.loads(relate("reminders", "--format", "json").stdout)
    assert [i["time"] for i in listed] == ["15:00", "15:00"]

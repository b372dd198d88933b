"""What the agenda and the timeline say about each item: its id, its state, its gift."""

from __future__ import annotations

import pytest

from helpers import Relate, as_json, ok


@pytest.fixture
def week(relate: Relate) -> None:
    ok(relate("add", "Ann Smith", "--birthday", "1985-11-27"))
    ok(relate("add", "Bob Berg", "--every", "weekly", env={"RELATE_NOW": "2026-11-01T10:00"}))
    ok(relate("remind", "ann", "Send the proposal", "--on", "today"))
    ok(relate("concern", "bob", "Invoice sent twice"))


def test_every_agenda_item_carries_its_own_id(relate: Relate, week: None) -> None:
    items = {item["kind"]: item for item in as_json(relate("today", "-f", "json"))}
    assert set(items) == {"reminder", "concern", "date", "cadence"}
    assert items["reminder"]["id"] == 1
    assert items["concern"]["id"] == 1  # the concern id that `resolve` takes
    assert items["concern"]["text"] == "Invoice sent twice"
    assert items["date"]["id"] == 1  # Ann's birthday
    assert items["cadence"]["id"] == items["cadence"]["contact_id"] == 2
    plain = ok(relate("today")).splitlines()
    assert all(line.split("\t")[1].startswith("#") for line in plain[1:])
    table = ok(relate("today", "-f", "table", env={"COLUMNS": "100"}))
    assert " #1  Bob Berg   Invoice sent twice" in table
    assert " #2  Bob Berg   Never contacted" in table

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


def test_done_reminders_look_done_and_come_after_the_open_ones(relate: Relate) -> None:
    ok(relate("add", "Ann"))
    for n, day in enumerate(("2026-11-20", "2026-11-21", "2026-11-22", "2026-11-26"), 1):
        ok(relate("remind", "ann", f"Task {n}", "--on", day))
    ok(relate("done", "1", env={"RELATE_NOW": "2026-11-20T10:00"}))
    ok(relate("done", "3", env={"RELATE_NOW": "2026-11-23T10:00"}))
    rows = [line.split("\t") for line in ok(relate("reminders", "--all")).splitlines()]
    assert rows[0][:2] == ["id", "status"]
    # Open ones soonest first, then the done ones, the most recently done first.
    assert [(row[0], row[1]) for row in rows[1:]] == [
        ("2", "open"),
        ("4", "open"),
        ("3", "done"),
        ("1", "done"),
    ]
    table = ok(relate("reminders", "--all", "-f", "table", env={"COLUMNS": "100"}))
    assert "Status" in table and "done" in table
    # Without --all, the listing for scripts is as it was.
    assert ok(relate("reminders")).splitlines()[0].split("\t")[:2] == ["id", "due"]


def test_show_marks_done_items_and_all_day_ones_have_no_time(relate: Relate) -> None:
    ok(relate("add", "Ann"))
    ok(relate("remind", "ann", "Send the proposal", "--on", "2026-11-20"))
    ok(relate("remind", "ann", "Call back", "--on", "2026-11-26 15:00"))
    ok(relate("done", "1"))
    out = ok(relate("show", "ann", "-f", "table", env={"COLUMNS": "100"}))
    assert "00:00" not in out
    done = next(line for line in out.splitlines() if "Send the proposal" in line)
    assert "2026-11-20" in done and "(done)" in done
    timed = next(line for line in out.splitlines() if "Call back" in line)
    assert "2026-11-26 15:00" in timed and "(done)" not in timed
    [later, first] = as_json(relate("show", "ann", "-f", "json"))["timeline"]
    assert (first["when"], first["all_day"], first["done"]) == ("2026-11-20 00:00", True, True)
    assert (later["all_day"], later["done"]) == (False, False)


def test_show_says_when_its_timeline_is_cut(relate: Relate) -> None:
    ok(relate("add", "Ann"))
    for n in range(25):
        ok(relate("log", "ann", f"Call {n}"))
    out = ok(relate("show", "ann", "-f", "table", env={"COLUMNS": "100"}))
    assert out.rstrip().endswith("… and 5 more (-n 25)")
    whole = relate("show", "ann", "-n", "25", "-f", "table", env={"COLUMNS": "100"})
    assert "more" not in ok(whole)
    piped = relate("show", "ann", "-n", "10")
    assert "15 more timeline entries not shown; add -n 25" in piped.stderr
    assert "more" not in piped.stdout


# --- #10.19: a given gift counts as contact, is on the timeline, answers "gift?" -------


def test_a_given_gift_counts_as_contact_and_shows_in_the_timeline(relate: Relate) -> None:
    ok(relate("add", "Bob Berg", "--every", "weekly", env={"RELATE_NOW": "2026-11-01T10:00"}))
    assert [item["kind"] for item in as_json(relate("today", "-f", "json"))] == ["cadence"]
    assert ok(relate("gift", "bob", "Wine", "--given", "friday")) == "Gift #1 for Bob Berg\n"
    assert as_json(relate("today", "-f", "json")) == []  # last Friday was contact
    [entry] = as_json(relate("show", "bob", "-f", "json"))["timeline"]
    assert (entry["when"][:10], entry["kind"]) == ("2026-11-20", "gift")
    assert entry["text"] == "Gift: Wine"
    future = relate("gift", "bob", "Flowers", "--given", "tomorrow")
    assert future.exit_code == 1 and "in the future" in future.stderr
    assert ok(relate("gift", "bob", "Flowers")) == "Gift idea #2 for Bob Berg\n"
    assert len(as_json(relate("show", "bob", "-f", "json"))["timeline"]) == 1  # an idea is not


def test_a_gift_given_for_the_occasion_drops_the_question(relate: Relate) -> None:
    ok(relate("add", "Ann Smith", "--birthday", "1985-11-27"))
    ok(relate("date", "ann", "anniversary", "2020-11-30"))

    def dates() -> list[str]:
        return [item["text"] for item in as_json(relate("today", "-f", "json"))]

    assert dates() == [
        "Ann Smith turns 41 on Fri 27 Nov: gift?",
        "6 years since anniversary with Ann Smith on Mon 30 Nov",
    ]
    # Last year's gift, a gift for another occasion and an idea do not answer it (the
    # line names the idea and the last gift given, so nothing is given twice).
    ok(relate("gift", "ann", "Scarf", "--given", "2025-11-27", "--occasion", "birthday"))
    ok(relate("gift", "ann", "Tea", "--given", "yesterday"))
    ok(relate("gift", "ann", "Pen", "--occasion", "birthday"))
    assert dates()[0] == (
        "Ann Smith turns 41 on Fri 27 Nov: gift? ideas: Pen; last gift: Tea (yesterday)"
    )
    ok(relate("gift", "ann", "Book", "--given", "today", "--occasion", "Birthday"))
    ok(relate("gift", "ann", "Wine", "--given", "today", "--occasion", "anniversary"))
    assert dates() == [
        "Ann Smith turns 41 on Fri 27 Nov; gift given: Book",
        "6 years since anniversary with Ann Smith on Mon 30 Nov; gift given: Wine",
    ]
    table = ok(relate("today", "-f", "table", env={"COLUMNS": "80"}))
    assert "gift?" not in table and "Book" in table

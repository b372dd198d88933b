"""Things to do land on the day meant (#10.4) and are not completed by accident (#10.6).

Today is Tue 24 Nov 2026, 09:30 (RELATE_NOW in conftest).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from helpers import Relate, Stored, as_json, ok


@pytest.fixture
def ann(relate: Relate) -> None:
    ok(relate("add", "Ann Smith"))


# --- #10.4: a year-less date for something to do is the next one -------------------


@pytest.mark.usefixtures("ann")
@pytest.mark.parametrize(
    ("on", "due", "echo"),
    [
        ("jan 5", "2027-01-05", "due Tue 5 Jan 2027"),
        ("5 january", "2027-01-05", "due Tue 5 Jan 2027"),
        ("nov 20", "2027-11-20", "due Sat 20 Nov 2027"),
        ("dec 1", "2026-12-01", "due Tue 1 Dec"),
        ("fri 3pm", "2026-11-27", "due Fri 27 Nov 15:00"),
        ("2027-03-01", "2027-03-01", "due Mon 1 Mar 2027"),
        ("today 15:00", "2026-11-24", "due today 15:00"),
    ],
)
def test_remind_reads_the_next_such_date_and_says_the_year_and_time(
    relate: Relate, on: str, due: str, echo: str
) -> None:
    result = relate("remind", "ann", "Call back", "--on", on)
    assert result.stdout == f"Reminder #1 for Ann Smith {echo}\n"
    assert result.stderr == ""
    assert as_json(relate("reminders", "-f", "json"))[0]["due"] == due


@pytest.mark.usefixtures("ann")
def test_a_follow_up_echoes_its_year_and_time(relate: Relate) -> None:
    out = ok(relate("log", "ann", "Call", "--follow-up", "jan 5 9am"))
    assert out == "Logged #1 with Ann Smith; follow-up #1 due Tue 5 Jan 2027 09:00\n"


@pytest.mark.usefixtures("ann")
@pytest.mark.parametrize("on", ["yesterday", "2026-11-01", "last friday", "9am"])
def test_a_new_reminder_already_in_the_past_gets_a_warning(relate: Relate, on: str) -> None:
    result = relate("remind", "ann", "Call back", "--on", on)
    assert result.exit_code == 0
    assert result.stderr.startswith("relate: warning: reminder #1 is already overdue")


@pytest.mark.usefixtures("ann")
def test_a_reminder_due_today_is_not_in_the_past(relate: Relate) -> None:
    assert relate("remind", "ann", "Call back", "--on", "today").stderr == ""


# --- #10.6: done before the day, snooze to the past ---------------------------------


@pytest.mark.usefixtures("ann")
def test_done_on_a_recurring_item_not_yet_due_needs_force(relate: Relate) -> None:
    ok(relate("remind", "ann", "Weekly call", "--on", "friday", "--every", "weekly"))
    refused = relate("done", "1")
    assert refused.exit_code == 2
    assert "not due until 2026-11-27" in refused.stderr and "--force" in refused.stderr
    assert as_json(relate("reminders", "-f", "json"))[0]["due"] == "2026-11-27"
    out = ok(relate("done", "1", "--force"))
    assert out == "Done #1 Weekly call; next on Fri 4 Dec\n"


@pytest.mark.usefixtures("ann")
def test_done_early_asks_on_a_terminal(relate: Relate, screen: Callable[..., None]) -> None:
    ok(relate("remind", "ann", "Weekly call", "--on", "friday", "--every", "weekly"))
    screen(stdin_is_terminal=True)
    declined = relate("done", "1", input="n\n")
    assert declined.exit_code == 1
    assert "not due until Fri 27 Nov" in declined.stdout + declined.stderr
    assert as_json(relate("reminders", "-f", "json"))[0]["due"] == "2026-11-27"
    assert relate("done", "1", input="y\n").exit_code == 0
    assert as_json(relate("reminders", "-f", "json"))[0]["due"] == "2026-12-04"


@pytest.mark.usefixtures("ann")
def test_done_on_a_due_recurring_item_or_a_one_off_needs_no_force(relate: Relate) -> None:
    ok(relate("remind", "ann", "Weekly call", "--on", "today", "--every", "weekly"))
    ok(relate("remind", "ann", "One-off", "--on", "friday"))
    assert ok(relate("done", "1")) == "Done #1 Weekly call; next on Tue 1 Dec\n"
    assert ok(relate("done", "2")) == "Done #2 One-off\n"


@pytest.mark.usefixtures("ann")
@pytest.mark.parametrize("until", ["today", "yesterday", "2026-11-01", "3pm"])
def test_snooze_refuses_a_date_not_after_today(relate: Relate, until: str) -> None:
    ok(relate("remind", "ann", "Call back", "--on", "today"))
    refused = relate("snooze", "1", "--until", until)
    assert refused.exit_code == 1
    assert "not after today" in refused.stderr
    assert as_json(relate("reminders", "-f", "json"))[0]["snoozed"] is False


@pytest.mark.usefixtures("ann")
def test_snooze_echoes_the_time(relate: Relate) -> None:
    ok(relate("remind", "ann", "Call back", "--on", "today"))
    assert ok(relate("snooze", "1", "--until", "thu 10am")) == (
        "Snoozed #1 Call back until Thu 26 Nov 10:00\n"
    )


# --- #10.3: month-end and 29 February series keep their day -------------------------


def _done_on_time(relate: Relate, days: list[str]) -> list[str]:
    """Complete reminder #1 on each day it falls due; the due dates it moves to."""
    moved = []
    for day in days:
        ok(relate("done", "1", env={"RELATE_NOW": f"{day}T10:00"}))
        moved.append(as_json(relate("reminders", "-f", "json"))[0]["due"])
    return moved


@pytest.mark.usefixtures("ann")
def test_monthly_on_the_31st_keeps_its_day(relate: Relate) -> None:
    ok(relate("remind", "ann", "Invoice", "--on", "2027-01-31", "--every", "monthly"))
    moved = _done_on_time(relate, ["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30"])
    assert moved == ["2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31"]
    assert as_json(relate("reminders", "-f", "json"))[0]["every"] == "monthly"


@pytest.mark.usefixtures("ann")
def test_yearly_on_29_february_comes_back_on_29_february(relate: Relate) -> None:
    ok(relate("remind", "ann", "Leap day", "--on", "2028-02-29", "--every", "yearly"))
    moved = _done_on_time(relate, ["2028-02-29", "2029-02-28", "2030-02-28", "2031-02-28"])
    assert moved == ["2029-02-28", "2030-02-28", "2031-02-28", "2032-02-29"]


def _calendar_rule(relate: Relate) -> bytes:
    from icalendar import Calendar

    [event] = Calendar.from_ical(relate("export", "calendar").stdout_bytes).walk("VEVENT")
    return bytes(event["rrule"].to_ical())


@pytest.mark.usefixtures("ann")
def test_the_exported_rule_is_the_same_after_done(relate: Relate) -> None:
    ok(relate("remind", "ann", "Invoice", "--on", "2027-01-31", "--every", "monthly"))
    before = _calendar_rule(relate)
    _done_on_time(relate, ["2027-01-31"])
    assert _calendar_rule(relate) == before
    assert b"BYMONTHDAY=28,29,30,31" in before and b"BYSETPOS=-1" in before


@pytest.mark.usefixtures("ann")
def test_a_rule_stored_before_anchoring_keeps_its_day_too(relate: Relate, stored: Stored) -> None:
    ok(relate("remind", "ann", "Invoice", "--on", "2027-01-31", "--every", "monthly"))
    stored.run("UPDATE reminder SET rrule = 'FREQ=MONTHLY'")  # as an older relate stored it
    assert _done_on_time(relate, ["2027-01-31", "2027-02-28"]) == ["2027-02-28", "2027-03-31"]

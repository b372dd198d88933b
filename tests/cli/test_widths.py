"""Tables for a person at 60, 80 and 120 columns: every row keeps its who, what and when.

The when (dates, times, lateness) is never cut; long texts wrap without losing a
character; only a name beside them may be shortened with "…".
"""

from __future__ import annotations

import pytest

from helpers import Relate, ok

WIDTHS = (60, 80, 120)
BJORK = "Björk Guðmundsdóttir"
PROPOSAL = (
    "Send the proposal for the new website redesign including the three options "
    "we discussed on the phone last week"
)
CONCERN = "Invoice sent twice and the second one had the wrong amount on it, please refund"
TALK = (
    "A long conversation about the redesign, the budget for next year and the "
    "timeline for the three deliverables"
)
GIFT = "Kinfolk subscription for a whole year, the paper edition"


@pytest.fixture
def month(relate: Relate) -> None:
    ok(relate("add", BJORK, "--every", "weekly", "--birthday", "1985-11-27"))
    ok(relate("add", "D'Angelo Russo", "--every", "monthly", "--org", "Russo & Figli"))
    ok(relate("edit", "björk", "--email", "bjork.gudmundsdottir@example-company.com"))
    ok(relate("edit", "björk", "--org", "Reykjavík Sound Studios", "--tag", "client"))
    ok(relate("remind", "björk", PROPOSAL, "--on", "2026-11-22"))
    ok(relate("remind", "d'angelo", "Call back", "--on", "today 15:00"))
    ok(relate("remind", "--no-contact", "Invoices", "--on", "2026-08-10"))
    ok(relate("concern", "björk", CONCERN))
    ok(relate("log", "björk", TALK, "--when", "2026-11-20"))
    ok(relate("gift", "björk", GIFT, "--given", "2026-11-20", "--occasion", "birthday"))


def _table(relate: Relate, width: int, *args: str) -> str:
    out = ok(relate(*args, "--format", "table", env={"COLUMNS": str(width), "NO_COLOR": "1"}))
    assert max(len(line.rstrip()) for line in out.splitlines()) <= width, out
    return out


def _squeezed(text: str) -> str:
    return "".join(text.split())


def column(out: str, header: str) -> str:
    """Everything printed under ``header`` (a left-aligned column), rows joined."""
    lines = out.splitlines()
    at = next(n for n, line in enumerate(lines) if f" {header} " in f"{line} ")
    head = lines[at]
    if "┃" in head:
        index = [part.strip() for part in head.split("┃")].index(header)
        parts = [line.split("│") for line in lines[at + 1 :] if line.startswith("│")]
        return "".join(part[index] for part in parts if len(part) > index)
    start = head.index(f" {header} ") + 1
    later = [head.index(" " + word, start + len(header)) for word in head[start:].split()[1:]]
    end = later[0] + 1 if later else None
    return "".join(line[start:end] for line in lines[at + 1 :])


@pytest.mark.parametrize("width", WIDTHS)
def test_today_keeps_who_what_and_when(relate: Relate, month: None, width: int) -> None:
    out = _table(relate, width, "today")
    flat = _squeezed(out)
    whens = [
        "Sun 22 Nov (2d late)",
        "Mon 10 Aug (106d late)",
        "today 15:00",
        "Fri 27 Nov",
        "opened today",
    ]
    for when in whens:
        assert when in out, f"{when!r} cut at {width} columns"
        flat = flat.replace(_squeezed(when), "")
    for text in (PROPOSAL, CONCERN, "Call back", "Invoices", "turns 41 on"):
        assert _squeezed(text) in flat, f"{text!r} lost characters at {width} columns"
    assert "Björk Guð" in out and "D'Angelo" in out


@pytest.mark.parametrize("width", WIDTHS)
def test_reminders_keep_due_and_text(relate: Relate, month: None, width: int) -> None:
    out = _table(relate, width, "reminders")
    for due in ("2026-08-10", "2026-11-22", "2026-11-24"):
        assert due in out
    assert _squeezed(column(out, "Text")) == _squeezed("Invoices" + PROPOSAL + "Call back")
    assert _squeezed(column(out, "Contact")) == _squeezed(BJORK + "D'Angelo Russo")


@pytest.mark.parametrize("width", WIDTHS)
def test_list_keeps_every_name_and_address(relate: Relate, month: None, width: int) -> None:
    out = _table(relate, width, "list")
    assert _squeezed(column(out, "Name")) == _squeezed(BJORK + "D'Angelo Russo")
    assert _squeezed(column(out, "E-mail")) == "bjork.gudmundsdottir@example-company.com"


@pytest.mark.parametrize("width", WIDTHS)
def test_show_keeps_the_timeline(relate: Relate, month: None, width: int) -> None:
    out = _table(relate, width, "show", "björk")
    assert "bjork.gudmundsdottir@example-company.com" in _squeezed(out)
    assert _squeezed(CONCERN) in _squeezed(out)
    timeline = _squeezed(column(out.split("Timeline")[1], "Text"))
    for text in (PROPOSAL, TALK):
        assert _squeezed(text) in timeline


@pytest.mark.parametrize("width", WIDTHS)
def test_concerns_and_gifts_keep_their_text(relate: Relate, month: None, width: int) -> None:
    concerns = _table(relate, width, "concerns")
    assert "2026-11-24" in concerns
    assert _squeezed(column(concerns, "Concern")) == _squeezed(CONCERN)
    gifts = _table(relate, width, "gifts", "björk")
    assert "2026-11-20" in gifts
    assert _squeezed(column(gifts, "Gift")) == _squeezed(GIFT)


@pytest.mark.parametrize("width", WIDTHS)
def test_report_keeps_its_months(relate: Relate, month: None, width: int) -> None:
    out = _table(relate, width, "report")
    assert "2026-11-23" in out  # the last week of the sparkline
    assert "Interactions per week" in out


@pytest.mark.parametrize("width", WIDTHS)
def test_report_keeps_who_is_neglected_and_the_bars_names(
    relate: Relate, month: None, width: int
) -> None:
    ok(relate("add", "Olaf Overdue-Hansen", "--every", "weekly", "--type", "personal-assistance"))
    ok(relate("log", "olaf", "Call", "--kind", "call", "--when", "2026-10-01"))
    out = _table(relate, width, "report")
    assert "Olaf" in column(out, "Name") and "Overdue" in column(out, "Name")
    row = next(line for line in out.splitlines() if "Olaf" in line)
    assert "2026-10-01" in row and "7.7" in row  # 54 days over a weekly cadence
    assert "personal-assistance" in out


@pytest.mark.parametrize("width", WIDTHS)
def test_reminders_all_keeps_status_due_and_time(relate: Relate, month: None, width: int) -> None:
    # More kept columns (status, due, time, kind) and a recurrence: at 60 columns the
    # kept ones alone nearly fill the screen, and the texts give way, not the dates.
    every = ("--on", "2026-11-20", "--every", "monthly")
    ok(relate("remind", "d'angelo", "Quarterly check-in", *every))
    ok(relate("done", "3"))  # the Invoices reminder of the fixture
    out = _table(relate, width, "reminders", "--all")
    assert "…" not in out
    header = next(line for line in out.splitlines() if " Status " in line)
    for name in ("ID", "Due", "Time", "Kind"):
        assert f" {name} " in f"{header} "
    for due in ("2026-08-10", "2026-11-20", "2026-11-22", "2026-11-24", "15:00"):
        assert due in out, f"{due!r} cut at {width} columns"
    assert _squeezed(column(out, "Status")) == "openopenopendone"
    assert _squeezed(column(out, "Text")) == _squeezed(
        "Quarterly check-in" + PROPOSAL + "Call back" + "Invoices"
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_list_keeps_its_ids_and_headers(relate: Relate, month: None, width: int) -> None:
    ok(relate("edit", "björk", "--stage", "commitment", "--tag", "musician", "--every", "2 weeks"))
    out = _table(relate, width, "list")
    assert "…" not in out
    assert _squeezed(column(out, "ID")) == "12"


@pytest.mark.parametrize("width", WIDTHS)
def test_list_keeps_type_owner_and_last_contact(relate: Relate, month: None, width: int) -> None:
    ok(relate("edit", "björk", "--type", "long-term", "--owner", "kim"))
    out = _table(relate, width, "list")
    assert "2026-11-20" in out, f"the last contact cut at {width} columns"
    for header in ("ID", "Name", "Type", "Owner", "Last contact", "E-mail"):
        assert f" {header} " in f"{out.splitlines()[0]} ", f"{header!r} cut at {width}"
    assert _squeezed(column(out, "Name")) == _squeezed(BJORK + "D'Angelo Russo")
    assert _squeezed(column(out, "Type")) == "long-term"
    assert _squeezed(column(out, "Owner")) == "kimsam"


@pytest.mark.parametrize("width", WIDTHS)
def test_today_keeps_who_is_losing_touch_and_since_when(relate: Relate, width: int) -> None:
    ok(relate("add", BJORK, env={"RELATE_NOW": "2026-01-05T09:00"}))
    ok(relate("add", "D'Angelo Russo", env={"RELATE_NOW": "2026-01-05T09:00"}))
    ok(relate("log", "d'angelo", "Call", "--kind", "call", "--when", "2026-03-02"))
    out = _table(relate, width, "today")
    assert "Losing touch (2)" in out
    flat = _squeezed(out)
    for when in ("2026-01-05", "2026-03-02"):
        assert when in out, f"{when!r} cut at {width} columns"
        flat = flat.replace(when, "")
    for text in (
        "Never contacted; added 323 days ago (no cadence)",
        "No contact for 267 days (no cadence)",
    ):
        assert _squeezed(text) in flat


@pytest.mark.parametrize("width", WIDTHS)
def test_today_keeps_a_dates_gift_ideas_and_last_gift(relate: Relate, width: int) -> None:
    ok(relate("add", BJORK, "--birthday", "1985-11-27"))
    ok(relate("add", "Acme Ltd"))
    ok(relate("date", "acme", "contract renewal", "nov 30", "--once"))
    for idea in (GIFT, "Tea", "Scarf", "Pen"):
        ok(relate("gift", "björk", idea))
    ok(relate("gift", "björk", "Wine", "--given", "2025-11-27", "--occasion", "birthday"))
    out = _table(relate, width, "today")
    whens = ("Fri 27 Nov", "Mon 30 Nov")
    for when in whens:
        assert when in out, f"{when!r} cut at {width} columns"
    # The text without the when column: at the end of the first line of each row (the
    # text's own line at 120 and 80 columns, the who-and-when line above it at 60).
    lines = [line.rstrip() for line in out.splitlines()]
    for when in whens:
        at = next(n for n, line in enumerate(lines) if line.endswith(when))
        lines[at] = lines[at][: -len(when)]
    flat = _squeezed("".join(lines))
    text = f"turns 41 on Fri 27 Nov: gift? ideas: {GIFT}, Tea, Scarf (+1 more); last gift: Wine"
    for part in (text, "(Thu 27 Nov 2025)", "Contract renewal with Acme Ltd on Mon 30 Nov"):
        assert _squeezed(part) in flat, f"{part!r} lost characters at {width} columns"
    assert "Björk Guð" in out and "Acme Ltd" in out

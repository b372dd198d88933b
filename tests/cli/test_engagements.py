"""Engagements as a ledger (#14): list with totals, show with history, edit as dated
entries, due dates on the agenda, the referral follow-up at closing; and a contact's
notes keeping their history."""

from __future__ import annotations

from typing import Any

import pytest

from helpers import Relate, as_json, ok
from relate.services.engagements import (
    EngagementRecord,
    amount_text,
    parse_money,
    totals,
)


@pytest.fixture
def book(relate: Relate) -> None:
    ok(relate("add", "Ann Smith", "--org", "Acme"))
    ok(relate("add", "Bob Berg", "--org", "Globex"))
    ok(relate("engagement", "ann", "Website redesign", "--value", "4,500", "--currency", "eur"))
    ok(relate("engagement", "ann", "Audit", "--value", "1200", "--currency", "EUR"))
    ok(relate("engagement", "bob", "Logo", "--value", "300", "--currency", "usd"))
    ok(relate("engagement", "bob", "Advice"))


def test_starting_an_engagement_works_as_it_always_did(relate: Relate) -> None:
    ok(relate("add", "Ann Smith"))
    assert ok(relate("engagement", "ann", "Website redesign", "--value", "4500")) == (
        "Started engagement #1 Website redesign with Ann Smith\n"
    )
    assert ok(relate("engagement", "--currency", "EUR", "ann", "Audit")) == (
        "Started engagement #2 Audit with Ann Smith\n"
    )
    missing = relate("engagement", "ann")
    assert missing.exit_code == 2
    assert " engagement [OPTIONS] {contact} {title}\n" in missing.stderr
    assert "Missing argument" in missing.stderr
    assert relate("engagement", "nobody", "X").exit_code == 3


def test_a_contact_named_show_is_written_after_a_double_dash(relate: Relate) -> None:
    ok(relate("add", "Show Stopper"))
    refused = relate("engagement", "show", "Stage lights")
    assert refused.exit_code == 2
    assert "relate engagement -- show TITLE" in refused.stderr
    assert refused.stdout == ""
    assert ok(relate("engagement", "--value", "80", "--", "show", "Stage lights")) == (
        "Started engagement #1 Stage lights with Show Stopper\n"
    )
    assert "Stage lights" in ok(relate("engagement", "show", "1"))
    assert relate("engagement", "edit", "New title").exit_code == 2


def test_engagements_lists_with_totals_per_currency(relate: Relate, book: None) -> None:
    ok(relate("close", "3", "-s", "9", "--no-follow-up"))
    ledger = as_json(relate("engagements", "--format", "json"))
    assert [(e["id"], e["status"]) for e in ledger["engagements"]] == [
        (1, "active"),
        (2, "active"),
        (4, "active"),
        (3, "done"),
    ]
    assert ledger["totals"] == [
        {
            "currency": "EUR",
            "engagements": 2,
            "value_cents": 570000,
            "value": 5700.0,
            "open_value_cents": 570000,
            "open_value": 5700.0,
        },
        {
            "currency": "USD",
            "engagements": 1,
            "value_cents": 30000,
            "value": 300.0,
            "open_value_cents": 0,
            "open_value": 0.0,
        },
    ]
    opened = as_json(relate("engagements", "--open", "--format", "json"))
    assert [e["id"] for e in opened["engagements"]] == [1, 2, 4]
    assert [t["currency"] for t in opened["totals"]] == ["EUR"]
    bobs = as_json(relate("engagements", "--contact", "bob", "--format", "json"))
    assert [e["title"] for e in bobs["engagements"]] == ["Advice", "Logo"]
    acme = as_json(relate("engagements", "--org", "acme", "--format", "json"))
    assert {e["org"] for e in acme["engagements"]} == {"Acme"}
    plain = ok(relate("engagements", "--open"))
    assert plain.splitlines()[0] == "id\ttitle\tcontact\tstatus\tvalue\tdue"
    assert "1\tWebsite redesign\tAnn Smith\tactive\t4,500.00 EUR\t" in plain
    assert plain.endswith("\ncurrency\tengagements\tvalue\topen\nEUR\t2\t5,700.00\t5,700.00\n")
    csv = ok(relate("engagements", "--format", "csv"))
    assert csv.splitlines()[0].startswith("id,title,status,contact,contact_id,org,value_cents")
    assert len(csv.splitlines()) == 5
    assert relate("engagements", "--org", "nowhere").exit_code == 3


@pytest.mark.parametrize("width", [60, 80, 120])
def test_the_ledger_keeps_what_who_and_when_at_any_width(relate: Relate, width: int) -> None:
    ok(relate("add", "Björk Guðmundsdóttir"))
    title = "Redesign of the whole website, the shop and the newsletter templates"
    ok(relate("engagement", "björk", title, "--value", "123456.78", "--currency", "ISK"))
    ok(relate("engagement", "edit", "1", "--due", "2026-12-01"))
    env = {"COLUMNS": str(width), "NO_COLOR": "1"}
    out = ok(relate("engagements", "--format", "table", env=env))
    assert max(len(line.rstrip()) for line in out.splitlines()) <= width, out
    lines = out.splitlines()
    head = lines[0]
    cells = {
        name: "".join(
            line[head.index(f" {name} ") + 1 : head.index(f" {end} ") + 1].strip()
            for line in lines[1 : lines.index("")]
        )
        for name, end in (("Title", "Contact"), ("Contact", "Status"))
    }
    assert "".join(cells["Title"].split()) == "".join(title.split())  # wrapped, never cut
    assert "".join(cells["Contact"].split()) == "BjörkGuðmundsdóttir"
    assert "2026-12-01" in lines[1] and "123,456.78 ISK" in lines[1]


def test_edit_records_each_change_as_a_dated_entry(relate: Relate, book: None) -> None:
    assert ok(
        relate("engagement", "edit", "#1", "--value", "5000", "--due", "friday", "--note", "Shop")
    ) == (
        "Updated engagement #1 Website redesign: value 4,500.00 → 5,000.00; "
        "due none → 2026-11-27; note: Shop\n"
    )
    assert ok(relate("engagement", "edit", "1", "--value", "5000.00")) == (
        "Engagement #1 Website redesign unchanged\n"
    )
    ok(
        relate(
            "engagement",
            "edit",
            "1",
            "--title",
            "Web shop",
            "--no-due",
            env={"RELATE_NOW": "2026-11-25T14:00", "RELATE_USER": "kim"},
        )
    )
    shown = as_json(relate("engagement", "show", "1", "--format", "json"))
    assert (shown["title"], shown["value_cents"], shown["due_on"]) == ("Web shop", 500000, None)
    assert [(h["at"], h["field"], h["old"], h["new"]) for h in shown["history"]] == [
        ("2026-11-24 09:30", "value", "4500.00", "5000.00"),
        ("2026-11-24 09:30", "due", None, "2026-11-27"),
        ("2026-11-24 09:30", "note", None, "Shop"),
        ("2026-11-25 14:00", "title", "Website redesign", "Web shop"),
        ("2026-11-25 14:00", "due", "2026-11-27", None),
    ]
    assert shown["history"][-1]["by"] == "kim"
    card = ok(relate("engagement", "show", "1"))
    assert "Engagement: #1 Web shop\n" in card
    assert "\tkim\ttitle Website redesign → Web shop\n" in card
    assert relate("engagement", "edit", "1").exit_code == 2  # nothing to change
    assert relate("engagement", "edit", "9", "--note", "x").exit_code == 3
    assert relate("engagement", "edit", "1", "--value", "lots").exit_code == 1
    assert relate("engagement", "show", "9").exit_code == 3


def test_one_edit_is_one_undo_step(relate: Relate, book: None) -> None:
    ok(relate("engagement", "edit", "1", "--value", "5000", "--note", "Shop"))
    ok(relate("undo"))
    shown = as_json(relate("engagement", "show", "1", "--format", "json"))
    assert (shown["value_cents"], shown["history"]) == (450000, [])


def test_an_open_engagement_is_on_the_agenda_within_seven_days_of_its_due_date(
    relate: Relate, book: None
) -> None:
    ok(relate("engagement", "edit", "1", "--due", "2026-12-01"))  # in 7 days
    ok(relate("engagement", "edit", "2", "--due", "2026-12-02"))  # in 8 days
    ok(relate("engagement", "edit", "3", "--due", "2026-11-20"))  # late
    ok(relate("engagement", "edit", "4", "--due", "2026-11-25"))
    ok(relate("close", "4", "-s", "8", "--no-follow-up"))  # closed: off the agenda
    items = [i for i in as_json(relate("today", "--format", "json")) if i["kind"] == "engagement"]
    assert [(i["id"], i["contact"], i["due"], i["overdue_days"], i["text"]) for i in items] == [
        (3, "Bob Berg", "2026-11-20", 4, "Logo"),
        (1, "Ann Smith", "2026-12-01", -7, "Website redesign"),
    ]
    assert {i["section"] for i in items} == {"engagements"}
    table = ok(relate("today", "--format", "table", env={"COLUMNS": "80", "NO_COLOR": "1"}))
    assert "Engagements due (2)" in table
    assert "Fri 20 Nov (4d late)" in table
    ok(relate("archive", "Bob Berg"))  # a due date is explicit, like a reminder: it stays
    ids = [
        i["id"] for i in as_json(relate("today", "--format", "json")) if i["kind"] == "engagement"
    ]
    assert ids == [3, 1]
    wider = as_json(relate("today", "--days", "10", "--format", "json"))
    assert [i["id"] for i in wider if i["kind"] == "engagement"] == [3, 1, 2]
    mine = as_json(relate("today", "--mine", "--format", "json", env={"RELATE_USER": "kim"}))
    assert [i for i in mine if i["kind"] == "engagement"] == []


def test_closing_sets_a_referral_follow_up_undone_with_it(relate: Relate, book: None) -> None:
    assert ok(relate("close", "1", "-s", "9")) == (
        "Closed engagement #1 Website redesign with Ann Smith; follow-up #1 due Tue 8 Dec\n"
    )
    [follow_up] = as_json(relate("reminders", "--format", "json"))
    assert (follow_up["kind"], follow_up["contact"], follow_up["due"], follow_up["text"]) == (
        "follow-up",
        "Ann Smith",
        "2026-12-08",
        "Ask for a referral or testimonial",
    )
    history = as_json(relate("engagement", "show", "1", "--format", "json"))["history"]
    assert [(h["field"], h["old"], h["new"]) for h in history] == [
        ("status", "active", "done"),
        ("satisfaction", None, "9"),
    ]
    ok(relate("undo"))
    assert as_json(relate("reminders", "--format", "json")) == []
    shown = as_json(relate("engagement", "show", "1", "--format", "json"))
    assert (shown["status"], shown["history"]) == ("active", [])
    assert ok(relate("close", "1", "-s", "9", "--no-follow-up")) == (
        "Closed engagement #1 Website redesign with Ann Smith\n"
    )
    assert as_json(relate("reminders", "--format", "json")) == []


def test_notes_keep_their_history(relate: Relate) -> None:
    ok(relate("add", "Ann Smith", "--note", "likes tea"))
    ok(relate("edit", "ann", "--note", "likes coffee", env={"RELATE_USER": "kim"}))
    ok(
        relate(
            "edit",
            "ann",
            "--note",
            "decaf only",
            env={"RELATE_NOW": "2026-11-26T08:00", "RELATE_USER": "sam"},
        )
    )
    ok(relate("edit", "ann", "--note", "decaf only"))  # no change: nothing kept
    shown = as_json(relate("show", "ann", "--format", "json"))
    assert shown["notes"] == "decaf only"
    assert shown["notes_history"] == [
        {
            "notes": "likes coffee",
            "written_at": "2026-11-24 09:30",
            "written_by": "kim",
            "replaced_at": "2026-11-26 08:00",
            "replaced_by": "sam",
        },
        {
            "notes": "likes tea",
            "written_at": None,
            "written_by": None,
            "replaced_at": "2026-11-24 09:30",
            "replaced_by": "kim",
        },
    ]
    plain = ok(relate("show", "ann"))
    assert "Notes: decaf only\n" in plain and "likes tea" not in plain
    history = ok(relate("show", "ann", "--history"))
    assert "written\treplaced\tnotes\n" in history
    assert "2026-11-24 09:30 kim\t2026-11-26 08:00 sam\tlikes coffee\n" in history
    assert "—\t2026-11-24 09:30 kim\tlikes tea\n" in history
    ok(relate("undo"))
    assert len(as_json(relate("show", "ann", "--format", "json"))["notes_history"]) == 1


def test_notes_changed_for_several_contacts_keep_each_ones_text(relate: Relate) -> None:
    ok(relate("add", "Ann Smith", "--note", "A"))
    ok(relate("add", "Bob Berg", "--note", "B"))
    ok(relate("edit", "ann", "bob", "--note", "both"))
    for name, old in (("ann", "A"), ("bob", "B")):
        [earlier] = as_json(relate("show", name, "--format", "json"))["notes_history"]
        assert earlier["notes"] == old


def _record(value: int | None, currency: str | None, status: str = "active") -> EngagementRecord:
    return EngagementRecord(1, "t", status, "c", 1, None, value, currency, None, None, None, None)


def test_totals_per_currency() -> None:
    assert totals([]) == []
    found = totals(
        [
            _record(100, "USD"),
            _record(None, "EUR"),  # no value: not counted
            _record(250, "EUR", "done"),
            _record(50, None),
            _record(25, "EUR"),
        ]
    )
    assert [(t.currency, t.engagements, t.value_cents, t.open_value_cents) for t in found] == [
        ("EUR", 2, 275, 25),
        ("USD", 1, 100, 100),
        (None, 1, 50, 50),
    ]


@pytest.mark.parametrize(
    ("text", "cents", "amount"),
    [("4500", 450000, "4500.00"), ("4,500.50", 450050, "4500.50"), ("0.05", 5, "0.05")],
)
def test_amounts(text: str, cents: int, amount: str) -> None:
    assert parse_money(text) == cents
    assert amount_text(cents) == amount


def test_the_first_word_completes_as_a_subcommand_or_a_contact(relate: Relate) -> None:
    import typer.main

    from relate.cli.main import app

    ok(relate("add", "Ann Smith"))
    ok(relate("add", "Edith Piaf"))
    root: Any = typer.main.get_command(app)
    with root.make_context("relate", ["engagement"], resilient_parsing=True) as ctx:
        group = root.commands["engagement"]
        with group.make_context("engagement", [], parent=ctx, resilient_parsing=True) as sub:
            assert [c.value for c in group.shell_complete(sub, "An")] == ["Ann Smith"]
            assert [c.value for c in group.shell_complete(sub, "ed")] == ["edit", "edith Piaf"]

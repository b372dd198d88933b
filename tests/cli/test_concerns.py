"""Concerns with severity and escalation (#14) through the CLI: concern --severity
--due, escalate, resolve --cause --prevent, and how today, show and concerns show
them."""

from __future__ import annotations

import pytest

from helpers import Relate, as_json, ok


@pytest.fixture
def book(relate: Relate) -> None:
    ok(relate("add", "Ann Smith"))
    ok(relate("add", "Bob Jones"))


def test_a_concern_takes_a_severity_and_a_due_day(relate: Relate, book: None) -> None:
    assert ok(relate("concern", "ann", "Invoice sent twice")) == (
        "Opened concern #1 for Ann Smith\n"
    )
    assert ok(relate("concern", "bob", "Site down", "--severity", "HIGH", "--due", "friday")) == (
        "Opened high-severity concern #2 for Bob Jones\n"
    )
    listed = as_json(relate("concerns", "-f", "json"))
    assert [(c["id"], c["severity"], c["due"], c["escalations"], c["trail"]) for c in listed] == [
        (2, "high", "2026-11-27", 0, []),
        (1, "normal", None, 0, []),
    ]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--severity", "urgent"], 1, "'urgent' is not a severity (use low, normal or high)"),
        (["--due", "someday"], 1, "someday"),
    ],
)
def test_a_bad_severity_or_due_day_writes_nothing(
    relate: Relate, book: None, args: list[str], code: int, message: str
) -> None:
    result = relate("concern", "ann", "Late", *args)
    assert result.exit_code == code
    assert message in result.stderr
    assert as_json(relate("concerns", "-f", "json")) == []


def test_escalate_records_who_to_whom_and_why_and_raises_severity(
    relate: Relate, book: None
) -> None:
    ok(relate("concern", "ann", "Invoice sent twice", "--severity", "low"))
    assert ok(relate("escalate", "#1", "--to", "Dana", "--note", "Second call")) == (
        "Escalated concern #1 for Ann Smith to Dana (low → normal)\n"
    )
    assert ok(relate("escalate", "1")) == ("Escalated concern #1 for Ann Smith (normal → high)\n")
    assert ok(relate("escalate", "1", "--to", "the boss")) == (
        "Escalated concern #1 for Ann Smith to the boss (still high)\n"
    )
    [listed] = as_json(relate("concerns", "-f", "json"))
    assert listed["severity"] == "high"
    assert listed["escalations"] == 3
    assert listed["trail"][0] == {
        "when": "2026-11-24 09:30",
        "by": "sam",
        "to": "Dana",
        "note": "Second call",
        "severity_before": "low",
        "severity_after": "normal",
    }
    shown = as_json(relate("show", "ann", "-f", "json"))["concerns"]
    assert [(c["severity"], c["escalations"]) for c in shown] == [("high", 3)]
    assert shown[0]["trail"] == listed["trail"]
    text = ok(relate("show", "ann", "-f", "plain"))
    assert "Escalated #1: 2026-11-24 by sam to Dana, low → normal: Second call\n" in text
    plain = ok(relate("concerns", "-f", "plain"))
    assert "[high] Invoice sent twice (2026-11-24 escalated by sam to Dana, low → normal" in plain


def test_escalate_refuses_what_it_cannot_escalate(relate: Relate, book: None) -> None:
    ok(relate("concern", "ann", "Late"))
    ok(relate("resolve", "1", "Sorted"))
    resolved = relate("escalate", "1")
    assert (resolved.exit_code, resolved.stderr) == (
        1,
        "relate: error: concern #1 is already resolved\n",
    )
    assert relate("escalate", "9").exit_code == 3
    assert relate("escalate", "x1").exit_code == 1


def test_one_escalation_is_one_undo_step(relate: Relate, book: None) -> None:
    ok(relate("concern", "ann", "Late"))
    ok(relate("escalate", "1", "--to", "Dana"))
    ok(relate("undo"))
    [listed] = as_json(relate("concerns", "-f", "json"))
    assert (listed["severity"], listed["escalations"]) == ("normal", 0)


def test_resolve_records_the_cause_and_how_to_prevent_it(relate: Relate, book: None) -> None:
    ok(relate("concern", "ann", "Invoice sent twice"))
    ok(relate("concern", "bob", "Slow reply"))
    assert ok(
        relate(
            "resolve",
            "1",
            "Refunded",
            "--cause",
            "Two billing systems",
            "--prevent",
            "Invoices from one system",
        )
    ) == ("Resolved concern #1 for Ann Smith\n")
    assert ok(relate("resolve", "2", "Apologised")) == "Resolved concern #2 for Bob Jones\n"
    listed = as_json(relate("concerns", "--all", "-f", "json"))
    assert [(c["id"], c["cause"], c["prevent"]) for c in listed] == [
        (1, "Two billing systems", "Invoices from one system"),
        (2, None, None),
    ]
    plain = ok(relate("concerns", "--all", "-f", "plain"))
    assert "Refunded; cause: Two billing systems; prevent: Invoices from one system" in plain
    csv = ok(relate("concerns", "--all", "-f", "csv")).splitlines()
    assert csv[0] == (
        "id,contact,contact_id,opened,text,resolved,resolution,severity,due,cause,prevent,"
        "escalations,trail"
    )


def test_today_orders_by_severity_and_moves_the_overdue(relate: Relate, book: None) -> None:
    ok(relate("concern", "ann", "Old normal", "--severity", "normal"))
    ok(relate("concern", "bob", "New high", "--severity", "high", "--due", "2026-11-30"))
    ok(relate("concern", "ann", "Promised fix", "--due", "2026-11-23"))
    ok(relate("remind", "bob", "Call back", "--on", "2026-11-20"))
    ok(relate("escalate", "2", "--to", "Dana"))
    items = as_json(relate("today", "-f", "json"))
    assert [(i["section"], i["kind"], i["id"]) for i in items] == [
        ("overdue", "reminder", 1),
        ("overdue", "concern", 3),
        ("concerns", "concern", 2),
        ("concerns", "concern", 1),
    ]
    late, high = items[1], items[2]
    assert (late["due"], late["overdue_days"], late["severity"], late["opened"]) == (
        "2026-11-23",
        1,
        "normal",
        "2026-11-24",
    )
    assert (high["severity"], high["escalations"], high["due"], high["overdue_days"]) == (
        "high",
        1,
        "2026-11-30",
        -6,
    )
    assert items[0]["severity"] is None
    assert items[0]["escalations"] is None
    plain = ok(relate("today", "-f", "plain")).splitlines()
    assert plain[2] == (
        "overdue\t#3\tconcern\tAnn Smith\tyesterday (1d late)\tConcern: Promised fix"
    )
    assert plain[3] == (
        "concerns\t#2\tconcern\tBob Jones\topened today\t"
        "[high] New high (escalated to Dana; due Mon 30 Nov)"
    )


@pytest.mark.parametrize("width", [60, 80, 120])
def test_today_keeps_who_what_and_when_of_a_concern(relate: Relate, book: None, width: int) -> None:
    ok(relate("concern", "bob", "Site down since the update; nobody can order", "-s", "high"))
    ok(relate("escalate", "1", "--to", "Dana (account lead)", "--note", "CEO called"))
    ok(relate("concern", "ann", "Promised fix", "--due", "2026-11-20"))
    out = ok(relate("today", "-f", "table", env={"COLUMNS": str(width), "NO_COLOR": "1"}))
    assert max(len(line.rstrip()) for line in out.splitlines()) <= width, out
    whens = ("opened today", "Fri 20 Nov (4d late)")
    flat = "".join(out.split())
    for when in whens:  # the when is never wrapped nor shortened
        assert when in out, f"{when!r} cut at {width} columns:\n{out}"
        flat = flat.replace("".join(when.split()), "")
    for text in (
        "Bob Jones",
        "[high] Site down since the update; nobody can order (escalated to Dana (account lead))",
        "Ann Smith",
        "Concern: Promised fix",
    ):
        assert "".join(text.split()) in flat, f"{text!r} lost at {width} columns:\n{out}"


@pytest.mark.parametrize("width", [60, 80])
def test_concerns_table_shows_the_trail(relate: Relate, book: None, width: int) -> None:
    ok(relate("concern", "bob", "Site down", "-s", "high", "--due", "2026-11-27"))
    ok(relate("escalate", "1", "--to", "Dana", "--note", "CEO called"))
    out = ok(relate("concerns", "-f", "table", env={"COLUMNS": str(width), "NO_COLOR": "1"}))
    assert max(len(line.rstrip()) for line in out.splitlines()) <= width, out
    flat = "".join(out.split())
    for shown in ("Bob Jones", "[high] Site down", "2026-11-27", "↳ escalated by sam to Dana"):
        assert "".join(shown.split()) in flat, f"{shown!r} lost at {width} columns:\n{out}"


def test_report_counts_open_concerns_and_the_median_time_to_resolve(
    relate: Relate, book: None
) -> None:
    empty = as_json(relate("report", "-f", "json"))["concerns"]
    assert empty == {"open": 0, "resolved": 0, "median_days_to_resolve": None}
    for when, text in (("2026-11-20T09:30", "a"), ("2026-11-14T09:30", "b"), ("", "c")):
        env = {"RELATE_NOW": when} if when else None
        ok(relate("concern", "ann", text, env=env))
    ok(relate("resolve", "1", "done"))  # 4 days
    ok(relate("resolve", "2", "done"))  # 10 days
    figures = as_json(relate("report", "-f", "json"))["concerns"]
    assert figures == {"open": 1, "resolved": 2, "median_days_to_resolve": 7.0}
    text = ok(relate("report", "-f", "plain"))
    assert "Open concerns: 1\n" in text
    assert "Median time to resolve: 7 days (2 resolved)\n" in text


def test_export_concerns_carries_severity_due_cause_and_trail(relate: Relate, book: None) -> None:
    ok(relate("concern", "ann", "Invoice sent twice", "--due", "2026-11-30"))
    ok(relate("escalate", "1", "--to", "Dana | ops", "--note", "second call; angry"))
    ok(relate("resolve", "1", "Refunded", "--cause", "Two systems", "--prevent", "One system"))
    ok(relate("concern", "bob", "Slow", "-s", "low"))
    exported = as_json(relate("export", "concerns", "--format", "json"))
    assert [c["id"] for c in exported] == [1, 2]
    first = exported[0]
    assert (first["severity"], first["due"], first["cause"], first["prevent"]) == (
        "high",
        "2026-11-30",
        "Two systems",
        "One system",
    )
    assert first["opened_at"] == first["resolved_at"] == "2026-11-24T09:30:00+00:00"
    assert first["trail"] == [
        {
            "at": "2026-11-24T09:30:00+00:00",
            "by": "sam",
            "to": "Dana | ops",
            "note": "second call; angry",
            "severity_before": "normal",
            "severity_after": "high",
        }
    ]
    assert exported[1]["trail"] == []
    lines = ok(relate("export", "concerns")).splitlines()
    assert lines[0] == (
        "id,contact_id,contact,text,severity,opened_at,due,resolved_at,resolution,cause,"
        "prevent,trail"
    )
    assert lines[1].endswith(
        ",2026-11-24T09:30:00+00:00|sam|Dana \\| ops|second call\\; angry|normal|high"
    )
    assert lines[2].endswith(",low,2026-11-24T09:30:00+00:00,,,,,,")


def test_org_show_ranks_its_open_concerns_by_severity(relate: Relate) -> None:
    ok(relate("add", "Ann Smith", "--org", "Acme"))
    ok(relate("add", "Bob Jones", "--org", "Acme"))
    ok(relate("concern", "ann", "Old and normal"))
    ok(relate("concern", "bob", "New and high", "--severity", "high"))
    org = as_json(relate("org", "show", "acme", "-f", "json"))
    assert [(k["id"], k["severity"]) for k in org["concerns"]] == [(2, "high"), (1, "normal")]
    text = ok(relate("org", "show", "acme", "-f", "plain"))
    assert (
        "Open concerns: #2 [high] New and high (Bob Jones), #1 Old and normal (Ann Smith)\n" in text
    )

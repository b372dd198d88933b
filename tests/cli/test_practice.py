"""Concerns, feedback, engagements, gifts and the report."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator

import pytest

from helpers import Relate, as_json, ok
from relate.services.practice import net_promoter_score


@pytest.fixture
def ann(relate: Relate) -> None:
    ok(relate("add", "Ann Smith", "--stage", "commitment", "--type", "long-term"))
    ok(relate("add", "Bob Berg"))


def test_concern_stays_open_until_resolved(relate: Relate, ann: None) -> None:
    assert ok(relate("concern", "ann", "Invoice sent twice")) == (
        "Opened concern #1 for Ann Smith\n"
    )
    [open_one] = as_json(relate("concerns", "-f", "json"))
    assert (open_one["contact"], open_one["text"], open_one["resolved"]) == (
        "Ann Smith",
        "Invoice sent twice",
        None,
    )
    assert ok(relate("resolve", "1", "Refunded the double payment")) == (
        "Resolved concern #1 for Ann Smith\n"
    )
    assert as_json(relate("concerns", "-f", "json")) == []
    [closed] = as_json(relate("concerns", "--all", "-f", "json"))
    assert closed["resolution"] == "Refunded the double payment"
    again = relate("resolve", "1", "again")
    assert again.exit_code == 1
    assert relate("resolve", "7", "x").exit_code == 3


def test_engagement_closes_with_satisfaction_and_report_sums_up(relate: Relate, ann: None) -> None:
    assert ok(
        relate("engagement", "ann", "Website redesign", "--value", "4,500", "--currency", "eur")
    ) == ("Started engagement #1 Website redesign with Ann Smith\n")
    missing = relate("close", "1")
    assert missing.exit_code == 2
    assert "--satisfaction" in missing.stderr
    assert relate("close", "1", "--satisfaction", "11").exit_code == 1
    assert ok(relate("close", "1", "-s", "9")) == (
        "Closed engagement #1 Website redesign with Ann Smith; follow-up #1 due Tue 8 Dec\n"
    )
    for who, score in (("ann", "10"), ("bob", "9"), ("ann", "7"), ("bob", "3")):
        ok(relate("feedback", who, score))
    ok(relate("log", "ann", "call"))
    ok(relate("log", "bob", "call", "--with", "ann"))
    report = as_json(relate("report", "-f", "json"))
    assert report["feedback"] == {"responses": 4, "average": 7.25, "nps": 25.0}
    assert (report["engagements_closed"], report["average_satisfaction"]) == (1, 9.0)
    assert report["monthly"] == [{"month": "2026-11", "interactions": 2, "people": 2}]
    assert {"stage": "commitment", "type": "long-term", "contacts": 1} in report["contacts"]


def test_gift_ideas_and_gifts_given(relate: Relate, ann: None) -> None:
    assert ok(relate("gift", "ann", "Pottery class")) == "Gift idea #1 for Ann Smith\n"
    assert ok(relate("gift", "ann", "Book", "--given", "yesterday", "--occasion", "birthday")) == (
        "Gift #2 for Ann Smith\n"
    )
    gifts = as_json(relate("gifts", "ann", "-f", "json"))
    assert [(g["description"], g["status"], g["given_on"]) for g in gifts] == [
        ("Pottery class", "idea", None),
        ("Book", "given", "2026-11-23"),
    ]


@pytest.mark.parametrize(
    ("scores", "nps"),
    [([], None), ([10, 9], 100.0), ([0, 6], -100.0), ([7, 8], 0.0), ([10, 7, 3, 9], 25.0)],
)
def test_net_promoter_score(scores: list[int], nps: float | None) -> None:
    assert net_promoter_score(scores) == nps


def test_open_concerns_are_on_the_agenda_until_resolved(relate: Relate, ann: None) -> None:
    ok(relate("concern", "ann", "Invoice sent twice", env={"RELATE_NOW": "2026-11-20T10:00"}))
    items = as_json(relate("today", "-f", "json"))
    assert [(i["kind"], i["contact"], i["text"], i["overdue_days"], i["id"]) for i in items] == [
        ("concern", "Ann Smith", "Invoice sent twice", 4, 1)
    ]
    table = ok(relate("today", "-f", "table", env={"COLUMNS": "100"}))
    assert " #1  Ann Smith  Invoice sent twice  open 4d" in table
    assert "open 4d" in ok(relate("today"))
    ok(relate("resolve", "1", "Refunded"))
    assert as_json(relate("today", "-f", "json")) == []


def test_referrals_owner_stage_history_and_revisit(relate: Relate, ann: None) -> None:
    assert ok(relate("add", "Cleo", "--referred-by", "ann", "--owner", "maria")) == (
        "Added #3 Cleo\n"
    )
    ok(relate("edit", "cleo", "--stage", "exploration", env={"RELATE_NOW": "2026-10-01T10:00"}))
    out = ok(relate("edit", "cleo", "--stage", "dissolution", "--revisit", "in 6 months"))
    assert out == "Updated #3 Cleo\nReminder #1 to revisit Cleo due Mon 24 May 2027\n"
    card = as_json(relate("show", "cleo", "-f", "json"))
    assert (card["referred_by"], card["owner"]) == ("Ann Smith", "maria")
    assert card["stages"] == [
        {"stage": "exploration", "on": "2026-10-01"},
        {"stage": "dissolution", "on": "2026-11-24"},
    ]
    assert as_json(relate("show", "ann", "-f", "json"))["referred"] == [{"id": 3, "name": "Cleo"}]
    [reminder] = as_json(relate("reminders", "-f", "json"))
    assert (reminder["text"], reminder["contact"]) == ("Revisit Cleo", "Cleo")
    plain = ok(relate("show", "ann"))
    assert "Referred: #3 Cleo" in plain


@pytest.fixture
def copenhagen() -> Iterator[None]:
    os.environ["TZ"] = "Europe/Copenhagen"
    time.tzset()
    yield
    os.environ["TZ"] = "UTC"
    time.tzset()


def test_report_months_are_local_months(relate: Relate, ann: None, copenhagen: None) -> None:
    # 00:30 on 1 December in Copenhagen is still 30 November in UTC.
    ok(relate("log", "ann", "Late call", env={"RELATE_NOW": "2026-12-01T00:30"}))
    ok(relate("log", "bob", "Early call", env={"RELATE_NOW": "2026-11-30T23:30"}))
    report = as_json(relate("report", "-f", "json", env={"RELATE_NOW": "2026-12-01T09:00"}))
    assert report["monthly"] == [
        {"month": "2026-11", "interactions": 1, "people": 1},
        {"month": "2026-12", "interactions": 1, "people": 1},
    ]


def test_report_format_help_says_what_it_accepts(relate: Relate, ann: None) -> None:
    help_text = " ".join(ok(relate("report", "--help")).split())
    assert "table (terminal default), plain (piped default) or json." in help_text
    assert "csv" not in help_text
    refused = relate("report", "--format", "csv")
    assert refused.exit_code == 2
    assert "use one of table, plain, json" in refused.stderr
    for fmt in ("table", "plain", "json"):
        ok(relate("report", "--format", fmt))


def test_report_json_keeps_its_keys_and_adds_the_charts_figures(relate: Relate, ann: None) -> None:
    ok(relate("edit", "ann", "--every", "weekly"))
    ok(relate("log", "ann", "Call", "--kind", "call", "--when", "2026-11-02"))
    ok(relate("log", "ann", "Internal", "--kind", "note", "--when", "2026-11-03"))
    ok(relate("feedback", "ann", "10"))
    ok(relate("engagement", "ann", "Audit", "--value", "1200", "--currency", "eur"))
    report = as_json(relate("report", "--since", "2026-10-01", "-f", "json"))
    assert list(report)[:8] == [
        "since",
        "feedback",
        "engagements_closed",
        "average_satisfaction",
        "contacts",
        "monthly",
        "concerns",
        "until",
    ]
    assert report["until"] == "2026-11-24"
    assert report["monthly"] == [{"month": "2026-11", "interactions": 1, "people": 1}]
    weeks = {w["week"]: w["interactions"] for w in report["weekly"]}
    assert (weeks["2026-09-28"], weeks["2026-11-02"], weeks["2026-11-23"]) == (0, 1, 0)
    assert report["quarterly"] == [
        {"quarter": "2026-Q4", "responses": 1, "average": 10.0, "nps": 100.0}
    ]
    assert report["by_stage"][0] == {"stage": "(none)", "contacts": 1}
    assert {"type": "long-term", "contacts": 1} in report["by_type"]
    [late] = report["neglected"]
    assert (late["name"], late["last_contact"], late["days_since"], late["lateness"]) == (
        "Ann Smith",
        "2026-11-02",
        22,
        3.14,
    )
    assert report["engagements"] == {
        "opened": 1,
        "closed": 0,
        "currencies": [
            {
                "currency": "EUR",
                "opened": 1,
                "opened_value_cents": 120000,
                "opened_value": 1200.0,
                "closed": 0,
                "closed_value_cents": 0,
                "closed_value": 0.0,
            }
        ],
    }
    before = as_json(
        relate("report", "--since", "2026-01-01", "--until", "2026-03-31", "-f", "json")
    )
    assert before["monthly"] == [] and before["neglected"] == report["neglected"]
    assert [q["quarter"] for q in before["quarterly"]] == ["2026-Q1"]


def test_report_refuses_a_period_that_ends_before_it_starts(relate: Relate, ann: None) -> None:
    refused = relate("report", "--since", "2026-11-01", "--until", "2026-10-01")
    assert refused.exit_code == 2
    assert "--until 2026-10-01 is before --since 2026-11-01" in refused.stderr
    future = relate("report", "--since", "2027-01-01")
    assert future.exit_code == 2
    assert "today, 2026-11-24 is before --since 2027-01-01" in future.stderr


def test_report_piped_is_plain_and_stable(relate: Relate, ann: None) -> None:
    ok(relate("log", "ann", "Call", "--when", "2026-11-02"))
    out = ok(relate("report", "--since", "2026-11-01", "-f", "plain"))
    assert "█" not in out and "▁" not in out
    assert "week\tinteractions\n2026-10-26\t0\n2026-11-02\t1\n" in out
    assert out == ok(relate("report", "--since", "2026-11-01"))


# --- #10.16: ids of concerns and engagements are parsed as such -------------------------


def test_concern_and_engagement_ids_name_their_own_kind(relate: Relate, ann: None) -> None:
    ok(relate("concern", "ann", "Invoice sent twice"))
    ok(relate("engagement", "ann", "Website"))
    resolve = relate("resolve", "abc", "x")
    assert resolve.exit_code == 1
    assert "'abc' is not a concern id" in resolve.stderr
    assert "reminder" not in resolve.stderr
    close = relate("close", "abc")
    assert close.exit_code == 1
    assert "'abc' is not an engagement id" in close.stderr
    assert "satisfaction" not in close.stderr
    assert ok(relate("resolve", "#1", "Refunded")) == "Resolved concern #1 for Ann Smith\n"
    assert "Closed engagement #1" in ok(relate("close", "#1", "-s", "8"))


def test_close_names_a_missing_engagement_before_asking_for_a_score(
    relate: Relate, ann: None, screen: Callable[..., None]
) -> None:
    missing = relate("close", "99")
    assert missing.exit_code == 3
    assert missing.stderr.strip() == "relate: error: no engagement #99"
    screen(stdin_is_terminal=True)
    asked = relate("close", "99", input="7\n")
    assert asked.exit_code == 3
    assert "satisfied" not in asked.stdout + asked.stderr
    ok(relate("engagement", "ann", "Website"))
    ok(relate("close", "1", input="7\n"))
    again = relate("close", "1", input="7\n")
    assert (again.exit_code, "satisfied" in again.stdout) == (1, False)
    assert "engagement #1 is already done" in again.stderr

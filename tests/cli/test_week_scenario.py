"""A week in a freelancer's life, through the CLI, with the agenda checked each day."""

from __future__ import annotations

import json
from typing import Any

from helpers import Relate, ok


def at(day: str, time: str = "09:00") -> dict[str, str]:
    return {"RELATE_NOW": f"{day}T{time}"}


def agenda(relate: Relate, day: str) -> list[dict[str, Any]]:
    result = relate("today", "--format", "json", env=at(day))
    assert result.exit_code == 0, result.stderr
    items: list[dict[str, Any]] = json.loads(result.stdout)
    return [
        {k: item[k] for k in ("id", "kind", "contact", "due", "text", "overdue_days")}
        for item in items
    ]


def birthday(contact: str, due: str, text: str, ahead: int) -> dict[str, Any]:
    return {
        "id": 1,  # the date's own id: Ann's birthday is the first date recorded
        "kind": "date",
        "contact": contact,
        "due": due,
        "text": text,
        "overdue_days": -ahead,
    }


def test_a_week_of_agendas(relate: Relate) -> None:
    mon = "2026-11-30"
    # Monday: set up the people and the week.
    assert (
        ok(
            relate(
                "add", "Ann Smith", "--every", "2 weeks", "--birthday", "1985-12-04", env=at(mon)
            )
        )
        == "Added #1 Ann Smith\n"
    )
    assert ok(relate("add", "Bob Berg", "--every", "weekly", env=at(mon))) == "Added #2 Bob Berg\n"
    ok(relate("add", "Carla Díaz", "--every", "monthly", "--birthday", "12-25", env=at(mon)))
    ok(relate("add", "Dan Dahl", "--every", "weekly", "--priority", "high", env=at("2026-11-23")))
    assert (
        ok(
            relate(
                "log",
                "ann",
                "Call about the redesign",
                "--kind",
                "call",
                "--follow-up",
                "wednesday",
                env=at(mon, "10:00"),
            )
        )
        == "Logged #1 call with Ann Smith; follow-up #1 due Wed 2 Dec\n"
    )
    assert (
        ok(
            relate(
                "remind",
                "--no-contact",
                "Send invoices",
                "--on",
                "today",
                "--every",
                "weekly",
                env=at(mon),
            )
        )
        == "Reminder #2 due today, weekly\n"
    )
    ann_41 = "Ann Smith turns 41 on Fri 4 Dec: gift?"
    dan_late = {
        "id": 4,  # a cadence item's id is the contact's
        "kind": "cadence",
        "contact": "Dan Dahl",
        "due": "2026-11-30",
        "text": "Never contacted; added 7 days ago (weekly)",
        "overdue_days": 0,
    }
    assert agenda(relate, mon) == [
        {
            "id": 2,
            "kind": "reminder",
            "contact": None,
            "due": mon,
            "text": "Send invoices",
            "overdue_days": 0,
        },
        birthday("Ann Smith", "2026-12-04", ann_41, 4),
        dan_late,
    ]

    # Tuesday: invoices sent; the weekly reminder moves to next Monday.
    tue = "2026-12-01"
    assert ok(relate("done", "2", env=at(tue))) == "Done #2 Send invoices; next on Mon 7 Dec\n"
    assert agenda(relate, tue) == [
        birthday("Ann Smith", "2026-12-04", ann_41, 3),
        {**dan_late, "text": "Never contacted; added 8 days ago (weekly)", "overdue_days": 1},
    ]

    # Wednesday: Ann's follow-up is due; snooze it to Friday. Call Dan.
    wed = "2026-12-02"
    follow_up = {
        "id": 1,
        "kind": "follow-up",
        "contact": "Ann Smith",
        "due": wed,
        "text": "Follow up: Call about the redesign",
        "overdue_days": 0,
    }
    assert agenda(relate, wed) == [
        follow_up,
        birthday("Ann Smith", "2026-12-04", ann_41, 2),
        {**dan_late, "text": "Never contacted; added 9 days ago (weekly)", "overdue_days": 2},
    ]
    assert ok(relate("snooze", "#1", "--until", "friday", env=at(wed))).startswith(
        "Snoozed #1 Follow up: Call about the redesign until Fri 4 Dec"
    )
    ok(relate("log", "dan", "Quick call", "--kind", "call", env=at(wed)))
    assert agenda(relate, wed) == [birthday("Ann Smith", "2026-12-04", ann_41, 2)]

    # Thursday: lunch with Bob and Carla together counts for both.
    thu = "2026-12-03"
    assert (
        ok(
            relate(
                "log", "bob", "Lunch", "--kind", "meeting", "--with", "carla", env=at(thu, "13:00")
            )
        )
        == "Logged #3 meeting with Bob Berg, Carla Díaz\n"
    )
    shown = json.loads(ok(relate("show", "carla", "-f", "json", env=at(thu))))
    assert [(e["type"], e["kind"], e["text"]) for e in shown["timeline"]] == [
        ("interaction", "meeting", "Lunch")
    ]

    # Friday: Ann's birthday, and the snoozed follow-up is back. Done with it.
    fri = "2026-12-04"
    assert agenda(relate, fri) == [
        {**follow_up, "due": fri},
        birthday("Ann Smith", fri, "Ann Smith turns 41 today: gift?", 0),
    ]
    assert ok(relate("done", "1", env=at(fri))) == "Done #1 Follow up: Call about the redesign\n"
    assert relate("done", "1", env=at(fri)).exit_code == 1  # already done

    # Saturday: nothing at all.
    sat = "2026-12-05"
    assert agenda(relate, sat) == []
    assert ok(relate("today", env=at(sat))) == "Nothing on the agenda today. Enjoy the quiet!\n"

    # Next Monday: the weekly invoices again; Dan is due (called Wednesday + 7 = Wednesday:
    # not yet); nobody else is late. The reminder shows with the id `done` takes.
    mon2 = "2026-12-07"
    assert agenda(relate, mon2) == [
        {
            "id": 2,
            "kind": "reminder",
            "contact": None,
            "due": mon2,
            "text": "Send invoices",
            "overdue_days": 0,
        },
    ]
    # Wednesday after: Dan and the invoices overdue; Dan (weekly, high) before anyone else.
    wed2 = "2026-12-09"
    assert agenda(relate, wed2) == [
        {
            "id": 2,
            "kind": "reminder",
            "contact": None,
            "due": mon2,
            "text": "Send invoices",
            "overdue_days": 2,
        },
        {
            "id": 4,
            "kind": "cadence",
            "contact": "Dan Dahl",
            "due": wed2,
            "text": "No contact for 7 days (weekly)",
            "overdue_days": 0,
        },
    ]


def test_the_agenda_as_a_table(relate: Relate) -> None:
    ok(relate("add", "Ann Smith", "--birthday", "1985-11-27"))
    ok(relate("add", "Bob Berg", "--every", "weekly", env=at("2026-11-01")))
    ok(relate("remind", "ann", "Send the proposal", "--on", "yesterday"))
    ok(relate("remind", "--no-contact", "Invoices", "--on", "today 15:00"))
    out = ok(relate("today", "--format", "table", env={"COLUMNS": "100"}))
    assert [line.rstrip() for line in out.splitlines()] == [
        "Agenda for Tuesday 24 November 2026",
        "Overdue (1)",
        " #1  Ann Smith  Send the proposal                            yesterday (1d late)",
        "Due (1)",
        " #2  —          Invoices                                     today 15:00",
        "Coming up (1)",
        " #1  Ann Smith  Ann Smith turns 41 on Fri 27 Nov: gift?      Fri 27 Nov",
        "Time to get in touch (1)",
        " #2  Bob Berg   Never contacted; added 23 days ago (weekly)  16d late",
    ]

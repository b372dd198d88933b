"""Dates and gifts (#14): a date that happens one time, a date's line naming the gift
ideas and the last gift given, and archived contacts' explicit reminders."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import Relate, as_json, ok


def _dates(relate: Relate, *args: str) -> list[dict]:
    agenda = as_json(relate("today", "--format", "json", *args))
    return [item for item in agenda if item["section"] == "dates"]


def test_a_one_time_date_shows_within_its_lead_time_and_never_again(relate: Relate) -> None:
    ok(relate("add", "Acme Ltd"))
    assert ok(
        relate("date", "acme", "contract renewal", "2027-01-31", "--lead", "30", "--once")
    ) == ("Added #1 contract renewal 2027-01-31 (once) for Acme Ltd\n")
    assert _dates(relate) == []  # 24 Nov 2026: more than 30 days ahead
    [item] = _dates(relate, "--date", "2027-01-05")
    # No years counted: it happens one time.
    assert item["text"] == "Contract renewal with Acme Ltd on Sun 31 Jan"
    assert (item["id"], item["due"], item["overdue_days"]) == (1, "2027-01-31", -26)
    assert [i["text"] for i in _dates(relate, "--date", "2027-01-31")] == [
        "Contract renewal with Acme Ltd today"
    ]
    # Never repeated: not the day after, not within the next year's lead time.
    assert _dates(relate, "--date", "2027-02-01") == []
    assert _dates(relate, "--date", "2028-01-05") == []
    assert _dates(relate, "--date", "2028-01-31") == []
    # A yearly date on the same day still comes every year.
    ok(relate("date", "acme", "founding", "2020-01-31", "--lead", "30"))
    assert [i["text"] for i in _dates(relate, "--date", "2028-01-05")] == [
        "8 years since founding with Acme Ltd on Mon 31 Jan"
    ]


def test_a_one_time_date_without_a_year_is_the_next_such_day(relate: Relate) -> None:
    ok(relate("add", "Acme Ltd"))
    # On Tue 24 Nov 2026: 31 January is next year's; 24 November is today.
    assert ok(relate("date", "acme", "renewal", "jan 31", "--once")) == (
        "Added #1 renewal 2027-01-31 (once) for Acme Ltd\n"
    )
    assert ok(relate("date", "acme", "audit", "11-24", "--once")) == (
        "Added #2 audit 2026-11-24 (once) for Acme Ltd\n"
    )
    assert ok(relate("date", "acme", "leap", "02-29", "--once")).startswith(
        "Added #3 leap 2028-02-29 (once)"
    )
    assert [i["text"] for i in _dates(relate)] == ["Audit with Acme Ltd today"]
    exported = {d["label"]: d for d in as_json(relate("export", "dates", "-f", "json"))}
    assert exported["renewal"]["date"] == "2027-01-31" and exported["renewal"]["once"] is True


def test_setting_a_label_again_keeps_it_one_time_until_yearly(relate: Relate) -> None:
    ok(relate("add", "Acme Ltd"))
    ok(relate("date", "acme", "renewal", "2026-11-30", "--once"))
    # Moved without saying: still one time (a year-less day is the next such day).
    assert ok(relate("date", "acme", "renewal", "nov 29", "--lead", "10")) == (
        "Updated #1 renewal 2026-11-29 (once) for Acme Ltd\n"
    )
    assert [i["text"] for i in _dates(relate)] == ["Renewal with Acme Ltd on Sun 29 Nov"]
    assert ok(relate("date", "acme", "renewal", "2025-11-30", "--yearly")) == (
        "Updated #1 renewal 2025-11-30 for Acme Ltd\n"
    )
    assert [i["text"] for i in _dates(relate)] == [
        "1 year since renewal with Acme Ltd on Mon 30 Nov"
    ]
    [exported] = as_json(relate("export", "dates", "-f", "json"))
    assert (exported["once"], exported["lead_days"]) == (False, 10)
    # And a yearly one stays yearly when moved.
    ok(relate("date", "acme", "renewal", "12-01"))
    assert as_json(relate("export", "dates", "-f", "json"))[0]["once"] is False


def test_once_refuses_a_birthday_and_warns_about_a_day_gone(relate: Relate) -> None:
    ok(relate("add", "Ann Smith"))
    refused = relate("date", "ann", "birthday", "1985-03-14", "--once")
    assert refused.exit_code == 1 and "comes every year" in refused.stderr
    assert as_json(relate("export", "dates", "-f", "json")) == []
    past = relate("date", "ann", "kick-off", "2026-11-02", "--once")
    assert past.exit_code == 0
    assert past.stdout == "Added #1 kick-off 2026-11-02 (once) for Ann Smith\n"
    assert "has passed (Mon 2 Nov); it will not show in today" in past.stderr


def test_a_one_time_date_is_undone_shown_and_exported(relate: Relate) -> None:
    ok(relate("add", "Acme Ltd"))
    ok(relate("date", "acme", "renewal", "2027-01-31", "--once", "--lead", "30"))
    ok(relate("date", "acme", "renewal", "2027-02-28", "--lead", "30"))  # now yearly
    ok(relate("undo"))
    assert as_json(relate("export", "dates", "-f", "json")) == [
        {
            "id": 1,
            "contact_id": 1,
            "contact": "Acme Ltd",
            "kind": "custom",
            "label": "renewal",
            "date": "2027-01-31",
            "lead_days": 30,
            "once": True,
        }
    ]
    csv = ok(relate("export", "dates", "-f", "csv"))
    assert csv.splitlines() == [
        "id,contact_id,contact,kind,label,date,lead_days,once",
        "1,1,Acme Ltd,custom,renewal,2027-01-31,30,true",
    ]
    card = as_json(relate("show", "acme", "-f", "json"))
    assert card["dates"] == [
        {"id": 1, "label": "renewal", "date": "2027-01-31", "lead_days": 30, "once": True}
    ]
    assert "renewal 2027-01-31 (once)" in ok(relate("show", "acme", "-f", "plain"))
    ics = ok(relate("export", "calendar"))
    event = ics.split("BEGIN:VEVENT")[1]
    assert "DTSTART;VALUE=DATE:20270131" in event and "RRULE" not in event
    ok(relate("undo"))
    assert as_json(relate("export", "dates", "-f", "json")) == []


def test_a_date_names_the_gift_ideas_and_the_last_gift_given(relate: Relate) -> None:
    ok(relate("add", "Ann Smith", "--birthday", "1985-11-27"))
    ok(relate("add", "Bob Berg", "--birthday", "11-28"))
    ok(relate("gift", "ann", "Wine", "--given", "2025-11-27", "--occasion", "birthday"))
    ok(relate("gift", "ann", "Socks", "--given", "2026-03-01"))
    for idea in ("Book", "Tea", "Scarf", "Pen", "Kinfolk subscription, paper edition"):
        ok(relate("gift", "ann", idea))
    ann, bob = _dates(relate)
    assert ann["text"] == (
        "Ann Smith turns 41 on Fri 27 Nov: gift? ideas: Book, Tea, Scarf (+2 more); "
        "last gift: Socks (Sun 1 Mar)"
    )
    assert ann["gift_ideas"] == ["Book", "Tea", "Scarf"] and ann["more_gift_ideas"] == 2
    assert ann["last_gift"] == {"description": "Socks", "given_on": "2026-03-01"}
    assert bob["text"] == "Bob Berg's birthday on Sat 28 Nov: gift?"
    assert (bob["gift_ideas"], bob["more_gift_ideas"], bob["last_gift"]) == ([], 0, None)
    # Every item has the fields (empty for what is not a date).
    ok(relate("remind", "bob", "Call", "--on", "today"))
    call = as_json(relate("today", "-f", "json"))[0]
    assert (call["gift_ideas"], call["more_gift_ideas"], call["last_gift"]) == ([], 0, None)
    # The gift given for this birthday answers it, as before.
    ok(relate("gift", "ann", "Kinfolk", "--given", "today", "--occasion", "birthday"))
    ann = _dates(relate)[0]
    assert ann["text"] == "Ann Smith turns 41 on Fri 27 Nov; gift given: Kinfolk"
    assert ann["last_gift"] == {"description": "Kinfolk", "given_on": "2026-11-24"}
    # A plain line for a script, CSV without the lists.
    plain = ok(relate("today", "-f", "plain"))
    assert "gift given: Kinfolk" in plain
    header = ok(relate("today", "-f", "csv")).splitlines()[0]
    assert header == (
        "id,kind,contact,contact_id,due,text,overdue_days,section,time,severity,opened,escalations"
    )


def test_show_lists_the_gift_ideas(relate: Relate) -> None:
    ok(relate("add", "Ann Smith"))
    ok(relate("gift", "ann", "Book"))
    ok(relate("gift", "ann", "Tea"))
    ok(relate("gift", "ann", "Wine", "--given", "2026-11-01"))
    out = ok(relate("show", "ann", "-f", "plain"))
    assert "Gift ideas: #1 Book, #2 Tea" in out
    assert "Last gift: Wine (2026-11-01)" in out
    card = as_json(relate("show", "ann", "-f", "json"))
    assert card["gift_ideas"] == [{"id": 1, "description": "Book"}, {"id": 2, "description": "Tea"}]
    assert card["last_gift"] == {"id": 3, "description": "Wine", "given_on": "2026-11-01"}
    json.dumps(card)


def test_an_archived_contacts_revisit_reminder_still_shows(relate: Relate) -> None:
    ok(relate("add", "Old Client", "--every", "monthly", "--birthday", "1970-11-26"))
    ok(relate("edit", "old client", "--stage", "dissolution", "--revisit", "2027-05-24"))
    ok(relate("remind", "old client", "Send the final invoice", "--on", "today"))
    ok(relate("concern", "old client", "Disputed the last invoice"))
    ok(relate("log", "old client", "Call", "--kind", "call", "--when", "2026-09-01"))
    before = {i["section"] for i in as_json(relate("today", "-f", "json"))}
    assert before == {"due", "concerns", "dates", "cadence"}
    assert ok(relate("archive", "Old Client")) == (
        "Archived #1 Old Client; still on the agenda: 2 open reminders, 1 open concern\n"
    )
    # Cadence and dates are hidden; the reminder set for today and the open concern stay.
    today = as_json(relate("today", "-f", "json"))
    assert [(i["section"], i["text"]) for i in today] == [
        ("due", "Send the final invoice"),
        ("concerns", "Disputed the last invoice"),
    ]
    # The revisit comes back on its day, and `reminders` lists both.
    later = as_json(relate("today", "--date", "2027-05-24", "-f", "json"))
    assert [(i["section"], i["contact"]) for i in later] == [
        ("overdue", "Old Client"),
        ("due", "Old Client"),
        ("concerns", "Old Client"),
    ]
    assert "Revisit" in later[1]["text"]
    listed = as_json(relate("reminders", "-f", "json"))
    assert [r["contact"] for r in listed] == ["Old Client", "Old Client"]
    # Done and resolved: only the revisit is left, for its day.
    ok(relate("done", "2"))
    ok(relate("resolve", "1", "credited"))
    assert as_json(relate("today", "-f", "json")) == []
    assert ok(relate("unarchive", "old client")) == "Unarchived #1 Old Client\n"


def test_archiving_a_contact_with_nothing_open_says_only_that(relate: Relate) -> None:
    ok(relate("add", "Ann Smith"))
    assert ok(relate("archive", "Ann Smith")) == "Archived #1 Ann Smith\n"


def test_a_dates_export_imports_into_another_database(relate: Relate, tmp_path: Path) -> None:
    ok(relate("add", "Ann Smith", "--birthday", "03-14"))
    ok(relate("add", "Acme Ltd"))
    ok(relate("date", "acme", "contract renewal", "2027-01-31", "--once", "--lead", "30"))
    exported = tmp_path / "dates.json"
    exported.write_bytes(relate("export", "dates", "--format", "json").stdout_bytes)
    other = tmp_path / "other.db"
    # The contacts are named, not numbered: here Acme is #1 and Ann #2.
    ok(relate("--db", str(other), "add", "Acme Ltd"))
    ok(relate("--db", str(other), "add", "Ann Smith"))
    dry = relate("--db", str(other), "import", str(exported), "--dry-run")
    assert dry.stdout == (
        "line 2: add Ann Smith: birthday\nline 3: add Acme Ltd: contract renewal\n"
    )
    ok(relate("--db", str(other), "import", str(exported)))
    assert [
        (d["contact_id"], d["contact"], d["label"], d["date"], d["lead_days"], d["once"])
        for d in as_json(relate("--db", str(other), "export", "dates", "-f", "json"))
    ] == [
        (2, "Ann Smith", "birthday", "--03-14", 7, False),
        (1, "Acme Ltd", "contract renewal", "2027-01-31", 30, True),
    ]
    # Again: the same labels are there already; the default policy leaves them.
    again = relate("--db", str(other), "import", str(exported))
    assert "0 added, 0 updated, 2 skipped" in again.stderr
    # A date of nobody there is refused at its line, and nothing is written.
    ok(relate("--db", str(other), "delete", "acme ltd", "--yes"))
    refused = relate("--db", str(other), "import", str(exported), "--on-duplicate", "update")
    assert refused.exit_code == 3 and f"{exported}:3:" in refused.stderr
    assert len(as_json(relate("--db", str(other), "export", "dates", "-f", "json"))) == 1

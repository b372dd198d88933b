"""People on a team: who I am, who owns a contact, who logged what, my agenda."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from helpers import Relate, Stored, as_json, ok
from relate import identity


def as_user(relate: Relate, user: str, *args: str) -> str:
    return ok(relate(*args, env={"RELATE_USER": user}))


def test_whoami_is_relate_user_else_the_login_name(
    relate: Relate, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ok(relate("whoami")).splitlines() == [
        "sam",
        "from the RELATE_USER environment variable",
    ]
    monkeypatch.setenv("RELATE_USER", "  Maria \t  Lopez\x1b[2J ")
    assert ok(relate("whoami")).splitlines()[0] == "Maria Lopez [2J"
    monkeypatch.setenv("RELATE_USER", "   ")  # blank means unset
    monkeypatch.setenv("LOGNAME", "kim")
    assert ok(relate("whoami")).splitlines() == [
        "kim",
        "your login name (set RELATE_USER to use another name)",
    ]


def test_whoami_survives_a_login_name_that_cannot_be_found(
    relate: Relate, monkeypatch: pytest.MonkeyPatch
) -> None:
    import getpass

    def no_login() -> str:
        raise OSError("No username set in the environment")  # getpass's own error

    monkeypatch.delenv("RELATE_USER")
    monkeypatch.setattr(getpass, "getuser", no_login)
    assert identity.current() == identity.User("unknown", "unknown")
    assert ok(relate("whoami")).splitlines() == [
        "unknown",
        "no login name could be found: set RELATE_USER",
    ]


def test_a_new_contact_is_owned_by_the_current_user_unless_owner_says(relate: Relate) -> None:
    as_user(relate, "ann", "add", "Carl Client")
    as_user(relate, "ann", "add", "Dora Lead", "--owner", "bob")
    assert as_json(relate("show", "carl", "--format", "json"))["owner"] == "ann"
    assert as_json(relate("show", "dora", "--format", "json"))["owner"] == "bob"
    as_user(relate, "ann", "edit", "dora", "--owner", "ann")
    assert as_json(relate("show", "dora", "--format", "json"))["owner"] == "ann"
    refused = relate("add", "Eve", "--owner", "  ")
    assert refused.exit_code == 1 and "--owner needs a name" in refused.stderr


def test_list_owner_filters_in_any_case(relate: Relate) -> None:
    as_user(relate, "ann", "add", "Carl Client")
    as_user(relate, "bob", "add", "Dora Lead")
    as_user(relate, "bob", "add", "Erik Old")
    names = [r["name"] for r in as_json(relate("list", "--owner", "BOB", "--format", "json"))]
    assert names == ["Dora Lead", "Erik Old"]
    assert as_json(relate("list", "--owner", "nobody", "--format", "json")) == []
    assert len(as_json(relate("list", "--format", "json"))) == 3


def test_each_interaction_records_who_logged_it(relate: Relate) -> None:
    ok(relate("add", "Carl Client"))
    as_user(relate, "ann", "log", "carl", "Call about the quote", "--kind", "call")
    as_user(relate, "bob", "log", "carl", "Sent the contract", "--kind", "email")
    timeline = as_json(relate("show", "carl", "--format", "json"))["timeline"]
    assert [(e["text"], e["logged_by"]) for e in timeline] == [
        ("Sent the contract", "bob"),
        ("Call about the quote", "ann"),
    ]
    # The table names them when someone else logged an entry shown...
    shown = as_user(relate, "ann", "show", "carl", "--format", "plain")
    assert "when\tid\tkind\tby\ttext\n" in shown and "\tbob\tSent the contract\n" in shown
    # ...and one person's own book looks as it always did.
    ok(relate("add", "Solo"))
    ok(relate("log", "solo", "Just me"))
    assert "when\tid\tkind\ttext\n" in ok(relate("show", "solo", "--format", "plain"))


def test_logged_by_is_exported(relate: Relate) -> None:
    ok(relate("add", "Carl Client"))
    as_user(relate, "ann", "log", "carl", "Call", "--kind", "call")
    rows = list(csv.DictReader(io.StringIO(ok(relate("export", "interactions")))))
    assert [row["logged_by"] for row in rows] == ["ann"]
    exported = ok(relate("export", "interactions", "--format", "json"))
    assert [item["logged_by"] for item in json.loads(exported)] == ["ann"]


def test_rows_from_before_the_team_columns_have_no_owner_and_no_logger(
    relate: Relate, stored: Stored
) -> None:
    ok(relate("add", "Carl Client"))
    ok(relate("log", "carl", "Call"))
    stored.run("UPDATE contact SET owner = NULL")
    stored.run("UPDATE interaction SET logged_by = NULL")
    card = as_json(relate("show", "carl", "--format", "json"))
    assert card["owner"] is None and card["timeline"][0]["logged_by"] is None
    rows = list(csv.DictReader(io.StringIO(ok(relate("export", "interactions")))))
    assert rows[0]["logged_by"] == ""
    assert as_json(relate("today", "--mine", "--format", "json")) == []


def test_today_mine_shows_only_what_concerns_my_contacts(relate: Relate) -> None:
    as_user(relate, "ann", "add", "Carl Client", "--every", "1 week", "--birthday", "11-25")
    as_user(relate, "bob", "add", "Dora Lead", "--every", "1 week", "--birthday", "11-25")
    as_user(relate, "ann", "remind", "carl", "Send Carl the quote", "--on", "today")
    as_user(relate, "ann", "remind", "dora", "Send Dora the deck", "--on", "yesterday")
    as_user(relate, "ann", "remind", "--no-contact", "Renew the domain", "--on", "today")
    as_user(relate, "bob", "concern", "carl", "Unhappy with the delay")
    everything = as_json(relate("today", "--days", "2", "--format", "json"))
    assert {item["contact"] for item in everything} == {"Carl Client", "Dora Lead", None}

    mine = as_json(
        relate("today", "--mine", "--days", "2", "--format", "json", env={"RELATE_USER": "ann"})
    )
    assert {(item["section"], item["contact"]) for item in mine} == {
        ("due", "Carl Client"),
        ("concerns", "Carl Client"),
        ("dates", "Carl Client"),
    }
    bobs = as_json(
        relate("today", "--mine", "--days", "2", "--format", "json", env={"RELATE_USER": "bob"})
    )
    assert {(item["section"], item["contact"]) for item in bobs} == {
        ("overdue", "Dora Lead"),
        ("dates", "Dora Lead"),
    }


def test_today_mine_ranks_my_late_contacts_like_today(relate: Relate) -> None:
    for name, owner in (("Ann A", "ann"), ("Bob B", "bob"), ("Cleo C", "ann")):
        ok(relate("add", name, "--every", "1 week", "--owner", owner))
    ok(relate("log", "cleo", "Old call", "--when", "2026-10-01"))
    ok(relate("log", "ann a", "Call", "--when", "2026-11-10"))
    ok(relate("log", "bob b", "Call", "--when", "2026-09-01"))
    everyone = [
        i["contact"]
        for i in as_json(relate("today", "--format", "json"))
        if i["section"] == "cadence"
    ]
    assert everyone == ["Bob B", "Cleo C", "Ann A"]
    mine = as_json(relate("today", "--mine", "--format", "json", env={"RELATE_USER": "ann"}))
    assert [i["contact"] for i in mine if i["section"] == "cadence"] == ["Cleo C", "Ann A"]


def test_an_import_is_owned_and_logged_by_whoever_imports(relate: Relate) -> None:
    from helpers import FIXTURES

    linkedin = FIXTURES / "written" / "linkedin-Connections.csv"
    as_user(relate, "ann", "import", str(linkedin))
    contacts = as_json(relate("list", "--format", "json"))
    assert contacts
    assert as_json(relate("list", "--owner", "ann", "--format", "json")) == contacts
    notes = json.loads(ok(relate("export", "interactions", "--format", "json")))
    assert notes and {note["logged_by"] for note in notes} == {"ann"}


def test_undo_brings_back_owners_and_who_logged(relate: Relate) -> None:
    as_user(relate, "ann", "add", "Carl Client")
    as_user(relate, "ann", "log", "carl", "Call")
    ok(relate("edit", "carl", "--owner", "bob"))
    ok(relate("undo"))
    assert as_json(relate("show", "carl", "--format", "json"))["owner"] == "ann"
    ok(relate("delete", "Carl Client", "--yes"))
    ok(relate("undo"))
    card = as_json(relate("show", "carl", "--format", "json"))
    assert card["owner"] == "ann"
    assert [e["logged_by"] for e in card["timeline"]] == ["ann"]


def test_a_batched_import_is_owned_by_whoever_imports(relate: Relate) -> None:
    from helpers import FIXTURES

    cards = FIXTURES.parent / "doc_files" / "phone-contacts.vcf"
    as_user(relate, "ann", "import", str(cards))
    everyone = as_json(relate("list", "--format", "json"))
    assert everyone
    assert as_json(relate("list", "--owner", "ann", "--format", "json")) == everyone


def test_undo_takes_back_only_my_own_commands(relate: Relate) -> None:
    as_user(relate, "ann", "add", "Carl Client")
    as_user(relate, "ann", "log", "carl", "Ann's call")
    as_user(relate, "bob", "log", "carl", "Bob's call")
    assert 'relate log carl "Bob\'s call"' not in as_user(relate, "ann", "undo", "--list")
    assert "Ann's call" in as_user(relate, "ann", "undo", "--list")
    as_user(relate, "ann", "undo")  # Ann's log, although Bob's is newer
    texts = [e["text"] for e in as_json(relate("show", "carl", "--format", "json"))["timeline"]]
    assert texts == ["Bob's call"]
    as_user(relate, "bob", "undo")
    assert as_json(relate("show", "carl", "--format", "json"))["timeline"] == []
    refused = relate("undo", env={"RELATE_USER": "bob"})
    assert refused.exit_code == 1
    assert "nothing of yours (bob) to undo" in refused.stderr
    assert as_user(relate, "ann", "undo").startswith("Undid")
    assert as_json(relate("list", "--format", "json")) == []


def test_steps_from_before_people_were_recorded_are_anyones(relate: Relate, stored: Stored) -> None:
    as_user(relate, "ann", "add", "Carl Client")
    stored.run("UPDATE undo_step SET made_by = NULL")
    assert as_user(relate, "bob", "undo").startswith("Undid")


def test_owner_is_listed_exported_and_read_back_by_import(relate: Relate, tmp_path: Path) -> None:
    as_user(relate, "bob", "add", "Dora Lead")
    assert [c["owner"] for c in as_json(relate("list", "--format", "json"))] == ["bob"]
    exported = tmp_path / "contacts.csv"
    exported.write_text(ok(relate("export", "contacts")))
    rows = list(csv.DictReader(io.StringIO(exported.read_text())))
    assert [row["owner"] for row in rows] == ["bob"]
    other = tmp_path / "other.db"
    as_user(relate, "ann", "--db", str(other), "import", str(exported))
    moved = as_json(relate("--db", str(other), "list", "--format", "json"))
    assert [(c["name"], c["owner"]) for c in moved] == [("Dora Lead", "bob")]

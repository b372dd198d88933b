"""Nobody drops off (#14): `today`'s losing-touch section, notes that are no contact,
`list`'s filters, sort and columns, and `edit` of many contacts at once."""

from __future__ import annotations

import json

from helpers import Relate, as_json, ok

LONG_AGO = {"RELATE_NOW": "2026-01-05T09:00"}  # 323 days before the tests' now


def _losing(relate: Relate, *args: str, env: dict[str, str] | None = None) -> list[dict]:
    agenda = as_json(relate("today", "--format", "json", *args, env=env))
    return [item for item in agenda if item["section"] == "losing-touch"]


def test_today_lists_contacts_without_a_cadence_not_contacted_for_half_a_year(
    relate: Relate,
) -> None:
    ok(relate("add", "Nora Never", env=LONG_AGO))  # never contacted, added 323 days ago
    ok(relate("add", "Carl Called", env=LONG_AGO))
    ok(relate("log", "carl", "Lunch", "--kind", "meeting", "--when", "2026-03-02"))
    ok(relate("add", "Wendy Weekly", "--every", "weekly", env=LONG_AGO))  # has a cadence
    ok(relate("add", "Arne Archived", env=LONG_AGO))
    ok(relate("archive", "Arne Archived"))
    ok(relate("add", "Rita Recent", env=LONG_AGO))
    ok(relate("log", "rita", "Call", "--kind", "call", "--when", "2026-11-01"))
    ok(relate("add", "Nils New"))  # added today
    losing = _losing(relate)
    assert [(i["contact"], i["kind"], i["text"]) for i in losing] == [
        ("Nora Never", "losing-touch", "Never contacted; added 323 days ago (no cadence)"),
        ("Carl Called", "losing-touch", "No contact for 267 days (no cadence)"),
    ]
    nora = losing[0]
    assert nora["id"] == nora["contact_id"] == 1
    # The period ran out 180 days after she was added: 143 days ago.
    assert (nora["due"], nora["overdue_days"]) == ("2026-07-04", 143)
    # After the cadence section, on a terminal and when piped.
    sections = [i["section"] for i in as_json(relate("today", "--format", "json"))]
    assert sections == ["cadence", "losing-touch", "losing-touch"]
    plain = ok(relate("today", "--format", "plain")).splitlines()
    assert plain[-1] == (
        "losing-touch\t#2\tlosing-touch\tCarl Called\t2026-03-02\t"
        "No contact for 267 days (no cadence)"
    )


def test_the_period_is_an_option_an_environment_variable_or_off(relate: Relate) -> None:
    ok(relate("add", "Nora Never", env=LONG_AGO))
    ok(relate("add", "Carl Called", env=LONG_AGO))
    ok(relate("log", "carl", "Lunch", "--kind", "meeting", "--when", "2026-10-01"))

    def names(*args: str, env: dict[str, str] | None = None) -> list[str]:
        return [i["contact"] for i in _losing(relate, *args, env=env)]

    assert names() == ["Nora Never"]
    assert names("--losing-touch", "30") == ["Nora Never", "Carl Called"]  # 54 days
    assert names("--losing-touch", "54") == ["Nora Never"]  # longer than, not as long as
    assert names(env={"RELATE_LOSING_TOUCH": "30"}) == ["Nora Never", "Carl Called"]
    assert names("--losing-touch", "400", env={"RELATE_LOSING_TOUCH": "30"}) == []
    assert names("--losing-touch", "0") == []
    assert names(env={"RELATE_LOSING_TOUCH": "0"}) == []
    assert names("--losing-touch", "99999999999") == []
    bad = relate("today", env={"RELATE_LOSING_TOUCH": "half a year"})
    assert bad.exit_code == 4
    assert bad.stderr == (
        "relate: error: RELATE_LOSING_TOUCH='half a year': not a number of days"
        " (use e.g. 180, 0 to switch it off, or unset it)\n"
    )
    assert relate("today", "--losing-touch", "-1").exit_code == 2


def test_losing_touch_is_capped_like_every_section_and_counted(relate: Relate) -> None:
    for n in range(12):
        ok(relate("add", f"Person {n:02}", env={"RELATE_NOW": f"2026-01-{n + 1:02}T09:00"}))
    assert [i["contact"] for i in _losing(relate)] == [f"Person {n:02}" for n in range(10)]
    assert len(_losing(relate, "--all")) == 12
    plain = ok(relate("today", "--format", "plain")).splitlines()
    assert plain[-1] == "losing-touch\t\t\t\t\t… and 2 more (--all)"


def test_today_mine_lists_only_my_contacts_losing_touch(relate: Relate) -> None:
    ok(relate("add", "Mine Old", "--owner", "sam", env=LONG_AGO))
    ok(relate("add", "Theirs Old", "--owner", "kim", env=LONG_AGO))
    mine = _losing(relate, "--mine", env={"RELATE_USER": "sam"})
    assert [i["contact"] for i in mine] == ["Mine Old"]


def test_a_note_is_no_contact_and_does_not_reset_the_cadence(relate: Relate) -> None:
    ok(relate("add", "Ann Smith", "--every", "monthly", env=LONG_AGO))
    ok(relate("log", "ann", "Call", "--kind", "call", "--when", "2026-10-01"))
    out = ok(relate("log", "ann", "Prefers e-mail to calls", "--kind", "note"))
    assert out == "Logged #2 note about Ann Smith (not counted as contact)\n"
    shown = as_json(relate("show", "ann", "--format", "json"))
    assert shown["last_contact"] == "2026-10-01"
    assert [(e["kind"], e["text"]) for e in shown["timeline"]] == [
        ("note", "Prefers e-mail to calls"),  # on the timeline all the same
        ("call", "Call"),
    ]
    cadence = [i for i in as_json(relate("today", "--format", "json")) if i["section"] == "cadence"]
    assert [(i["contact"], i["due"]) for i in cadence] == [("Ann Smith", "2026-10-31")]
    # A note alone leaves a contact never contacted: counted from when they were added.
    ok(relate("add", "Nora Never", env=LONG_AGO))
    ok(relate("log", "nora", "Met her husband at a party", "--kind", "note"))
    assert [i["text"] for i in _losing(relate)] == [
        "Never contacted; added 323 days ago (no cadence)"
    ]


def test_a_log_without_a_kind_counts_as_contact(relate: Relate) -> None:
    ok(relate("add", "Ann Smith", "--every", "monthly", env=LONG_AGO))
    assert ok(relate("log", "ann", "Bumped into her")) == "Logged #1 with Ann Smith\n"
    shown = as_json(relate("show", "ann", "--format", "json"))
    assert shown["last_contact"] == "2026-11-24"
    assert shown["timeline"][0]["kind"] == "other"
    assert not [i for i in as_json(relate("today", "--format", "json"))]
    exported = json.loads(ok(relate("export", "interactions", "--format", "json")))
    assert [e["kind"] for e in exported] == ["other"]


def test_undoing_a_note_or_a_call_leaves_the_last_contact_as_it_was(relate: Relate) -> None:
    ok(relate("add", "Ann Smith", "--every", "monthly", env=LONG_AGO))
    ok(relate("log", "ann", "Call", "--kind", "call", "--when", "2026-10-01"))
    ok(relate("log", "ann", "A thought", "--kind", "note"))
    ok(relate("undo"))
    assert as_json(relate("show", "ann", "--format", "json"))["last_contact"] == "2026-10-01"
    ok(relate("log", "ann", "Call", "--kind", "call"))
    ok(relate("undo"))
    assert as_json(relate("show", "ann", "--format", "json"))["last_contact"] == "2026-10-01"


# --- list: filters, sort, limit, columns -----------------------------------------------


def _book(relate: Relate) -> None:
    """Five contacts with every field the filters read."""
    ok(
        relate(
            "add",
            "Ann Smith",
            "--type",
            "long-term",
            "--priority",
            "high",
            "--tag",
            "client",
            "--every",
            "monthly",
            "--owner",
            "sam",
            env=LONG_AGO,
        )
    )
    ok(
        relate(
            "add",
            "Bob Jones",
            "--type",
            "transactional",
            "--tag",
            "client",
            "--referred-by",
            "ann",
            "--owner",
            "kim",
            env=LONG_AGO,
        )
    )
    ok(
        relate(
            "add",
            "Cleo Park",
            "--type",
            "long-term",
            "--tag",
            "client",
            "--referred-by",
            "ann",
            "--owner",
            "sam",
        )
    )
    ok(relate("add", "Dan Weekly", "--every", "weekly", "--priority", "low", "--owner", "Sam"))
    ok(relate("add", "Eve Old", "--tag", "client", "--owner", "sam", env=LONG_AGO))
    ok(relate("archive", "Eve Old"))
    ok(relate("log", "bob", "Call", "--kind", "call", "--when", "2026-06-01"))
    ok(relate("log", "cleo", "Call", "--kind", "call", "--when", "2026-11-20"))
    ok(relate("log", "ann", "Note", "--kind", "note"))  # no contact: Ann never contacted


def _names(relate: Relate, *args: str) -> list[str]:
    return [c["name"] for c in as_json(relate("list", "--format", "json", *args))]


def test_list_filters_combine(relate: Relate) -> None:
    _book(relate)
    assert _names(relate) == ["Ann Smith", "Bob Jones", "Cleo Park", "Dan Weekly"]
    assert _names(relate, "--type", "long-term") == ["Ann Smith", "Cleo Park"]
    assert _names(relate, "--type", "Long Term") == ["Ann Smith", "Cleo Park"]
    assert _names(relate, "--owner", "SAM") == ["Ann Smith", "Cleo Park", "Dan Weekly"]
    assert _names(relate, "--priority", "high") == ["Ann Smith"]
    assert _names(relate, "--priority", "normal") == ["Bob Jones", "Cleo Park"]
    assert _names(relate, "--no-cadence") == ["Bob Jones", "Cleo Park"]
    assert _names(relate, "--no-cadence", "--archived") == ["Bob Jones", "Cleo Park", "Eve Old"]
    # Ann's monthly cadence ran out long ago; Dan's weekly one starts today.
    assert _names(relate, "--overdue") == ["Ann Smith"]
    assert _names(relate, "--referred-by", "ann") == ["Bob Jones", "Cleo Park"]
    assert _names(relate, "--referred-by", "ann", "--owner", "sam") == ["Cleo Park"]
    assert _names(relate, "--tag", "client", "--no-cadence", "--type", "transactional") == [
        "Bob Jones"
    ]
    assert _names(relate, "--type", "community") == []


def test_list_sorts_and_caps(relate: Relate) -> None:
    _book(relate)
    # Longest without contact first: never contacted (Ann, Dan) before anyone, by name.
    assert _names(relate, "--sort", "last-contact") == [
        "Ann Smith",
        "Dan Weekly",
        "Bob Jones",
        "Cleo Park",
    ]
    # Most overdue first, no cadence last.
    assert _names(relate, "--sort", "next-due") == [
        "Ann Smith",
        "Dan Weekly",
        "Bob Jones",
        "Cleo Park",
    ]
    assert _names(relate, "--sort", "name", "--limit", "2") == ["Ann Smith", "Bob Jones"]
    assert _names(relate, "--sort", "last-contact", "--no-cadence", "--limit", "1") == ["Bob Jones"]
    assert _names(relate, "--limit", "0") == []
    bad = relate("list", "--sort", "age")
    assert bad.exit_code == 1
    assert bad.stderr == (
        "relate: error: unknown sort 'age' (use one of name, last-contact, next-due)\n"
    )
    assert relate("list", "--limit", "-1").exit_code == 2
    assert relate("list", "--type", "friend").exit_code == 1
    assert relate("list", "--priority", "urgent").exit_code == 1


def test_list_referred_by_resolves_like_any_contact(relate: Relate) -> None:
    _book(relate)
    ok(relate("add", "Ann Lee"))
    ambiguous = relate("list", "--referred-by", "ann")
    assert ambiguous.exit_code == 3
    assert ambiguous.stdout == ""
    assert "#1 Ann Smith" in ambiguous.stderr and "#6 Ann Lee" in ambiguous.stderr
    missing = relate("list", "--referred-by", "zed")
    assert missing.exit_code == 3


def test_list_shows_type_owner_and_last_contact(relate: Relate) -> None:
    _book(relate)
    plain = ok(relate("list", "--format", "plain")).splitlines()
    assert plain[0] == ("id\tname\torg\ttype\towner\ttags\tstage\tcadence\tlast contact\te-mail")
    assert plain[2] == "2\tBob Jones\t\ttransactional\tkim\tclient\t\t\t2026-06-01\t"
    listed = as_json(relate("list", "--format", "json"))
    assert [c["last_contact"] for c in listed] == [None, "2026-06-01", "2026-11-20", None]
    assert list(listed[0])[-4:] == ["owner", "last_contact", "addresses", "fields"]


def test_list_format_ids_prints_one_id_a_line(relate: Relate) -> None:
    _book(relate)
    assert ok(relate("list", "--format", "ids")) == "1\n2\n3\n4\n"
    assert ok(relate("list", "--no-cadence", "--sort", "last-contact", "-f", "ids")) == "2\n3\n"
    assert ok(relate("list", "--type", "community", "-f", "ids")) == ""
    refused = relate("export", "contacts", "--format", "ids")
    assert refused.exit_code == 2


def test_export_contacts_takes_the_same_filters(relate: Relate) -> None:
    _book(relate)

    def exported(*args: str) -> list[str]:
        out = ok(relate("export", "contacts", "--format", "json", *args))
        return [c["name"] for c in json.loads(out)]

    # Export's default: every contact, archived ones too, in id order.
    assert exported() == ["Ann Smith", "Bob Jones", "Cleo Park", "Dan Weekly", "Eve Old"]
    assert exported("--no-cadence") == ["Bob Jones", "Cleo Park", "Eve Old"]
    assert exported("--owner", "sam", "--sort", "name", "--limit", "2") == [
        "Ann Smith",
        "Cleo Park",
    ]
    assert exported("--referred-by", "ann", "--type", "long-term") == ["Cleo Park"]
    assert exported("--overdue") == ["Ann Smith"]
    assert exported("--priority", "low") == ["Dan Weekly"]
    csv = ok(relate("export", "contacts", "--no-cadence", "--sort", "last-contact"))
    lines = csv.splitlines()
    assert lines[0].endswith(",owner,last_contact,addresses")
    assert [line.split(",")[1] for line in lines[1:]] == ["Eve Old", "Bob Jones", "Cleo Park"]
    vcard = ok(relate("export", "contacts", "--format", "vcard", "--priority", "high"))
    assert vcard.count("BEGIN:VCARD") == 1 and "FN:Ann Smith" in vcard
    refused = relate("export", "interactions", "--no-cadence")
    assert refused.exit_code == 2
    assert refused.stderr == "relate: error: --no-cadence applies to contacts only\n"


# --- edit: many contacts at once ---------------------------------------------------------


def _state(relate: Relate) -> list[tuple[str, str | None, list[str]]]:
    listed = as_json(relate("list", "--format", "json", "--archived"))
    return [(c["name"], c["cadence"], c["tags"]) for c in listed]


def test_a_pipe_of_ids_sets_a_cadence_for_all_in_one_undo_step(relate: Relate) -> None:
    _book(relate)
    ids = ok(relate("list", "--tag", "client", "--no-cadence", "--format", "ids"))
    assert ids == "2\n3\n"
    out = ok(relate("edit", "-", "--every", "monthly", input=ids))
    assert out == (
        "Updated #2 Bob Jones: cadence none → monthly\n"
        "Updated #3 Cleo Park: cadence none → monthly\n"
    )
    assert _names(relate, "--no-cadence") == []
    # Next due a month after the last contact, as for one contact.
    due = {c["name"]: c["next_due"] for c in _due(relate)}
    assert due == {"Bob Jones": "2026-07-01", "Cleo Park": "2026-12-20"}
    undo_list = ok(relate("undo", "--list"))
    assert undo_list.splitlines()[0].endswith("relate edit - --every monthly (2 changes)")
    ok(relate("undo"))
    assert _names(relate, "--no-cadence") == ["Bob Jones", "Cleo Park"]


def _due(relate: Relate) -> list[dict]:
    items = as_json(relate("today", "--all", "--date", "2027-06-01", "--format", "json"))
    return [
        {"name": i["contact"], "next_due": i["due"]}
        for i in items
        if i["section"] == "cadence" and i["contact"] in ("Bob Jones", "Cleo Park")
    ]


def test_edit_takes_several_contacts_and_names_on_stdin(relate: Relate) -> None:
    _book(relate)
    out = ok(relate("edit", "#1", "bob", "bob jones", "--tag", "vip"))
    assert out == (
        "Updated #1 Ann Smith: tags client → client, vip\n"
        "Updated #2 Bob Jones: tags client → client, vip\n"  # once, named twice
    )
    out = ok(relate("edit", "-", "--untag", "vip", input="ann smith\n\n  #2  \ncleo\n"))
    assert out == (
        "Updated #1 Ann Smith: tags client, vip → client\n"
        "Updated #2 Bob Jones: tags client, vip → client\n"
        "Nothing changed: #3 Cleo Park already is as asked\n"
    )


def test_dry_run_previews_and_writes_nothing(relate: Relate) -> None:
    _book(relate)
    before = _state(relate)
    steps = ok(relate("undo", "--list"))
    out = ok(
        relate("edit", "bob", "cleo", "--every", "quarterly", "--priority", "high", "--dry-run")
    )
    assert out == (
        "Would update #2 Bob Jones: cadence none → quarterly; priority normal → high\n"
        "Would update #3 Cleo Park: cadence none → quarterly; priority normal → high\n"
        "Dry run: nothing written\n"
    )
    assert _state(relate) == before
    assert ok(relate("undo", "--list")) == steps  # no undo step either
    one = ok(relate("edit", "ann", "--type", "community", "--dry-run"))
    assert (
        one == "Would update #1 Ann Smith: type long-term → community\nDry run: nothing written\n"
    )


def test_one_unknown_or_ambiguous_contact_refuses_the_whole_batch(relate: Relate) -> None:
    _book(relate)
    ok(relate("add", "Ann Lee"))
    before = _state(relate)
    steps = ok(relate("undo", "--list"))
    ambiguous = relate("edit", "-", "--every", "monthly", input="2\nann\n3\n")
    assert ambiguous.exit_code == 3
    assert ambiguous.stdout == ""
    assert ambiguous.stderr == (
        "relate: error: stdin line 2: 'ann' matches several contacts: #1 Ann Smith,"
        " #6 Ann Lee (use the #id or more of the name; nothing changed)\n"
    )
    missing = relate("edit", "bob", "#99", "--every", "monthly")
    assert missing.exit_code == 3
    assert missing.stderr == "relate: error: no contact #99 (nothing changed)\n"
    unknown_id = relate("edit", "-", "--tag", "x", input="2\n99\n")
    assert unknown_id.exit_code == 3
    assert "stdin line 2: no contact #99" in unknown_id.stderr
    assert _state(relate) == before
    assert ok(relate("undo", "--list")) == steps


def test_a_batch_refuses_what_only_one_contact_takes(relate: Relate) -> None:
    _book(relate)
    renamed = relate("edit", "bob", "cleo", "--name", "Same Name")
    assert renamed.exit_code == 2
    assert renamed.stderr == "relate: error: --name renames one contact; give only one\n"
    assert relate("edit", "bob", "cleo", "--revisit", "2027-01-01").exit_code == 2
    empty = relate("edit", "-", "--tag", "x", input="\n \n")
    assert empty.exit_code == 2
    assert "no contacts to edit" in empty.stderr


def test_edit_of_one_contact_is_as_it_was(relate: Relate) -> None:
    _book(relate)
    assert ok(relate("edit", "bob", "--every", "monthly")) == "Updated #2 Bob Jones\n"
    assert ok(relate("edit", "bob", "--every", "monthly")) == (
        "Nothing changed: #2 Bob Jones already is as asked\n"
    )
    assert ok(relate("edit", "bob", "--name", "Robert Jones")) == "Updated #2 Robert Jones\n"
    near = relate("edit", "ann smyth", "--tag", "x")  # a close spelling still works
    assert near.exit_code == 0


def test_a_bare_number_is_an_id_on_stdin_only(relate: Relate) -> None:
    _book(relate)
    ok(relate("add", "42"))  # a contact named 42 (#6)
    assert ok(relate("edit", "42", "#1", "--tag", "x")).splitlines() == [
        "Updated #6 42: tags none → x",
        "Updated #1 Ann Smith: tags client → client, x",
    ]
    assert ok(relate("edit", "-", "--untag", "x", input="6\n1\n")).splitlines() == [
        "Updated #6 42: tags x → none",
        "Updated #1 Ann Smith: tags client, x → client",
    ]

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

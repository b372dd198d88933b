"""Organisations you can open: org list/add/show/edit, who decides, an organisation's
cadence in `today`, and search finding organisations, roles and e-mail addresses (#14)."""

from __future__ import annotations

import json

from helpers import Relate, as_json, ok


def _acme(relate: Relate) -> None:
    ok(relate("add", "Ann Smith", "--org", "Acmé Corp", "--role", "CTO", "--email", "ann@acme.com"))
    ok(relate("add", "Bob Jones", "--org", "acme corp", "--role", "Head of Design"))
    ok(relate("add", "Cleo Park", "--org", "Globex", "--owner", "kim"))


def test_org_add_list_and_add_org_on_first_use(relate: Relate) -> None:
    _acme(relate)
    assert ok(relate("org", "add", "  Zeta   Ltd ")) == "Added organisation #3 Zeta Ltd\n"
    again = relate("org", "add", "zeta ltd")
    assert again.exit_code == 2
    assert "organisation #3 Zeta Ltd already exists" in again.stderr
    listed = as_json(relate("org", "list", "--format", "json"))
    assert [(o["name"], o["people"]) for o in listed] == [
        ("Acmé Corp", 2),  # --org "acme corp" found the organisation "Acmé Corp"
        ("Globex", 1),
        ("Zeta Ltd", 0),
    ]
    plain = ok(relate("org", "list", "--format", "plain")).splitlines()
    assert plain[0] == "id\torganisation\tpeople\tcadence\tlast contact"
    assert plain[1].startswith("1\tAcmé Corp\t2\t")


def test_org_resolves_like_a_contact(relate: Relate) -> None:
    _acme(relate)
    ok(relate("org", "add", "Acme Labs"))
    assert ok(relate("org", "show", "ACME CORP", "--format", "plain")).startswith(
        "Organisation: #1 Acmé Corp\n"
    )
    assert "#2 Globex" in ok(relate("org", "show", "glob", "--format", "plain"))  # prefix
    assert "#2 Globex" in ok(relate("org", "show", "globx", "--format", "plain"))  # spelling
    assert "#3 Acme Labs" in ok(relate("org", "show", "labs", "--format", "plain"))  # a word
    assert "#1 Acmé Corp" in ok(relate("org", "show", "#1", "--format", "plain"))
    ambiguous = relate("org", "show", "acme")
    assert ambiguous.exit_code == 3
    assert ambiguous.stdout == ""
    assert ambiguous.stderr == (
        "relate: error: 'acme' matches several organisations: #1 Acmé Corp, #3 Acme Labs"
        " (use the #id or more of the name)\n"
    )
    missing = relate("org", "show", "Initech")
    assert missing.exit_code == 3
    assert "no organisation matches 'Initech'" in missing.stderr


def test_decides_marks_a_decision_maker(relate: Relate) -> None:
    _acme(relate)
    assert ok(relate("edit", "ann", "--decides")) == "Updated #1 Ann Smith\n"
    people = as_json(relate("org", "show", "acme", "--format", "json"))["people"]
    assert [(p["name"], p["role"], p["decides"]) for p in people] == [
        ("Ann Smith", "CTO", True),
        ("Bob Jones", "Head of Design", False),
    ]
    ok(relate("edit", "ann", "--no-decides"))
    people = as_json(relate("org", "show", "acme", "--format", "json"))["people"]
    assert [p["decides"] for p in people] == [False, False]
    assert "Nothing changed" in ok(relate("edit", "ann", "--no-decides"))
    ok(relate("edit", "bob", "--decides"))
    ok(relate("undo"))  # the mark is one undo step
    people = as_json(relate("org", "show", "acme", "--format", "json"))["people"]
    assert [p["decides"] for p in people] == [False, False]


def test_org_show_gives_people_owners_last_contact_engagements_concerns_notes(
    relate: Relate,
) -> None:
    _acme(relate)
    ok(relate("edit", "ann", "--decides"))
    ok(relate("edit", "bob", "--owner", "kim"))
    ok(relate("log", "bob", "Call about the budget", "--kind", "call", "--when", "2026-11-20"))
    ok(relate("log", "ann", "Lunch", "--kind", "meeting", "--when", "2026-11-02"))
    ok(relate("engagement", "ann", "Website redesign", "--value", "4500", "--currency", "EUR"))
    ok(relate("engagement", "bob", "Old job", "--value", "100"))
    ok(relate("close", "2", "--satisfaction", "9"))
    ok(relate("concern", "bob", "Invoice sent twice"))
    ok(relate("concern", "Cleo", "Not ours"))  # Globex's
    ok(relate("org", "edit", "acme", "--note", "Fiscal year starts in April"))
    card = as_json(relate("org", "show", "acme", "--format", "json"))
    assert card == {
        "id": 1,
        "name": "Acmé Corp",
        "cadence": None,
        "owners": ["sam", "kim"],
        "last_contact": "2026-11-20",
        "last_contact_with": "Bob Jones",
        "people": [
            {
                "id": 1,
                "name": "Ann Smith",
                "role": "CTO",
                "decides": True,
                "owner": "sam",
                "last_contact": "2026-11-02",
                "archived": False,
            },
            {
                "id": 2,
                "name": "Bob Jones",
                "role": "Head of Design",
                "decides": False,
                "owner": "kim",
                "last_contact": "2026-11-20",
                "archived": False,
            },
        ],
        "engagements": [
            {
                "id": 1,
                "title": "Website redesign",
                "status": "active",
                "contact": "Ann Smith",
                "value_cents": 450000,
                "currency": "EUR",
            }
        ],
        "concerns": [
            {
                "id": 1,
                "contact": "Bob Jones",
                "text": "Invoice sent twice",
                "opened": "2026-11-24",
                "severity": "normal",
            }
        ],
        "notes": "Fiscal year starts in April",
    }
    text = ok(relate("org", "show", "acme", "--format", "plain"))
    assert "Owners: sam, kim\n" in text
    assert "Last contact: 2026-11-20 with Bob Jones\n" in text
    assert "Engagements: #1 Website redesign (active, 4,500.00 EUR, Ann Smith)\n" in text
    assert "Open concerns: #1 Invoice sent twice (Bob Jones)\n" in text
    assert "Notes: Fiscal year starts in April\n" in text
    assert "1\tAnn Smith\tCTO\tyes\tsam\t2026-11-02\n" in text
    assert "2\tBob Jones\tHead of Design\t\tkim\t2026-11-20\n" in text
    assert "Not ours" not in text and "Old job" not in text


def test_org_edit_renames_and_refuses_a_taken_name(relate: Relate) -> None:
    _acme(relate)
    assert ok(relate("org", "edit", "acme", "--name", "Acme Inc")) == (
        "Updated organisation #1 Acme Inc\n"
    )
    assert as_json(relate("show", "ann", "--format", "json"))["org"] == "Acme Inc"
    taken = relate("org", "edit", "acme", "--name", "GLOBEX")
    assert taken.exit_code == 2
    assert "organisation #2 Globex already has that name" in taken.stderr
    assert "Nothing changed" in ok(relate("org", "edit", "acme", "--name", "Acme Inc"))
    bad = relate("org", "edit", "acme", "--every", "sometimes")
    assert bad.exit_code == 1


def test_an_organisations_cadence_counts_contact_with_anyone_there(relate: Relate) -> None:
    _acme(relate)
    assert ok(relate("org", "edit", "acme", "--every", "monthly")) == (
        "Updated organisation #1 Acmé Corp\n"
    )
    ok(relate("log", "bob", "Call", "--kind", "call", "--when", "2026-10-10"))
    agenda = as_json(relate("today", "--format", "json"))
    lapsed = [item for item in agenda if item["contact"] == "Acmé Corp"]
    assert lapsed == [
        {
            "id": 1,
            "kind": "cadence",
            "contact": "Acmé Corp",
            "contact_id": None,
            "due": "2026-11-09",
            "text": "Acmé Corp: nobody contacted for 45 days (monthly)",
            "overdue_days": 15,
            "section": "cadence",
            "time": None,
            "severity": None,
            "opened": None,
            "escalations": None,
            "gift_ideas": [],
            "more_gift_ideas": 0,
            "last_gift": None,
        }
    ]
    plain = ok(relate("today", "--format", "plain"))
    assert (
        "cadence\t\tcadence\tAcmé Corp\t15d late\tAcmé Corp: nobody contacted for 45 days" in plain
    )
    shown = ok(relate("org", "show", "acme", "--format", "plain"))
    assert "Overdue: nobody contacted for 45 days\n" in shown
    # Contact with anyone there resets it: Ann this time.
    ok(relate("log", "ann", "Coffee", "--kind", "meeting", "--when", "2026-11-23"))
    agenda = as_json(relate("today", "--format", "json"))
    assert [item for item in agenda if item["contact"] == "Acmé Corp"] == []
    assert "Time to get in touch" not in ok(relate("today"))


def test_an_organisation_never_contacted_counts_from_when_it_was_added(relate: Relate) -> None:
    ok(relate("org", "add", "Initech", env={"RELATE_NOW": "2026-09-01T09:00"}))
    ok(relate("org", "edit", "initech", "--every", "quarterly"))
    assert as_json(relate("today", "--format", "json")) == []  # 84 days: not yet
    later = as_json(relate("today", "--format", "json", env={"RELATE_NOW": "2026-12-10T09:00"}))
    assert [item["text"] for item in later] == [
        "Initech: nobody contacted since added 100 days ago (quarterly)"
    ]
    ok(relate("org", "edit", "initech", "--no-cadence"))
    later = as_json(relate("today", "--format", "json", env={"RELATE_NOW": "2026-12-10T09:00"}))
    assert later == []


def test_organisations_rank_among_people_by_lateness(relate: Relate) -> None:
    _acme(relate)
    ok(relate("add", "Dan Weekly", "--every", "weekly", env={"RELATE_NOW": "2026-11-01T09:00"}))
    ok(relate("org", "edit", "globex", "--every", "yearly"))
    ok(relate("org", "edit", "acme", "--every", "monthly"))
    ok(relate("log", "bob", "Call", "--when", "2026-10-10"))
    ok(relate("log", "cleo", "Call", "--when", "2025-11-01"))
    agenda = as_json(relate("today", "--format", "json"))
    assert [item["contact"] for item in agenda if item["section"] == "cadence"] == [
        "Dan Weekly",  # 23 days on weekly: 3.3
        "Acmé Corp",  # 45 on monthly: 1.5
        "Globex",  # 388 on yearly: 1.06
    ]
    mine = as_json(relate("today", "--format", "json", "--mine"))
    assert "Globex" not in json.dumps(mine)  # Cleo, Globex's only person, is kim's


def test_search_finds_organisations_roles_and_email_addresses(relate: Relate) -> None:
    _acme(relate)
    ok(relate("add", "Dora Lind", "--role", "Directrice générale", "--email", "dora@lind.se"))
    ok(relate("archive", "Dora Lind"))
    ok(relate("add", "Eve Stone", "--role", "Directrice générale", "--email", "boss@stone.io"))

    def found(query: str) -> list[tuple[str, str, str]]:
        hits = as_json(relate("search", query, "--format", "json"))
        return [(hit["type"], hit["contact"], hit["text"]) for hit in hits]

    assert found("acme") == [("organisation", "Acmé Corp", "Acmé Corp")]
    assert found("globex") == [("organisation", "Globex", "Globex")]
    assert found("design") == [("contact", "Bob Jones", "role: Head of Design")]
    assert found("head of") == [("contact", "Bob Jones", "role: Head of Design")]
    # accents folded; an archived contact is not found
    assert found("generale") == [("contact", "Eve Stone", "role: Directrice générale")]
    assert found("ann@acme.com") == [("contact", "Ann Smith", "e-mail: ann@acme.com")]
    assert found("BOSS@") == [("contact", "Eve Stone", "e-mail: boss@stone.io")]
    # a name match is shown once, as a name match
    assert found("ann") == [("contact", "Ann Smith", "Ann Smith")]
    plain = ok(relate("search", "cto"))
    assert "Ann Smith" in plain and "role: CTO" in plain

"""Contact commands through the CLI, as a user types them."""

from __future__ import annotations

import csv
import io
import json

import pytest

from helpers import Relate

# The public shape of a contact (JSON keys and CSV columns, in order): scripts use it,
# so it is spelled out here rather than taken from the code under test.
PUBLIC_FIELDS = (
    "id",
    "name",
    "aliases",
    "emails",
    "phones",
    "org",
    "role",
    "tags",
    "type",
    "stage",
    "cadence",
    "priority",
    "birthday",
    "notes",
    "archived",
    "owner",  # added for #13 (fields are only ever added, at the end)
    "last_contact",  # added for #14
    "addresses",  # added for #14 (addresses and custom fields)
    "fields",  # JSON's; CSV has a field:KEY column per custom field instead
)


def test_add_prints_the_new_id(relate: Relate) -> None:
    result = relate("add", "Ann Smith", "--email", "ann@acme.com")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Added #1 Ann Smith\n"
    assert relate("add", "Bob").stdout == "Added #2 Bob\n"


def test_add_with_everything_then_show_as_json(relate: Relate) -> None:
    result = relate(
        "add",
        "Ann Smith",
        "--email",
        "ann@acme.com",
        "--email",
        "ann@home.dk",
        "--phone",
        "+45 12 34 56 78",
        "--org",
        "Acme",
        "--role",
        "CTO",
        "--tag",
        "client",
        "--tag",
        "design",
        "--every",
        "2 weeks",
        "--birthday",
        "1985-03-14",
        "--type",
        "long-term",
        "--stage",
        "commitment",
        "--note",
        "Prefers calls",
        "--alias",
        "Annie",
        "--priority",
        "high",
        "--address",
        "Nørregade 1, København, 1165, Denmark",
        "--address-kind",
        "home",
        "--set",
        "tier=gold",
    )
    assert result.exit_code == 0, result.stderr
    shown = json.loads(relate("show", "annie", "--format", "json").stdout)
    assert {k: shown[k] for k in PUBLIC_FIELDS} == {
        "id": 1,
        "name": "Ann Smith",
        "aliases": ["Annie"],
        "emails": ["ann@acme.com", "ann@home.dk"],
        "phones": ["+45 12 34 56 78"],
        "org": "Acme",
        "role": "CTO",
        "tags": ["client", "design"],
        "type": "long-term",
        "stage": "commitment",
        "cadence": "every 2 weeks",
        "priority": "high",
        "birthday": "1985-03-14",
        "notes": "Prefers calls",
        "archived": False,
        "owner": "sam",  # the current user (RELATE_USER in tests/conftest.py)
        "last_contact": None,  # never contacted
        "addresses": [
            {
                "kind": "home",
                "po_box": "",
                "extended": "",
                "street": "Nørregade 1",
                "locality": "København",
                "region": "",
                "postal_code": "1165",
                "country": "Denmark",
            }
        ],
        "fields": {"tier": "gold"},
    }


def test_birthday_without_a_year_is_shown_with_dashes(relate: Relate) -> None:
    relate("add", "Ann", "--birthday", "03-14")
    assert json.loads(relate("show", "ann", "-f", "json").stdout)["birthday"] == "--03-14"


def test_edit_changes_adds_and_removes(relate: Relate) -> None:
    relate("add", "Ann Smith", "--email", "old@acme.com", "--tag", "prospect")
    result = relate(
        "edit",
        "ann",
        "--name",
        "Ann Jensen",
        "--email",
        "new@acme.com",
        "--remove-email",
        "OLD@acme.com",
        "--untag",
        "prospect",
        "--tag",
        "client",
        "--stage",
        "commitment",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Updated #1 Ann Jensen\n"
    shown = json.loads(relate("show", "#1", "-f", "json").stdout)
    assert shown["name"] == "Ann Jensen"
    assert shown["emails"] == ["new@acme.com"]
    assert shown["tags"] == ["client"]
    assert shown["stage"] == "commitment"


def test_list_filters_and_formats(relate: Relate) -> None:
    relate("add", "Ann Smith", "--tag", "client", "--org", "Acme", "--email", "a@x.dk")
    relate("add", "Bob Berg", "--tag", "friend")
    relate("add", "Åse Ås", "--tag", "client", "--stage", "exploration")

    clients = json.loads(relate("list", "--tag", "CLIENT", "--format", "json").stdout)
    assert [c["name"] for c in clients] == ["Ann Smith", "Åse Ås"]

    rows = list(csv.DictReader(io.StringIO(relate("list", "--format", "csv").stdout)))
    assert [r["name"] for r in rows] == ["Ann Smith", "Bob Berg", "Åse Ås"]
    assert rows[0]["emails"] == "a@x.dk"
    assert rows[0]["tags"] == "client"
    assert rows[0]["archived"] == "false"
    assert tuple(rows[0]) == PUBLIC_FIELDS[:-1]  # no custom fields: no field: columns

    plain = relate("list", "--org", "acme").stdout.splitlines()
    assert plain[0].split("\t")[:2] == ["id", "name"]
    assert plain[1].split("\t")[:2] == ["1", "Ann Smith"]
    assert len(plain) == 2

    staged = json.loads(relate("list", "--stage", "exploration", "-f", "json").stdout)
    assert [c["name"] for c in staged] == ["Åse Ås"]


def test_multi_valued_fields_are_joined_with_semicolons_in_csv(relate: Relate) -> None:
    relate("add", "Ann", "--email", "a@x.dk", "--email", "b@y.dk", "--tag", "x;y")
    row = next(csv.DictReader(io.StringIO(relate("list", "-f", "csv").stdout)))
    assert row["emails"] == "a@x.dk;b@y.dk"
    assert row["tags"] == "x\\;y"


def test_rich_table_on_request_shows_data_not_markup(relate: Relate) -> None:
    relate("add", "[red]Mallory[/red]", "--tag", "client")
    out = relate("list", "--format", "table", env={"COLUMNS": "120"}).stdout
    assert "[red]Mallory[/red]" in out
    coloured = relate("list", "-f", "table", env={"FORCE_COLOR": "1"}).stdout
    assert "\x1b[36m" in coloured  # tags in cyan
    plain = relate("list", "-f", "table", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    assert "[red]Mallory[/red]" in plain
    assert "\x1b[36m" not in plain
    assert "\x1b[" not in relate("list", "-f", "csv", env={"FORCE_COLOR": "1"}).stdout


def test_archive_hides_from_list_and_unarchive_brings_back(relate: Relate) -> None:
    relate("add", "Ann")
    relate("add", "Bob")
    assert relate("archive", "ann").stdout == "Archived #1 Ann\n"
    assert [c["name"] for c in json.loads(relate("list", "-f", "json").stdout)] == ["Bob"]
    everyone = json.loads(relate("list", "--archived", "-f", "json").stdout)
    assert [(c["name"], c["archived"]) for c in everyone] == [("Ann", True), ("Bob", False)]
    assert relate("unarchive", "ann").exit_code == 0
    assert len(json.loads(relate("list", "-f", "json").stdout)) == 2


def test_delete_refuses_without_yes_when_not_a_terminal(relate: Relate) -> None:
    relate("add", "Ann")
    result = relate("delete", "ann")
    assert result.exit_code == 2
    assert "--yes" in result.stderr
    assert len(json.loads(relate("list", "-f", "json").stdout)) == 1
    assert relate("delete", "ann", "--yes").stdout == "Deleted #1 Ann\n"
    assert json.loads(relate("list", "-f", "json").stdout) == []


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (("show", "nobody"), 3, "no contact matches 'nobody'"),
        (("show", "#42"), 3, "no contact #42"),
        (("show", "an"), 3, "#1 Ann Smith, #2 Anna Berg"),
        (("add", "X", "--birthday", "someday"), 1, "03-14"),
        (("add", "X", "--every", "sometimes"), 1, "every 2 weeks"),
        (("add", "X", "--stage", "dating"), 1, "exploration"),
        (("add", "X", "--type", "weird"), 1, "transactional"),
        (("add",), 2, "Missing argument"),
        (("list", "--format", "xml"), 2, "unknown format"),
        (("frobnicate",), 2, "No such command"),
    ],
)
def test_errors_are_one_line_on_stderr_with_the_documented_code(
    relate: Relate, args: tuple[str, ...], code: int, needle: str
) -> None:
    relate("add", "Ann Smith")
    relate("add", "Anna Berg")
    result = relate(*args)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert needle in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    if code != 2:  # Click's own usage errors print the usage line first
        assert result.stderr.count("\n") == 1
        assert result.stdout == ""


def test_unicode_names_round_trip(relate: Relate) -> None:
    for name in ("Søren Kierkegaard", "Jürgen Groß", "שרה לוי", "최유림"):
        assert relate("add", name).exit_code == 0
    names = [c["name"] for c in json.loads(relate("list", "-f", "json").stdout)]
    assert sorted(names) == sorted(["Søren Kierkegaard", "Jürgen Groß", "שרה לוי", "최유림"])
    assert json.loads(relate("show", "soren", "-f", "json").stdout)["name"] == "Søren Kierkegaard"
    assert json.loads(relate("show", "jurgen gross", "-f", "json").stdout)["name"] == "Jürgen Groß"
    assert json.loads(relate("show", "שרה", "-f", "json").stdout)["name"] == "שרה לוי"


# --- #10.2: add warns about a likely duplicate and refuses without --force -------------


@pytest.mark.parametrize(
    ("args", "existing"),
    [
        (("anna schmidt",), "#1 Anna Schmidt (same name)"),
        (("Ánna  SCHMIDT",), "#1 Anna Schmidt (same name)"),
        (("Someone Else", "-e", " ANNA@S.de "), "#1 Anna Schmidt (same e-mail anna@s.de)"),
        (("Someone Else", "-p", "+49 (30) 12-34"), "#1 Anna Schmidt (same phone +49 30 1234)"),
        (("Zoe Saldana",), "#2 Zoë Saldaña (same name)"),
    ],
)
def test_add_refuses_a_likely_duplicate_naming_the_contact(
    relate: Relate, args: tuple[str, ...], existing: str
) -> None:
    assert relate("add", "Anna Schmidt", "-e", "anna@s.de", "-p", "+49 30 1234").exit_code == 0
    assert relate("add", "Zoë Saldaña").exit_code == 0
    refused = relate("add", *args)
    assert refused.exit_code == 2
    assert refused.stdout == ""
    assert existing in refused.stderr
    assert "--force" in refused.stderr
    assert len(json.loads(relate("list", "-f", "json").stdout)) == 2
    forced = relate("add", *args, "--force")
    assert forced.exit_code == 0
    assert forced.stdout == f"Added #3 {args[0]}\n"
    assert f"relate: warning: #3 {args[0]} may be the same person as {existing}" in forced.stderr
    assert len(json.loads(relate("list", "-f", "json").stdout)) == 3


def test_add_of_someone_new_is_not_a_duplicate(relate: Relate) -> None:
    assert relate("add", "Anna Schmidt", "-e", "anna@s.de", "-p", "+49 30 1234").exit_code == 0
    for args in (("Anna Kowalski",), ("Anna", "-e", "anna@kowalski.pl"), ("Bo", "-p", "1234")):
        added = relate("add", *args)
        assert (added.exit_code, added.stderr) == (0, "")
    assert relate("add", "Ann", "-p", "n/a").exit_code == 0  # no digits: nothing to compare


def test_an_archived_contact_still_counts_as_a_duplicate(relate: Relate) -> None:
    assert relate("add", "Anna Schmidt").exit_code == 0
    assert relate("archive", "#1").exit_code == 0
    refused = relate("add", "Anna Schmidt")
    assert refused.exit_code == 2
    assert "#1 Anna Schmidt (same name, archived)" in refused.stderr

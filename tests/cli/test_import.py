"""`relate import`: relate/Google/Outlook CSV, JSON, duplicates, dry run, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import Relate


def contacts_of(relate: Relate) -> list[dict[str, object]]:
    result = relate("export", "contacts", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return list(json.loads(result.stdout))


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


# --- relate's own CSV ------------------------------------------------------------------


def test_relate_csv_with_aliases_and_an_unknown_column(tmp_path: Path, relate: Relate) -> None:
    path = write(
        tmp_path,
        "people.csv",
        "name,email,phone,tag,tags,favourite colour,birthday,cadence,priority,archived\r\n"
        "Ann Smith,ann@acme.com,+1 555 0100,vip,client;a\\;b,blue,1985-03-14,monthly,high,\r\n"
        "Old Friend,,,,,green,--12-24,,,true\r\n",
    )
    result = relate("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("unknown columns") == 1
    assert "favourite colour" in result.stderr
    assert "Imported" in result.stderr and "2 added, 0 updated, 0 skipped" in result.stderr
    ann, old = contacts_of(relate)
    assert ann["emails"] == ["ann@acme.com"]
    assert ann["phones"] == ["+1 555 0100"]
    assert ann["tags"] == ["a;b", "client", "vip"]
    assert ann["birthday"] == "1985-03-14"
    assert ann["cadence"] == "monthly"
    assert ann["priority"] == "high"
    assert ann["archived"] is False
    assert old["archived"] is True
    assert old["birthday"] == "--12-24"


def test_invalid_csv_value_is_an_error_at_its_line(tmp_path: Path, relate: Relate) -> None:
    relate("add", "Already Here")
    path = write(
        tmp_path,
        "bad.csv",
        'name,notes,birthday\r\nAnn,"two\r\nlines",1985-03-14\r\nBob,,not a date\r\n',
    )
    result = relate("import", str(path))
    assert result.exit_code == 1
    # Ann's record spans lines 2-3, so Bob's starts on line 4.
    assert f"relate: error: {path}:4: cannot read 'not a date' as a date" in result.stderr
    assert [c["name"] for c in contacts_of(relate)] == ["Already Here"]


def test_unknown_csv_layout_is_refused(tmp_path: Path, relate: Relate) -> None:
    path = write(tmp_path, "x.csv", "foo,bar\r\n1,2\r\n")
    result = relate("import", str(path))
    assert result.exit_code == 1
    assert f"{path}:1: unknown CSV columns" in result.stderr


def test_bad_enum_value_names_the_line(tmp_path: Path, relate: Relate) -> None:
    path = write(tmp_path, "x.csv", "name,stage\r\nAnn,commitment\r\nBob,sideways\r\n")
    result = relate("import", str(path))
    assert result.exit_code == 1
    assert f"{path}:3: unknown stage 'sideways'" in result.stderr
    assert contacts_of(relate) == []


# --- Google and Outlook -------------------------------------------------------------------

GOOGLE_CLASSIC = (
    "Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,"
    "Additional Name Yomi,Family Name Yomi,Name Prefix,Name Suffix,Initials,Nickname,"
    "Short Name,Maiden Name,Birthday,Gender,Location,Billing Information,Directory Server,"
    "Mileage,Occupation,Hobby,Sensitivity,Priority,Subject,Notes,Language,Photo,"
    "Group Membership,E-mail 1 - Type,E-mail 1 - Value,E-mail 2 - Type,E-mail 2 - Value,"
    "Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,Phone 2 - Value,Organization 1 - Type,"
    "Organization 1 - Name,Organization 1 - Yomi Name,Organization 1 - Title,"
    "Organization 1 - Department\r\n"
    "Ann Smith,Ann,,Smith,,,,,,,,Annie,,,1985-03-14,,,,,,,,,,,Met at PyCon,,,"
    "* myContacts ::: Clients,* Home,ann@home.org,* Work,ann@acme.com ::: a.smith@acme.com,"
    "Mobile,+1 555 0100,,,,Acme,,CTO,\r\n"
    ",Bob,,Jones,,,,,,,,,,,--07-04,,,,,,,,,,,,,,* myContacts,,,,,Home,555 0101,,,,,,,\r\n"
)
GOOGLE_NEW = (
    "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,"
    "Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,"
    "Organization Title,Organization Department,Birthday,Notes,Photo,Labels,"
    "E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value\r\n"
    "Carla,,Díaz,,,,Dr.,,,,Globex,Engineer,,1990-11-02,,,* myContacts ::: * starred,"
    "Work,carla@globex.com,Mobile,+34 600 000 000\r\n"
)
OUTLOOK = (
    "Title,First Name,Middle Name,Last Name,Suffix,Company,Department,Job Title,"
    "Business Street,Business Phone,Business Phone 2,Home Phone,Mobile Phone,Birthday,"
    "Categories,E-mail Address,E-mail Type,E-mail Display Name,E-mail 2 Address,Notes\r\n"
    "Mr.,Dan,,Brown,Jr.,Initech,IT,Manager,,+1 555 0200,,,+1 555 0201,3/14/1985,"
    'Clients;VIP,dan@initech.com,SMTP,Dan Brown (dan@initech.com),dan@home.net,"Likes, golf"\r\n'
    ",Eve,,Adams,,,,,,,,,,0/0/00,,eve@adams.org,SMTP,,,\r\n"
)


def test_google_classic_csv(tmp_path: Path, relate: Relate) -> None:
    result = relate("import", str(write(tmp_path, "google.csv", GOOGLE_CLASSIC)))
    assert result.exit_code == 0, result.stderr
    assert "unknown columns" not in result.stderr
    ann, bob = contacts_of(relate)
    assert ann["name"] == "Ann Smith"
    assert ann["emails"] == ["ann@home.org", "ann@acme.com", "a.smith@acme.com"]
    assert ann["phones"] == ["+1 555 0100"]
    assert ann["org"] == "Acme" and ann["role"] == "CTO"
    assert ann["birthday"] == "1985-03-14"
    assert ann["aliases"] == ["Annie"]
    assert ann["notes"] == "Met at PyCon"
    assert ann["tags"] == ["Clients"]
    assert bob["name"] == "Bob Jones"
    assert bob["birthday"] == "--07-04"
    assert bob["tags"] == []


def test_google_new_csv(tmp_path: Path, relate: Relate) -> None:
    result = relate("import", str(write(tmp_path, "contacts.csv", GOOGLE_NEW)))
    assert result.exit_code == 0, result.stderr
    [carla] = contacts_of(relate)
    assert carla["name"] == "Dr. Carla Díaz"
    assert carla["emails"] == ["carla@globex.com"]
    assert carla["phones"] == ["+34 600 000 000"]
    assert carla["org"] == "Globex" and carla["role"] == "Engineer"
    assert carla["birthday"] == "1990-11-02"
    assert carla["tags"] == ["starred"]


def test_outlook_csv(tmp_path: Path, relate: Relate) -> None:
    result = relate("import", str(write(tmp_path, "outlook.csv", OUTLOOK)))
    assert result.exit_code == 0, result.stderr
    dan, eve = contacts_of(relate)
    assert dan["name"] == "Mr. Dan Brown Jr."
    assert dan["emails"] == ["dan@initech.com", "dan@home.net"]
    assert dan["phones"] == ["+1 555 0201", "+1 555 0200"]
    assert dan["org"] == "Initech" and dan["role"] == "Manager"
    assert dan["birthday"] == "1985-03-14"
    assert dan["tags"] == ["Clients", "VIP"]
    assert dan["notes"] == "Likes, golf"
    assert eve["name"] == "Eve Adams"
    assert eve["birthday"] is None


def test_outlook_file_in_windows_1252(tmp_path: Path, relate: Relate) -> None:
    path = tmp_path / "outlook.csv"
    path.write_bytes(
        "First Name,Last Name,E-mail Address\r\nRené,Müller,r@m.de\r\n".encode("cp1252")
    )
    assert relate("import", str(path)).exit_code == 0
    assert contacts_of(relate)[0]["name"] == "René Müller"


# --- JSON ----------------------------------------------------------------------------------


def test_json_import_and_bad_record_line(tmp_path: Path, relate: Relate) -> None:
    good = [{"name": "Ann", "emails": ["ann@x.org"], "archived": True, "priority": "low"}]
    assert relate("import", str(write(tmp_path, "a.json", json.dumps(good)))).exit_code == 0
    [ann] = contacts_of(relate)
    assert ann["archived"] is True and ann["priority"] == "low"
    bad = '[\n  {"name": "Bob"},\n  {"name": "Cy",\n   "cadence": "sometimes"}\n]\n'
    result = relate("import", str(write(tmp_path, "b.json", bad)))
    assert result.exit_code == 1
    assert f"{tmp_path / 'b.json'}:3: cannot read 'sometimes' as a cadence" in result.stderr
    assert [c["name"] for c in contacts_of(relate)] == ["Ann"]


def test_jsonl_import(tmp_path: Path, relate: Relate) -> None:
    text = '{"name": "Ann"}\n\n{"name": "Bob", "tags": ["x"]}\n'
    assert relate("import", str(write(tmp_path, "a.jsonl", text))).exit_code == 0
    assert [c["name"] for c in contacts_of(relate)] == ["Ann", "Bob"]


def test_import_reads_stdin_with_explicit_format(relate: Relate) -> None:
    result = relate("import", "-", "--format", "csv", input="name\nAnn\n")
    assert result.exit_code == 0, result.stderr
    assert "Imported <stdin>: 1 added" in result.stderr


# --- duplicates, policies, dry run ---------------------------------------------------------

DUPLICATES = (
    "name,emails,phones,notes\r\n"
    "Ann Other,ANN@acme.com,,by e-mail\r\n"  # same e-mail as Ann (case differs)
    "Bobby,,+1 (555) 0101,by phone\r\n"  # no e-mail, same phone as Bob
    "cy LOW,,,by name\r\n"  # neither: same name, case-insensitive
    "Dee,dee@x.org,,new\r\n"
    "Dee Again,dee@x.org,,earlier in the file\r\n"
)


@pytest.fixture
def existing(relate: Relate) -> None:
    relate("add", "Ann", "--email", "ann@acme.com")
    relate("add", "Bob", "--phone", "+1 555 0101")
    relate("add", "Cy Low")


@pytest.mark.usefixtures("existing")
def test_duplicates_are_skipped_by_default(tmp_path: Path, relate: Relate) -> None:
    result = relate("import", str(write(tmp_path, "d.csv", DUPLICATES)))
    assert result.exit_code == 0, result.stderr
    assert "1 added, 0 updated, 4 skipped" in result.stderr
    assert [c["name"] for c in contacts_of(relate)] == ["Ann", "Bob", "Cy Low", "Dee"]


@pytest.mark.usefixtures("existing")
def test_duplicates_updated(tmp_path: Path, relate: Relate) -> None:
    result = relate("import", str(write(tmp_path, "d.csv", DUPLICATES)), "--on-duplicate", "update")
    assert result.exit_code == 0, result.stderr
    assert "1 added, 4 updated, 0 skipped" in result.stderr
    by_id = {c["id"]: c for c in contacts_of(relate)}
    assert by_id[1]["name"] == "Ann Other" and by_id[1]["notes"] == "by e-mail"
    assert by_id[2]["notes"] == "by phone"
    assert by_id[3]["notes"] == "by name"
    assert by_id[4]["name"] == "Dee Again"
    assert len(by_id) == 4


@pytest.mark.usefixtures("existing")
def test_duplicates_added_anyway(tmp_path: Path, relate: Relate) -> None:
    result = relate("import", str(write(tmp_path, "d.csv", DUPLICATES)), "--on-duplicate", "new")
    assert "5 added, 0 updated, 0 skipped" in result.stderr
    assert len(contacts_of(relate)) == 8


@pytest.mark.usefixtures("existing")
def test_dry_run_reports_and_writes_nothing(tmp_path: Path, relate: Relate) -> None:
    before = relate("export", "contacts").stdout
    result = relate("import", str(write(tmp_path, "d.csv", DUPLICATES)), "--dry-run")
    assert result.exit_code == 0
    assert "line 2: skip Ann Other (duplicate of #1 Ann)" in result.stdout
    assert "line 5: add Dee" in result.stdout
    assert "nothing written: would be 1 added, 0 updated, 4 skipped" in result.stderr
    assert relate("export", "contacts").stdout == before


def test_unknown_policy_is_a_usage_error(tmp_path: Path, relate: Relate) -> None:
    result = relate("import", str(write(tmp_path, "a.csv", "name\nAnn\n")), "--on-duplicate", "x")
    assert result.exit_code == 2


def test_missing_file(relate: Relate, tmp_path: Path) -> None:
    result = relate("import", str(tmp_path / "nope.vcf"))
    assert result.exit_code == 1
    assert "no such file" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '[{"name": "Ann"}, {"name": "B\\ud800b"}]',
            "x.json:1: not text: a lone surrogate \\ud800",
        ),
        ('{"name": "Ann"}\n{"name": "\\udc00"}\n', "x.json:2: not text: a lone surrogate \\udc00"),
        ("[" * 100_000 + "]" * 100_000, "x.json:1: not a contact: its JSON is nested too deeply"),
        (
            '{"name":' * 100_000 + "1" + "}" * 100_000,
            "x.json:1: not a contact: its JSON is nested too deeply",
        ),
    ],
)
def test_json_that_is_not_storable_text_is_a_clean_error_and_writes_nothing(
    tmp_path: Path, relate: Relate, content: str, message: str
) -> None:
    source = tmp_path / "x.json"
    source.write_text(content)
    result = relate("import", str(source), "--format", "json")
    assert result.exit_code == 1, result.stderr
    assert result.stderr == f"relate: error: {source.parent / message}\n"
    assert json.loads(relate("list", "--format", "json").stdout) == []

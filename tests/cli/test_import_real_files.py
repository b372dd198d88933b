"""Issue #11: what Google, LinkedIn, Thunderbird, Apple, Android, KDE and Evolution
really write, imported through ``relate import`` and checked against values read by
hand from each file (sources and licences: tests/fixtures/LICENSES/README.md)."""

from __future__ import annotations

import csv
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from helpers import FIXTURES, Relate, ok

VCARD = FIXTURES / "vcard"
CSV = FIXTURES / "csv"
WRITTEN = FIXTURES / "written"


def imported(relate: Relate, path: Path, *args: str) -> tuple[str, dict[str, dict[str, Any]]]:
    """The import's stderr, and the contacts afterwards by name."""
    result = relate("import", str(path), *args)
    assert result.exit_code == 0, result.stderr
    contacts = json.loads(ok(relate("export", "contacts", "--format", "json")))
    return result.stderr, {c["name"]: c for c in contacts}


# 1. Google Contacts CSV with nameless rows; Outlook rows with only an e-mail.
def test_google_nameless_rows_are_named_after_email_company_or_phone(relate: Relate) -> None:
    path = WRITTEN / "google-nameless.csv"
    stderr, people = imported(relate, path)
    assert set(people) == {"Ann Smith", "only.mail@example.org", "Plumbing Ltd"}
    assert people["Plumbing Ltd"]["phones"] == ["+44 20 7946 0000"]
    assert people["Ann Smith"]["tags"] == ["Clients"]  # "* myContacts" is no tag
    assert "3 added, 0 updated, 0 skipped as duplicates, 2 skipped as unusable" in stderr
    assert "1 without a name named after their e-mail" in stderr
    assert "1 without a name named after their organisation" in stderr
    assert f"{path}:5: skipped: no name, e-mail, company or phone" in stderr
    assert f"{path}:6: skipped" in stderr


# 2. LinkedIn Connections.csv, current (notes before the header) and older.
def test_linkedin_connections(relate: Relate) -> None:
    path = WRITTEN / "linkedin-Connections.csv"
    stderr, people = imported(relate, path)
    assert ": 3 added" in stderr and "2 skipped as unusable" in stderr
    assert "(read as LinkedIn CSV)" in stderr
    priya = people["Priya Raman"]
    assert priya["emails"] == ["priya@example.org"]
    assert priya["org"] == "Stripe, Inc."
    assert priya["role"] == "Technical Recruiter"
    assert priya["notes"] == "LinkedIn: https://www.linkedin.com/in/priya-raman-example"
    # Two John Smiths with different profiles are two people.
    contacts = json.loads(ok(relate("export", "contacts", "--format", "json")))
    assert sorted(c["org"] for c in contacts if c["name"] == "John Smith") == ["Globex", "Initech"]
    history = json.loads(ok(relate("export", "interactions", "--format", "json")))
    started = {(i["contacts"][0], i["occurred_at"][:10], i["text"]) for i in history}
    assert ("Priya Raman", "2024-03-12", "Connected on LinkedIn") in started
    # Importing it again changes nothing: the profile URL identifies each person.
    again = relate("import", str(path))
    assert "0 added, 0 updated, 3 skipped as duplicates" in again.stderr


def test_a_profile_url_that_extends_another_is_another_person(
    relate: Relate, tmp_path: Path
) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ann,Lee,https://www.linkedin.com/in/annlee2,,Initech,CEO,02 Feb 2024\n"
        "Ann,Lee,https://www.linkedin.com/in/annlee,,Acme,CTO,01 Feb 2024\n"
    )
    stderr, _people = imported(relate, path)
    assert ": 2 added, 0 updated, 0 skipped as duplicates" in stderr
    again = relate("import", str(path))
    assert "0 added, 0 updated, 2 skipped as duplicates" in again.stderr


def test_older_linkedin_export_keeps_email_and_position(relate: Relate) -> None:
    _stderr, people = imported(relate, WRITTEN / "linkedin-Connections-old.csv")
    assert people["Grace Hopper"]["emails"] == ["grace@example.com"]
    assert people["Grace Hopper"]["role"] == "Rear Admiral"


# 3. Year-less birthdays from Apple and CardBook.
def test_placeholder_year_1604_means_no_year(relate: Relate) -> None:
    _stderr, people = imported(relate, WRITTEN / "apple-omit-year.vcf")
    assert people["Mum"]["birthday"] == "--03-15"
    assert people["Dave Plumber"]["birthday"] == "--01-01"
    today = ok(relate("today"))
    assert "423" not in today and "422" not in today


# 4. Thunderbird's own CSV export, comma and semicolon.
@pytest.mark.parametrize(
    "name", ["thunderbird-basic_csv_addressbook.csv", "thunderbird-csv_semicolon.csv"]
)
def test_thunderbird_csv(relate: Relate, name: str) -> None:
    stderr, people = imported(relate, CSV / name)
    assert ": 2 added" in stderr and "(read as Thunderbird CSV)" in stderr
    assert people["John Doe"]["emails"] == ["john@doe.invalid"]
    assert people["Jane Doe"]["emails"] == ["jane@doe.invalid"]


# 5. Decoding per value: Shift_JIS, a stray byte, a character split by a fold, UTF-16.
def test_shift_jis_card_from_a_japanese_phone(relate: Relate) -> None:
    _stderr, people = imported(relate, VCARD / "aosp-v21_japanese_1.vcf")
    assert people["安藤ロイド"]["phones"] == ["0300000000"]


def test_one_stray_byte_garbles_one_value_only(relate: Relate) -> None:
    _stderr, people = imported(relate, WRITTEN / "mixed-bytes.vcf")
    assert {"Jürgen Müller", "René Dupont", "Zoë Ørn"} == set(people)
    assert people["Zoë Ørn"]["notes"] == "Ça va"


def test_utf16_vcard_with_bom(relate: Relate) -> None:
    _stderr, people = imported(relate, WRITTEN / "utf16.vcf")
    assert people["\u00dcnal Y\u0131lmaz"]["emails"] == ["unal@example.com"]


# 6. A card or row with nothing usable is skipped; the rest imports.
@pytest.mark.parametrize("name", ["aosp-v21_im.vcf", "kcontacts-vcard7.vcf"])
def test_card_without_name_email_or_phone_is_skipped(relate: Relate, name: str) -> None:
    relate("add", "Already Here")
    path = VCARD / name
    result = relate("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert f"{path}:1: skipped: no name, e-mail, phone or organisation" in result.stderr
    assert "0 added, 0 updated, 0 skipped as duplicates, 1 skipped as unusable" in result.stderr


def test_evolution_card_with_an_empty_fn(relate: Relate) -> None:
    stderr, people = imported(relate, VCARD / "kcontacts-vcard4.vcf")
    assert people["hello@ximian.com"]["org"] == "Ximian, Inc."
    assert "named after their e-mail" in stderr


# 7. Google's "Outlook CSV": an extra empty cell on every row; "* My Contacts".
def test_google_outlook_csv_with_trailing_comma(relate: Relate) -> None:
    _stderr, people = imported(relate, WRITTEN / "google-outlook-trailing-comma.csv")
    assert people["Bob Jones"]["tags"] == ["Friends"]
    assert people["Bob Jones"]["birthday"] == "1980-03-31"
    assert people["solo@example.net"]["tags"] == []


# 8. Folding inside parameters; 2.1 habits phones accept.
def test_folding_inside_parameters_and_a_trailing_backslash(relate: Relate) -> None:
    _stderr, people = imported(relate, WRITTEN / "param-folding.vcf")
    person = people["Folded Parameters"]
    assert person["emails"] == ["folded@example.com"]
    assert person["notes"] == "ends with a backslash \\"  # no "eof" appended


def test_address_continued_with_backslash(relate: Relate) -> None:
    _stderr, people = imported(relate, VCARD / "aosp-v21_adr_multiple_line.vcf")
    assert people["bogus"]["birthday"] == "2008-12-03"


def test_comment_lines_are_ignored_but_not_inside_a_value(relate: Relate) -> None:
    _stderr, people = imported(relate, VCARD / "aosp-v21_invalid_comment_line.vcf")
    assert people["Conference Call"]["notes"] == (
        "This is an (sharp ->#<- sharp) example. This message must NOT be ignored."
    )


def test_nested_cards_are_cards_of_their_own(relate: Relate) -> None:
    _stderr, people = imported(relate, VCARD / "aosp-v21_nest.vcf")
    assert set(people) == {"parent", "nest1", "nest2"}
    assert people["parent"]["phones"] == ["1"]


def test_vcard_21_backslashes(relate: Relate) -> None:
    _stderr, people = imported(relate, VCARD / "aosp-v21_backslash.vcf")
    assert set(people) == {"A;B\\C;D:E\\\\"}  # 2.1 escapes only the semicolon


# 9. Day-first dates.
def test_day_first_dates_are_read_day_first(relate: Relate) -> None:
    _stderr, people = imported(relate, WRITTEN / "outlook-day-first.csv")
    assert people["Ann Day"]["birthday"] == "1991-01-20"
    assert people["Ben Day"]["birthday"] == "1990-04-05"  # not 4 May


def test_ambiguous_dates_are_refused_unless_the_order_is_given(relate: Relate) -> None:
    path = WRITTEN / "outlook-ambiguous.csv"
    refused = relate("import", str(path))
    assert refused.exit_code == 1
    assert f"{path}:2: a date such as 03/04/1990 could be day-first" in refused.stderr
    assert "--date-order" in refused.stderr
    _stderr, people = imported(relate, path, "--date-order", "dmy")
    assert people["Cat Amb"]["birthday"] == "1990-04-05"


# 10. Smaller things.
def test_nickname_and_category_lists(relate: Relate) -> None:
    _stderr, people = imported(relate, WRITTEN / "nickname-categories.vcf")
    assert people["Lists Person"]["aliases"] == ["Nick1", "Nick2"]
    assert people["Lists Person"]["tags"] == ["A", "B'C"]


@pytest.mark.parametrize(
    ("name", "person", "day"),
    [
        ("kcontacts-testfullvcard.vcf", "Sherlock Holmes", "1996-04-15"),
        ("ezvcard-John_Doe_EVOLUTION.vcf", "Mr. John Richter, James Doe Sr.", "1980-03-22"),
        ("ezvcard-outlook-2007.vcf", "Mr. Michael Angstadt Jr.", "2012-08-01"),
    ],
)
def test_anniversary_is_kept(relate: Relate, name: str, person: str, day: str) -> None:
    imported(relate, VCARD / name)
    dates = json.loads(ok(relate("export", "dates", "--format", "json")))
    assert {(d["contact"], d["kind"], d["date"]) for d in dates} >= {(person, "anniversary", day)}


def test_kde_categories_are_a_list(relate: Relate) -> None:
    _stderr, people = imported(relate, VCARD / "kcontacts-testfullvcard.vcf")
    assert people["Sherlock Holmes"]["tags"] == ["FICTION", "LITERATURE"]


def test_an_ics_file_is_named_for_what_it_is(relate: Relate) -> None:
    result = relate("import", str(WRITTEN / "calendar.ics"))
    assert result.exit_code == 1
    assert "is an iCalendar file (events), not contacts" in result.stderr
    assert "unknown CSV columns" not in result.stderr


def test_no_library_chatter_and_empty_role_is_null(relate: Relate) -> None:
    result = relate("import", str(VCARD / "ezvcard-John_Doe_IPHONE.vcf"))
    assert "ERROR" not in result.stderr
    _stderr, people = imported(relate, CSV / "thunderbird-csv_semicolon.csv")
    assert people["Jane Doe"]["role"] is None  # not "" (docs/json.md: string or null)


# Speed: a big file shows a progress bar on a terminal, and none when piped.
@pytest.mark.slow
def test_big_file_shows_a_progress_bar_on_a_terminal_only(relate: Relate, tmp_path: Path) -> None:
    from relate import terminal

    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {n}\r\nEMAIL:p{n}@example.org\r\n"
    path = tmp_path / "big.vcf"
    path.write_text(
        "".join(card.format(n=n) + "NOTE:" + "x" * 300 + "\r\nEND:VCARD\r\n" for n in range(3000))
    )
    assert path.stat().st_size > 1_000_000
    piped = relate("import", str(path), "--dry-run")
    assert "importing" not in piped.stderr
    terminal.pretend(stderr_is_terminal=True)
    try:
        shown = relate("import", str(path))
    finally:
        terminal.pretend()
    assert shown.exit_code == 0, shown.stderr
    assert "importing" in shown.stderr
    assert "3000 added" in shown.stderr


# --- More real files, each checked against the reading of the project it comes from ---
# (Roundcube's Csv2vcardTest compares its CSV import with the .expected.vcf beside each
# file; the other expectations are quoted from the tests of the project named.)


def _expected_vcard(path: Path) -> dict[str, list[str]]:
    """The values of a small, unfolded, plain vCard (Roundcube's expected output)."""
    values: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        head, _, value = line.partition(":")
        values.setdefault(head.split(";")[0], []).append(value)
    return values


def test_roundcube_outlook_row_with_only_emails(relate: Relate) -> None:  # 1
    path = CSV / "roundcube-outlook.csv"
    stderr, people = imported(relate, path)
    expected = _expected_vcard(CSV / "roundcube-outlook.expected.vcf")
    (fn,) = expected["FN"]
    assert people[fn]["emails"] == expected["EMAIL"]
    assert "1 without a name named after their e-mail" in stderr
    assert "(read as Outlook CSV)" in stderr


@pytest.mark.parametrize(
    ("name", "person", "birthday"),
    [
        # Thunderbird's CardBook, in Radicale's tests: BDAY:16040101.
        (
            "radicale-contact4-with-bday-no-year.vcf",
            "Test bday without year Thunderbird CardBook",
            "--01-01",
        ),
        # Apple's, in sabre/vobject's BirthdayCalendarGeneratorTest, which makes it a
        # yearly event on 7 April with the year marked as omitted.
        ("sabre-vobject-apple-omit-year.vcf", "Forrest Gump", "--04-07"),
    ],
)
def test_real_placeholder_years_are_no_year(  # 3
    relate: Relate, name: str, person: str, birthday: str
) -> None:
    _stderr, people = imported(relate, VCARD / name)
    assert people[person]["birthday"] == birthday
    dates = json.loads(ok(relate("export", "dates", "--format", "json")))
    assert [d["date"] for d in dates if d["contact"] == person] == [birthday]


def test_roundcube_thunderbird_csv(relate: Relate) -> None:  # 4
    stderr, people = imported(relate, CSV / "roundcube-tb_plain.csv")
    expected = _expected_vcard(CSV / "roundcube-tb_plain.expected.vcf")
    (fn,) = expected["FN"]
    assert "(read as Thunderbird CSV)" in stderr
    assert people[fn]["emails"] == expected["EMAIL"]
    assert people[fn]["org"] == expected["ORG"][0]
    assert people[fn]["birthday"] == expected["BDAY"][0]


def test_utf8_characters_split_by_a_fold(relate: Relate) -> None:  # 5
    # ownCloud folded inside the bytes of Greek, CJK and Cyrillic characters;
    # kcontacts' reference reading is vcard9.vcf.ref.
    _stderr, people = imported(relate, VCARD / "kcontacts-vcard9.vcf")
    text = (VCARD / "kcontacts-vcard9.vcf.ref").read_text()
    unfolded = text.replace("\n ", "")
    fn = unfolded.split("FN:", 1)[1].split("\n", 1)[0]
    note = unfolded.split("NOTE:", 1)[1].split("\n", 1)[0].replace("\\,", ",")
    assert people[fn]["notes"] == note


def test_charset_on_a_plain_value(relate: Relate) -> None:  # 5
    # N;CHARSET=windows-1252:Do\xeb (not quoted-printable); Roundcube's VCardTest
    # asserts 'John Doë'.
    _stderr, people = imported(relate, VCARD / "roundcube-johndoe.vcf")
    assert people["John Doë"]["emails"] == ["inbox@roundcube.net", "roundcube@gmail.com"]


def test_utf16_without_a_byte_order_mark(relate: Relate) -> None:  # 5
    # Roundcube's VCardTest::test_encodings: 'Ǽgean ĽdaMonté', decoded from UTF-16.
    path = VCARD / "roundcube-utf-16_sample.vcf"
    assert path.read_bytes()[:2] == b"\x00B"  # big-endian, no byte-order mark
    _stderr, people = imported(relate, path)
    assert "Ǽgean ĽdaMonté" in people


def test_roundcube_google_csv_my_contacts_is_no_tag(relate: Relate) -> None:  # 7
    stderr, people = imported(relate, CSV / "roundcube-gmail.csv")
    expected = _expected_vcard(CSV / "roundcube-gmail.expected.vcf")
    (fn,) = expected["FN"]
    person = people[fn]
    assert "(read as Google Contacts CSV)" in stderr
    assert person["emails"] == expected["EMAIL"]
    assert person["aliases"] == expected["NICKNAME"]
    assert person["birthday"] == expected["BDAY"][0]
    assert person["notes"] == expected["NOTE"][0]
    # Roundcube keeps Google's built-in group as a category; relate never makes it a tag.
    assert expected["CATEGORIES"] == ["My Contacts,Test"]
    assert person["tags"] == ["Test"]


def test_roundcube_day_first_dates_emails_and_anniversary(relate: Relate) -> None:  # 9
    # Birthday 20/01/1991 and anniversary 20/02/1992 can only be day-first.
    _stderr, people = imported(relate, CSV / "roundcube-all.csv")
    expected = _expected_vcard(CSV / "roundcube-all.expected.vcf")
    (fn,) = expected["FN"]
    person = people[fn]
    assert person["birthday"] == expected["BDAY"][0] == "1991-01-20"
    assert person["emails"] == expected["EMAIL"]
    dates = json.loads(ok(relate("export", "dates", "--format", "json")))
    assert ("anniversary", "1992-02-20") in {(d["kind"], d["date"]) for d in dates}
    assert expected["X-ANNIVERSARY"] == ["1992-02-20"]


def test_davx5_nickname_list_categories_and_anniversary(relate: Relate) -> None:  # 10
    # vcard4android's ContactTest reads Nick1, Nick2; categories A and B'C; 2014-08-12.
    _stderr, people = imported(relate, VCARD / "vcard4android-allfields-vcard3.vcf")
    person = people["Ämi Display"]
    assert person["aliases"] == ["Nick1", "Nick2"]
    assert person["tags"] == ["A", "B'C"]
    dates = json.loads(ok(relate("export", "dates", "--format", "json")))
    assert ("anniversary", "2014-08-12") in {(d["kind"], d["date"]) for d in dates}


def test_a_real_ics_file_is_named_for_what_it_is(relate: Relate) -> None:  # 10
    result = relate("import", str(FIXTURES / "ics" / "radicale-event1.ics"))
    assert result.exit_code == 1
    assert "is an iCalendar file (events), not contacts" in result.stderr


# --- LinkedIn and vCard files from other projects' test suites, each checked against
# an independent reading of the file (Python's csv module; RFC 6350 unfolding by hand).


def _linkedin_reading(path: Path) -> list[dict[str, Any]]:
    """What a Connections.csv holds, read with the csv module: the rows after the
    header (LinkedIn's ``Notes:`` paragraph, if any, comes before it)."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("First Name,"))
    people = []
    for row in csv.DictReader(lines[start:]):
        name = f"{row['First Name']} {row['Last Name']}".strip()
        if not name:
            continue
        text, started = row["Connected On"], None
        for form in ("%d %b %Y", "%d-%b-%y", "%Y-%m-%d"):
            try:
                started = datetime.strptime(text, form).date().isoformat()
                break
            except ValueError:
                continue
        people.append(
            {
                "name": name,
                "emails": [row["Email Address"]] if row["Email Address"] else [],
                "org": row["Company"] or None,
                "role": row["Position"] or None,
                "notes": f"LinkedIn: {row['URL']}",
                "started": started,
            }
        )
    return people


@pytest.mark.parametrize(
    "name",
    [
        # kawsay (MIT): a current export, with its byte-order mark and Notes: paragraph.
        "kawsay-linkedin-Connections.csv",
        # Digital Synapse (Apache-2.0): no Notes: paragraph; "Connected On" as 2024-01-15.
        "digital-synapse-linkedin-connections.csv",
        # rolomind (AGPL-3.0): no Notes: paragraph, URL last, "Connected On" as 15-Jan-24.
        "rolomind-linkedin.csv",
    ],
)
def test_linkedin_connections_from_other_projects(relate: Relate, name: str) -> None:  # 2
    path = CSV / name
    expected = _linkedin_reading(path)
    stderr, people = imported(relate, path)
    assert "(read as LinkedIn CSV)" in stderr
    assert f": {len(expected)} added, 0 updated, 0 skipped as duplicates" in stderr
    assert "warning" not in stderr
    got = [
        {key: people[p["name"]][key] for key in ("name", "emails", "org", "role", "notes")}
        for p in expected
    ]
    assert got == [{k: v for k, v in p.items() if k != "started"} for p in expected]
    history = json.loads(ok(relate("export", "interactions", "--format", "json")))
    started = sorted((i["contacts"][0], i["occurred_at"][:10]) for i in history)
    assert started == sorted((p["name"], p["started"]) for p in expected)
    assert {i["text"] for i in history} == {"Connected on LinkedIn"}


def test_linkedin_connected_on_that_is_no_date_is_said(relate: Relate, tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ann,Lee,https://www.linkedin.com/in/annlee,,Acme,CTO,someday\n"
    )
    stderr, people = imported(relate, path)
    assert f"{path}:2: Connected On 'someday' is not a date" in stderr
    assert people["Ann Lee"]["org"] == "Acme"


def _unfolded_values(path: Path, name: str) -> list[tuple[str, str]]:
    """Each ``name`` property of a vCard 3.0 file as (parameters, value), unfolded as
    RFC 6350 section 3.2 says (a line break followed by one space or tab is removed)."""
    text = re.sub(r"\r?\n[ \t]", "", path.read_text(encoding="utf-8"))
    found = []
    for line in text.splitlines():
        head, _, value = line.partition(":")
        if head.split(";")[0].upper() == name:
            found.append((head[len(name) :], value.replace("\\;", ";")))
    return found


def test_evolution_folds_inside_parameters(relate: Relate) -> None:  # 8
    # GNOME Evolution's tests/libebook/vcard/13.vcf folds TEL;TYPE=VOICE,M / SG,WORK,
    # TEL;TYPE= / FAX,WORK and EMAIL;TYPE=INTERNET / ,PREF.
    path = VCARD / "eds-13.vcf"
    emails = _unfolded_values(path, "EMAIL")
    phones = _unfolded_values(path, "TEL")
    assert [p for p, _ in phones] == [";TYPE=VOICE,MSG,WORK", ";TYPE=FAX,WORK"]
    assert emails[0][0] == ";TYPE=INTERNET,PREF"
    stderr, people = imported(relate, path)
    assert ": 1 added" in stderr and "warning" not in stderr
    person = people["Ralf Engels"]
    assert person["emails"] == [v for _, v in emails]
    assert person["phones"] == [v for _, v in phones]
    assert person["org"] == "Ralf Engels evil tests"


def test_helix_google_contacts_labels_and_my_contacts(relate: Relate) -> None:  # 7
    # helix-crm's Google Contacts fixture (AGPL-3.0-only): the current layout, Labels
    # such as "* myContacts ::: Suppliers", names padded with spaces, "ext" phones.
    path = CSV / "helix-crm-google-contacts.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = {}
    for row in rows:
        parts = (row["First Name"], row["Middle Name"], row["Last Name"])
        name = " ".join(" ".join(parts).split())
        labels = [label for label in row["Labels"].split(" ::: ") if label]
        expected[name] = {
            "emails": [row["E-mail 1 - Value"]] if row["E-mail 1 - Value"] else [],
            "phones": [row[c] for c in ("Phone 1 - Value", "Phone 2 - Value") if row[c]],
            "org": row["Organization Name"] or None,
            "role": row["Organization Title"] or None,
            "notes": row["Notes"],
            "tags": sorted(label for label in labels if label != "* myContacts"),
        }
    assert any("* myContacts" in row["Labels"] for row in rows)
    stderr, people = imported(relate, path)
    assert f": {len(rows)} added, 0 updated, 0 skipped as duplicates" in stderr
    assert "(read as Google Contacts CSV)" in stderr
    got = {name: {key: people[name][key] for key in expected[name]} for name in expected}
    assert got == expected

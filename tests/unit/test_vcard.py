"""vCard import against real-world files (tests/fixtures/vcard) and vCard 4.0 export."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import Result

from helpers import FIXTURES
from relate.services.vcard import parse_birthday, read_cards

VCARDS = FIXTURES / "vcard"
ANY = object()


@dataclass(frozen=True)
class Expected:
    cards: int
    names: tuple[str, ...]
    email: object = None  # a string, a prefix ending in "*", ANY, or None for "no e-mail"
    birthday: str | None = None
    phone: str | None = None


# From EXPECTED.md beside the files.
EXPECTED = {
    "ezvcard-John_Doe_ANDROID.vcf": Expected(6, ("Ñ Ñ Ñ Ñ Ñ",), "john.doe@company.com"),
    "ezvcard-John_Doe_BLACK_BERRY.vcf": Expected(1, ("John Doe",), None, None, "+96123456789"),
    "ezvcard-John_Doe_EVOLUTION.vcf": Expected(
        1, ("Mr. John Richter, James Doe Sr.",), "john.*", "1980-03-22"
    ),
    "ezvcard-John_Doe_GMAIL.vcf": Expected(
        1, ("Mr. John Richter, James Doe Sr.",), "john.doe@ibm.com", "1980-03-22"
    ),
    "ezvcard-John_Doe_IPHONE.vcf": Expected(
        1, ("Mr. John Richter James Doe Sr.",), ANY, "2012-06-06", "905-555-1234"
    ),
    "ezvcard-John_Doe_LOTUS_NOTES.vcf": Expected(
        1, ("Mr. Doe John I Johny",), "john.doe@ibm.com", "1980-05-21"
    ),
    "ezvcard-John_Doe_MAC_ADDRESS_BOOK.vcf": Expected(
        1, ("Mr. John Richter,James Doe Sr.",), "john.doe@ibm.com", "2012-06-06"
    ),
    "ezvcard-John_Doe_MS_OUTLOOK.vcf": Expected(
        1, ("Mr. John Richter James Doe Sr.",), "john.doe@ibm.cm", "1980-03-22", "(905) 555-1234"
    ),
    "ezvcard-fullcontact.vcf": Expected(
        1, ("Prefix FirstName MiddleName LastName Suffix",), ANY, "2016-08-01"
    ),
    "ezvcard-gmail-list.vcf": Expected(
        3, ("Arnold Smith", "Chris Beatle", "Doug White"), "asmithk@gmail.com"
    ),
    "ezvcard-gmail-single.vcf": Expected(
        1, ("Greg Dartmouth",), "gdartmouth@hotmail.com", "1960-09-10"
    ),
    "ezvcard-gmail-single2.vcf": Expected(1, ("VCard Test",), "email@example.com", "1912-06-23"),
    "ezvcard-outlook-2003.vcf": Expected(1, ("John Doe III",), ANY, "1980-03-21"),
    "ezvcard-outlook-2007.vcf": Expected(1, ("Mr. Michael Angstadt Jr.",), ANY, "1922-03-10"),
    "ezvcard-rfc2426-example.vcf": Expected(
        2, ("Frank Dawson", "Tim Howes"), "Frank_Dawson@Lotus.com", None, "+1-919-676-9515"
    ),
    "ezvcard-rfc6350-example.vcf": Expected(
        1, ("Simon Perreault",), "simon.perreault@viagenie.ca", "--02-03", "+1-418-656-9254;ext=102"
    ),
    "ezvcard-thunderbird-MoreFunctionsForAddressBook-extension.vcf": Expected(
        1, ("John Doe",), ANY, "1970-09-21"
    ),
    "khard-korean-c.vcf": Expected(1, ("최유림",)),
    "khard-category.vcf": Expected(1, ("contact with category",), "foo@example.org"),
    "khard-contact1.vcf": Expected(
        1, ("second contact",), "user@example.com", "2018-01-20", "0123456789"
    ),
    "khard-org.vcf": Expected(1, ("ACME Inc.",)),
    "khard-text-bday.vcf": Expected(1, ("text birthday",)),
    "khard-altid.vcf": Expected(1, ("altid",)),
    "khard-labels.vcf": Expected(1, ("labeled guy",)),
    "khard-nickname.vcf": Expected(1, ("Michael Smith",), "ms@example.org"),
    "khard-tel-value-uri.vcf": Expected(1, ("bug 195",), None, None, "67545678"),
}
BROKEN = "khard-unparsable.vcf"


def contacts_of(relate: Callable[..., Result]) -> list[dict[str, object]]:
    result = relate("export", "contacts", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return list(json.loads(result.stdout))


def test_every_sample_file_has_an_expectation() -> None:
    on_disk = {
        path.name for pattern in ("ezvcard-*.vcf", "khard-*.vcf") for path in VCARDS.glob(pattern)
    }
    assert on_disk == set(EXPECTED) | {BROKEN}


@pytest.mark.parametrize("filename", sorted(EXPECTED))
def test_real_world_sample_imports(filename: str, relate: Callable[..., Result]) -> None:
    expected = EXPECTED[filename]
    result = relate("import", str(VCARDS / filename))
    assert result.exit_code == 0, result.stderr
    assert f"{expected.cards} added" in result.stderr
    contacts = contacts_of(relate)
    assert len(contacts) == expected.cards
    names = [c["name"] for c in contacts]
    for name in expected.names:
        assert name in names
    holder = next(c for c in contacts if c["name"] == expected.names[0])
    emails = holder["emails"]
    assert isinstance(emails, list)
    if expected.email is None:
        assert emails == []
    elif expected.email is ANY:
        assert emails
    elif str(expected.email).endswith("*"):
        assert str(emails[0]).startswith(str(expected.email)[:-1])
    else:
        assert expected.email in [e for c in contacts for e in c["emails"]]  # type: ignore[attr-defined]
    assert holder["birthday"] == expected.birthday
    if expected.phone:
        assert expected.phone in holder["phones"]  # type: ignore[operator]


def test_card_details_survive(relate: Callable[..., Result]) -> None:
    relate("import", str(VCARDS / "ezvcard-gmail-single.vcf"))
    relate("import", str(VCARDS / "khard-category.vcf"))
    relate("import", str(VCARDS / "khard-org.vcf"))
    by_name = {c["name"]: c for c in contacts_of(relate)}
    greg = by_name["Greg Dartmouth"]
    assert greg["aliases"] == ["Gman"]
    assert greg["org"] == "TheCompany"
    assert greg["role"] == "TheJobTitle"
    assert str(greg["notes"]).startswith("This is GMail's note field.\nIt should")
    assert by_name["contact with category"]["tags"] == ["bar"]
    assert by_name["ACME Inc."]["org"] == "ACME Inc."


def test_quoted_printable_names_are_decoded_and_nameless_cards_use_email(
    relate: Callable[..., Result],
) -> None:
    relate("import", str(VCARDS / "ezvcard-John_Doe_ANDROID.vcf"))
    names = [c["name"] for c in contacts_of(relate)]
    assert names[:2] == ["john.doe@company.com", "jane.doe@company.com"]
    assert "Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ" in names  # folded over two quoted-printable lines


def test_text_birthday_is_skipped_with_a_warning(relate: Callable[..., Result]) -> None:
    result = relate("import", str(VCARDS / "khard-text-bday.vcf"))
    assert result.exit_code == 0
    assert "khard-text-bday.vcf:1: birthday 'circa 1800' is not a date" in result.stderr
    assert contacts_of(relate)[0]["birthday"] is None


def test_broken_file_names_file_and_line_and_writes_nothing(
    relate: Callable[..., Result],
) -> None:
    relate("add", "Already Here")
    before = relate("export", "contacts").stdout
    result = relate("import", str(VCARDS / BROKEN))
    assert result.exit_code == 1
    assert f"{BROKEN}:1: card has no END:VCARD" in result.stderr
    assert relate("export", "contacts").stdout == before


def test_a_bad_card_after_good_ones_rolls_everything_back(
    tmp_path: Path, relate: Callable[..., Result]
) -> None:
    path = tmp_path / "three.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:One\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Two\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Three\nthis line is junk\nEND:VCARD\n"
    )
    result = relate("import", str(path))
    assert result.exit_code == 1
    assert f"{path}:9: cannot read this vCard" in result.stderr
    assert contacts_of(relate) == []


def test_card_without_any_name_uses_its_first_phone(
    tmp_path: Path, relate: Callable[..., Result]
) -> None:
    path = tmp_path / "phone.vcf"
    path.write_bytes(b"BEGIN:VCARD\r\r\nVERSION:2.1\r\r\nTEL;CELL:+1 555 0100\r\r\nEND:VCARD\r\r\n")
    assert relate("import", str(path)).exit_code == 0
    assert contacts_of(relate)[0]["name"] == "+1 555 0100"


def test_cr_cr_lf_qp_soft_breaks_and_photos_are_read() -> None:
    text = (
        b"BEGIN:VCARD\r\r\nVERSION:2.1\r\r\n"
        b"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen=\r\r\n =20M=C3=BCller\r\r\n"
        b"PHOTO;ENCODING=BASE64;JPEG:/9j/4AAQ\r\r\nAAAAAAAA\r\r\n\r\r\n"
        b"NOTE;ENCODING=QUOTED-PRINTABLE:one=0D=0Atwo, three\r\r\n"
        b"END:VCARD\r\r\n"
    )
    [card] = list(read_cards(io.BytesIO(text), "x.vcf"))
    assert card.name == "J\u00fcrgen  M\u00fcller"
    assert card.notes == "one\ntwo, three"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("1980-03-22", "1980-03-22"),
        ("19800322", "1980-03-22"),
        ("1980-03-22T00:00:00Z", "1980-03-22"),
        ("--0203", "--02-03"),
        ("--02-29", "--02-29"),
        ("circa 1800", None),
        ("1981-02-29", None),
    ],
)
def test_birthday_forms(text: str, iso: str | None) -> None:
    found = parse_birthday(text)
    assert (found.iso() if found else None) == iso


def test_vcard_export_is_4_0_and_reads_back(relate: Callable[..., Result]) -> None:
    import vobject

    relate(
        "add",
        "Ann, the First",
        "--email",
        "ann@acme.com",
        "--phone",
        "+49 30 1234",
        "--org",
        "Acme",
        "--role",
        "CTO",
        "--birthday",
        "03-14",
        "--tag",
        "vip",
        "--tag",
        "client",
        "--alias",
        "Annie",
        "--note",
        "likes tea\nand cake",
    )
    relate("add", "Bob", "--birthday", "1980-01-31")
    result = relate("export", "contacts", "--format", "vcard")
    assert result.exit_code == 0
    assert b"\r\n" in result.stdout_bytes  # CRLF as RFC 6350 says
    cards = list(vobject.readComponents(result.stdout))
    assert [card.version.value for card in cards] == ["4.0", "4.0"]
    ann, bob = cards
    assert ann.fn.value == "Ann, the First"
    assert ann.email.value == "ann@acme.com"
    assert ann.tel.value == "+49 30 1234"
    assert ann.org.value == ["Acme"]
    assert ann.title.value == "CTO"
    assert ann.bday.value == "--0314"
    assert ann.categories.value == ["client", "vip"]
    assert ann.nickname.value == "Annie"
    assert ann.note.value == "likes tea\nand cake"
    assert bob.bday.value == "19800131"


def test_vcard_export_imports_back_the_same(relate: Callable[..., Result], tmp_path: Path) -> None:
    relate("add", "Ann", "--email", "ann@acme.com", "--birthday", "02-29", "--tag", "a;b")
    exported = relate("export", "contacts", "-f", "vcard", "-o", str(tmp_path / "a.vcf"))
    assert exported.exit_code == 0
    before = contacts_of(relate)
    relate("delete", "ann", "--yes")
    assert relate("import", str(tmp_path / "a.vcf")).exit_code == 0
    after = contacts_of(relate)
    assert [{**c, "id": 0} for c in after] == [{**c, "id": 0} for c in before]

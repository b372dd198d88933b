"""services/fields.py (how an address's text and a custom field are read and written)
and the contact services over them: writes, --where, the CSV and JSON forms."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relate.errors import AmbiguousError, RelateError
from relate.services import contacts, importing
from relate.services.contacts import ContactFilter, ContactInput
from relate.services.csv_layouts import detect
from relate.services.fields import (
    ADDRESS_PARTS,
    Address,
    address_from_object,
    address_key,
    address_line,
    address_record,
    address_text,
    field_key,
    parse_address,
    parse_assignment,
)
from relate.services.matching import ContactRef
from relate.storage.database import Database

NOW = datetime(2026, 11, 24, 9, 30).astimezone()


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        (
            "Main St 1, Springfield, 62701, USA",
            None,
            Address(
                None, street="Main St 1", locality="Springfield", postal_code="62701", country="USA"
            ),
        ),
        ("  Elm 2 ,Paris,,  ", "WORK", Address("work", street="Elm 2", locality="Paris")),
        (
            "street=Flat 2, 10 Main St; city=London; postcode=N1 1AA; country=UK",
            "billing",
            Address(
                "billing",
                street="Flat 2, 10 Main St",
                locality="London",
                postal_code="N1 1AA",
                country="UK",
            ),
        ),
        (
            "kind=home\npo_box=7\nextended=B\\;2\nstreet=a\\nb\nlocality=x\nregion=y\n"
            "postal_code=1\ncountry=z",
            None,
            Address("home", "7", "B;2", "a\nb", "x", "y", "1", "z"),
        ),
        (
            "zip=9; STATE=CA; town=X; pobox=1",
            None,
            Address(None, po_box="1", locality="X", region="CA", postal_code="9"),
        ),
        ("kind=work; street=x", "work", Address("work", street="x")),
    ],
)
def test_parse_address(text: str, kind: str | None, expected: Address) -> None:
    assert parse_address(text, kind) == expected


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("Main St 1, Springfield, USA", None, "has 3 parts between commas"),
        ("Flat 2, 10 Main St, London, N1, UK", None, "has 5 parts"),
        ("Main St 1", None, "has 1 part between"),
        ("street=a; floor=2", None, "unknown part 'floor'"),
        ("street=a; street=b", None, "names its street twice"),
        ("street=; city=", None, "is empty"),
        (",,,", None, "is empty"),
        ("street=a", "office", "unknown address kind"),
        ("kind=home; street=a", "work", "says kind=home, --address-kind says work"),
    ],
)
def test_parse_address_refuses_what_it_cannot_place(
    text: str, kind: str | None, message: str
) -> None:
    with pytest.raises(RelateError, match=message):
        parse_address(text, kind)


_part = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=10
).map(str.strip)
addresses = st.builds(
    Address,
    st.sampled_from([None, "home", "work", "billing"]),
    *([_part] * len(ADDRESS_PARTS)),
).filter(lambda address: any(address.parts()))


@given(addresses)
def test_address_text_reads_back_to_the_same_address(address: Address) -> None:
    assert parse_address(address_text(address)) == address
    assert address_from_object(address_record(address)) == address


def test_address_line_and_key() -> None:
    address = Address(
        "work", street="Nørregade 1\nBagbygning", locality="København K", country="Denmark"
    )
    assert address_line(address) == "Nørregade 1, Bagbygning, København K, Denmark"
    assert address_key(address) == "norregade 1, bagbygning, kobenhavn k, denmark"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tier=gold", ("tier", "gold")),
        (" Account Manager = Bob ", ("account-manager", "Bob")),
        ("a_b=x=y", ("a-b", "x=y")),
        ("n1=é", ("n1", "é")),
    ],
)
def test_parse_assignment(text: str, expected: tuple[str, str]) -> None:
    assert parse_assignment(text) == expected


@pytest.mark.parametrize("key", ["", "-", "tiér", "a.b", "x:y", "a--b"])
def test_field_key_is_letters_digits_and_dashes(key: str) -> None:
    with pytest.raises(RelateError):
        field_key(key)


def _add(db: Database, name: str, **given: object) -> ContactRef:
    return contacts.add_contact(db, ContactInput(name=name, **given), NOW)  # type: ignore[arg-type]


def _record(db: Database, ref: ContactRef) -> dict[str, object]:
    return contacts.get_details(db, ref).record


def test_addresses_and_fields_are_written_and_read(db: Database) -> None:
    work = Address("work", street="Main St 1", locality="Springfield")
    ann = _add(
        db,
        "Ann",
        addresses=[work, Address(None, street="MAIN ST 1", locality="springfield")],
        fields={"tier": "Göld"},
    )
    record = _record(db, ann)
    assert record["addresses"] == [address_record(work)]  # the same address once
    assert record["fields"] == {"tier": "Göld"}
    edit = ContactInput(
        addresses=[Address("billing", street="main st 1", locality="SPRINGFIELD")],
        fields={"tier": "silver", "region": "n"},
        unset_fields=["nothing"],
    )
    contacts.edit_contact(db, ann, edit, NOW)
    record = _record(db, ann)
    assert [a["kind"] for a in record["addresses"]] == ["billing"]  # type: ignore[union-attr, index]
    assert record["fields"] == {"region": "n", "tier": "silver"}


def test_remove_address_finds_one_or_refuses_with_both(db: Database) -> None:
    ann = _add(
        db,
        "Ann",
        addresses=[
            Address(None, street="Main St 1", locality="Paris"),
            Address(None, street="Main St 2", locality="Lyon"),
        ],
    )
    with pytest.raises(AmbiguousError, match="main st 1, paris; main st 2, lyon"):
        contacts.edit_contact(db, ann, ContactInput(remove_addresses=["main st"]), NOW)
    contacts.edit_contact(db, ann, ContactInput(remove_addresses=["Main St 2,  LYON"]), NOW)
    assert [a["locality"] for a in _record(db, ann)["addresses"]] == ["Paris"]  # type: ignore[union-attr, index]


def test_where_fields_filter_on_folded_values_with_other_filters(db: Database) -> None:
    _add(db, "Ann", fields={"tier": "Göld", "region": "north"}, tags=["client"])
    _add(db, "Bob", fields={"tier": "gold"})
    _add(db, "Cleo", fields={"tier": "gold", "region": "North"}, tags=["client"])

    def names(**where: object) -> list[str]:
        return [str(r["name"]) for r in contacts.iter_records(db, ContactFilter(**where))]  # type: ignore[arg-type]

    assert names(where_fields=(("tier", "GOLD"),)) == ["Ann", "Bob", "Cleo"]
    assert names(where_fields=(("tier", "gold"), ("region", "nörth"))) == ["Ann", "Cleo"]
    assert names(where_fields=(("tier", "gold"),), tag="client", sort="name", limit=1) == ["Ann"]
    assert names(where_fields=(("tier", "gold"),), by_id=True, sort=None) == ["Ann", "Bob", "Cleo"]
    assert contacts.field_keys(db) == ("region", "tier")


def test_csv_record_and_import_read_each_other(db: Database) -> None:
    ann = _add(
        db,
        "Ann",
        addresses=[Address("home", street="a;b", locality="x\\y")],
        fields={"tier": "gold"},
    )
    record = _record(db, ann)
    row = contacts.csv_record(record, ("region", "tier"))
    assert "fields" not in row
    assert row["field:region"] is None and row["field:tier"] == "gold"
    assert row["addresses"] == ["kind=home\nstreet=a\\;b\nlocality=x\\\\y"]
    # Read back as relate's CSV layout reads a row (the list cell as join_list wrote it).
    header = ["name", "addresses", "field:tier", "field:region"]
    layout = detect(header)
    assert layout is not None and layout.name == "relate"
    cells = ["Ann", "kind=home\nstreet=a\\\\\\;b\nlocality=x\\\\\\\\y", "gold", ""]
    incoming = importing.incoming_from_fields(layout.convert(cells), 2, NOW.date())
    assert incoming.data.addresses == [Address("home", street="a;b", locality="x\\y")]
    assert incoming.data.fields == {"tier": "gold"}


def test_json_import_checks_addresses_and_fields() -> None:
    today = NOW.date()
    good = importing.incoming_from_fields(
        {
            "name": "A",
            "addresses": [{"kind": "work", "street": "x"}, "Elm 1, Paris, 1, FR"],
            "fields": {"Tier": "gold"},
        },
        1,
        today,
    )
    assert [a.street for a in good.data.addresses] == ["x", "Elm 1"]
    assert good.data.fields == {"tier": "gold"}
    for bad, message in (
        ({"addresses": [{"floor": "2"}]}, "unknown part 'floor'"),
        ({"addresses": [{"street": 3}]}, "street must be text"),
        ({"addresses": [{"kind": "work"}]}, "every part is empty"),
        ({"addresses": 5}, "addresses must be"),
        ({"fields": ["x"]}, "fields must be an object"),
        ({"fields": {"tier": 3}}, "must be text"),
        ({"fields": {"tier": " "}}, "needs a value"),
    ):
        with pytest.raises(RelateError, match=message):
            importing.incoming_from_fields({"name": "A", **bad}, 1, today)

"""Round trip: export -> import into an empty database -> export gives the same bytes."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import Result

from helpers import fresh
from relate.dates import MonthDay, format_cadence
from relate.render.output import write_csv, write_json
from relate.services import contacts, exporting, important_dates, importing
from relate.services.fields import ADDRESS_PARTS, Address
from relate.storage.database import Database

NOW = datetime(2026, 11, 24, 9, 30).astimezone()

# Unicode text without surrogates or control characters (a unit separator inside a
# value is not something people type), plus the characters that stress CSV and
# relate's list joining: comma, quote, newline, ";" and backslash.
_chars = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x85\u2028\u2029")
text = st.text(st.one_of(_chars, st.sampled_from(',";\\\n')), max_size=12)
word = text.filter(lambda value: bool(value.strip()))
names = word.filter(lambda value: value.strip() == value)
birthdays = st.builds(
    lambda month, day, year: MonthDay(month, min(day, 28), year),
    st.integers(1, 12),
    st.integers(1, 31),
    st.one_of(st.none(), st.integers(1900, 2020)),
)
# Address parts and field values as stored: stripped (relate strips what it reads).
stored_text = text.map(str.strip)
addresses = st.builds(
    Address,
    st.sampled_from([None, "home", "work", "billing"]),
    *([stored_text] * len(ADDRESS_PARTS)),
).filter(lambda address: any(address.parts()))
custom_fields = st.dictionaries(
    st.from_regex(r"[a-z0-9]{1,4}(-[a-z0-9]{1,3})?", fullmatch=True),
    word.map(str.strip),
    max_size=3,
)
contact_inputs = st.builds(
    contacts.ContactInput,
    name=names,
    aliases=st.lists(word, max_size=2),
    emails=st.lists(word, max_size=2),
    phones=st.lists(word, max_size=2),
    tags=st.lists(word, max_size=3),
    org=st.one_of(st.none(), text),
    role=st.one_of(st.none(), text),
    relationship_type=st.one_of(st.none(), st.sampled_from(contacts.RELATIONSHIP_TYPES)),
    stage=st.one_of(st.none(), st.sampled_from(contacts.STAGES)),
    cadence_days=st.one_of(st.none(), st.sampled_from([1, 7, 14, 30, 91, 182, 365, 45])),
    priority=st.one_of(st.none(), st.integers(0, 2)),
    notes=st.one_of(st.none(), text),
    birthday=st.one_of(st.none(), birthdays),
    addresses=st.lists(addresses, max_size=2),
    fields=custom_fields,
)
people = st.lists(st.tuples(contact_inputs, st.booleans()), max_size=6)


def export(db: Database, fmt: str) -> str:
    out = io.StringIO(newline="")
    rows = exporting.iter_contacts(db)
    if fmt == "csv":
        keys = contacts.field_keys(db)
        write_csv((contacts.csv_record(row, keys) for row in rows), contacts.csv_columns(keys), out)
    else:
        write_json(rows, out)
    return out.getvalue()


def test_format_cadence_values_used_here_read_back() -> None:
    # The generator's cadences must be ones relate itself writes.
    assert [format_cadence(d) for d in (45, 14)] == ["every 45 days", "every 2 weeks"]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "json"])
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=people)
def test_export_import_export_is_byte_identical(
    fmt: str,
    data: list[tuple[contacts.ContactInput, bool]],
    template_db: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = tmp_path_factory.mktemp("roundtrip")
    with fresh(template_db, folder, "a.db") as first, fresh(template_db, folder, "b.db") as second:
        with first.transaction() as conn:
            for person, archived in data:
                contact_id = contacts.insert_contact(conn, person, NOW)
                if archived:
                    conn.execute(
                        contacts.SET_ARCHIVED, {"id": contact_id, "archive": True, "now": "x"}
                    )
        exported = export(first, fmt)
        # "new": two generated people may share a name or an e-mail; the round trip must
        # keep both (with the default "skip" the second would be a duplicate).
        summary = importing.import_text(
            second, exported, where=f"x.{fmt}", fmt=fmt, policy="new", dry_run=False, now=NOW
        )
        assert summary.added == len(data)
        assert export(second, fmt) == exported


once_dates = st.builds(
    lambda label, month, day, year, lead, once: (
        label,
        MonthDay(month, min(day, 28), year if once or year % 3 else None),
        lead,
        once and label != "anniversary",
    ),
    st.sampled_from(["contract renewal", "Kick-off", "anniversary", "Renewal"]),
    st.integers(1, 12),
    st.integers(1, 31),
    st.integers(1990, 2030),
    st.integers(0, 366),
    st.booleans(),
)
dated_people = st.lists(
    st.tuples(names, st.one_of(st.none(), birthdays), st.lists(once_dates, max_size=3)),
    max_size=5,
)


@pytest.mark.slow
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=dated_people)
def test_dates_export_import_export_is_byte_identical(
    data: list[tuple[str, MonthDay | None, list[tuple[str, MonthDay, int, bool]]]],
    template_db: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # Yearly and one-time dates (#14) through relate's own JSON: contacts first, then
    # dates, into an empty database; people may share a name (the ids tell them apart).
    folder = tmp_path_factory.mktemp("roundtrip")
    with fresh(template_db, folder, "a.db") as first, fresh(template_db, folder, "b.db") as second:
        with first.transaction() as conn:
            ids = [
                contacts.insert_contact(conn, contacts.ContactInput(name=n, birthday=b), NOW)
                for n, b, _dates in data
            ]
            for contact_id, (_name, _birthday, extra) in zip(ids, data, strict=True):
                for label, when, lead, once in extra:
                    important_dates.upsert_date(conn, contact_id, label, when, NOW, lead, once)

        def dates(db: Database) -> str:
            out = io.StringIO(newline="")
            write_json(exporting.iter_dates(db), out)
            return out.getvalue()

        exported = dates(first)
        for text in (export(first, "json"), exported):
            importing.import_text(
                second, text, where="x.json", fmt="json", policy="new", dry_run=False, now=NOW
            )
        assert dates(second) == exported


def test_round_trip_with_default_policy_through_the_cli(
    tmp_path: Path, relate: Callable[..., Result]
) -> None:
    # From the test's database (a file or a server) into a new file: the same bytes.
    run = relate
    run(
        "add",
        'Ann, "A"',
        "--email",
        "a@x.org",
        "--tag",
        "x;y",
        "--birthday",
        "02-29",
        "--address",
        "street=1 A\\;B\\nC; city=Köln; postcode=5; country=DE",
        "--address-kind",
        "work",
        "--set",
        'tier=gold; "A"',
    )
    run("add", "Bob", "--note", "line one\nline two", "--stage", "commitment", "--every", "weekly")
    run("archive", "bob")
    run("edit", "bob", "--set", "x=1", "--address", "Elm 2, Paris, 75001, France")
    # Dates beyond the birthday, one of them one-time (#14), come back through the
    # dates export in JSON: yearly or once, lead time and all.
    run("date", "bob", "anniversary", "2019-06-01", "--lead", "14")
    run("date", "ann", "contract renewal", "jan 31", "--once", "--lead", "30")
    dates = run("export", "dates", "--format", "json").stdout_bytes
    assert b'"once": true' in dates and b'"once": false' in dates
    for fmt in ("csv", "json", "vcard"):
        first = run("export", "contacts", "--format", fmt).stdout_bytes
        target = tmp_path / f"empty-{fmt}.db"  # import starts it
        (tmp_path / f"c.{fmt}").write_bytes(first)
        imported = run("--db", str(target), "import", "-f", fmt, str(tmp_path / f"c.{fmt}"))
        assert imported.exit_code == 0, imported.stderr
        again = run("--db", str(target), "export", "contacts", "--format", fmt).stdout_bytes
        assert again == first
        (tmp_path / "d.json").write_bytes(dates)
        imported = run("--db", str(target), "import", str(tmp_path / "d.json"))
        assert imported.exit_code == 0, imported.stderr
        assert "2 added, 0 updated, 1 skipped" in imported.stderr  # Ann's birthday came with her
        again = run("--db", str(target), "export", "dates", "--format", "json").stdout_bytes
        assert again == dates

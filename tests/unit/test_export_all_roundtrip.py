"""`export all` round trip: a database filled through the services, exported whole,
imported into an empty database and exported again gives the same bytes (#14 export
everything, import it back)."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import fresh
from relate.dates import MonthDay
from relate.render.output import write_document
from relate.services import (
    concerns,
    contacts,
    engagements,
    everything,
    important_dates,
    importing,
    interactions,
    practice,
    reminders,
)
from relate.services.fields import ADDRESS_PARTS, Address
from relate.services.matching import ContactRef
from relate.storage.database import Database

NOW = datetime(2026, 11, 24, 9, 30).astimezone()

_chars = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x85\u2028\u2029")
text = st.text(st.one_of(_chars, st.sampled_from(',";\\\n{}[]')), max_size=10)
word = text.filter(lambda value: bool(value.strip()))
names = word.filter(lambda value: value.strip() == value)
addresses = st.builds(
    Address,
    st.sampled_from([None, "home", "work", "billing"]),
    *([text.map(str.strip)] * len(ADDRESS_PARTS)),
).filter(lambda address: any(address.parts()))
people = st.lists(
    st.builds(
        contacts.ContactInput,
        name=names,
        aliases=st.lists(word, max_size=2),
        emails=st.lists(word, max_size=2),
        phones=st.lists(word, max_size=1),
        tags=st.lists(word, max_size=2),
        org=st.one_of(st.none(), st.sampled_from(["Acme", "Globex", "Ünïcode Ltd"])),
        role=st.one_of(st.none(), text),
        stage=st.one_of(st.none(), st.sampled_from(contacts.STAGES)),
        cadence_days=st.one_of(st.none(), st.sampled_from([7, 30, 91])),
        priority=st.one_of(st.none(), st.integers(0, 2)),
        notes=st.one_of(st.none(), text),
        birthday=st.one_of(
            st.none(), st.builds(MonthDay, st.integers(1, 12), st.integers(1, 28), st.none())
        ),
        addresses=st.lists(addresses, max_size=2),
        fields=st.dictionaries(
            st.from_regex(r"[a-z]{1,4}", fullmatch=True), word.map(str.strip), max_size=2
        ),
    ),
    min_size=1,
    max_size=5,
)
# What happens to the contacts afterwards: (kind, which contact, another, a number, text).
events = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "refer",
                "renote",
                "stage",
                "log",
                "remind",
                "date",
                "engage",
                "concern",
                "feedback",
                "gift",
                "archive",
            ]
        ),
        st.integers(0, 9),
        st.integers(0, 9),
        st.integers(0, 10),
        text,
    ),
    max_size=14,
)


def export_all(db: Database) -> str:
    out = io.StringIO(newline="")
    write_document(everything.header(), everything.tables(db), out)
    return out.getvalue()


def _apply(db: Database, ids: list[int], event: tuple[str, int, int, int, str]) -> None:
    kind, one, other, number, words = event
    who = ids[one % len(ids)]
    ref = ContactRef(who, "x")
    when = NOW - timedelta(days=number)
    label = words.strip() or "a text"
    if kind == "refer":
        with db.transaction() as conn:
            data = contacts.ContactInput(referred_by_id=ids[other % len(ids)])
            contacts.update_contact(conn, who, data, NOW, by="me")
    elif kind == "renote":
        with db.transaction() as conn:
            contacts.update_contact(conn, who, contacts.ContactInput(notes=words), when, by="me")
    elif kind == "stage":
        with db.transaction() as conn:
            stage = contacts.STAGES[number % len(contacts.STAGES)]
            contacts.update_contact(conn, who, contacts.ContactInput(stage=stage), when)
    elif kind == "log":
        people = [ContactRef(i, "x") for i in sorted({who, ids[other % len(ids)]})]
        interactions.log_interaction(
            db,
            people,
            words,
            kind=("call", "email", "note")[number % 3],
            when=when,
            now=NOW,
            tags=[label, "sales"] if number % 2 else None,
            follow_up=NOW + timedelta(days=3) if number % 3 == 0 else None,
            logged_by="me",
        )
    elif kind == "remind":
        rule = "FREQ=MONTHLY" if number % 2 == 0 else None
        contact: int | None = who if number % 3 else None
        reminder = reminders.add_reminder(
            db, contact_id=contact, text=label, due=when, all_day=True, rrule=rule, now=NOW
        )
        if number % 4 == 0:
            reminders.complete(db, reminder, NOW, early=True)
    elif kind == "date":
        with db.transaction() as conn:
            day = MonthDay(1 + number % 12, 1 + other, 2027 if number % 2 else None)
            important_dates.upsert_date(
                conn, who, label, day, NOW, lead_days=number, once=bool(number % 2)
            )
    elif kind == "engage":
        engagement = engagements.start_engagement(
            db, ref, label, NOW, value=str(number * 100), currency="EUR", due=date(2026, 12, 1)
        )
        engagements.edit_engagement(db, engagement, NOW, by="me", value="99.50", note=label)
        if number % 2:
            engagements.close_engagement(
                db, engagement, number, date(2026, 11, 30), now=NOW, by="me", follow_up=True
            )
    elif kind == "concern":
        concern = concerns.open_concern(db, ref, label, when, severity=number % 3)
        concerns.escalate_concern(db, concern, NOW, by="me", to=words or None, note=words or None)
        if number % 2:
            concerns.resolve_concern(db, concern, label, NOW, cause=words, prevent=None)
    elif kind == "feedback":
        practice.add_feedback(db, ref, number, when.date(), words)
    elif kind == "gift":
        given = when if number % 2 else None
        practice.add_gift(db, ref, label, NOW, given=given, occasion=words or None)
    elif kind == "archive":
        contacts.set_archived(db, ref, True, NOW)


@pytest.mark.slow
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=people, happenings=events)
def test_export_import_export_of_everything_is_byte_identical(
    data: list[contacts.ContactInput],
    happenings: list[tuple[str, int, int, int, str]],
    template_db: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = tmp_path_factory.mktemp("everything")
    with fresh(template_db, folder, "a.db") as first, fresh(template_db, folder, "b.db") as second:
        with first.transaction() as conn:
            ids = [contacts.insert_contact(conn, person, NOW) for person in data]
        for event in happenings:
            _apply(first, ids, event)
        exported = export_all(first)
        loaded = importing.import_file(
            second, Path("x.json"), fmt=None, raw=exported.encode(), dry_run=False, now=NOW
        )
        assert isinstance(loaded, everything.Loaded)
        assert export_all(second) == exported
        assert sum(loaded.rows.values()) == exported.count('\n      {"')

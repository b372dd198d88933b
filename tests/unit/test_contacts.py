"""The contacts service without the CLI."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from relate.dates import MonthDay
from relate.services import interactions
from relate.services.contacts import (
    ContactFilter,
    ContactInput,
    add_contact,
    delete_contact,
    edit_contact,
    get_details,
    iter_records,
    set_archived,
)
from relate.services.matching import resolve_contact
from relate.storage.database import Database


def test_add_then_read_back_every_field(db: Database, now: datetime) -> None:
    ref = add_contact(
        db,
        ContactInput(
            name="  Søren Kierkegaard ",
            aliases=["SK"],
            emails=["s@k.dk", "S@K.dk"],
            phones=["+45 1234"],
            tags=["philosopher", "Philosopher"],
            org="Regine & Co",
            role="Author",
            relationship_type="long-term",
            stage="commitment",
            cadence_days=30,
            priority=2,
            notes="Walks",
            birthday=MonthDay(5, 5, 1813),
        ),
        now,
    )
    record = get_details(db, ref).record
    assert record["name"] == "Søren Kierkegaard"
    assert record["emails"] == ["s@k.dk"]  # the same address twice is kept once
    assert record["tags"] == ["philosopher"]
    assert (record["org"], record["cadence"], record["priority"]) == (
        "Regine & Co",
        "monthly",
        "high",
    )
    assert record["birthday"] == "1813-05-05"


def test_edit_keeps_what_is_not_mentioned(db: Database, now: datetime) -> None:
    ref = add_contact(db, ContactInput(name="Ann", org="Acme", cadence_days=7, notes="x"), now)
    edit_contact(db, ref, ContactInput(role="CTO"), now)
    record = get_details(db, ref).record
    assert (record["org"], record["cadence"], record["notes"], record["role"]) == (
        "Acme",
        "weekly",
        "x",
        "CTO",
    )


def test_changing_the_cadence_moves_the_next_due_day(db: Database, now: datetime) -> None:
    created = now - timedelta(days=10)
    ref = add_contact(db, ContactInput(name="Ann", cadence_days=30), created)
    due = db.execute("SELECT next_due_on FROM contact WHERE id = :id", {"id": ref.id}).fetchone()
    assert due[0] == (created.date() + timedelta(days=30)).isoformat()
    edit_contact(db, ref, ContactInput(cadence_days=7), now)
    due = db.execute("SELECT next_due_on FROM contact WHERE id = :id", {"id": ref.id}).fetchone()
    assert due[0] == (created.date() + timedelta(days=7)).isoformat()
    edit_contact(db, ref, ContactInput(clear_cadence=True), now)
    assert get_details(db, ref).record["cadence"] is None


def test_delete_keeps_shared_interactions_and_drops_sole_ones(db: Database, now: datetime) -> None:
    ann = add_contact(db, ContactInput(name="Ann"), now)
    bob = add_contact(db, ContactInput(name="Bob"), now)
    interactions.log_interaction(db, [ann], "alone", kind="call", when=now, now=now)
    interactions.log_interaction(db, [ann, bob], "together", kind="meeting", when=now, now=now)
    delete_contact(db, ann)
    texts = [r[0] for r in db.execute("SELECT text FROM interaction ORDER BY id")]
    assert texts == ["together"]
    assert resolve_contact(db, "bob").id == bob.id


def test_archived_contacts_are_listed_only_on_request(db: Database, now: datetime) -> None:
    ann = add_contact(db, ContactInput(name="Ann", tags=["client"]), now)
    add_contact(db, ContactInput(name="Bob", tags=["client"]), now)
    set_archived(db, ann, True, now)
    assert [r["name"] for r in iter_records(db, ContactFilter(tag="client"))] == ["Bob"]
    everyone = iter_records(db, ContactFilter(tag="client", include_archived=True))
    assert [(r["name"], r["archived"]) for r in everyone] == [("Ann", True), ("Bob", False)]


def test_logging_updates_last_contact_in_the_same_write(db: Database, now: datetime) -> None:
    ref = add_contact(db, ContactInput(name="Ann", cadence_days=14), now - timedelta(days=40))
    when = now - timedelta(days=3)
    interactions.log_interaction(db, [ref], "call", kind="call", when=when, now=now)
    row = db.execute(
        "SELECT last_contact_at, next_due_on FROM contact WHERE id = :id", {"id": ref.id}
    ).fetchone()
    assert date.fromisoformat(row[1]) == when.date() + timedelta(days=14)
    assert get_details(db, ref).last_contact == when.date()

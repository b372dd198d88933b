"""Engagements as a ledger and the history of notes, on the domain layer with a fixed
today: what edit records, the agenda's window for due dates, closing's follow-up, and
when and by whom each earlier note was written."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from relate.errors import NotFoundError, RelateError, UsageError
from relate.services import engagements
from relate.services.agenda import ENGAGEMENTS, build_agenda
from relate.services.contacts import ContactInput, add_contact, edit_contact, note_history
from relate.storage.database import Database

TODAY = date(2026, 11, 24)


def moment(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour)).astimezone()


def test_edit_writes_one_entry_per_change_and_overwrites_nothing(db: Database) -> None:
    ann = add_contact(db, ContactInput(name="Ann"), moment(TODAY))
    number = engagements.start_engagement(
        db, ann, "Redesign", moment(TODAY), value="4500", currency="eur"
    )
    edited = engagements.edit_engagement(
        db, number, moment(TODAY), by="sam", value="4,500.00", currency="EUR", note="Kick-off"
    )
    assert [(c.field, c.old, c.new) for c in edited.changes] == [("note", None, "Kick-off")]
    edited = engagements.edit_engagement(
        db,
        number,
        moment(TODAY + timedelta(days=1)),
        by="kim",
        title="Redesign and shop",
        value="5200",
        currency="usd",
        due=date(2026, 12, 4),
    )
    assert [(c.field, c.old, c.new) for c in edited.changes] == [
        ("title", "Redesign", "Redesign and shop"),
        ("value", "4500.00", "5200.00"),
        ("currency", "EUR", "USD"),
        ("due", None, "2026-12-04"),
    ]
    assert (edited.engagement.value_cents, edited.engagement.due_on) == (520000, date(2026, 12, 4))
    card = engagements.show_engagement(db, number)
    assert [(e.field, e.by) for e in card.history] == [
        ("note", "sam"),
        ("title", "kim"),
        ("value", "kim"),
        ("currency", "kim"),
        ("due", "kim"),
    ]
    assert card.history[1].at == moment(TODAY + timedelta(days=1))
    cleared = engagements.edit_engagement(db, number, moment(TODAY), clear_due=True)
    assert [(c.field, c.old, c.new) for c in cleared.changes] == [("due", "2026-12-04", None)]


def test_edit_refuses_what_it_cannot_record(db: Database) -> None:
    ann = add_contact(db, ContactInput(name="Ann"), moment(TODAY))
    number = engagements.start_engagement(db, ann, "Redesign", moment(TODAY))
    with pytest.raises(UsageError):
        engagements.edit_engagement(db, number, moment(TODAY))
    with pytest.raises(UsageError):
        engagements.edit_engagement(db, number, moment(TODAY), due=TODAY, clear_due=True)
    for bad in ({"title": " "}, {"note": ""}, {"value": "much"}):
        with pytest.raises(RelateError):
            engagements.edit_engagement(db, number, moment(TODAY), **bad)  # type: ignore[arg-type]
    with pytest.raises(NotFoundError):
        engagements.edit_engagement(db, number + 1, moment(TODAY), note="x")
    assert engagements.show_engagement(db, number).history == []


@pytest.mark.parametrize(
    ("due_in", "days", "shown"),
    [(7, 1, True), (8, 1, False), (0, 1, True), (-30, 1, True), (8, 10, True), (10, 10, False)],
)
def test_the_agenda_shows_an_open_engagement_a_week_before_it_is_due(
    db: Database, due_in: int, days: int, shown: bool
) -> None:
    ann = add_contact(db, ContactInput(name="Ann"), moment(TODAY))
    due = TODAY + timedelta(days=due_in)
    engagements.start_engagement(db, ann, "Redesign", moment(TODAY), due=due)
    items = build_agenda(db, TODAY, days=days).sections[ENGAGEMENTS]
    assert [(i.kind, i.due, i.overdue_days, i.text) for i in items] == (
        [("engagement", due, -due_in, "Redesign")] if shown else []
    )


def test_a_closed_engagement_leaves_the_agenda_and_sets_a_follow_up(db: Database) -> None:
    ann = add_contact(db, ContactInput(name="Ann"), moment(TODAY))
    number = engagements.start_engagement(db, ann, "Redesign", moment(TODAY), due=TODAY)
    closed = engagements.close_engagement(
        db, number, 9, TODAY, now=moment(TODAY), by="sam", follow_up=True
    )
    assert closed.follow_up_due is not None
    assert closed.follow_up_due.date() == TODAY + timedelta(days=14)
    assert build_agenda(db, TODAY).sections[ENGAGEMENTS] == []
    due = build_agenda(db, TODAY + timedelta(days=14)).sections["due"]
    assert [(i.kind, i.text) for i in due] == [("follow-up", engagements.REFERRAL_TEXT)]
    # Closed with an end day in the future, the follow-up counts from that day.
    later = engagements.start_engagement(db, ann, "Audit", moment(TODAY))
    closed = engagements.close_engagement(
        db, later, 8, TODAY + timedelta(days=3), now=moment(TODAY), follow_up=True
    )
    assert closed.follow_up_due is not None
    assert closed.follow_up_due.date() == TODAY + timedelta(days=17)


def test_each_earlier_note_says_when_and_by_whom_it_was_written(db: Database) -> None:
    ann = add_contact(db, ContactInput(name="Ann", notes="first"), moment(TODAY))
    edit_contact(db, ann, ContactInput(notes="second"), moment(TODAY), "kim")
    edit_contact(db, ann, ContactInput(notes=""), moment(TODAY + timedelta(days=1)), "sam")
    edit_contact(db, ann, ContactInput(notes="third"), moment(TODAY + timedelta(days=2)), "lee")
    edit_contact(db, ann, ContactInput(notes="fourth"), moment(TODAY + timedelta(days=3)), "kim")
    history = note_history(db, ann.id)
    # The empty text in between is no note, but the change that wrote "third" is known.
    assert [(n.notes, n.written_by, n.replaced_by) for n in history] == [
        ("third", "lee", "kim"),
        ("second", "kim", "sam"),
        ("first", None, "kim"),
    ]
    assert history[0].written_at == moment(TODAY + timedelta(days=2))
    assert history[-1].written_at is None
    assert note_history(db, add_contact(db, ContactInput(name="Bob"), moment(TODAY)).id) == []

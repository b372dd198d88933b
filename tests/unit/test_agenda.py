"""The agenda's ranking and windows, on the domain layer with a fixed today; the
sentences are render's, made from the facts the items carry."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from relate.dates import MonthDay
from relate.render.agenda import item_text
from relate.services import concerns, important_dates, interactions, reminders
from relate.services.agenda import (
    CADENCE,
    CONCERNS,
    DATES,
    DUE,
    ENGAGEMENTS,
    LOSING_TOUCH,
    OVERDUE,
    Neglect,
    Occasion,
    build_agenda,
)
from relate.services.contacts import ContactInput, add_contact, set_archived
from relate.storage.database import Database

TODAY = date(2026, 11, 24)


def moment(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour)).astimezone()


def test_cadence_ranks_by_lateness_relative_to_the_cadence(db: Database) -> None:
    # Both are 20 days past their cadence; the weekly one is far more neglected.
    weekly = add_contact(db, ContactInput(name="Weekly", cadence_days=7), moment(TODAY))
    yearly = add_contact(db, ContactInput(name="Yearly", cadence_days=365), moment(TODAY))
    for ref, cadence in ((weekly, 7), (yearly, 365)):
        last = TODAY - timedelta(days=cadence + 20)
        interactions.log_interaction(
            db, [ref], "hi", kind="call", when=moment(last), now=moment(last)
        )
    items = build_agenda(db, TODAY).sections[CADENCE]
    assert [(i.contact, i.overdue_days) for i in items] == [("Weekly", 20), ("Yearly", 20)]


def test_equal_lateness_is_broken_by_priority(db: Database) -> None:
    created = moment(TODAY - timedelta(days=10))
    add_contact(db, ContactInput(name="Normal", cadence_days=7), created)
    add_contact(db, ContactInput(name="Important", cadence_days=7, priority=2), created)
    items = build_agenda(db, TODAY).sections[CADENCE]
    assert [i.contact for i in items] == ["Important", "Normal"]


def test_never_contacted_counts_from_when_they_were_added(db: Database) -> None:
    add_contact(db, ContactInput(name="New", cadence_days=7), moment(TODAY - timedelta(days=6)))
    assert build_agenda(db, TODAY).sections[CADENCE] == []
    later = TODAY + timedelta(days=1)
    items = build_agenda(db, later).sections[CADENCE]
    assert [(i.contact, i.neglect) for i in items] == [("New", Neglect(7, 7, False))]
    assert [item_text(i, later) for i in items] == ["Never contacted; added 7 days ago (weekly)"]


def test_a_back_dated_log_does_not_undo_a_newer_one(db: Database) -> None:
    ref = add_contact(db, ContactInput(name="Ann", cadence_days=7), moment(TODAY))
    interactions.log_interaction(
        db, [ref], "new", kind="call", when=moment(TODAY), now=moment(TODAY)
    )
    old = TODAY - timedelta(days=30)
    interactions.log_interaction(db, [ref], "old", kind="call", when=moment(old), now=moment(TODAY))
    assert build_agenda(db, TODAY + timedelta(days=6)).sections[CADENCE] == []


def test_archiving_hides_cadence_and_dates_but_not_what_was_set_explicitly(
    db: Database,
) -> None:
    ref = add_contact(
        db,
        ContactInput(name="Gone", cadence_days=7, birthday=MonthDay(11, 25, 1980)),
        moment(TODAY - timedelta(days=30)),
    )
    reminders.add_reminder(
        db,
        contact_id=ref.id,
        text="Revisit",
        due=moment(TODAY),
        all_day=True,
        rrule=None,
        now=moment(TODAY),
    )
    concerns.open_concern(db, ref, "Refund", moment(TODAY))
    sections = {CADENCE, DATES, DUE, CONCERNS}
    assert {name for name, items in build_agenda(db, TODAY).sections.items() if items} == sections
    still = set_archived(db, ref, True, moment(TODAY))
    assert (still.reminders, still.concerns) == (1, 1)
    agenda = build_agenda(db, TODAY)
    assert {name for name, items in agenda.sections.items() if items} == {DUE, CONCERNS}
    assert agenda.totals == {
        OVERDUE: 0,
        DUE: 1,
        ENGAGEMENTS: 0,
        CONCERNS: 1,
        DATES: 0,
        CADENCE: 0,
        LOSING_TOUCH: 0,
    }


def test_dates_show_within_their_lead_time_only(db: Database) -> None:
    ref = add_contact(db, ContactInput(name="Ann"), moment(TODAY))
    important_dates.set_date(db, ref, "birthday", MonthDay(12, 4, 1985), moment(TODAY), 10)
    important_dates.set_date(db, ref, "contract renewal", MonthDay(12, 24, 2025), moment(TODAY), 30)
    important_dates.set_date(db, ref, "anniversary", MonthDay(12, 31, 2020), moment(TODAY), 3)
    items = build_agenda(db, TODAY).sections[DATES]
    assert [i.occasion for i in items] == [
        Occasion("birthday", "birthday", 41),
        Occasion("custom", "contract renewal", 1),
    ]
    assert [item_text(i, TODAY) for i in items] == [
        "Ann turns 41 on Fri 4 Dec: gift?",
        "1 year since contract renewal with Ann on Thu 24 Dec",
    ]
    dec_28 = [
        item_text(i, date(2026, 12, 28))
        for i in build_agenda(db, date(2026, 12, 28)).sections[DATES]
    ]
    assert dec_28 == ["6 years since anniversary with Ann on Thu 31 Dec"]


def test_dates_window_crosses_the_new_year(db: Database) -> None:
    ref = add_contact(db, ContactInput(name="Ann"), moment(TODAY))
    important_dates.set_date(db, ref, "birthday", MonthDay(1, 2, None), moment(TODAY))
    items = build_agenda(db, date(2026, 12, 29)).sections[DATES]
    assert [(i.due, i.overdue_days, item_text(i, date(2026, 12, 29))) for i in items] == [
        (date(2027, 1, 2), -4, "Ann's birthday on Sat 2 Jan 2027: gift?")
    ]


def test_29_february_birthdays_fall_on_28_february_in_common_years(db: Database) -> None:
    ref = add_contact(db, ContactInput(name="Leap"), moment(TODAY))
    important_dates.set_date(db, ref, "birthday", MonthDay(2, 29, 2000), moment(TODAY), 0)
    on_the_day = build_agenda(db, date(2027, 2, 28)).sections[DATES]
    assert [(i.due, item_text(i, date(2027, 2, 28))) for i in on_the_day] == [
        (date(2027, 2, 28), "Leap turns 27 today: gift?")
    ]
    leap_year = build_agenda(db, date(2028, 2, 29)).sections[DATES]
    assert [(i.due, item_text(i, date(2028, 2, 29))) for i in leap_year] == [
        (date(2028, 2, 29), "Leap turns 28 today: gift?")
    ]
    assert build_agenda(db, date(2028, 2, 28)).sections[DATES] == []


def test_overdue_oldest_first_and_due_today_separate(db: Database) -> None:
    for days_ago, text in ((1, "yesterday"), (5, "last week"), (0, "today")):
        reminders.add_reminder(
            db,
            contact_id=None,
            text=text,
            due=moment(TODAY - timedelta(days=days_ago), 0),
            all_day=True,
            rrule=None,
            now=moment(TODAY),
        )
    agenda = build_agenda(db, TODAY)
    assert [i.text for i in agenda.sections[OVERDUE]] == ["last week", "yesterday"]
    assert [i.overdue_days for i in agenda.sections[OVERDUE]] == [5, 1]
    assert [i.text for i in agenda.sections[DUE]] == ["today"]


def test_sections_are_capped_with_a_count_of_the_rest(db: Database) -> None:
    for n in range(15):
        add_contact(
            db, ContactInput(name=f"P{n:02}", cadence_days=7), moment(TODAY - timedelta(days=8 + n))
        )
    agenda = build_agenda(db, TODAY, limit=10)
    assert len(agenda.sections[CADENCE]) == 10
    assert agenda.totals[CADENCE] == 15
    assert agenda.hidden(CADENCE) == 5
    assert agenda.sections[CADENCE][0].contact == "P14"  # the longest neglected
    assert len(build_agenda(db, TODAY, limit=None).sections[CADENCE]) == 15


def test_days_widens_the_due_window(db: Database) -> None:
    reminders.add_reminder(
        db,
        contact_id=None,
        text="in three days",
        due=moment(TODAY + timedelta(days=3), 0),
        all_day=True,
        rrule=None,
        now=moment(TODAY),
    )
    assert build_agenda(db, TODAY).sections[DUE] == []
    items = build_agenda(db, TODAY, days=4).sections[DUE]
    assert [(i.text, i.overdue_days) for i in items] == [("in three days", -3)]

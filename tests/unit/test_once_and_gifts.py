"""Dates and gifts (#14) on the domain layer: the one-time date's rules (pure), the
agenda's windows and gift facts, and the sentences render makes of them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from relate.dates import MonthDay
from relate.errors import RelateError
from relate.render.agenda import gifts_text, item_text
from relate.services import important_dates, practice
from relate.services.agenda import (
    DATES,
    DUE,
    GiftGiven,
    Gifts,
    Item,
    Occasion,
    _windows,
    build_agenda,
)
from relate.services.contacts import ContactInput, add_contact
from relate.services.important_dates import next_occurrence, once_day
from relate.storage.database import Database

TODAY = date(2026, 11, 24)


def moment(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour)).astimezone()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (MonthDay(1, 31, 2027), MonthDay(1, 31, 2027)),  # a year given: as it is
        (MonthDay(1, 31, 2020), MonthDay(1, 31, 2020)),  # even a past one
        (MonthDay(1, 31), MonthDay(1, 31, 2027)),  # the next such day
        (MonthDay(11, 24), MonthDay(11, 24, 2026)),  # today is the next one
        (MonthDay(11, 23), MonthDay(11, 23, 2027)),
        (MonthDay(12, 31), MonthDay(12, 31, 2026)),
        (MonthDay(2, 29), MonthDay(2, 29, 2028)),  # the next real 29 February
    ],
)
def test_a_year_less_one_time_date_is_the_next_such_day(
    typed: MonthDay, expected: MonthDay
) -> None:
    assert once_day(typed, TODAY) == expected


def test_the_next_occurrence_of_a_yearly_and_a_one_time_date() -> None:
    assert next_occurrence(1, 31, 2020, False, TODAY) == date(2027, 1, 31)
    assert next_occurrence(11, 24, None, False, TODAY) == TODAY
    assert next_occurrence(1, 31, 2027, True, TODAY) == date(2027, 1, 31)
    assert next_occurrence(11, 24, 2026, True, TODAY) == TODAY
    assert next_occurrence(11, 23, 2026, True, TODAY) is None  # passed: never again
    assert next_occurrence(1, 31, 2026, True, TODAY) is None
    assert next_occurrence(2, 29, 2028, True, date(2027, 2, 28)) == date(2028, 2, 29)


def test_windows_carry_the_years_they_cover() -> None:
    assert _windows(TODAY, date(2026, 12, 24)) == [((11, 24), (12, 24), (2026, 2026))]
    assert _windows(date(2026, 12, 20), date(2027, 1, 19)) == [
        ((12, 20), (12, 31), (2026, 2026)),
        ((1, 1), (1, 19), (2027, 2027)),
    ]
    assert _windows(date(2027, 2, 1), date(2027, 2, 28)) == [((2, 1), (2, 29), (2027, 2027))]
    assert _windows(TODAY, date(2027, 11, 30)) == [((1, 1), (12, 31), (2026, 2027))]


def _date_item(gifts: Gifts | None, kind: str = "birthday", gift: str | None = None) -> Item:
    label = "birthday" if kind == "birthday" else "contract renewal"
    return Item(
        DATES,
        1,
        "date",
        "Ann",
        1,
        date(2026, 11, 27),
        -3,
        occasion=Occasion(kind, label, 41 if kind == "birthday" else None, kind != "birthday"),
        gift=gift,
        gifts=gifts,
    )


def test_gifts_text_names_a_few_ideas_and_the_last_gift() -> None:
    assert gifts_text(None, TODAY) == []
    assert gifts_text(Gifts((), 0, None), TODAY) == []
    last = GiftGiven("Wine", date(2025, 11, 27))
    assert gifts_text(Gifts(("Book", "Tea", "Scarf"), 2, last), TODAY) == [
        "ideas: Book, Tea, Scarf (+2 more)",
        "last gift: Wine (Thu 27 Nov 2025)",
    ]
    assert gifts_text(Gifts(("Book",), 0, None), TODAY) == ["ideas: Book"]


def test_a_date_line_with_its_gifts() -> None:
    gifts = Gifts(("Book",), 0, GiftGiven("Wine", date(2026, 3, 1)))
    assert item_text(_date_item(gifts), TODAY) == (
        "Ann turns 41 on Fri 27 Nov: gift? ideas: Book; last gift: Wine (Sun 1 Mar)"
    )
    assert item_text(_date_item(Gifts((), 0, None)), TODAY) == "Ann turns 41 on Fri 27 Nov: gift?"
    assert item_text(_date_item(gifts, "custom"), TODAY) == (
        "Contract renewal with Ann on Fri 27 Nov; ideas: Book; last gift: Wine (Sun 1 Mar)"
    )
    # A gift given for this occurrence answers the question; nothing else is said.
    assert item_text(_date_item(gifts, gift="Pen"), TODAY) == (
        "Ann turns 41 on Fri 27 Nov; gift given: Pen"
    )


def test_one_time_dates_on_the_agenda(db: Database) -> None:
    ref = add_contact(db, ContactInput(name="Acme"), moment(TODAY))
    now = moment(TODAY)
    saved = important_dates.set_date(db, ref, "renewal", MonthDay(1, 31), now, 30, once=True)
    assert (saved.when, saved.once, saved.created) == (MonthDay(1, 31, 2027), True, True)
    important_dates.set_date(db, ref, "kick-off", MonthDay(11, 30, 2026), now, once=True)
    important_dates.set_date(db, ref, "old", MonthDay(11, 30, 2025), now, once=True)
    important_dates.set_date(db, ref, "founding", MonthDay(11, 30, 2020), now)
    items = build_agenda(db, TODAY).sections[DATES]
    assert [(i.occasion, i.due) for i in items] == [
        (Occasion("custom", "kick-off", None, True), date(2026, 11, 30)),
        (Occasion("custom", "founding", 6), date(2026, 11, 30)),
    ]
    jan = build_agenda(db, date(2027, 1, 2)).sections[DATES]
    assert [(i.occasion, i.overdue_days) for i in jan] == [
        (Occasion("custom", "renewal", None, True), -29)
    ]
    # A year later nothing of them: the next windows are of 2027 and 2028.
    for day in (date(2027, 11, 24), date(2027, 12, 31), date(2028, 1, 2)):
        labels = [i.occasion.label for i in build_agenda(db, day).sections[DATES] if i.occasion]
        assert labels in ([], ["founding"]), day
    # --days wider than a year reads the whole calendar once: still one time only.
    wide = build_agenda(db, TODAY, days=400, limit=None).sections[DATES]
    assert sorted(i.occasion.label for i in wide if i.occasion and i.occasion.once) == [
        "kick-off",
        "renewal",
    ]


def test_once_is_for_custom_dates_and_kept_when_not_said(db: Database) -> None:
    ref = add_contact(db, ContactInput(name="Ann"), moment(TODAY))
    for label in ("birthday", "Anniversary"):
        with pytest.raises(RelateError, match="comes every year"):
            important_dates.set_date(db, ref, label, MonthDay(3, 14), moment(TODAY), once=True)
    with db.transaction() as conn:  # an import's record: the next such day, as relate date
        saved = important_dates.upsert_date(
            conn, ref.id, "x", MonthDay(3, 14), moment(TODAY), once=True
        )
    assert (saved.when, saved.once) == (MonthDay(3, 14, 2027), True)
    kept = important_dates.set_date(db, ref, "x", MonthDay(4, 1), moment(TODAY))
    assert (kept.when, kept.once, kept.created) == (MonthDay(4, 1, 2027), True, False)
    yearly = important_dates.set_date(db, ref, "x", MonthDay(4, 1), moment(TODAY), once=False)
    assert (yearly.when, yearly.once) == (MonthDay(4, 1), False)
    new = important_dates.set_date(db, ref, "y", MonthDay(4, 1), moment(TODAY))
    assert (new.once, new.created) == (False, True)


def test_date_items_carry_the_gift_ideas_and_the_last_gift(db: Database) -> None:
    ann = add_contact(db, ContactInput(name="Ann"), moment(TODAY))
    bob = add_contact(db, ContactInput(name="Bob"), moment(TODAY))
    for ref in (ann, bob):
        important_dates.set_date(db, ref, "birthday", MonthDay(11, 27), moment(TODAY))
    for idea in ("Book", "Tea", "Scarf", "Pen"):
        practice.add_gift(db, ann, idea, moment(TODAY))
    older, newer = moment(date(2025, 5, 1)), moment(date(2026, 3, 1))
    practice.add_gift(db, ann, "Socks", moment(TODAY), given=newer)
    practice.add_gift(db, ann, "Wine", moment(TODAY), given=older)
    practice.add_gift(db, bob, "Flowers", moment(TODAY))
    practice.add_gift(db, bob, "Cake", moment(TODAY), given=moment(TODAY - timedelta(days=1)))
    agenda = build_agenda(db, TODAY)
    by_name = {i.contact: i.gifts for i in agenda.sections[DATES]}
    assert by_name == {
        "Ann": Gifts(("Book", "Tea", "Scarf"), 1, GiftGiven("Socks", date(2026, 3, 1))),
        "Bob": Gifts(("Flowers",), 0, GiftGiven("Cake", date(2026, 11, 23))),
    }
    assert all(i.gifts is None for i in agenda.sections[DUE])

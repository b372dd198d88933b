"""A sample database for trying relate without touching your own data."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from relate.dates import MonthDay
from relate.services import concerns, important_dates, interactions, reminders
from relate.services.contacts import ContactInput, add_contact
from relate.storage.database import Database

PEOPLE = (
    # name, org, tags, cadence days, stage, days since last call, birthday offset
    ("Ann Smith", "Acme", ["client", "design"], 14, "commitment", 20, 3),
    ("Søren Kierkegaard", "Regine & Co", ["client"], 30, "expansion", 45, None),
    ("Marta Nowak", "Nowak Studio", ["partner"], 7, "awareness", 9, None),
    ("David Cohen", None, ["friend"], 90, None, 30, 40),
    ("Lena Müller", "Müller GmbH", ["prospect"], 14, "exploration", None, None),
    ("Grace Hopper", "Navy", ["mentor"], 91, "commitment", 2, 1),
)


def fill(db: Database, now: datetime) -> None:
    """Six people, a few weeks of history, reminders and birthdays, relative to ``now``."""
    today = now.date()
    refs = {}
    for name, org, tags, cadence, stage, _since, birthday in PEOPLE:
        created = now - timedelta(days=120)
        bday = None
        if birthday is not None:
            day = today + timedelta(days=birthday)
            bday = MonthDay(day.month, day.day, day.year - 41)
        refs[name] = add_contact(
            db,
            ContactInput(
                name=name,
                org=org,
                tags=tags,
                cadence_days=cadence,
                stage=stage,
                emails=[name.split()[0].lower() + "@example.com"],
                birthday=bday,
            ),
            created,
        )
    for name, *_rest, since, _birthday in PEOPLE:
        if since is None:
            continue
        when = datetime.combine(today - timedelta(days=since), time(10)).astimezone()
        follow = now - timedelta(days=2) if name == "Ann Smith" else None
        interactions.log_interaction(
            db,
            [refs[name]],
            f"Call with {name.split()[0]} about the next project",
            kind="call",
            when=when,
            now=now,
            follow_up=follow,
        )
    reminders.add_reminder(
        db,
        contact_id=refs["Marta Nowak"].id,
        text="Send the signed contract",
        due=now,
        all_day=True,
        rrule=None,
        now=now,
    )
    reminders.add_reminder(
        db,
        contact_id=None,
        text="Invoice this month's work",
        due=now + timedelta(days=5),
        all_day=True,
        rrule="FREQ=MONTHLY",
        now=now,
    )
    important_dates.set_date(
        db,
        refs["Søren Kierkegaard"],
        "first contract",
        MonthDay(today.month, today.day, today.year - 5),
        now,
    )
    concerns.open_concern(db, refs["Søren Kierkegaard"], "Invoice sent twice", now)

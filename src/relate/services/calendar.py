"""iCalendar export: open reminders and important dates as events, via ``icalendar``.

- An all-day reminder is an all-day event; a timed one starts at its local wall-clock
  time as a *floating* time (no zone), because relate's recurrences run on local
  wall-clock time too: a weekly 09:00 reminder stays at 09:00 across DST changes.
- A recurring reminder carries its RRULE. relate steps plain monthly and yearly rules
  with month-end clamping (monthly from 31 Jan falls on 28 Feb, then 31 Mar), where
  RFC 5545 would skip the months without that day; such rules are written with
  ``BYMONTHDAY=28,...,d;BYSETPOS=-1`` (the last of those days the month has), which
  gives exactly relate's dates. A yearly rule from 29 Feb becomes
  ``BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1``. Reminders store their rule anchored so
  already (``dates.anchored_rule``), so it stays the same after ``done``.
- A recurring reminder starts at its due time; a snoozed one-off at its snooze time.
- Each important date of a contact who is not archived is a yearly all-day event
  (from the year it happened, or from 2000 when the year is unknown), with an alarm
  its lead time before (the time to buy a gift); a date that happens one time
  (``once``) is a single all-day event on its day, without RRULE.

Events are written one at a time; the calendar is never built in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import IO, Any

from relate import clock
from relate.storage.database import Database
from relate.storage.sql import statement

PRODID = "-//relate//relate personal CRM//EN"
YEAR_UNKNOWN = 2000  # a leap year, so 29 February without a year has a first occurrence

OPEN_REMINDERS = statement(
    """SELECT r.id, r.kind, r.text, r.due_at, r.snoozed_until, r.all_day, r.rrule,
        c.name AS contact
    FROM reminder r LEFT JOIN contact c ON c.id = r.contact_id
    WHERE r.done_at IS NULL ORDER BY r.id"""
)
ACTIVE_DATES = statement(
    """SELECT d.id, d.kind, d.label, d.month, d.day, d.year, d.lead_days, d.once,
        c.name AS contact
    FROM important_date d JOIN contact c ON c.id = d.contact_id
    WHERE c.archived_at IS NULL ORDER BY d.id"""
)


def calendar_rule(rrule: str, start: date) -> dict[str, str]:
    """relate's RRULE for a series from ``start``, as RFC 5545 fields giving the same dates."""
    from relate.dates import anchor_fields, stored_rule

    fields = anchor_fields(stored_rule(rrule), start)
    until = fields.get("UNTIL")
    if until and not isinstance(start, datetime) and "T" in until:
        fields["UNTIL"] = until.split("T", 1)[0]  # an all-day series ends on a DATE
    return fields


def _recur(fields: dict[str, str]) -> Any:
    from icalendar import vRecur

    from relate.dates import rule_text

    return vRecur.from_ical(rule_text(fields))


def _add_end_of_day(event: Any, day: date) -> None:
    """DTEND of an all-day event; on 31 Dec 9999 there is no next day, and an all-day
    event without DTEND lasts one day anyway (RFC 5545 3.6.1)."""
    if day < date.max:
        event.add("dtend", day + timedelta(days=1))


def reminder_events(db: Database, stamp: datetime) -> Iterator[Any]:
    from icalendar import Event

    for row in db.execute(OPEN_REMINDERS):
        stored = row["due_at"] if row["rrule"] else (row["snoozed_until"] or row["due_at"])
        moment = clock.from_storage(str(stored))
        start: date = moment.date() if row["all_day"] else moment.replace(tzinfo=None)
        event = Event()
        event.add("uid", f"reminder-{row['id']}@relate")
        event.add("dtstamp", stamp)
        summary = str(row["text"])
        if row["contact"]:
            summary = f"{row['contact']}: {summary}"
        event.add("summary", summary)
        event.add("dtstart", start)
        if row["all_day"]:
            _add_end_of_day(event, start)
        event.add("categories", ["follow-up" if row["kind"] == "follow-up" else "reminder"])
        if row["rrule"]:
            event.add("rrule", _recur(calendar_rule(str(row["rrule"]), start)))
        yield event


def date_summary(kind: str, label: str, contact: str) -> str:
    if kind == "birthday":
        return f"{contact}'s birthday"
    if kind == "anniversary":
        return f"Anniversary with {contact}"
    return f"{label} ({contact})"


def date_events(db: Database, stamp: datetime) -> Iterator[Any]:
    from icalendar import Alarm, Event

    for row in db.execute(ACTIVE_DATES):
        start = date(row["year"] or YEAR_UNKNOWN, row["month"], row["day"])
        summary = date_summary(str(row["kind"]), str(row["label"]), str(row["contact"]))
        event = Event()
        event.add("uid", f"date-{row['id']}@relate")
        event.add("dtstamp", stamp)
        event.add("summary", summary)
        event.add("dtstart", start)
        _add_end_of_day(event, start)
        event.add("transp", "TRANSPARENT")
        if not row["once"]:
            event.add("rrule", _recur(calendar_rule("FREQ=YEARLY", start)))
        if row["lead_days"]:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"In {row['lead_days']} days: {summary}")
            alarm.add("trigger", timedelta(days=-int(row["lead_days"])))
            event.add_component(alarm)
        yield event


def write_calendar(db: Database, out: IO[str], now: datetime) -> int:
    """Write the calendar event by event; returns the number of events."""
    stamp = now.astimezone(UTC).replace(microsecond=0)
    out.write(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{PRODID}\r\nCALSCALE:GREGORIAN\r\n")
    count = 0
    for source in (reminder_events, date_events):
        for event in source(db, stamp):
            out.write(event.to_ical().decode("utf-8"))
            count += 1
    out.write("END:VCALENDAR\r\n")
    return count

"""What the capture commands say when they are done: log, remind, done, snooze, date.

A due date is said as a person would ('Fri 27 Nov', 'Tue 5 Jan 2027', 'today 15:00'),
relative to the ``now`` the command was given.
"""

from __future__ import annotations

from datetime import datetime

from relate import dates
from relate.render import output
from relate.services.important_dates import Saved
from relate.services.interactions import NOTE, OTHER, Logged
from relate.services.matching import ContactRef
from relate.services.reminders import Completed


def due_text(at: datetime, all_day: bool, now: datetime) -> str:
    """A due date as confirmations say it: 'Fri 27 Nov', 'Tue 5 Jan 2027', 'today 15:00'."""
    return dates.format_moment(at.date(), None if all_day else at.time(), now.date())


def warn_if_past(what: str, at: datetime, all_day: bool, now: datetime) -> None:
    # Allowed (a reminder of something overdue is still a reminder), but rarely meant.
    if (at.date() < now.date()) if all_day else (at < now):
        output.warn(f"{what} is already overdue: {due_text(at, all_day, now)} has passed")


def logged(
    logged: Logged,
    kind: str,
    people: list[ContactRef],
    happened: datetime | None,
    timed: bool,
    due: tuple[datetime, bool] | None,
    now: datetime,
) -> None:
    """'Logged #1 call with Ann Smith; follow-up #1 due Fri 27 Nov'; ``happened`` is
    said only when it was given (``--when``). Without a kind: 'Logged #1 with Ann
    Smith'; a note says it is no contact: 'Logged #1 note about Ann Smith (not counted
    as contact)'."""
    names = ", ".join(ref.name for ref in people)
    if kind == OTHER:
        message = f"Logged #{logged.interaction_id} with {names}"
    elif kind == NOTE:
        message = f"Logged #{logged.interaction_id} note about {names} (not counted as contact)"
    else:
        message = f"Logged #{logged.interaction_id} {kind} with {names}"
    if happened is not None:
        at = happened.time() if timed else None
        message += " " + dates.format_on(happened.date(), at, now.date())
    if logged.follow_up_id is not None and due is not None:
        message += f"; follow-up #{logged.follow_up_id} due {due_text(*due, now)}"
        warn_if_past(f"follow-up #{logged.follow_up_id}", *due, now)
    output.say(message)


def reminded(
    new_id: int,
    ref: ContactRef | None,
    due: datetime,
    all_day: bool,
    rule: str | None,
    now: datetime,
) -> None:
    repeat = f", {dates.describe_recurrence(rule)}" if rule else ""
    who = f" for {ref.name}" if ref else ""
    output.say(f"Reminder #{new_id}{who} due {due_text(due, all_day, now)}{repeat}")
    warn_if_past(f"reminder #{new_id}", due, all_day, now)


def early_question(number: int, due: datetime, all_day: bool, now: datetime) -> str:
    return (
        f"#{number} is not due until {due_text(due, all_day, now)}; "
        "complete it now and skip that occurrence?"
    )


def completed(result: Completed, now: datetime) -> None:
    if result.next_due is not None:
        output.say(
            f"Done #{result.id} {result.text}; next on "
            f"{due_text(result.next_due, result.all_day, now)}"
        )
    else:
        output.say(f"Done #{result.id} {result.text}")


def snoozed(number: int, text: str, wake: datetime, all_day: bool, now: datetime) -> None:
    output.say(f"Snoozed #{number} {text} until {due_text(wake, all_day, now)}")


def date_saved(saved: Saved, label: str, name: str, now: datetime) -> None:
    """'Added #1 birthday 1985-03-14 for Ann Smith'; a one-time date says so, with its
    year: 'Added #2 contract renewal 2027-01-31 (once) for Acme', and warns when that
    day has passed (it will never show in ``today``)."""
    verb = "Added" if saved.created else "Updated"
    once = " (once)" if saved.once else ""
    output.say(f"{verb} #{saved.id} {label} {saved.when.iso()}{once} for {name}")
    if saved.once and saved.when.year is not None:
        day = saved.when.in_year(saved.when.year)
        if day < now.date():
            output.warn(
                f"date #{saved.id} has passed ({dates.format_day(day, now.date())}); "
                "it will not show in today"
            )

"""Capture commands: log, remind, done, snooze, reminders, date."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import datetime
from typing import Annotated

import typer

from relate import clock, dates, terminal
from relate.cli import state
from relate.cli.app import app
from relate.cli.editor import kept_on_failure, read_text, typed_elsewhere
from relate.cli.options import ContactArg, FormatOption
from relate.cli.parsing import moment, past_moment
from relate.errors import UsageError
from relate.render import output
from relate.render import reminders as render_reminders
from relate.services import important_dates, interactions, reminders
from relate.services.matching import resolve_contact


@app.command()
def log(
    contact: ContactArg,
    text: Annotated[
        str | None,
        typer.Argument(
            help="What happened. Omit it to open $VISUAL/$EDITOR; '-' reads stdin.",
            show_default=False,
        ),
    ] = None,
    kind: Annotated[
        str, typer.Option("--kind", "-k", help="call, email, meeting, message, note or gift.")
    ] = "note",
    when: Annotated[
        str | None,
        typer.Option(
            "--when", "-w", help="When it happened (default: now); 'friday' is the last one."
        ),
    ] = None,
    planned: Annotated[
        bool,
        typer.Option("--planned", help="Allow a --when in the future: it is planned."),
    ] = False,
    with_: Annotated[
        list[str] | None,
        typer.Option("--with", help="Another participant (repeatable)."),
    ] = None,
    follow_up: Annotated[
        str | None,
        typer.Option("--follow-up", "-F", help="Open a follow-up due on this date."),
    ] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", "-t", help="Tag (repeatable).")] = None,
) -> None:
    """Log a call, e-mail, meeting, message, note or gift; it counts as contact.

    \b
    Example:
      relate log ann "Call about the redesign; wants a quote" --kind call --follow-up friday
    """
    db = state.database()
    chosen_kind = interactions.parse_kind(kind)
    happened = past_moment(when, planned=planned)
    due = moment(follow_up) if follow_up else None
    named = [contact, *(with_ or [])]
    # Resolved now to fail before any typing and to name them in the editor; resolved
    # again in the write's transaction, in case they changed while the text was written.
    people = interactions.participants(db, named)
    body = read_text(text, ", ".join(ref.name for ref in people), chosen_kind)
    folder = state.STATE.folder()
    with kept_on_failure(body, folder, state.now()) if typed_elsewhere(text) else nullcontext():
        logged = interactions.log_interaction(
            db,
            people,
            body,
            kind=chosen_kind,
            when=happened.at,
            now=state.now(),
            tags=tag or [],
            follow_up=due.at if due else None,
            follow_up_all_day=due.all_day if due else True,
            named=named,
            logged_by=state.user(),
        )
    names = ", ".join(ref.name for ref in people)
    message = f"Logged #{logged.interaction_id} {chosen_kind} with {names}"
    if when is not None:
        at = None if happened.all_day else happened.at.time()
        message += " " + dates.format_on(happened.at.date(), at, state.today())
    if logged.follow_up_id is not None and due is not None:
        message += f"; follow-up #{logged.follow_up_id} due {_when_text(due.at, due.all_day)}"
        _warn_if_past(f"follow-up #{logged.follow_up_id}", due.at, due.all_day)
    output.say(message)


def _when_text(at: datetime, all_day: bool) -> str:
    """A due date as confirmations say it: 'Fri 27 Nov', 'Tue 5 Jan 2027', 'today 15:00'."""
    return dates.format_moment(at.date(), None if all_day else at.time(), state.today())


def _warn_if_past(what: str, at: datetime, all_day: bool) -> None:
    # Allowed (a reminder of something overdue is still a reminder), but rarely meant.
    if (at.date() < state.today()) if all_day else (at < state.now()):
        output.warn(f"{what} is already overdue: {_when_text(at, all_day)} has passed")


@app.command()
def remind(
    contact: Annotated[
        str | None,
        typer.Argument(help="Who it is about (omit with --no-contact).", show_default=False),
    ] = None,
    text: Annotated[str | None, typer.Argument(help="What to do.", show_default=False)] = None,
    on: Annotated[
        str, typer.Option("--on", help="Due date, e.g. friday, 'dec 1 3pm', in 2w.")
    ] = "",
    every: Annotated[
        str | None,
        typer.Option("--every", help="Repeat: weekly, 'every 2 weeks', monthly, quarterly..."),
    ] = None,
    no_contact: Annotated[
        bool, typer.Option("--no-contact", help="A reminder about no one in particular.")
    ] = False,
) -> None:
    """Add a reminder, optionally recurring, and print its id.

    \b
    Examples:
      relate remind ann "Send the proposal" --on friday
      relate remind --no-contact "Invoice clients" --on "dec 1" --every monthly
    """
    if no_contact:
        if text is not None:
            raise UsageError("with --no-contact give only the reminder text")
        text, contact = contact, None
    if not text:
        raise UsageError("a reminder needs a contact and a text (or --no-contact TEXT)")
    if not on:
        raise UsageError("a reminder needs a due date", hint="add --on, e.g. --on friday")
    db = state.database(create=True)
    ref = resolve_contact(db, contact) if contact else None
    due, all_day = moment(on)
    rule = dates.parse_recurrence(every) if every else None
    new_id = reminders.add_reminder(
        db,
        contact_id=ref.id if ref else None,
        text=text,
        due=due,
        all_day=all_day,
        rrule=rule,
        now=state.now(),
    )
    repeat = f", {dates.describe_recurrence(rule)}" if rule else ""
    who = f" for {ref.name}" if ref else ""
    output.say(f"Reminder #{new_id}{who} due {_when_text(due, all_day)}{repeat}")
    _warn_if_past(f"reminder #{new_id}", due, all_day)


@app.command()
def done(
    item: Annotated[
        str, typer.Argument(help="The id shown by today/reminders: 12, #12.", show_default=False)
    ],
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Complete a recurring item before its day without asking."
        ),
    ] = False,
) -> None:
    """Complete a reminder or follow-up; a recurring one moves to its next date.

    Completing a recurring one before its day skips that occurrence: relate asks
    first on a terminal; elsewhere --force is required.

    \b
    Example:
      relate done 12
    """
    db, number = state.database(), reminders.parse_item_id(item)
    try:
        result = reminders.complete(db, number, state.now(), early=force)
    except reminders.NotYetDue as early:
        term = terminal.current()
        if not term.stdin_is_terminal:
            raise
        term.confirm(
            f"#{number} is not due until {_when_text(early.due, early.all_day)}; "
            "complete it now and skip that occurrence?",
            yes=False,
            refusal=early.message,
        )
        result = reminders.complete(db, number, state.now(), early=True)
    if result.next_due is not None:
        output.say(
            f"Done #{result.id} {result.text}; next on "
            f"{_when_text(result.next_due, result.all_day)}"
        )
    else:
        output.say(f"Done #{result.id} {result.text}")


@app.command()
def snooze(
    item: Annotated[str, typer.Argument(help="The item id: 12, #12.", show_default=False)],
    until: Annotated[
        str, typer.Option("--until", "-u", help="Hide it until this date (after today).")
    ] = "tomorrow",
) -> None:
    """Hide a reminder or follow-up until a later date.

    \b
    Example:
      relate snooze 12 --until monday
    """
    wake, all_day = moment(until)
    text = reminders.snooze(state.database(), reminders.parse_item_id(item), wake, state.now())
    output.say(f"Snoozed #{reminders.parse_item_id(item)} {text} until {_when_text(wake, all_day)}")


@app.command("reminders")
def list_reminders(
    all_: Annotated[bool, typer.Option("--all", "-a", help="Include completed ones.")] = False,
    fmt: FormatOption = None,
) -> None:
    """List open reminders and follow-ups, soonest first (--all: then the done ones,
    latest first, marked done).

    \b
    Example:
      relate reminders --format json
    """
    chosen = output.resolve_format(fmt)
    render_reminders.write(reminders.list_reminders(state.database(), all_), chosen, all_)


@app.command("date")
def date_(
    contact: ContactArg,
    label: Annotated[
        str,
        typer.Argument(help="birthday, anniversary, or your own label.", show_default=False),
    ],
    when: Annotated[
        str, typer.Argument(help="1985-03-14, or 03-14 without a year.", show_default=False)
    ],
    lead: Annotated[
        int | None,
        typer.Option(
            "--lead",
            help="Days of notice before the date "
            f"(default {important_dates.DEFAULT_LEAD_DAYS}).",
        ),
    ] = None,
) -> None:
    """Record an important date (yearly), shown in `today` within its lead time.

    \b
    Examples:
      relate date ann birthday 1985-03-14 --lead 10
      relate date acme "contract renewal" 2027-01-31 --lead 30
    """
    db = state.database()
    ref = resolve_contact(db, contact)
    day = dates.parse_month_day(when, clock.today())
    saved = important_dates.set_date(db, ref, label, day, state.now(), lead)
    verb = "Added" if saved.created else "Updated"
    output.say(f"{verb} #{saved.id} {label} {day.iso()} for {ref.name}")

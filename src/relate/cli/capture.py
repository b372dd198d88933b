"""Capture commands: log, remind, done, snooze, reminders, date."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Annotated

import typer

from relate import clock, dates, terminal
from relate.cli import state
from relate.cli.app import app
from relate.cli.editor import kept_on_failure, read_text, typed_elsewhere
from relate.cli.options import ContactArg, FormatOption
from relate.cli.parsing import moment, past_moment
from relate.errors import UsageError
from relate.render import capture as say
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
        str,
        typer.Option(
            "--kind",
            "-k",
            help="call, email, meeting, message, other or gift (each counts as contact); "
            "note: an internal note, which does not.",
        ),
    ] = "other",
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
    """Log a call, e-mail, meeting, message or gift: it counts as contact (the last
    contact, the cadence). --kind note logs an internal note instead, which does not.

    \b
    Examples:
      relate log ann "Call about the redesign; wants a quote" --kind call --follow-up friday
      relate log ann "Prefers e-mail to calls" --kind note
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
    say.logged(
        logged,
        chosen_kind,
        people,
        happened.at if when is not None else None,
        not happened.all_day,
        (due.at, due.all_day) if due else None,
        state.now(),
    )


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
    say.reminded(new_id, ref, due, all_day, rule, state.now())


@app.command()
def done(
    item: Annotated[
        str, typer.Argument(help="The id shown by today/reminders: 12, #12.", show_default=False)
    ],
    force: Annotated[
        bool,
        typer.Option("--force", help="Complete a recurring item before its day without asking."),
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
            say.early_question(number, early.due, early.all_day, state.now()),
            yes=False,
            refusal=early.message,
        )
        result = reminders.complete(db, number, state.now(), early=True)
    say.completed(result, state.now())


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
    say.snoozed(reminders.parse_item_id(item), text, wake, all_day, state.now())


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
            help=f"Days of notice before the date (default {important_dates.DEFAULT_LEAD_DAYS}).",
        ),
    ] = None,
    once: Annotated[
        bool | None,
        typer.Option(
            "--once/--yearly",
            help="It happens one time (a contract renewal; without a year, the next such "
            "day), or every year. Default: a new date is yearly, a changed one stays as it was.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Record an important date, yearly or --once, shown in `today` within its lead time.

    \b
    Examples:
      relate date ann birthday 1985-03-14 --lead 10
      relate date acme "contract renewal" 2027-01-31 --lead 30 --once
    """
    db = state.database()
    ref = resolve_contact(db, contact)
    day = dates.parse_month_day(when, clock.today())
    saved = important_dates.set_date(db, ref, label, day, state.now(), lead, once=once)
    say.date_saved(saved, label, ref.name, state.now())

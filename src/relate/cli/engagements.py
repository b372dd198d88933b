"""Engagement commands: ``relate engagement CONTACT TITLE`` (start one), ``relate
engagement show ID``, ``relate engagement edit ID``, ``relate engagements`` and
``relate close``.

``engagement`` was a command before it had subcommands, so it is a group whose
words ``show`` and ``edit`` name its subcommands and anything else starts an
engagement, exactly as before (``EngagementGroup``). A contact really named "show"
or "edit" is written after ``--``: ``relate engagement -- show TITLE``; ``engagement
show`` followed by something that is not an id is refused with that hint, never read
as a contact.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import typer

from relate import dates, terminal
from relate.cli import state
from relate.cli.app import RelateSubGroup, app
from relate.cli.options import ContactArg, FormatOption
from relate.errors import UsageError
from relate.render import engagements as render
from relate.render import output
from relate.services import engagements as service
from relate.services.matching import resolve_contact, resolve_org

# The hidden subcommand that starts an engagement: what `engagement CONTACT TITLE` runs.
START = "start"
SUBCOMMANDS = ("show", "edit")
_ID = re.compile(r"\s*#?\s*\d+\s*")


class EngagementGroup(RelateSubGroup):
    """``relate engagement``: ``show ID`` and ``edit ID`` are subcommands; any other
    first word (or ``--``) is the contact of a new engagement, as it always was."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] in SUBCOMMANDS:
            following = args[1] if len(args) > 1 else None
            if (
                following is not None
                and not following.startswith("-")
                and not _ID.fullmatch(following)
            ):
                word = args[0]
                raise UsageError(
                    f"'engagement {word}' takes an engagement id, not {following!r}",
                    hint=f"to start an engagement with a contact named {word!r}, "
                    f"write: relate engagement -- {word} TITLE",
                )
        elif args and args[0] not in ctx.help_option_names:
            args = [START, *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        args = [*getattr(ctx, "_protected_args", []), *ctx.args]
        if not args or args[0] != START:
            return super().invoke(ctx)
        # Starting one reads as `relate engagement ...` in its usage and errors, as
        # when `engagement` was a plain command.
        _, command, rest = self.resolve_command(ctx, args)
        with command.make_context(ctx.info_name, rest, parent=ctx.parent) as sub_ctx:
            return command.invoke(sub_ctx)

    def shell_complete(self, ctx: Any, incomplete: str) -> list[Any]:
        """The first word completes as show, edit, or the contact of a new engagement."""
        contact = self.commands[START].params[0]
        return [*super().shell_complete(ctx, incomplete), *contact.shell_complete(ctx, incomplete)]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """The help of starting one (usage, text, options), then show and edit."""
        start = self.commands[START]
        start.format_usage(ctx, formatter)
        self.format_help_text(ctx, formatter)
        start.format_options(ctx, formatter)
        self.format_commands(ctx, formatter)


engagement_app = typer.Typer(cls=EngagementGroup, no_args_is_help=True, rich_markup_mode=None)
app.add_typer(engagement_app, name="engagement")

IdArg = Annotated[
    str, typer.Argument(help="The engagement's id, e.g. 2 or #2.", show_default=False)
]
DueOption = Annotated[
    str | None,
    typer.Option("--due", help="When it is due; `today` shows it from 7 days before."),
]


@engagement_app.callback()
def engagement() -> None:
    """Start an engagement (a project or contract) with a client.

    `relate engagement show ID` shows one with its history; `relate engagement edit
    ID` changes its title, value or due date, or adds a note: each change is a dated
    entry of its history, nothing is overwritten. An open engagement shows in `relate
    today` from 7 days before its due date. A contact named "show" or "edit" is
    written after --: relate engagement -- show TITLE.

    \b
    Examples:
      relate engagement ann "Website redesign" --value 4500 --currency EUR
      relate engagement ann "Audit" --due 2026-12-15
      relate engagement show 1
      relate engagement edit 1 --value 5000 --note "Scope: add the shop"
    """


@engagement_app.command(START, hidden=True)
def start(
    contact: ContactArg,
    title: Annotated[str, typer.Argument(help="The project or contract.")],
    value: Annotated[str | None, typer.Option("--value", help="Agreed fee, e.g. 4500.")] = None,
    currency: Annotated[str | None, typer.Option("--currency", help="e.g. EUR.")] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="Start date (default today).")
    ] = None,
    due: DueOption = None,
) -> None:
    """Start an engagement (a project or contract) with a client.

    \b
    Example:
      relate engagement ann "Website redesign" --value 4500 --currency EUR
    """
    db = state.database()
    ref = resolve_contact(db, contact)
    started = dates.parse_date(start, state.today()) if start else None
    due_on = dates.parse_date(due, state.today()) if due else None
    new_id = service.start_engagement(
        db, ref, title, state.now(), value=value, currency=currency, started=started, due=due_on
    )
    render.started(new_id, title, ref)


@engagement_app.command("show")
def show(engagement_id: IdArg, fmt: FormatOption = None) -> None:
    """Show an engagement with its history (changes and notes, oldest first).

    \b
    Example:
      relate engagement show 1
    """
    chosen = output.resolve_format(fmt)
    number = service.parse_engagement_id(engagement_id)
    render.write_card(service.show_engagement(state.database(), number), chosen)


@engagement_app.command("edit")
def edit(
    engagement_id: IdArg,
    title: Annotated[str | None, typer.Option("--title", help="A new title.")] = None,
    value: Annotated[str | None, typer.Option("--value", help="A new value, e.g. 5000.")] = None,
    currency: Annotated[str | None, typer.Option("--currency", help="e.g. EUR.")] = None,
    due: DueOption = None,
    no_due: Annotated[bool, typer.Option("--no-due", help="It is due no longer.")] = False,
    note: Annotated[
        str | None, typer.Option("--note", help="A dated note (scope, pace, agreements).")
    ] = None,
) -> None:
    """Change an engagement or add a note: each change is a dated entry of its history.

    Nothing is overwritten: `relate engagement show ID` lists every change with the old
    and the new value, when and by whom, and every note. One undo step.

    \b
    Example:
      relate engagement edit 1 --value 5000 --due 2026-12-15 --note "Adds the shop"
    """
    number = service.parse_engagement_id(engagement_id)
    due_on = dates.parse_date(due, state.today()) if due else None
    edited = service.edit_engagement(
        state.database(),
        number,
        state.now(),
        by=state.user(),
        title=title,
        value=value,
        currency=currency,
        due=due_on,
        clear_due=no_due,
        note=note,
    )
    render.edited(number, edited)


@app.command()
def engagements(
    open_: Annotated[
        bool, typer.Option("--open", help="Only open ones (not done or cancelled).")
    ] = False,
    contact: Annotated[str | None, typer.Option("--contact", help="Only this contact's.")] = None,
    org: Annotated[
        str | None, typer.Option("--org", help="Only those with people at this organisation.")
    ] = None,
    fmt: FormatOption = None,
) -> None:
    """List engagements, open ones first, with their value in total per currency.

    \b
    Examples:
      relate engagements --open
      relate engagements --org acme --format json | jq '.totals'
    """
    chosen = output.resolve_format(fmt)
    db = state.database()
    contact_id = resolve_contact(db, contact).id if contact is not None else None
    org_id = resolve_org(db, org).id if org is not None else None
    ledger = service.list_engagements(db, open_only=open_, contact_id=contact_id, org_id=org_id)
    render.write_ledger(ledger, chosen)


@app.command()
def close(
    engagement_id: Annotated[str, typer.Argument(help="The engagement's id, e.g. 2.")],
    satisfaction: Annotated[
        int | None,
        typer.Option("--satisfaction", "-s", help="The client's satisfaction, 0-10."),
    ] = None,
    cancelled: Annotated[bool, typer.Option("--cancelled", help="It ended early.")] = False,
    end: Annotated[str | None, typer.Option("--end", help="End date (default today).")] = None,
    no_follow_up: Annotated[
        bool,
        typer.Option(
            "--no-follow-up",
            help=f"Set no follow-up to ask for a referral or testimonial in "
            f"{service.REFERRAL_AFTER_DAYS} days.",
        ),
    ] = False,
) -> None:
    """Close an engagement, recording how satisfied the client was (asked if not given).

    A happy client refers others: closing also sets a follow-up with the client, "Ask
    for a referral or testimonial", 14 days later (--no-follow-up: none). One undo
    step takes back both.

    \b
    Example:
      relate close 2 --satisfaction 9
    """
    number = service.parse_engagement_id(engagement_id)
    day = dates.parse_date(end, state.today()) if end else state.today()
    db = state.database()
    if satisfaction is None:
        service.check_closable(db, number)  # "no engagement #99" before the question
        satisfaction = terminal.current().ask_number(
            "How satisfied was the client (0-10)?",
            refusal="closing an engagement needs --satisfaction 0-10",
        )
    closed = service.close_engagement(
        db,
        number,
        satisfaction,
        day,
        cancelled,
        now=state.now(),
        by=state.user(),
        follow_up=not no_follow_up,
    )
    render.closed(number, closed, state.now())

"""Relationship-practice commands: concerns, feedback, engagements, gifts, report."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from relate import dates, terminal
from relate.cli import state
from relate.cli.app import app
from relate.cli.options import REPORT_FORMATS, ContactArg, FormatOption, ReportFormatOption
from relate.cli.parsing import past_moment
from relate.render import output
from relate.render import practice as render_practice
from relate.render import report as render_report
from relate.services import practice
from relate.services.matching import resolve_contact


@app.command()
def concern(
    contact: ContactArg,
    text: Annotated[str, typer.Argument(help="What the client is unhappy about.")],
) -> None:
    """Record a complaint or problem; it stays on the agenda until resolved.

    \b
    Example:
      relate concern ann "Invoice sent twice"
    """
    db = state.database()
    ref = resolve_contact(db, contact)
    new_id = practice.open_concern(db, ref, text, state.now())
    render_practice.concern_opened(new_id, ref)


@app.command()
def resolve(
    concern_id: Annotated[str, typer.Argument(help="The concern's id, e.g. 3 or #3.")],
    resolution: Annotated[str, typer.Argument(help="What was done, and how to prevent it.")],
) -> None:
    """Close a concern with its resolution.

    \b
    Example:
      relate resolve 3 "Refunded; invoices now sent from one system"
    """
    number = practice.parse_concern_id(concern_id)
    name = practice.resolve_concern(state.database(), number, resolution, state.now())
    render_practice.concern_resolved(number, name)


@app.command()
def concerns(
    all_: Annotated[bool, typer.Option("--all", "-a", help="Include resolved ones.")] = False,
    fmt: FormatOption = None,
) -> None:
    """List open concerns, oldest first.

    \b
    Example:
      relate concerns --all --format csv
    """
    chosen = output.resolve_format(fmt)
    render_practice.write_concerns(practice.list_concerns(state.database(), all_), chosen)


@app.command()
def feedback(
    contact: ContactArg,
    score: Annotated[int, typer.Argument(help="0-10: how likely they are to recommend you.")],
    note: Annotated[str, typer.Option("--note", help="What they said.")] = "",
    on: Annotated[str | None, typer.Option("--on", help="When (default today).")] = None,
) -> None:
    """Record a satisfaction score (0-10, as in Net Promoter Score).

    \b
    Example:
      relate feedback ann 9 --note "Loved the new site"
    """
    db = state.database()
    ref = resolve_contact(db, contact)
    day = dates.parse_date(on, state.today()) if on else state.today()
    new_id = practice.add_feedback(db, ref, score, day, note)
    render_practice.feedback_recorded(new_id, score, ref)


@app.command()
def engagement(
    contact: ContactArg,
    title: Annotated[str, typer.Argument(help="The project or contract.")],
    value: Annotated[str | None, typer.Option("--value", help="Agreed fee, e.g. 4500.")] = None,
    currency: Annotated[str | None, typer.Option("--currency", help="e.g. EUR.")] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="Start date (default today).")
    ] = None,
) -> None:
    """Start an engagement (a project or contract) with a client.

    \b
    Example:
      relate engagement ann "Website redesign" --value 4500 --currency EUR
    """
    db = state.database()
    ref = resolve_contact(db, contact)
    started = dates.parse_date(start, state.today()) if start else None
    new_id = practice.start_engagement(
        db, ref, title, state.now(), value=value, currency=currency, started=started
    )
    render_practice.engagement_started(new_id, title, ref)


@app.command()
def close(
    engagement_id: Annotated[str, typer.Argument(help="The engagement's id, e.g. 2.")],
    satisfaction: Annotated[
        int | None,
        typer.Option("--satisfaction", "-s", help="The client's satisfaction, 0-10."),
    ] = None,
    cancelled: Annotated[bool, typer.Option("--cancelled", help="It ended early.")] = False,
    end: Annotated[str | None, typer.Option("--end", help="End date (default today).")] = None,
) -> None:
    """Close an engagement, recording how satisfied the client was (asked if not given).

    \b
    Example:
      relate close 2 --satisfaction 9
    """
    number = practice.parse_engagement_id(engagement_id)
    day = dates.parse_date(end, state.today()) if end else state.today()
    db = state.database()
    if satisfaction is None:
        practice.check_closable(db, number)  # "no engagement #99" before the question
        satisfaction = terminal.current().ask_number(
            "How satisfied was the client (0-10)?",
            refusal="closing an engagement needs --satisfaction 0-10",
        )
    closed = practice.close_engagement(db, number, satisfaction, day, cancelled)
    render_practice.engagement_closed(number, closed)


@app.command()
def gift(
    contact: ContactArg,
    description: Annotated[str, typer.Argument(help="The gift or gift idea.")],
    given: Annotated[
        str | None,
        typer.Option(
            "--given",
            help="When it was given ('friday' is the last one); without it, an idea.",
        ),
    ] = None,
    occasion: Annotated[str | None, typer.Option("--occasion", help="e.g. birthday.")] = None,
) -> None:
    """Note a gift idea, or a gift given.

    A gift given counts as contact: it is logged (kind gift) and shows in `relate
    show`; a birthday on the agenda no longer asks "gift?" once a gift for it is given.

    \b
    Example:
      relate gift ann "Kinfolk subscription" --given today --occasion birthday
    """
    db = state.database()
    ref = resolve_contact(db, contact)
    at = None
    if given:
        at = past_moment(
            given, what="--given is when it was given", hint="without --given it is an idea"
        ).at
    new_id = practice.add_gift(
        db, ref, description, state.now(), given=at, occasion=occasion, logged_by=state.user()
    )
    render_practice.gift_noted(new_id, ref, given=at is not None)


@app.command()
def gifts(contact: ContactArg, fmt: FormatOption = None) -> None:
    """List gift ideas and gifts given for a contact.

    \b
    Example:
      relate gifts ann
    """
    chosen = output.resolve_format(fmt)
    db = state.database()
    render_practice.write_gifts(practice.list_gifts(db, resolve_contact(db, contact)), chosen)


@app.command()
def report(
    since: Annotated[
        str | None, typer.Option("--since", help="Start of the period (default a year ago).")
    ] = None,
    fmt: ReportFormatOption = None,
) -> None:
    """Feedback (NPS, averages), satisfaction, contacts by stage and type, contact frequency.

    \b
    Example:
      relate report --since 2026-01-01 --format json
    """
    chosen = output.resolve_format(fmt, REPORT_FORMATS)
    start = dates.parse_date(since, state.today()) if since else state.today() - timedelta(365)
    render_report.write(practice.report(state.database(), start), chosen)

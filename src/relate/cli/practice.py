"""Relationship-practice commands: concerns (and their escalation), feedback, gifts,
report (engagements: ``cli/engagements.py``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from relate import dates
from relate.cli import state
from relate.cli.app import app
from relate.cli.options import REPORT_FORMATS, ContactArg, FormatOption, ReportFormatOption
from relate.cli.parsing import past_moment
from relate.errors import UsageError
from relate.render import concerns as render_concerns
from relate.render import output
from relate.render import practice as render_practice
from relate.render import report as render_report
from relate.services import concerns, practice
from relate.services import report as report_service
from relate.services.matching import resolve_contact
from relate.services.severity import SEVERITIES


@app.command()
def concern(
    contact: ContactArg,
    text: Annotated[str, typer.Argument(help="What the client is unhappy about.")],
    severity: Annotated[
        str, typer.Option("--severity", "-s", help="low, normal or high.", show_default=True)
    ] = "normal",
    due: Annotated[
        str | None,
        typer.Option("--due", help="The day it should be resolved by; then it is overdue."),
    ] = None,
) -> None:
    """Record a complaint or problem; it stays on the agenda until resolved.

    `today` lists open concerns high severity first, then oldest first; one past its
    --due day moves to the Overdue section.

    \b
    Examples:
      relate concern ann "Invoice sent twice"
      relate concern ann "Site down since the update" --severity high --due friday
    """
    level = concerns.parse_severity(severity)
    db = state.database()
    ref = resolve_contact(db, contact)
    day = dates.parse_date(due, state.today()) if due else None
    new_id = concerns.open_concern(db, ref, text, state.now(), severity=level, due=day)
    render_concerns.concern_opened(new_id, ref, SEVERITIES[level])


@app.command()
def escalate(
    concern_id: Annotated[str, typer.Argument(help="The concern's id, e.g. 3 or #3.")],
    to: Annotated[
        str | None, typer.Option("--to", help="Whom it goes to: a colleague, a manager.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Why, or what was asked.")] = None,
) -> None:
    """Escalate an open concern: a dated step on its trail, and one step more severe.

    The step records who escalated (you: see relate whoami), to whom and why; low
    becomes normal and normal becomes high. `show` and `concerns` show the trail.

    \b
    Example:
      relate escalate 3 --to "Dana (account lead)" --note "Second complaint this week"
    """
    number = concerns.parse_concern_id(concern_id)
    done = concerns.escalate_concern(
        state.database(), number, state.now(), by=state.user(), to=to, note=note
    )
    render_concerns.concern_escalated(done)


@app.command()
def resolve(
    concern_id: Annotated[str, typer.Argument(help="The concern's id, e.g. 3 or #3.")],
    resolution: Annotated[str, typer.Argument(help="What was done about it.")],
    cause: Annotated[str | None, typer.Option("--cause", help="What went wrong.")] = None,
    prevent: Annotated[
        str | None, typer.Option("--prevent", help="How to keep it from happening again.")
    ] = None,
) -> None:
    """Close a concern with its resolution (and what caused it, and how to prevent it).

    \b
    Examples:
      relate resolve 3 "Refunded the double payment"
      relate resolve 3 "Refunded" --cause "Two billing systems" --prevent "Invoices from one system"
    """
    number = concerns.parse_concern_id(concern_id)
    name = concerns.resolve_concern(
        state.database(), number, resolution, state.now(), cause=cause, prevent=prevent
    )
    render_concerns.concern_resolved(number, name)


@app.command("concerns")
def list_concerns(
    all_: Annotated[bool, typer.Option("--all", "-a", help="Include resolved ones.")] = False,
    fmt: FormatOption = None,
) -> None:
    """List open concerns, high severity first, then oldest first, with their escalations.

    \b
    Example:
      relate concerns --all --format csv
    """
    chosen = output.resolve_format(fmt)
    render_concerns.write_concerns(concerns.list_concerns(state.database(), all_), chosen)


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
    until: Annotated[
        str | None, typer.Option("--until", help="Last day of the period (default today).")
    ] = None,
    fmt: ReportFormatOption = None,
) -> None:
    """Feedback (NPS, averages), satisfaction, contacts by stage and type, contact frequency.

    On one screen with small charts: interactions per week (notes are not contact),
    NPS and average score per quarter, contacts by stage and by type, the ten most
    neglected contacts relative to their cadence (as of today), the open concerns and
    the median time the concerns resolved in the period took (opened to resolved, in
    days), and the engagements started and closed with their value per currency.
    Weeks (Monday to Sunday) and months are local.

    \b
    Examples:
      relate report
      relate report --since 2026-01-01 --until 2026-06-30 --format json
    """
    chosen = output.resolve_format(fmt, REPORT_FORMATS)
    today = state.today()
    start = dates.parse_date(since, today) if since else today - timedelta(365)
    end = dates.parse_date(until, today) if until else today
    if end < start:
        raise UsageError(
            f"{'--until' if until else 'today,'} {end.isoformat()} is before --since {start}",
            hint="give a period that ends after it starts",
        )
    render_report.write(report_service.report(state.database(), start, end, today), chosen)

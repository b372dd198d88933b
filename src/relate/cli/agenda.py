"""The morning command: relate today."""

from __future__ import annotations

from typing import Annotated

import typer

from relate import dates
from relate.cli import state
from relate.cli.app import app
from relate.cli.options import FormatOption
from relate.render import agenda as render
from relate.render import output
from relate.services import agenda as service


@app.command()
def today(
    date: Annotated[
        str | None, typer.Option("--date", "-d", help="Show the agenda as of this date.")
    ] = None,
    days: Annotated[
        int, typer.Option("--days", "-n", min=1, max=366, help="Look this many days ahead.")
    ] = 1,
    all_: Annotated[
        bool,
        typer.Option(
            "--all", "-a", help=f"Every item, not the top {service.DEFAULT_LIMIT} per section."
        ),
    ] = False,
    mine: Annotated[
        bool,
        typer.Option("--mine", help="Only what concerns the contacts you own (see relate whoami)."),
    ] = False,
    losing_touch: Annotated[
        int | None,
        typer.Option(
            "--losing-touch",
            min=0,
            metavar="DAYS",
            help="List contacts without a cadence not contacted for longer than this "
            f"(default: RELATE_LOSING_TOUCH, else {service.DEFAULT_LOSING_TOUCH}); 0: off.",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = None,
) -> None:
    """The agenda: overdue and due items, dates coming up, people (and organisations) to
    get in touch with, and people without a cadence you are losing touch with.

    Open engagements show under "Engagements due" from 7 days before their due date
    (`relate engagement edit ID --due DATE`), and as late after it.

    \b
    Examples:
      relate today
      relate today --mine
      relate today --losing-touch 90
      relate today --days 7 --format json | jq '.[] | select(.kind == "date")'
    """
    chosen = output.resolve_format(fmt)
    as_of = dates.parse_date(date, state.today()) if date else state.today()
    agenda = service.build_agenda(
        state.database(),
        as_of,
        days=days,
        limit=None if all_ else service.DEFAULT_LIMIT,
        owner=state.user() if mine else None,
        losing_touch=state.losing_touch() if losing_touch is None else losing_touch,
    )
    render.write(agenda, chosen)

"""Organisation commands: ``relate org list|add|show|edit``."""

from __future__ import annotations

from typing import Annotated

import typer

from relate import dates
from relate.cli import state
from relate.cli.app import RelateSubGroup, app
from relate.cli.options import REPORT_FORMATS, FormatOption, ReportFormatOption
from relate.render import orgs as render_orgs
from relate.render import output
from relate.services import orgs as service
from relate.services.matching import resolve_org

org_app = typer.Typer(cls=RelateSubGroup, no_args_is_help=True, rich_markup_mode=None)
app.add_typer(org_app, name="org")

OrgArg = Annotated[
    str,
    typer.Argument(
        help="An organisation: #id or name (any case and accents), a unique prefix, "
        "or a close spelling.",
        show_default=False,
    ),
]


@org_app.callback()
def org() -> None:
    """Organisations: their people, who decides, owners, engagements and a cadence.

    \b
    Example:
      relate org show acme
    """


@org_app.command("list")
def list_(fmt: FormatOption = None) -> None:
    """List organisations with how many people, their cadence and last contact.

    \b
    Example:
      relate org list --format csv
    """
    chosen = output.resolve_format(fmt)
    render_orgs.write_list(service.list_orgs(state.database()), chosen)


@org_app.command()
def add(name: Annotated[str, typer.Argument(help="Its name.", show_default=False)]) -> None:
    """Add an organisation (`add --org` and `edit --org` also create one on first use).

    \b
    Example:
      relate org add "Acme Corp"
    """
    ref = service.add_org(state.database(create=True), name, state.now())
    render_orgs.added(ref)


@org_app.command()
def show(org: OrgArg, fmt: ReportFormatOption = None) -> None:
    """Show an organisation: its people with role and who decides, the owners, the
    last contact with anyone there, open engagements with their value, open
    concerns and its notes.

    \b
    Example:
      relate org show acme --format json
    """
    chosen = output.resolve_format(fmt, REPORT_FORMATS)
    db = state.database()
    card = service.org_card(db, resolve_org(db, org), state.today())
    render_orgs.write_card(card, chosen)


@org_app.command()
def edit(
    org: OrgArg,
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    note: Annotated[
        str | None, typer.Option("--note", help="Notes about the organisation (replaces them).")
    ] = None,
    every: Annotated[
        str | None,
        typer.Option(
            "--every",
            help="How often someone there should hear from you (contact with anyone "
            "counts): monthly, quarterly, 'every 2 weeks', 30d...",
        ),
    ] = None,
    no_cadence: Annotated[
        bool, typer.Option("--no-cadence", help="Stop tracking the organisation's cadence.")
    ] = False,
) -> None:
    """Rename an organisation, set its notes or its cadence.

    \b
    Example:
      relate org edit acme --every monthly --note "Fiscal year starts in April"
    """
    db = state.database()
    ref = resolve_org(db, org)
    cadence = dates.parse_cadence(every) if every else None
    new = service.edit_org(
        db, ref, name=name, notes=note, cadence_days=cadence, clear_cadence=no_cadence
    )
    if not db.changed:
        render_orgs.unchanged(ref)
        return
    render_orgs.updated(new)

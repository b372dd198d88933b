"""relate search: find contacts and interactions by words."""

from __future__ import annotations

from typing import Annotated

import typer

from relate.cli import state
from relate.cli.app import app
from relate.cli.options import FormatOption
from relate.render import output
from relate.services import search as service

SEARCH_COLUMNS = (
    output.Column("Type", "type", style="dim", keep=True),
    output.Column("ID", "id", style="dim", justify="right", keep=True),
    output.Column("When", "when", keep=True),
    output.Column("Who", "contact", style="bold"),
    output.Column("Kind", "kind", keep=True),
    output.Column("Text", "text"),
)


@app.command()
def search(
    query: Annotated[
        str,
        typer.Argument(help='Words, "an exact phrase", a prefix like redes*, AND/OR/NOT.'),
    ],
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many of each.")] = 50,
    fmt: FormatOption = None,
) -> None:
    """Search names, notes, tags and logged texts; best matches first.

    \b
    Examples:
      relate search "redesign"
      relate search 'redes* AND quote'
    """
    chosen = output.resolve_format(fmt)
    hits = service.search(state.database(), query, limit)
    records = [hit.record() for hit in hits]
    if not hits and chosen in ("table", "plain"):
        output.say(f"Nothing found for {query!r}.")
    else:
        output.write_records(records, service.RECORD_FIELDS, SEARCH_COLUMNS, chosen)

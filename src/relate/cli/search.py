"""relate search: find contacts and interactions by words."""

from __future__ import annotations

from typing import Annotated

import typer

from relate.cli import state
from relate.cli.app import app
from relate.cli.options import FormatOption
from relate.render import output
from relate.render import search as render
from relate.services import search as service


@app.command()
def search(
    query: Annotated[
        str,
        typer.Argument(help='Words, "an exact phrase", a prefix like redes*, AND/OR/NOT.'),
    ],
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many of each.")] = 50,
    fmt: FormatOption = None,
) -> None:
    """Search names, notes, tags and logged texts; best matches first. Plain words
    also find organisations (by a piece of the name), people by their role, and people
    by the start of an e-mail address.

    \b
    Examples:
      relate search "redesign"
      relate search 'redes* AND quote'
      relate search "head of design"
    """
    chosen = output.resolve_format(fmt)
    render.write(service.search(state.database(), query, limit), chosen, query)

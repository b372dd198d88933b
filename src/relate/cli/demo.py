"""relate demo: try relate on a throwaway database."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from relate.cli import state
from relate.cli.app import app
from relate.errors import UsageError
from relate.render import agenda as render
from relate.render import output
from relate.services import agenda
from relate.storage.database import open_database


@app.command()
def demo(
    keep: Annotated[
        Path | None,
        typer.Option("--keep", help="Write the sample database here to explore it further."),
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="table, plain, csv, json.")
    ] = None,
) -> None:
    """Fill a sample database (never yours) and show its agenda.

    \b
    Examples:
      relate demo
      relate demo --keep /tmp/sample.db
    """
    from relate.services import demo as sample

    chosen = output.resolve_format(fmt)
    with tempfile.TemporaryDirectory(prefix="relate-demo-") as folder:
        path = keep or Path(folder) / "demo.db"
        if path.exists():
            raise UsageError(f"{path} exists", hint="choose a new file for --keep")
        db = open_database(path)
        try:
            sample.fill(db, state.now())
            render.write(agenda.build_agenda(db, state.today()), chosen)
        finally:
            db.close()
    if keep:
        output.warn(f"sample database kept at {keep}; try: relate --db {keep} show ann")

"""Safety commands: undo, backup, restore, check, where, whoami."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from relate import terminal
from relate.cli import state
from relate.cli.app import app
from relate.errors import StorageError
from relate.render import safety as render_safety
from relate.storage.database import missing_database


@app.command()
def undo(
    list_: Annotated[
        bool, typer.Option("--list", "-l", help="Show what can be undone, newest first.")
    ] = False,
) -> None:
    """Revert the last write command (add, edit, log, remind, done, delete, import...).

    Repeat it to walk further back; the last 100 commands can be undone. On a shared
    database only your own commands (relate whoami), never a colleague's.
    Example: relate undo
    """
    from relate.render import undo as render_undo
    from relate.services import undo as service

    db = state.database()
    if list_:
        render_undo.write_history(service.history(db, user=state.user()))
        return
    render_undo.write_undone(service.undo_last(db, user=state.user()))


@app.command()
def backup(
    path: Annotated[
        str | None,
        typer.Argument(
            help="File or folder to write (default: next to the database, timestamped);"
            " a trailing / means a folder, created owner-only if missing.",
            show_default=False,
            metavar="PATH",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite PATH if it exists.")] = False,
) -> None:
    """Write a consistent copy of the database, even while other commands write.

    Example: relate backup ~/Backups/
    """
    import os

    from relate.services import backup as service

    # Path() drops a trailing slash, and with it what the user meant: read it first.
    folder = path is not None and path.endswith(("/", os.sep))
    written = service.backup(
        state.database(),
        Path(path).expanduser() if path else None,
        state.now(),
        force=force,
        folder=folder,
    )
    render_safety.backed_up(written)


@app.command()
def restore(
    path: Annotated[Path, typer.Argument(help="A backup made by relate backup.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Replace the database with a backup; the replaced database is kept as a backup too.

    Asks first on a terminal; elsewhere --yes is required.
    Example: relate restore ~/Backups/relate-backup-20261124-093000.db
    """
    from relate.services import restore as service

    if state.STATE.location().path is None:
        _restore_server(path, yes=yes)
        return
    target = state.STATE.path()
    service.inspect(path)
    terminal.current().confirm(
        f"Replace {target} with {path}?",
        yes=yes,
        refusal=f"not replacing {target} without confirmation",
    )
    state.STATE.close()
    done = service.restore(target, path, state.now())
    state.STATE.committed = True
    render_safety.restored(target, path, done)


def _restore_server(path: Path, *, yes: bool) -> None:
    """Restore into a server: its rows are replaced in one write transaction."""
    from relate.services import restore as service

    location = state.STATE.location()
    db = state.database(create=True)  # an unreachable server is said first
    service.inspect(path)
    terminal.current().confirm(
        f"Replace the data in {location} with {path}?",
        yes=yes,
        refusal=f"not replacing {location} without confirmation",
    )
    done = service.restore_into(db, path, state.now())
    state.STATE.committed = True
    render_safety.restored_server(str(location), path, done)


@app.command()
def check() -> None:
    """Check the database: integrity, foreign keys, search index, schema version.

    Exits with 4 when something is damaged.
    Example: relate check
    """
    from relate.render import health as render_health
    from relate.services import check as service

    location = state.STATE.location()
    if location.path is None:
        health = service.check_server(location)
        render_health.write(health)
        if not health.ok:
            raise StorageError(f"{location} is damaged", hint="restore a backup")
        return
    target = state.STATE.path()
    if not target.exists():
        raise missing_database(target)
    # Not state.database(): check must work on a file relate would refuse to open.
    health = service.check_file(target)
    render_health.write(health)
    if not health.ok:
        raise StorageError(f"{target} is damaged", hint="restore a backup with relate restore")
    if health.newer:
        raise StorageError(
            f"{target} was written by a newer relate (schema {health.revision})",
            hint="upgrade relate to use it",
        )


@app.command()
def where() -> None:
    """Print which database relate uses, and why: --db, RELATE_DB or the default.

    The first line is the file's path or the server's URL (password masked), alone,
    for scripts. Creates nothing and connects to nothing.
    Example: relate where
    """
    location = state.STATE.location()
    source = state.STATE.source()
    if location.path is None:
        render_safety.where_server(location.display(), location.dbname, location.host, source)
        return
    target = location.path.absolute()
    render_safety.where_file(target, source, target.exists())


@app.command()
def whoami() -> None:
    """Print who relate records as you: RELATE_USER, else your login name.

    New contacts are owned by this name (unless --owner says otherwise), what you log
    is logged by it, and today --mine shows what concerns the contacts it owns. The
    first line is the name alone, for scripts.
    Example: relate whoami
    """
    from relate import identity

    render_safety.whoami(identity.current())

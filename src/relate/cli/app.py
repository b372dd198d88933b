"""The root Typer app: global options and the single place errors become exit codes."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from relate import __version__, terminal
from relate.cli.entry import VALUED_ROOT_OPTIONS, command_index
from relate.cli.state import STATE
from relate.errors import ExitCode, RelateError
from relate.storage.database import storage_error


def report(message: str) -> None:
    terminal.current().write(f"relate: error: {message}\n", stderr=True)


def _shell_word(arg: str) -> str:
    word = "".join(c if c.isprintable() else " " for c in " ".join(arg.split()))
    if len(word) > 24:
        word = word[:23] + "…"
    if not word or any(c in word for c in " \"'\\$`;&|<>()*?#~"):
        return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return word


def command_label(args: list[str]) -> str:
    """``relate log ann "Call about the redesign…"``: one line, long words shortened."""
    return " ".join(["relate", *(_shell_word(a) for a in args)])


def hoist_root_options(args: list[str]) -> list[str]:
    """Move ``--db PATH`` given after the command to the front: ``relate today --db x.db``
    means ``relate --db x.db today``. Nothing after ``--`` moves."""
    command = command_index(args)
    if command is None:
        return args
    moved: list[str] = []
    kept = args[: command + 1]
    tail = args[command + 1 :]
    index = 0
    while index < len(tail):
        arg = tail[index]
        if arg == "--":
            kept.extend(tail[index:])
            break
        if arg in VALUED_ROOT_OPTIONS and index + 1 < len(tail):
            moved.extend(tail[index : index + 2])
            index += 2
            continue
        (moved if arg.startswith("--db=") else kept).append(arg)
        index += 1
    return moved + kept


class RelateGroup(TyperGroup):
    """Runs a command and turns every failure into one stderr line and an exit code."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_root_options(args))

    def invoke(self, ctx: Any) -> Any:
        # What `relate undo` will name this command: its own command line.
        STATE.label = command_label([*getattr(ctx, "_protected_args", []), *ctx.args])
        terminal.never_fail_on_encoding()
        try:
            return super().invoke(ctx)
        except RelateError as exc:
            if STATE.debug:
                raise
            report(str(exc))
            raise typer.Exit(int(exc.exit_code)) from None
        except sqlite3.Error as exc:
            if STATE.debug:
                raise
            report(str(storage_error(exc, STATE.path())))
            raise typer.Exit(int(ExitCode.ENVIRONMENT)) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            # `relate list | head`: the reader has gone, which is not an error.
            terminal.current().reader_gone()
            raise typer.Exit(0) from None
        except OSError as exc:
            if STATE.debug:
                raise
            report(f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""))
            raise typer.Exit(int(ExitCode.ENVIRONMENT)) from None
        except Exception as exc:  # a bug: say so in one line, traceback with --debug
            # Click's own usage errors carry their exit code (2) and message.
            if STATE.debug or hasattr(exc, "exit_code"):
                raise
            report(f"internal error: {exc!r} (run with --debug for the traceback)")
            raise typer.Exit(int(ExitCode.INTERNAL)) from None
        finally:
            STATE.close()


app = typer.Typer(
    cls=RelateGroup,
    # Plain help: Rich-formatted help costs ~90 ms of imports on every --help.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="relate keeps your relationships alive: contacts, logs, reminders, dates, "
    "and a morning agenda.\n\nStart with `relate add`, `relate log` and `relate today`.",
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"relate {__version__}\n")
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="Database file (default: $RELATE_DB, else the user data folder).",
            show_default=False,
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks for unexpected errors.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """relate: a personal relationship tracker."""
    STATE.db_path = db
    STATE.debug = debug
    STATE.close()

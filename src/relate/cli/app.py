"""The root Typer app: global options and the single place errors become exit codes."""

from __future__ import annotations

import contextlib
import copy
import functools
import os
import sqlite3
import sys
from collections.abc import Callable
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from relate import __version__, terminal
from relate.cli.entry import VALUED_ROOT_OPTIONS, command_index
from relate.cli.state import STATE
from relate.errors import ExitCode, RelateError
from relate.storage.database import storage_error


def report(message: str) -> None:
    # Masked here too: a driver's message may quote the database URL (password and all).
    terminal.current().write(f"relate: error: {STATE.mask(message)}\n", stderr=True)


def warn(message: str) -> None:
    terminal.current().write(f"relate: warning: {STATE.mask(message)}\n", stderr=True)


def _argument_bytes(arg: str) -> bytes | None:
    """The bytes an argument was typed as, when Python could not decode them.

    Outside a UTF-8 locale (``LC_ALL=C PYTHONUTF8=0``) Python keeps each byte it
    cannot decode as a lone surrogate; relate's text is UTF-8, so those bytes are
    read as UTF-8 here. None when the argument is already plain text.
    """
    if not any("\udc80" <= c <= "\udcff" for c in arg):
        return None
    return os.fsencode(arg)


def text_argument(arg: str) -> str:
    """An argument as text; invalid UTF-8 is a bad value (exit 1), not a crash."""
    raw = _argument_bytes(arg)
    if raw is None:
        return arg
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        shown = raw.decode("utf-8", "backslashreplace")
        raise RelateError(f"an argument is not valid UTF-8 text: {shown}") from None


def _readable(arg: str) -> str:
    raw = _argument_bytes(arg)
    return arg if raw is None else raw.decode("utf-8", "backslashreplace")


def _with_text_arguments(command: Any) -> Any:
    """``command`` with its text parameters read as UTF-8 (paths stay as the bytes given)."""
    texts = {p.name for p in command.params if getattr(p.type, "name", "") != "path"}
    callback: Callable[..., Any] = command.callback

    def convert(value: Any) -> Any:
        if isinstance(value, str):
            return text_argument(value)
        if isinstance(value, list | tuple):
            return type(value)(convert(item) for item in value)
        return value

    @functools.wraps(callback)
    def with_text(**params: Any) -> Any:
        return callback(**{k: convert(v) if k in texts else v for k, v in params.items()})

    command = copy.copy(command)
    command.callback = with_text
    return command


def _shell_word(arg: str) -> str:
    arg = _readable(arg)
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

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and command.callback is not None:
            command = _with_text_arguments(command)
        return name, command, rest

    def invoke(self, ctx: Any) -> Any:
        # What `relate undo` will name this command: its own command line.
        STATE.label = command_label([*getattr(ctx, "_protected_args", []), *ctx.args])
        terminal.never_fail_on_encoding()
        STATE.committed = False
        try:
            result = super().invoke(ctx)
            # A full disk or a closed stdout shows here, while it can still be reported.
            sys.stdout.flush()
            return result
        except RelateError as exc:
            if STATE.debug:
                raise
            report(str(exc))
            raise typer.Exit(int(exc.exit_code)) from None
        except sqlite3.Error as exc:
            if STATE.debug:
                raise
            location = STATE.location()
            if location.path is None:
                report(f"cannot use {location}: {exc}")
            else:
                report(str(storage_error(exc, location.path)))
            raise typer.Exit(int(ExitCode.ENVIRONMENT)) from None
        except typer.Abort as exc:
            # Ctrl-C at a prompt: the prompt turns it into Abort ("Aborted!", exit 1).
            if isinstance(exc.__context__, KeyboardInterrupt):
                sys.stderr.write("\n")
                raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
            raise
        except (typer.Exit, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            # `relate list | head`: the reader has gone, which is not an error.
            terminal.current().reader_gone()
            raise typer.Exit(0) from None
        except OSError as exc:
            if STATE.debug:
                raise
            _output_failed(exc)
        except Exception as exc:  # a bug: say so in one line, traceback with --debug
            # Click's own usage errors carry their exit code (2) and message.
            if STATE.debug or hasattr(exc, "exit_code"):
                raise
            if isinstance(exc, UnicodeEncodeError) and _is_output_failure(exc):
                _output_failed(exc)
            report(f"internal error: {exc!r} (run with --debug for the traceback)")
            raise typer.Exit(int(ExitCode.INTERNAL)) from None
        finally:
            STATE.close()


class RelateSubGroup(TyperGroup):
    """A command group under ``relate`` (``relate org ...``): its commands read their
    text arguments as UTF-8 like the root's; errors and exit codes stay the root's."""

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and command.callback is not None:
            command = _with_text_arguments(command)
        return name, command, rest


def _output_failed(exc: OSError | UnicodeEncodeError) -> NoReturn:
    """Exit 4 for a file or output that cannot be written; after a committed change,
    a warning and exit 0: reporting failure would invite a retry that adds twice or
    undoes twice."""
    # Output that could not be written must not fail again at the final flush (which
    # would turn the exit code into 120).
    terminal.current().reader_gone()
    if STATE.changed():
        with contextlib.suppress(OSError, ValueError):  # stderr may be gone as well
            warn(f"the change was saved, but its output was lost: {_reason(exc)}")
        raise typer.Exit(0) from None
    report(_reason(exc))
    raise typer.Exit(int(ExitCode.ENVIRONMENT)) from None


def _is_output_failure(exc: UnicodeEncodeError) -> bool:
    """Text that the character set of stdout or stderr cannot show (not a bug)."""
    import codecs

    if exc.reason == "surrogates not allowed":  # text that is not text: a bug upstream
        return False

    shown = {getattr(s, "encoding", None) for s in (sys.stdout, sys.stderr)} - {None}
    return codecs.lookup(exc.encoding).name in {codecs.lookup(str(e)).name for e in shown}


def _reason(exc: OSError | UnicodeEncodeError) -> str:
    if isinstance(exc, UnicodeEncodeError):
        shown = exc.object[exc.start : exc.end]
        return (
            f"cannot write {shown!r} in the {exc.encoding} character set"
            " (use a UTF-8 locale, e.g. LC_ALL=C.UTF-8)"
        )
    return f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")


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
        str | None,
        typer.Option(
            "--db",
            metavar="<path|url>",
            help="Database file, or a PostgreSQL URL postgresql://user@host:5432/dbname "
            "(default: $RELATE_DB, else the user data folder).",
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
    STATE.db = db
    STATE.debug = debug
    STATE.close()
    STATE.committed = False

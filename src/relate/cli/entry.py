"""The ``relate`` executable: import and build only the command being run.

Every start pays for what it imports and builds, and most runs are one command
(`relate today` every morning, `relate log` in scripts). So the entry point maps the
command word to the one module that defines it, imports just that module, and has
Typer build just that command. Help, completion of command names and unknown words
load everything (``relate.cli.main``). A test checks ``COMMAND_MODULES`` against the
commands the modules really register.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from importlib import import_module

# Which module of relate.cli defines each command.
COMMAND_MODULES = {
    "today": "agenda",
    **dict.fromkeys(("log", "remind", "done", "snooze", "reminders", "date"), "capture"),
    **dict.fromkeys(("add", "edit", "list", "show", "archive", "unarchive", "delete"), "contacts"),
    "demo": "demo",
    **dict.fromkeys(("export", "import"), "interchange"),
    **dict.fromkeys(
        (
            "concern",
            "resolve",
            "concerns",
            "feedback",
            "engagement",
            "close",
            "gift",
            "gifts",
            "report",
        ),
        "practice",
    ),
    **dict.fromkeys(("undo", "backup", "restore", "check", "where", "whoami"), "safety"),
    "search": "search",
    "org": "orgs",
}

# Root options that take a value (the word after them is not a command name).
VALUED_ROOT_OPTIONS = ("--db",)


def command_index(args: list[str]) -> int | None:
    """Where in ``args`` the command word is: the first word that is not a root option."""
    skip = False
    for index, arg in enumerate(args):
        if skip:
            skip = False
        elif arg in VALUED_ROOT_OPTIONS:
            skip = True
        elif not arg.startswith("-"):
            return index
    return None


def _command_word(args: list[str]) -> str | None:
    index = command_index(args)
    return None if index is None else args[index]


def _arguments() -> list[str]:
    if os.environ.get("_RELATE_COMPLETE"):
        words = os.environ.get("COMP_WORDS", "").split()
        cword = int(os.environ.get("COMP_CWORD", "0") or 0)
        return words[1:cword]  # the words before the one being completed (bash)
    return sys.argv[1:]


def _load(args: list[str]) -> None:
    """Register the command being run, or all of them when the run lists commands."""
    from relate.cli.app import app

    word = _command_word(args)
    module = COMMAND_MODULES.get(word or "")
    if module is None:
        import relate.cli.main  # noqa: F401  (registers every command)

        if word is None and (not args or "--help" in args or "-h" in args):
            _help_only_commands()
        return
    import_module(f"relate.cli.{module}")
    from typer.main import get_command_name

    # Typer builds a Click command (signature, type hints, parameters) for every
    # registered function on each start; the module's other commands are not needed.
    app.registered_commands = [
        info
        for info in app.registered_commands
        if (info.name or get_command_name(getattr(info.callback, "__name__", ""))) == word
    ]


def _help_only_commands() -> None:
    """The root help lists each command's name and first docstring line only, so it is
    built from stand-ins without parameters instead of inspecting 31 signatures."""
    import copy

    from relate.cli.app import app

    stand_ins = []
    for info in app.registered_commands:
        original = info.callback

        def stand_in() -> None:  # never invoked: the root help exits first
            raise AssertionError("a help stand-in was invoked")

        stand_in.__name__ = getattr(original, "__name__", "command")
        stand_in.__doc__ = getattr(original, "__doc__", None)
        clone = copy.copy(info)
        clone.callback = stand_in
        stand_ins.append(clone)
    app.registered_commands = stand_ins


class _ClosedOutput(io.TextIOBase):
    """stdout when relate was started with it closed (``relate list >&-``): writing to
    it fails like a full disk, so a listing exits 4 and a committed change warns."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


def _open_standard_streams() -> None:
    """Give a closed stdin, stdout or stderr a stand-in.

    /dev/null takes the closed descriptor, so no file relate opens later (the
    database!) can become fd 0-2 and receive output. A closed stdin reads as empty,
    a closed stderr swallows its messages, and a closed stdout fails on writing.
    """
    for fd, name in enumerate(("stdin", "stdout", "stderr")):
        if getattr(sys, name) is not None:
            continue
        devnull = os.open(os.devnull, os.O_RDWR)
        if devnull != fd:
            os.dup2(devnull, fd)
            os.close(devnull)
        if name == "stdout":
            sys.stdout = _ClosedOutput()
        else:
            setattr(sys, name, open(fd, "r" if fd == 0 else "w", closefd=False))  # noqa: SIM115


def main() -> None:
    _open_standard_streams()
    _load(_arguments())
    from relate.cli.app import app

    try:
        app(prog_name="relate")
    except Exception as exc:  # only with --debug does an error get this far
        _debug_traceback(exc)


def _debug_traceback(exc: Exception) -> None:
    """``--debug``: the traceback, with the database password masked; the error's exit code."""
    import traceback

    from relate.cli.state import STATE
    from relate.errors import ExitCode, RelateError

    sys.stderr.write(STATE.mask("".join(traceback.format_exception(exc))))
    sys.stderr.flush()
    code = exc.exit_code if isinstance(exc, RelateError) else ExitCode.INTERNAL
    raise SystemExit(int(code)) from None

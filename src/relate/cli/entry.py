"""The ``relate`` executable: import and build only the command being run.

Every start pays for what it imports and builds, and most runs are one command
(`relate today` every morning, `relate log` in scripts). So the entry point maps the
command word to the one module that defines it, imports just that module, and has
Typer build just that command. The root help is built from ``COMMAND_SUMMARIES``
alone, and so is completing a command name; an unknown word loads everything
(``relate.cli.main``). A test checks ``COMMAND_MODULES`` against the
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
            "escalate",
            "resolve",
            "concerns",
            "feedback",
            "gift",
            "gifts",
            "report",
        ),
        "practice",
    ),
    **dict.fromkeys(("undo", "backup", "restore", "check", "where", "whoami"), "safety"),
    "search": "search",
    "org": "orgs",
    **dict.fromkeys(("engagements", "close", "engagement"), "engagements"),
}

# What `relate --help` lists: each command's first help sentence, in the order the
# commands are registered. The root help is built from this table alone, without
# importing the command modules (and the services and renderers they import).
# tests/cli/test_entry.py checks it against the real commands and prints the table
# to paste when a command or its docstring changes.
COMMAND_SUMMARIES = {
    "today": (
        "The agenda: overdue and due items, dates coming up, people (and organisations) to "
        "get in touch with, and people without a cadence you are losing touch with."
    ),
    "log": (
        "Log a call, e-mail, meeting, message or gift: it counts as contact (the last "
        "contact, the cadence)."
    ),
    "remind": "Add a reminder, optionally recurring, and print its id.",
    "done": "Complete a reminder or follow-up; a recurring one moves to its next date.",
    "snooze": "Hide a reminder or follow-up until a later date.",
    "reminders": (
        "List open reminders and follow-ups, soonest first (--all: then the done ones, "
        "latest first, marked done)."
    ),
    "date": "Record an important date, yearly or --once, shown in `today` within its lead time.",
    "add": "Add a contact and print its id.",
    "edit": "Change a contact, or several at once.",
    "list": "List contacts, sorted by name (or --sort), with their type, owner and last contact.",
    "show": "Show a contact's card and timeline (logs, reminders, dates), newest first.",
    "archive": "Archive a contact: kept with their history, hidden from lists, cadence and dates.",
    "unarchive": "Bring an archived contact back.",
    "delete": "Delete a contact with their dates, reminders and the logs only they were in.",
    "demo": "Fill a sample database (never yours) and show its agenda.",
    "engagements": ("List engagements, open ones first, with their value in total per currency."),
    "close": "Close an engagement, recording how satisfied the client was (asked if not given).",
    "export": "Export data to stdout (or -o FILE), streaming, in a stable documented layout.",
    "import": "Import contacts: vCard, CSV (relate, Google, Outlook, LinkedIn, Thunderbird), JSON.",
    "concern": "Record a complaint or problem; it stays on the agenda until resolved.",
    "escalate": "Escalate an open concern: a dated step on its trail, and one step more severe.",
    "resolve": "Close a concern with its resolution (and what caused it, and how to prevent it).",
    "concerns": (
        "List open concerns, high severity first, then oldest first, with their escalations."
    ),
    "feedback": "Record a satisfaction score (0-10, as in Net Promoter Score).",
    "gift": "Note a gift idea, or a gift given.",
    "gifts": "List gift ideas and gifts given for a contact.",
    "report": (
        "Feedback (NPS, averages), satisfaction, contacts by stage and type, contact frequency."
    ),
    "undo": "Revert the last write command (add, edit, log, remind, done, delete, import...).",
    "backup": "Write a consistent copy of the database, even while other commands write.",
    "restore": "Replace the database with a backup; the replaced database is kept as a backup too.",
    "check": "Check the database: integrity, foreign keys, search index, schema version.",
    "where": "Print which database relate uses, and why: --db, RELATE_DB or the default.",
    "whoami": "Print who relate records as you: RELATE_USER, else your login name.",
    "search": "Search names, notes, tags and logged texts; best matches first.",
    "engagement": "Start an engagement (a project or contract) with a client.",
    "org": "Organisations: their people, who decides, owners, engagements and a cadence.",
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
    if word is None and (not args or "--help" in args or "-h" in args):
        _help_only_commands()
        return
    if module is None:
        import relate.cli.main  # noqa: F401  (registers every command)

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
    """The root help lists each command's name and the start of its help only, so it
    is built from parameterless stand-ins made from ``COMMAND_SUMMARIES``."""
    from typer.models import CommandInfo

    from relate.cli.app import app

    def stand_in() -> None:  # never invoked: the root help exits first
        raise AssertionError("a help stand-in was invoked")

    app.registered_commands = [
        CommandInfo(name, callback=stand_in, help=summary)
        for name, summary in COMMAND_SUMMARIES.items()
    ]
    app.registered_groups = []


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

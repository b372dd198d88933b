"""Entry point: ``relate`` and ``python -m relate``.

Command modules register themselves on the root app when imported; importing them
is cheap because each one defers heavy imports (Rich, SQLAlchemy, dateutil's parser,
vobject) to the command body that needs them.
"""

from __future__ import annotations

import os
import sys

from relate.cli import (  # noqa: F401  (each module registers its commands)
    agenda,
    capture,
    contacts,
    demo,
    interchange,
    practice,
    safety,
    search,
)
from relate.cli.app import app

# Root options that take a value (the word after them is not a command name).
_VALUED_ROOT_OPTIONS = ("--db",)


def _command_word(args: list[str]) -> str | None:
    """The first word of ``args`` that is not a root option: the command to run."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in _VALUED_ROOT_OPTIONS:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def _build_only_the_invoked_command() -> None:
    """Typer turns every registered function into a Click command on each start
    (signatures, type hints, parameters: ~14 ms for 31 commands, measured in
    docs/performance.md). A run needs only its own command; help, errors and command
    completion, which list them all, still see every command."""
    from typer.main import get_command_name

    if os.environ.get("_RELATE_COMPLETE"):
        words = os.environ.get("COMP_WORDS", "").split()
        cword = int(os.environ.get("COMP_CWORD", "0") or 0)
        args = words[1:cword]  # the words before the one being completed (bash)
    else:
        args = sys.argv[1:]
    word = _command_word(args)
    if word is None:
        if not args or "--help" in args or "-h" in args:
            _help_only_commands()
        return
    commands = [
        info
        for info in app.registered_commands
        if (info.name or get_command_name(getattr(info.callback, "__name__", ""))) == word
    ]
    groups = [info for info in app.registered_groups if info.name == word]
    if commands or groups:
        app.registered_commands = commands
        app.registered_groups = groups


def _help_only_commands() -> None:
    """The root help lists each command's name and first docstring line only, so it is
    built from stand-ins without parameters instead of inspecting 31 signatures."""
    import copy

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


def main() -> None:
    _build_only_the_invoked_command()
    app(prog_name="relate")

"""How ``undo`` talks: what was undone, and the list of steps ``undo --list`` shows."""

from __future__ import annotations

import sys

from relate.render import output
from relate.services.undo import Step, Undone


def _changes(count: int) -> str:
    return f"{count} {'change' if count == 1 else 'changes'}"


def write_undone(undone: Undone) -> None:
    output.say(f"Undid: {undone.label} ({_changes(undone.changes)})")


def write_history(steps: list[Step]) -> None:
    """The undoable steps, newest first: when, the command line, how many changes."""
    if not steps:
        output.say("Nothing to undo.")
    for step in steps:
        sys.stdout.write(f"{step.at:%Y-%m-%d %H:%M}  {step.label} ({_changes(step.changes)})\n")

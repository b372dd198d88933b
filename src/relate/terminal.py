"""The one place that knows where relate talks to: the terminal seam.

Whether stdin, stdout and stderr are terminals, how wide the screen is, whether to
use colour, and how to ask a person to confirm (or insist on ``--yes`` when no one
can answer) are facts of the run, read here and nowhere else (httpie's
``Environment`` is the model). ``current()`` reads them from the process each time,
so an in-process test runner's swapped streams are seen; tests change the facts
with ``pretend`` instead of patching ``isatty`` in several modules.

``visible`` is the other half of talking to a person: text from the database
(names, notes, imported fields) may hold ESC and other control characters that a
terminal would obey. Everything printed for a person goes through it; CSV and JSON
carry the data exactly.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from typing import NamedTuple, TextIO

DEFAULT_WIDTH = 80

# C0 controls except tab and newline, DEL, C1 controls (0x9b is a one-byte CSI), and
# the bidirectional overrides that reorder what a line seems to say.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control character shown as an escape (ESC as ``\\x1b``)."""
    return _CONTROL.sub(_escape, text)


def _columns() -> int:
    """COLUMNS when it is a usable number (not 0), else the width of the terminal on
    stdout, stdin or stderr (a table piped into ``less`` is as wide as the screen), else 80."""
    given = os.environ.get("COLUMNS", "").strip()
    if given.isdigit() and int(given) > 0:
        return int(given)
    for descriptor in (1, 0, 2):
        try:
            columns = os.get_terminal_size(descriptor).columns
        except (OSError, ValueError):
            continue
        if columns > 0:
            return columns
    return DEFAULT_WIDTH


def _is_terminal(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (ValueError, OSError):  # closed, or not a real file
        return False


class Terminal(NamedTuple):
    """The facts of one run about the person (or script) at the other end."""

    stdin: TextIO
    stdout: TextIO
    stderr: TextIO
    stdin_is_terminal: bool
    stdout_is_terminal: bool
    stderr_is_terminal: bool
    width: int
    colour: bool

    @classmethod
    def from_system(cls) -> Terminal:
        stdout = sys.stdout
        # TTY_COMPATIBLE=1 is Rich's own switch to force terminal output; honour it too.
        out_tty = _is_terminal(stdout) or os.environ.get("TTY_COMPATIBLE") == "1"
        return cls(
            stdin=sys.stdin,
            stdout=stdout,
            stderr=sys.stderr,
            stdin_is_terminal=_is_terminal(sys.stdin),
            stdout_is_terminal=out_tty,
            stderr_is_terminal=_is_terminal(sys.stderr),
            width=_columns(),
            colour=not os.environ.get("NO_COLOR"),
        )

    @property
    def encoding(self) -> str:
        return getattr(self.stdout, "encoding", None) or "utf-8"

    def confirm(self, question: str, *, yes: bool, refusal: str) -> None:
        """Go on when ``--yes`` was given or the person answers yes; otherwise stop.

        With no one at stdin to answer, ``refusal`` is the error (exit 2, add --yes);
        a "no" at the prompt exits 1 with nothing changed.
        """
        if yes:
            return
        from relate.errors import UsageError

        if not self.stdin_is_terminal:
            raise UsageError(refusal, hint="add --yes")
        import typer

        if not typer.confirm(visible(question), default=False):
            raise typer.Exit(1)

    def ask_number(self, question: str, *, refusal: str) -> int:
        """A number typed by the person; without a terminal, ``refusal`` is the error."""
        from relate.errors import UsageError

        if not self.stdin_is_terminal:
            raise UsageError(refusal)
        import typer

        return int(typer.prompt(visible(question), type=int))

    def reader_gone(self) -> None:
        """stdout's reader has gone (``relate list | head``): point stdout at /dev/null
        so the interpreter's final flush stays quiet too."""
        with contextlib.suppress(OSError, ValueError, AttributeError):  # not a real file
            os.dup2(os.open(os.devnull, os.O_WRONLY), self.stdout.fileno())

    def write(self, text: str, *, stderr: bool = False) -> None:
        """Text for a person: control characters made visible."""
        (self.stderr if stderr else self.stdout).write(visible(text))


# What tests pretend (``pretend(stdin_is_terminal=True, width=60)``); empty in real runs.
_pretended: dict[str, object] = {}


def current() -> Terminal:
    found = Terminal.from_system()
    return found._replace(**_pretended) if _pretended else found  # type: ignore[arg-type]


def pretend(**facts: object) -> None:
    """Tests: from now on the run has these facts (``pretend()`` forgets them)."""
    _pretended.clear()
    _pretended.update(facts)


def never_fail_on_encoding() -> None:
    """Characters the output encoding cannot show become "?" instead of an error.

    In an ISO-8859-1 or C locale, a name like 王伟 or relate's own "—" would otherwise
    end the run with UnicodeEncodeError after the work was done.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", "strict") != "replace":
            with contextlib.suppress(ValueError, OSError):  # closed: nothing will be written
                reconfigure(errors="replace")

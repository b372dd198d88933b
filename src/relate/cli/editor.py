"""Getting a log text: the argument, stdin (``-`` or piped), or $VISUAL/$EDITOR."""

from __future__ import annotations

import os
import sys

from relate import terminal
from relate.errors import RelateError

TEMPLATE = """
# Write what happened with {who} ({kind}). Lines starting with '#' are ignored,
# and an empty message aborts the log.
"""


def _strip_comments(text: str) -> str:
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    return "\n".join(lines).strip()


def read_text(argument: str | None, who: str, kind: str) -> str:
    if argument is not None and argument != "-":
        return argument.strip()
    if argument == "-" or not terminal.current().stdin_is_terminal:
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else b""
        text = data.decode("utf-8", errors="replace").replace("\x00", "").strip()
        if not text:
            raise RelateError("no text on standard input; nothing logged")
        return text
    text = _strip_comments(edit(TEMPLATE.format(who=who, kind=kind)))
    if not text:
        raise RelateError("empty message; nothing logged")
    return text


def edit(template: str) -> str:
    """Open the user's editor on ``template`` and return what they saved.

    The editor command runs through the shell, as git runs it, so "code --wait" and
    "emacsclient -t" work. The file is private: a log can hold anything.
    """
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    import subprocess  # only when an editor really opens: ~1.5 ms of every `log` start
    import tempfile

    handle, name = tempfile.mkstemp(prefix="relate-", suffix=".txt")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(template)
        status = subprocess.call(["/bin/sh", "-c", editor + ' "$@"', editor, name])
        if status != 0:
            raise RelateError(f"the editor ({editor}) exited with status {status}; nothing logged")
        with open(name, encoding="utf-8", errors="replace") as stream:
            return stream.read()
    finally:
        os.unlink(name)

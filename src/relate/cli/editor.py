"""Getting a log text: the argument, stdin (``-`` or piped), or $VISUAL/$EDITOR."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from relate import terminal
from relate.errors import RelateError

TEMPLATE = """
# Write what happened with {who} ({kind}). Lines starting with '#' are ignored,
# and an empty message aborts the log.
"""


def _strip_comments(text: str) -> str:
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    return "\n".join(lines).strip()


def typed_elsewhere(argument: str | None) -> bool:
    """Whether the text comes from stdin or the editor, not the command line (where the
    shell's history keeps it)."""
    return argument is None or argument == "-"


def keep_text(text: str, folder: Path, now: datetime) -> Path:
    """Write ``text`` to a new owner-only file in ``folder`` (else the temporary folder)
    and return its path: what a person typed is never thrown away."""
    import tempfile

    name = f"relate-unsaved-log-{now:%Y%m%d-%H%M%S}"
    for place in (folder, Path(tempfile.gettempdir())):
        for attempt in range(100):
            path = place / (f"{name}.txt" if attempt == 0 else f"{name}-{attempt}.txt")
            try:
                handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            except OSError:
                break
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text if text.endswith("\n") else text + "\n")
            return path
    raise RelateError("could not keep the text anywhere")


@contextmanager
def kept_on_failure(text: str, folder: Path, now: datetime) -> Iterator[None]:
    """Run a write of ``text``; if it fails, keep the text in a file and say where."""
    try:
        yield
    except BaseException as exc:
        try:
            path = keep_text(text, folder, now)
        except (RelateError, OSError):
            raise exc from None
        if isinstance(exc, RelateError):
            exc.message = f"{exc.message}; your text is kept in {path}"
        else:
            from relate.render import output

            output.warn(f"your text is kept in {path}")
        raise


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

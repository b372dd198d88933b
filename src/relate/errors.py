"""The one error type for user-facing failures, and the exit codes scripts rely on.

Every failure a user can cause or meet is a ``RelateError`` (or subclass); the CLI's
single exit point prints its message as one line on stderr and exits with its code.
The numeric codes are public interface (docs/exit-codes.md): never renumber them.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    USER_ERROR = 1  # bad value, bad date, bad query, bad file
    USAGE = 2  # wrong arguments (Typer/Click's own usage errors use 2 as well)
    NOT_FOUND = 3  # contact or item not found, or ambiguous
    ENVIRONMENT = 4  # not a relate file, locked, read-only, newer schema, disk full
    INTERRUPTED = 130  # Ctrl-C
    INTERNAL = 70  # a bug in relate (EX_SOFTWARE); the traceback is shown with --debug


class RelateError(Exception):
    """A failure explained to the user in one line; ``hint`` is an optional second clause."""

    exit_code: ExitCode = ExitCode.USER_ERROR

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class UsageError(RelateError):
    exit_code = ExitCode.USAGE


class NotFoundError(RelateError):
    exit_code = ExitCode.NOT_FOUND


class AmbiguousError(NotFoundError):
    """More than one item matches; the message lists the candidates."""


class StorageError(RelateError):
    exit_code = ExitCode.ENVIRONMENT


class SettingError(RelateError):
    """An environment variable relate reads (RELATE_NOW, ...) holds a value it cannot use."""

    exit_code = ExitCode.ENVIRONMENT

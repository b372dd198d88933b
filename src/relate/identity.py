"""Who is using relate: ``RELATE_USER``, else the login name.

On a shared (team) database this name is recorded on what a person does: the owner
of the contacts they add, ``logged_by`` on what they log. Like the clock, only
``cli/`` asks; services get the name as an argument.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

UNKNOWN = "unknown"


@dataclass(frozen=True)
class User:
    name: str
    source: str  # "RELATE_USER" | "login" | "unknown"


def _clean(name: str) -> str:
    """One line of printable text: whitespace runs become one space, control
    characters (an escape sequence in the environment) are dropped."""
    return " ".join("".join(c if c.isprintable() else " " for c in name).split())


def current() -> User:
    """The current user; never fails (a login name that cannot be found is ``unknown``)."""
    configured = _clean(os.environ.get("RELATE_USER", ""))
    if configured:
        return User(configured, "RELATE_USER")
    import getpass

    try:
        login = getpass.getuser()  # LOGNAME, USER, LNAME, USERNAME, then the password file
    except Exception:  # no such variable and a uid without a passwd entry (containers)
        return User(UNKNOWN, "unknown")
    login = _clean(login)
    return User(login, "login") if login else User(UNKNOWN, "unknown")


def current_user() -> str:
    return current().name

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


def current() -> User:
    """The current user; never fails (a login name that cannot be found is ``unknown``)."""
    configured = " ".join(os.environ.get("RELATE_USER", "").split())
    if configured:
        return User(configured, "RELATE_USER")
    import getpass

    try:
        login = getpass.getuser()  # LOGNAME, USER, LNAME, USERNAME, then the password file
    except Exception:  # no such variable and a uid without a passwd entry (containers)
        return User(UNKNOWN, "unknown")
    login = " ".join(login.split())
    return User(login, "login") if login else User(UNKNOWN, "unknown")


def current_user() -> str:
    return current().name

"""What every command needs: the database (opened on first use) and the clock.

Set by the root callback from ``--db``/``RELATE_DB`` (a file path or a PostgreSQL
URL: ``storage/location.py``); commands call ``database()``
and ``now()`` instead of reaching for globals of their own. Only the commands that
can start a database (``add``, ``import``, ``remind``) ask for ``create=True``; every
other command fails on a missing file instead of leaving an empty database behind.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

from relate import clock
from relate.errors import SettingError, StorageError
from relate.storage.database import Database, open_database
from relate.storage.location import Location, default_file, default_location, parse_location


class AppState:
    # A plain class, not a dataclass: it is made at every start (docs/performance.md).
    def __init__(self) -> None:
        self.db: str | None = None  # --db as given: a path or a PostgreSQL URL
        self.debug = False
        self.label = "relate"  # the command line, named by `relate undo`
        self.committed = False  # a change of this command is in the database
        self._db: Database | None = None

    def location(self) -> Location:
        """The database in use: ``--db``, else ``RELATE_DB``, else the default file."""
        return parse_location(self.db) if self.db is not None else default_location()

    def path(self) -> Path:
        """The database file; a command that needs a file refuses a server cleanly."""
        location = self.location()
        if location.path is None:
            raise StorageError(
                f"cannot use {location}: this command works on a database file only, for now"
            )
        return location.path

    def folder(self) -> Path:
        """Where relate keeps files beside the database (text kept after a failed log):
        the database's folder, or the user data folder for a server."""
        location = self.location()
        if location.path is not None:
            return location.path.parent
        return default_file().parent

    def mask(self, text: str) -> str:
        """``text`` without the database password (for every line relate prints)."""
        try:
            return self.location().mask(text)
        except Exception:  # an unparsable --db holds nothing to mask that is shown
            return text

    def source(self) -> str:
        """Why ``location()`` is the database in use (for ``relate where``)."""
        if self.db is not None:
            return "--db"
        if os.environ.get("RELATE_DB"):
            return "RELATE_DB"
        return "default"

    def database(self, *, create: bool = False) -> Database:
        if self._db is None:
            location = self.location()
            where: Path | Location = location if location.path is None else location.path
            self._db = open_database(where, create=create, now=now)
            self._db.label = self.label
            self._db.who = user  # each undo step records who made it
            # One command, one snapshot: its reads never see half of another's write.
            self._db.hold_snapshot()
        return self._db

    def changed(self) -> bool:
        """Whether this command has committed a change (then it must not report failure)."""
        return self.committed or (self._db is not None and self._db.committed)

    def close(self) -> None:
        if self._db is not None:
            self.committed = self.changed()
            self._db.close()
            self._db = None


STATE = AppState()


def database(*, create: bool = False) -> Database:
    return STATE.database(create=create)


def now() -> datetime:
    return clock.now()


def user() -> str:
    """Who is running relate (``RELATE_USER``, else the login name): recorded on what
    they add and log, like ``now``, passed to services as an argument."""
    from relate import identity  # not at start-up: reading commands never ask

    return identity.current_user()


def today() -> date:
    return clock.today()


def losing_touch() -> int:
    """``RELATE_LOSING_TOUCH``: days without contact after which `today` lists a contact
    without a cadence as losing touch (0: never); unset, the agenda's default."""
    from relate.services.agenda import DEFAULT_LOSING_TOUCH

    raw = os.environ.get("RELATE_LOSING_TOUCH", "").strip()
    if not raw:
        return DEFAULT_LOSING_TOUCH
    if not raw.isdigit() or not raw.isascii():
        raise SettingError(
            f"RELATE_LOSING_TOUCH={raw!r}: not a number of days",
            hint=f"use e.g. {DEFAULT_LOSING_TOUCH}, 0 to switch it off, or unset it",
        )
    return int(raw)

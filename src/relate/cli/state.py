"""What every command needs: the database (opened on first use) and the clock.

Set by the root callback from ``--db``/``RELATE_DB``; commands call ``database()``
and ``now()`` instead of reaching for globals of their own. Only the commands that
can start a database (``add``, ``import``, ``remind``) ask for ``create=True``; every
other command fails on a missing file instead of leaving an empty database behind.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from relate import clock
from relate.storage.database import Database, default_path, open_database


@dataclass
class AppState:
    db_path: Path | None = None
    debug: bool = False
    label: str = "relate"  # the command line, named by `relate undo`
    committed: bool = False  # a change of this command is in the database
    _db: Database | None = None

    def path(self) -> Path:
        return self.db_path or default_path()

    def source(self) -> str:
        """Why ``path()`` is the database in use (for ``relate where``)."""
        if self.db_path is not None:
            return "--db"
        if os.environ.get("RELATE_DB"):
            return "RELATE_DB"
        return "default"

    def database(self, *, create: bool = False) -> Database:
        if self._db is None:
            self._db = open_database(self.path(), create=create, now=now)
            self._db.label = self.label
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


def today() -> date:
    return clock.today()

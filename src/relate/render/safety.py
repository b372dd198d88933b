"""What backup, restore, where and whoami say: the file written, the database restored and
the one kept, which database relate uses and why, who relate records as you and why."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from relate.render import output

if TYPE_CHECKING:  # where and whoami stay light: nothing of restore's is loaded for them
    from relate.identity import User
    from relate.services.restore import Restored

# Why this database: state.STATE.source().
_WHY = {
    "--db": "chosen by --db",
    "RELATE_DB": "chosen by the RELATE_DB environment variable",
    "default": "the default (neither --db nor RELATE_DB is set)",
}
# Why this name: identity.User.source.
_USER_WHY = {
    "RELATE_USER": "from the RELATE_USER environment variable",
    "login": "your login name (set RELATE_USER to use another name)",
    "unknown": "no login name could be found: set RELATE_USER",
}


def backed_up(written: Path) -> None:
    output.say(f"Backed up to {written}")


def restored(target: Path, source: Path, done: Restored) -> None:
    """'Restored X from Y; the replaced database is kept as Z'."""
    kept = f"; the replaced database is kept as {done.kept}" if done.kept else ""
    output.say(f"Restored {target} from {source}{kept}")


def restored_server(location: str, source: Path, done: Restored) -> None:
    """'Restored postgresql://... from Y; the replaced data is kept as Z'."""
    output.say(f"Restored {location} from {source}; the replaced data is kept as {done.kept}")


def where_file(path: Path, source: str, exists: bool) -> None:
    """The file's path alone on the first line (for scripts), then why and whether it exists."""
    output.say(str(path))
    status = "exists" if exists else "does not exist yet: relate add or relate import starts it"
    output.say(f"{_WHY[source]}; {status}")


def where_server(display: str, dbname: str | None, host: str | None, source: str) -> None:
    """The server's URL (password masked) alone on the first line, then why and which."""
    output.say(display)
    server = host or "libpq's default host"
    name = dbname or "libpq's default database"
    output.say(f"{_WHY[source]}; a PostgreSQL database: {name} on {server}")


def whoami(user: User) -> None:
    """The name alone on the first line (for scripts), then where it came from."""
    output.say(user.name)
    output.say(_USER_WHY[user.source])

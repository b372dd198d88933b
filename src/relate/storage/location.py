"""Where the database is: a SQLite file, or a PostgreSQL server named by a URL.

``--db`` and ``RELATE_DB`` take either. A PostgreSQL URL is
``postgresql://user@host:5432/dbname`` (also ``postgres://`` and SQLAlchemy's
``postgresql+psycopg://``); anything else without a ``scheme://`` is a file path.

The URL goes to psycopg (libpq) as it was given, less the ``+psycopg``, so libpq's
own conventions keep working: ``PGPASSWORD``, ``~/.pgpass``, ``PGSERVICE`` and
``?service=``, ``?sslmode=``, several hosts. relate never prints it as given:
``display()`` (and ``str()``) mask the password, and ``mask()`` takes it out of any
text (an error line, a traceback). This module imports nothing heavy: psycopg is
loaded by the PostgreSQL engine only.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal, NamedTuple
from urllib.parse import parse_qsl, unquote

from relate.errors import SettingError

Engine = Literal["sqlite", "postgresql"]

# The schemes that mean PostgreSQL, lower case; the URL is handed on as postgresql://.
POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789+.-")
MASK = "***"


class Location(NamedTuple):
    """A parsed ``--db``/``RELATE_DB``: ``engine`` and either ``path`` or ``url``.

    A NamedTuple rather than a dataclass: every command parses one at start-up, where
    a frozen dataclass's generated methods cost about a millisecond."""

    engine: Engine
    path: Path | None = None
    url: str | None = None  # as given (PostgreSQL): may hold a password; never print it
    parts: UrlParts | None = None  # the URL's user, host, database and password(s)

    @classmethod
    def parse(cls, text: str | os.PathLike[str]) -> Location:
        return parse_location(text)

    @classmethod
    def file(cls, path: Path) -> Location:
        return cls("sqlite", path=path)

    @property
    def is_postgres(self) -> bool:
        return self.engine == "postgresql"

    @property
    def conninfo(self) -> str:
        """What psycopg.connect() gets: the URL as given, with the scheme libpq knows."""
        if self.url is None:
            raise ValueError("a SQLite location has no conninfo")
        scheme, rest = self.url.split("://", 1)
        return f"postgresql://{rest}" if scheme.lower() == "postgresql+psycopg" else self.url

    @property
    def host(self) -> str | None:
        """The host(s) the URL names (``a,b`` for several), or None: libpq's default."""
        return self.parts.host if self.parts else None

    @property
    def dbname(self) -> str | None:
        """The database the URL names, or None: libpq's default (the user name)."""
        return self.parts.dbname if self.parts else None

    @property
    def user(self) -> str | None:
        return self.parts.user if self.parts else None

    def display(self) -> str:
        """For every message: the path, or the URL with its password masked."""
        if self.url is None:
            return str(self.path)
        return _masked_url(self.url)

    def __str__(self) -> str:
        return self.display()

    def __repr__(self) -> str:
        shown = f"path={self.path!r}" if self.url is None else f"url={self.display()!r}"
        return f"Location(engine={self.engine!r}, {shown})"

    def secrets(self) -> tuple[str, ...]:
        """The password, as written in the URL and decoded (for ``mask``)."""
        if self.parts is None:
            return ()
        found = {s for p in self.parts.passwords for s in (p, unquote(p)) if s}
        return tuple(sorted(found, key=len, reverse=True))

    def mask(self, text: str) -> str:
        """``text`` with the URL shown masked and any other occurrence of the password
        replaced by ``***`` (for error lines and tracebacks relate did not write)."""
        if self.url is not None:
            text = text.replace(self.url, self.display())
        for secret in self.secrets():
            text = text.replace(secret, MASK)
        return text


class UrlParts(NamedTuple):
    user: str | None
    host: str | None
    dbname: str | None
    passwords: tuple[str, ...]


def _split_url(url: str) -> UrlParts:
    """The parts of a libpq URL that messages name (no validation: libpq does that).

    ``postgresql://[user[:password]@][host][:port][,...][/dbname][?param=value&...]``
    """
    rest = url.split("://", 1)[1]
    rest, _, query = rest.partition("?")
    authority, _, path = rest.partition("/")
    userinfo, at, hosts = authority.rpartition("@")
    user: str | None = None
    passwords: list[str] = []
    if at:
        name, colon, password = userinfo.partition(":")
        user = unquote(name) or None
        if colon and password:
            passwords.append(password)
    host_names = [_host_of(part) for part in hosts.split(",")] if hosts else []
    params = dict(parse_qsl(query, keep_blank_values=True))
    if params.get("password"):
        passwords.append(params["password"])
        # parse_qsl decodes; the URL's text holds the raw form too.
        passwords.extend(raw for raw in re.findall(r"(?:^|&)password=([^&]*)", query) if raw)
    host = ",".join(h for h in host_names if h) or params.get("host") or None
    dbname = unquote(path) or params.get("dbname") or None
    return UrlParts(user or params.get("user") or None, host, dbname, tuple(passwords))


def _masked_url(url: str) -> str:
    """``url`` with the password of its user part and any ``password=`` value as ``***``."""
    scheme, rest = url.split("://", 1)
    rest, question, query = rest.partition("?")
    authority, slash, path = rest.partition("/")
    userinfo, at, hosts = authority.rpartition("@")
    if at:
        name, colon, _password = userinfo.partition(":")
        authority = f"{name}:{MASK}@{hosts}" if colon else authority
    if question:
        query = re.sub(r"(^|&)password=[^&]*", rf"\1password={MASK}", query)
    return f"{scheme}://{authority}{slash}{path}{question}{query}"


def _host_of(part: str) -> str:
    """``host:port`` -> ``host``; ``[::1]:5432`` -> ``::1``."""
    part = unquote(part)
    if part.startswith("["):
        return part[1:].split("]", 1)[0]
    return part.rsplit(":", 1)[0] if part.count(":") == 1 else part


def parse_location(text: str | os.PathLike[str]) -> Location:
    """``--db``/``RELATE_DB``: a PostgreSQL URL, or else a file path."""
    raw = os.fspath(text)
    given, found, _rest = raw.partition("://")
    scheme = given.lower()
    # A URL's scheme is a letter, then letters, digits, "+", "." or "-" (RFC 3986).
    if not found or not scheme[:1].isalpha() or not _SCHEME_CHARS.issuperset(scheme):
        return Location("sqlite", path=Path(raw).expanduser())
    if scheme not in POSTGRES_SCHEMES:
        # Shown without the rest: whatever follows may hold a password.
        raise SettingError(
            f"unsupported database URL scheme {given}://",
            hint="use a file path or postgresql://user@host:5432/dbname",
        )
    return Location("postgresql", url=raw, parts=_split_url(raw))


def default_location() -> Location:
    """``RELATE_DB`` if set, else the file in the platform's user data folder."""
    configured = os.environ.get("RELATE_DB")
    if configured:
        return parse_location(configured)
    return Location.file(default_file())


def default_file() -> Path:
    """The database file when nothing names one: the platform's user data folder."""
    from platformdirs import user_data_path

    return user_data_path("relate", appauthor=False) / "relate.db"

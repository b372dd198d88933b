"""The storage boundary: what services may rely on, whichever engine holds the data.

Services run SQL both engines understand (``:named`` parameters, see
docs/architecture.md) through ``relate.storage.database.Database``; what really
differs between engines lives in one module each:

- ``engines/sqlite.py``: the stdlib ``sqlite3`` driver, ``BEGIN IMMEDIATE``, the TEMP
  trigger undo journal, FTS5 search, SQLite's error texts.
- ``engines/postgres.py`` (psycopg 3, imported only for a PostgreSQL URL).

This module imports neither driver: choosing an engine must cost nothing at start-up.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

# One search query, engine-neutral: what services/search.py parsed from the user's
# text. Each part is a word (``"word"``), a phrase (``"two words"``), a prefix
# (``"redes"*``), an operator (AND/OR/NOT) or a parenthesis; the engine renders it.
QueryParts = Sequence[str]


# Only annotations name these three (unevaluated, ``from __future__ import annotations``)
# and mypy checks them; at run time they are plain names, because creating Protocol
# classes costs about 2 ms at every start.
if TYPE_CHECKING:

    class Row(Protocol):
        """A result row: by column name, by position, and ``dict(row)`` through ``keys()``."""

        def __getitem__(self, key: int | str, /) -> Any: ...

        def keys(self) -> list[str]: ...

    class Cursor(Protocol):
        """What ``Database.execute`` returns: iterate it or fetch from it."""

        @property
        def rowcount(self) -> int: ...

        def fetchone(self) -> Any: ...

        def fetchall(self) -> list[Any]: ...

        def __iter__(self) -> Iterator[Any]: ...

    class Engine(Protocol):
        """The hooks ``Database`` calls; one class per engine module."""

        name: str

        def execute(self, sql: str, params: dict[str, object] | None = None) -> Any: ...

        def insert(self, sql: str, params: dict[str, object] | None = None) -> int: ...

        def tuples(self, sql: str) -> list[tuple[Any, ...]]: ...

        def error(self, exc: BaseException) -> Exception | None: ...

        def begin_read(self) -> None: ...

        def end_read(self) -> None: ...

        def begin_write(self) -> None: ...

        def commit(self) -> None: ...

        def rollback(self) -> None: ...

        def close(self) -> None: ...

        def prepare_journal(self) -> None: ...

        def begin_step(self, label: str, at: Any) -> int: ...

        def end_step(self, step: int) -> bool: ...

        def replay(self, entries: list[str]) -> None: ...

        def insert_rows(
            self, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]], ignore: bool
        ) -> None: ...

        def journal_ranges(self, tables: Sequence[str]) -> AbstractContextManager[None]: ...

        def search_contacts(self, parts: QueryParts, limit: int) -> list[Any]: ...

        def search_interactions(self, parts: QueryParts, limit: int) -> list[Any]: ...

else:
    Row = Cursor = Engine = object


class SearchSyntaxError(Exception):
    """The engine's full-text index refused the query the user typed."""

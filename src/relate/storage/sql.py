"""A registry of the plain SQL statements that commands run.

Each module registers its statements with ``statement()`` at module level, so
importing it registers them. ``tests/unit/test_storage.py`` imports every module and
prepares every registered statement against a freshly migrated database (whose schema
another test compares with the models): a statement naming a table or column the
schema lacks fails there, not in a user's command.

Statements take ``:named`` parameters in SQL that SQLite and PostgreSQL both run;
storage/engines/postgres.py rewrites or defines the few SQLite names they use
(``group_concat``, ``julianday``, ``COLLATE NOCASE``, ...) and runs a statement
registered with a ``name`` in a form of its own where that is faster (``VARIANTS``).
Full-text search is each engine's own (``search_contacts``, ``search_interactions``).
"""

from __future__ import annotations

STATEMENTS: list[str] = []
# Statement text -> name, for the few an engine runs in a form of its own
# (``storage/engines/postgres.py`` ``VARIANTS``).
NAMES: dict[str, str] = {}


def statement(sql: str, *, name: str | None = None) -> str:
    STATEMENTS.append(sql)
    if name is not None:
        NAMES[sql] = name
    return sql

"""A registry of the plain SQL statements that commands run.

Each module registers its statements with ``statement()`` at module level, so
importing it registers them. ``tests/unit/test_storage.py`` imports every module and
prepares every registered statement against a freshly migrated database (whose schema
another test compares with the models): a statement naming a table or column the
schema lacks fails there, not in a user's command.

Statements take ``:named`` parameters and are written in SQLite's dialect (FTS5
``MATCH``, ``bm25``, ``snippet``, ``group_concat``, ``datetime(..., 'localtime')``):
another engine needs its own text for those.
"""

from __future__ import annotations

STATEMENTS: list[str] = []


def statement(sql: str) -> str:
    STATEMENTS.append(sql)
    return sql

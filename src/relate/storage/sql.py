"""A registry of the plain SQL statements that commands run.

Statements are written with ``:named`` parameters so that the same text can run
through SQLAlchemy ``text()`` on PostgreSQL later. Registering them lets a test
prepare every one against a freshly migrated database, which proves each column
they name exists in the SQLModel schema.
"""

from __future__ import annotations

STATEMENTS: list[str] = []


def statement(sql: str) -> str:
    STATEMENTS.append(sql)
    return sql

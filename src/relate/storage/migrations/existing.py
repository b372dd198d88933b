"""Re-running a migration over its own leftovers.

Before relate ran each migration in one transaction, an interrupted upgrade left
part of a migration behind with ``alembic_version`` still naming the revision before
it. So every migration after the first skips what already exists (tables and indexes
``if_not_exists``, columns through ``has_column``) and finishes the rest: a file left
half-upgraded by an older relate upgrades like any other (#9.5).
"""

from __future__ import annotations

from alembic import op


def has_column(table: str, column: str) -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        import sqlalchemy as sa

        return any(c["name"] == column for c in sa.inspect(bind).get_columns(table))
    rows = bind.exec_driver_sql(f'PRAGMA table_info("{table}")')
    return any(row[1] == column for row in rows)

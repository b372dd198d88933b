"""What a relate database file looks like from outside, readable without SQLAlchemy.

The hot path compares the file's recorded revision with ``HEAD`` using the stdlib
``sqlite3`` module and only imports Alembic when an upgrade is really needed.
A test checks that ``REVISIONS`` matches the Alembic scripts exactly.
"""

from __future__ import annotations

# Written into the SQLite header (PRAGMA application_id) so that relate can refuse a
# foreign file before touching it. 0x52454C41 = "RELA".
APPLICATION_ID = 0x52454C41

# Every Alembic revision, oldest first.
REVISIONS: tuple[str, ...] = (
    "0001_initial",
    "0002_practice",
    "0003_undo",
    "0004_speed",
    "0005_team",
    "0006_orgs",
    "0007_fields",
    "0008_losing_touch",
    "0009_once",
    "0010_concerns",
    "0011_ledger",
)
HEAD = REVISIONS[-1]

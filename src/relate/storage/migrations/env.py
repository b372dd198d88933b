"""Alembic environment: relate runs migrations in-process on a connection it hands over."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import relate.storage.models  # noqa: F401  (registers every table on the metadata)

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - relate always passes its own connection
    raise RuntimeError("relate migrations run through relate.storage.migrate only")

# render_as_batch: SQLite cannot ALTER most things, so Alembic copies tables instead.
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,
    compare_server_default=True,
    # Each migration commits with its own version bump: an interrupted upgrade stops
    # at a whole revision, never inside one (#9.5).
    transaction_per_migration=True,
)
with context.begin_transaction():
    context.run_migrations()

"""Bring a database file to the newest schema with Alembic (imported only when needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config() -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(path: Path, revision: str = "head") -> None:
    """Apply every pending migration to the file at ``path``, in one transaction each.

    The stdlib driver commits before every CREATE or ALTER on its own, so a kill
    mid-upgrade used to leave half a migration behind and ``alembic_version`` behind
    it ("index already exists" forever, #9.5). Here the driver's own transaction
    handling is off and every transaction starts with an explicit ``BEGIN``: SQLite's
    DDL is transactional, so each migration and its version bump commit together or
    not at all. Alembic runs on its own engine with no pooling, so nothing holds the
    file once this returns (see the locked-commit trap in MEASUREMENTS.md).
    """
    from alembic import command
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import NullPool

    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # no implicit commits around DDL
        # Batch migrations rebuild tables; foreign keys must be off while they do.
        dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        dbapi_connection.execute("PRAGMA busy_timeout=5000")

    @event.listens_for(engine, "begin")
    def _begin(connection):  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    config = alembic_config()
    try:
        with engine.connect() as connection:
            config.attributes["connection"] = connection  # type: ignore[attr-defined]
            command.upgrade(config, revision)  # type: ignore[arg-type]
    finally:
        engine.dispose()


def upgrade_postgres(conninfo: str, revision: str = "head") -> None:
    """Apply every pending migration to the PostgreSQL database ``conninfo`` names.

    The models' dates and times are stored as the same ISO text as on SQLite and
    booleans as 0/1, and text compares by its bytes as SQLite's does
    (``_same_storage_as_sqlite``): the services compare and order them as text, a
    prefix is a range of keys whatever the server's language, and a backup is a SQLite
    file with the same bytes. PostgreSQL's DDL is
    transactional: each migration commits with its version bump, or not at all.
    """
    import psycopg
    from alembic import command
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    _same_storage_as_sqlite()
    engine = create_engine(
        "postgresql+psycopg://", creator=lambda: psycopg.connect(conninfo), poolclass=NullPool
    )
    config = alembic_config()
    try:
        with engine.connect() as connection:
            config.attributes["connection"] = connection  # type: ignore[attr-defined]
            command.upgrade(config, revision)  # type: ignore[arg-type]
            connection.commit()
    finally:
        engine.dispose()


def _same_storage_as_sqlite() -> None:
    import copy

    from sqlalchemy import Boolean, Date, DateTime, String
    from sqlalchemy.ext.compiler import compiles

    def as_text(_type: object, _compiler: object, **_kw: object) -> str:
        return 'TEXT COLLATE "C"'

    def as_integer(_type: object, _compiler: object, **_kw: object) -> str:
        return "INTEGER"

    def by_bytes(type_: String, compiler: Any, **kw: object) -> str:
        """Text columns collate "C", SQLite's BINARY: a database created with a language's
        collation (en_US, de_DE, ICU's da or cs) would otherwise order keys by its rules,
        and a prefix range (``key >= :p AND key < :p || max``) would miss names where a
        letter pair sorts as one ("aa" after "z" in Danish, "ch" after "h" in Czech)."""
        if type_.collation is None:
            type_ = copy.copy(type_)
            type_.collation = "C"
        return str(compiler.visit_VARCHAR(type_, **kw))

    compiles(DateTime, "postgresql")(as_text)
    compiles(Date, "postgresql")(as_text)
    compiles(Boolean, "postgresql")(as_integer)
    compiles(String, "postgresql")(by_bytes)


def script_revisions() -> list[str]:
    """The revisions Alembic knows, oldest first (used by tests to check REVISIONS)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())  # type: ignore[arg-type]
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]

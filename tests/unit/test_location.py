"""--db/RELATE_DB: a file path or a PostgreSQL URL, whose password is never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from pg_cluster import PASSWORD, PASSWORD_ROLE, PgCluster
from relate.errors import ExitCode, SettingError
from relate.storage.location import Location, default_location, parse_location


@pytest.mark.parametrize(
    "text",
    [
        "postgresql://ann@db.example.com:5432/relate",
        "postgres://ann@db.example.com:5432/relate",
        "postgresql+psycopg://ann@db.example.com:5432/relate",
        "PostgreSQL://ann@db.example.com:5432/relate",
    ],
)
def test_the_three_url_forms_mean_postgresql(text: str) -> None:
    location = parse_location(text)
    assert location.engine == "postgresql" and location.path is None
    assert location.host == "db.example.com"
    assert location.dbname == "relate"
    assert location.user == "ann"
    assert location.display() == text  # nothing to mask
    assert location.conninfo.split("://")[1] == "ann@db.example.com:5432/relate"
    assert location.conninfo.split("://")[0] in {"postgresql", "postgres", "PostgreSQL"}


@pytest.mark.parametrize(
    "text", ["relate.db", "./work/relate.db", "/tmp/x.db", "C:relate.db", "a:b.db", "x//y.db"]
)
def test_a_plain_path_is_sqlite(text: str) -> None:
    location = parse_location(text)
    assert location == Location.file(Path(text))
    assert location.engine == "sqlite" and location.display() == str(Path(text))


def test_a_path_under_home_is_expanded() -> None:
    assert parse_location("~/relate.db").path == Path.home() / "relate.db"


def test_the_password_is_masked_wherever_the_url_holds_it() -> None:
    userinfo = parse_location("postgresql://ann:Top%40Secret@db:5432/relate?sslmode=require")
    assert userinfo.display() == "postgresql://ann:***@db:5432/relate?sslmode=require"
    assert str(userinfo) == userinfo.display()
    assert "Secret" not in repr(userinfo)
    query = parse_location("postgres://db/relate?user=ann&password=hunter2&sslmode=disable")
    assert query.display() == "postgres://db/relate?user=ann&password=***&sslmode=disable"
    assert query.user == "ann"


def test_mask_takes_the_password_out_of_any_text() -> None:
    location = parse_location("postgresql://ann:Top%40Secret@db/relate")
    text = (
        "connection to postgresql://ann:Top%40Secret@db/relate failed; "
        "password 'Top@Secret' rejected"
    )
    masked = location.mask(text)
    assert "Secret" not in masked
    assert "postgresql://ann:***@db/relate" in masked


def test_the_conninfo_keeps_what_libpq_reads() -> None:
    text = "postgresql+psycopg://ann:pw@h1:5432,h2:5433/relate?sslmode=verify-full&service=x"
    location = parse_location(text)
    assert location.conninfo == text.replace("postgresql+psycopg", "postgresql")
    assert location.host == "h1,h2"
    assert location.display() == (
        "postgresql+psycopg://ann:***@h1:5432,h2:5433/relate?sslmode=verify-full&service=x"
    )


def test_what_the_url_leaves_out_is_libpqs_to_choose() -> None:
    bare = parse_location("postgresql://")
    assert (bare.host, bare.dbname, bare.user) == (None, None, None)
    service = parse_location("postgresql:///?service=team")
    assert service.conninfo == "postgresql:///?service=team"
    assert parse_location("postgresql://[::1]:5432/x").host == "::1"


def test_another_scheme_is_refused_without_echoing_the_url() -> None:
    with pytest.raises(SettingError) as refused:
        parse_location("mysql://ann:hunter2@db/relate")
    assert refused.value.exit_code == ExitCode.ENVIRONMENT
    assert "mysql://" in str(refused.value) and "hunter2" not in str(refused.value)


def test_relate_db_may_hold_a_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELATE_DB", "postgres://ann@db/relate")
    assert default_location().engine == "postgresql"
    monkeypatch.setenv("RELATE_DB", "~/x.db")
    assert default_location() == Location.file(Path.home() / "x.db")


# libpq's own conventions work because the URL reaches psycopg unchanged.


def _connect(conninfo: str) -> str:
    import psycopg

    with psycopg.connect(conninfo, connect_timeout=10) as conn:
        row = conn.execute("SELECT current_user").fetchone()
    assert row is not None
    return str(row[0])


def _password_url(cluster: PgCluster, url: str, password: str | None = None) -> str:
    return cluster.url(url.rsplit("/", 1)[1], PASSWORD_ROLE, password)


def test_pgpassword_supplies_the_password_a_url_leaves_out(
    pg_cluster: PgCluster, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    location = parse_location(_password_url(pg_cluster, pg_url).replace("postgresql", "postgres"))
    with pytest.raises(psycopg.OperationalError):
        _connect(location.conninfo)
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    assert _connect(location.conninfo) == PASSWORD_ROLE


def test_pgpass_and_pgservice_and_sslmode_in_the_url(
    pg_cluster: PgCluster, pg_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    database = pg_url.rsplit("/", 1)[1]
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{pg_cluster.port}:*:{PASSWORD_ROLE}:{PASSWORD}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    plain = parse_location(
        f"postgresql+psycopg://{PASSWORD_ROLE}@127.0.0.1:{pg_cluster.port}/{database}"
        "?sslmode=disable"
    )
    assert _connect(plain.conninfo) == PASSWORD_ROLE
    services = tmp_path / "services.conf"
    services.write_text(
        f"[team]\nhost=127.0.0.1\nport={pg_cluster.port}\ndbname={database}\n"
        f"user={PASSWORD_ROLE}\n"
    )
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    monkeypatch.setenv("PGSERVICE", "team")
    assert _connect(parse_location("postgresql://").conninfo) == PASSWORD_ROLE
    assert _connect(parse_location("postgresql:///?service=team").conninfo) == PASSWORD_ROLE


def test_relate_opens_a_server_with_the_password_from_pgpassword(
    pg_cluster: PgCluster, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from relate.errors import StorageError
    from relate.storage.database import open_database

    for name in ("PGPASSWORD", "PGSERVICE", "PGUSER", "PGHOST", "PGDATABASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    database = pg_cluster.create_database(owner=PASSWORD_ROLE)
    try:
        location = parse_location(pg_cluster.url(database, PASSWORD_ROLE))
        with pytest.raises(StorageError) as refused:
            open_database(location)
        assert refused.value.exit_code == ExitCode.ENVIRONMENT
        assert database in str(refused.value) and "\n" not in str(refused.value)
        monkeypatch.setenv("PGPASSWORD", PASSWORD)
        db = open_database(location)  # a fresh database: relate sets it up
        try:
            row = db.execute("SELECT count(*) FROM contact").fetchone()
            assert row[0] == 0
        finally:
            db.close()
        assert PASSWORD not in str(location) and PASSWORD not in repr(location)
    finally:
        pg_cluster.drop_database(database)

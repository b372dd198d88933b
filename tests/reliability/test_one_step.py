"""Every write command is one transaction and one undo step; no change, no step (#10.15)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import Relate, Stored

# Each write command, run against the people and items the fixture below creates.
WRITES: tuple[tuple[str, ...], ...] = (
    ("add", "Bob Jones", "--email", "bob@example.com", "--tag", "client", "--every", "monthly"),
    ("edit", "ann", "--stage", "commitment", "--tag", "vip", "--every", "monthly"),
    ("edit", "ann", "--stage", "dissolution", "--revisit", "2027-03-01"),
    ("log", "ann", "Call", "--kind", "call", "--with", "cy", "--follow-up", "2026-12-01"),
    ("remind", "ann", "Send the proposal", "--on", "2026-12-01", "--every", "monthly"),
    ("done", "1"),
    ("snooze", "2", "--until", "2026-12-10"),
    ("date", "ann", "birthday", "1985-03-14", "--lead", "10"),
    ("archive", "Cy Young"),
    ("unarchive", "dee"),
    ("delete", "Cy Young", "--yes"),
    ("import", "IMPORT_FILE"),
    ("concern", "ann", "Invoice sent twice"),
    ("resolve", "1", "Refunded"),
    ("feedback", "ann", "9", "--note", "Loved it"),
    ("engagement", "ann", "Website redesign", "--value", "4500"),
    ("close", "1", "--satisfaction", "9"),
    ("gift", "ann", "Book", "--given", "2026-11-20", "--occasion", "birthday"),
    ("org", "add", "Globex"),
    ("org", "edit", "acme", "--name", "Acme Inc", "--every", "monthly", "--note", "April"),
    ("edit", "ann", "--decides"),
)

# Commands that change nothing: they say so and leave no undo step.
NO_CHANGE: tuple[tuple[str, ...], ...] = (
    ("archive", "Dee Ray"),
    ("unarchive", "ann"),
    ("edit", "ann"),
    ("edit", "ann", "--stage", "exploration"),
    ("edit", "ann", "--no-decides"),
    ("org", "edit", "acme", "--name", "Acme"),
)


# The world every test starts from, made by these commands.
WORLD: tuple[tuple[str, ...], ...] = (
    ("add", "Ann Smith", "--stage", "exploration", "--org", "Acme"),
    ("add", "Cy Young"),
    ("add", "Dee Ray"),
    ("archive", "Dee Ray"),
    ("remind", "ann", "Call back", "--on", "2026-11-24"),
    ("remind", "ann", "Send the invoice", "--on", "2026-11-25"),
    ("concern", "ann", "Late delivery"),
    ("engagement", "ann", "Logo"),
)


def _build_world(location: str) -> None:
    from typer.testing import CliRunner

    from relate.cli.main import app

    env = {"RELATE_DB": location, "RELATE_NOW": "2026-11-24T09:30"}
    for args in WORLD:
        result = CliRunner().invoke(app, list(args), env=env)
        assert result.exit_code == 0, (args, result.stderr)


@pytest.fixture(scope="module")
def world_template(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Path:
    """People, reminders, a concern and an engagement, built once for the module."""
    path = tmp_path_factory.mktemp("world") / "relate.db"
    shutil.copyfile(template_db, path)
    _build_world(str(path))
    return path


@pytest.fixture
def world(
    db_path: Path,
    tmp_path: Path,
    engine: str,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """The world in this test's database, and a CSV file of two new people."""
    if engine == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")
        name = cluster.create_database(template=cluster.template("one-step world", _build_world))
        request.addfinalizer(lambda: cluster.drop_database(name))
        monkeypatch.setenv("RELATE_DB", cluster.url(name))
    else:
        shutil.copyfile(request.getfixturevalue("world_template"), db_path)
    source = tmp_path / "people.csv"
    source.write_text("name,email\nEve Adams,eve@example.com\nFay Lee,fay@example.com\n")
    return source


@pytest.mark.parametrize("args", WRITES, ids=lambda args: " ".join(args[:2]))
def test_a_write_command_is_one_undo_step_and_undo_takes_all_of_it_back(
    relate: Relate, stored: Stored, world: Path, args: tuple[str, ...]
) -> None:
    args = tuple(str(world) if a == "IMPORT_FILE" else a for a in args)
    before, data = stored.steps(), stored.user_data()
    result = relate(*args)
    assert result.exit_code == 0, result.stderr
    assert stored.steps() == before + 1
    assert stored.user_data() != data
    assert relate("undo").exit_code == 0
    assert stored.user_data() == data


@pytest.mark.parametrize("args", NO_CHANGE, ids=" ".join)
def test_a_command_that_changes_nothing_says_so_and_uses_no_undo_step(
    relate: Relate, stored: Stored, world: Path, args: tuple[str, ...]
) -> None:
    before, data = stored.steps(), stored.user_data()
    result = relate(*args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Nothing changed: #")
    assert stored.steps() == before
    assert stored.user_data() == data  # not even a timestamp moved

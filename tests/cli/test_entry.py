"""The executable imports only the module of the command it runs, and knows them all."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import typer.main

from helpers import imported_modules
from relate.cli.entry import COMMAND_MODULES
from relate.cli.main import app


def test_every_command_is_mapped_to_the_module_that_defines_it() -> None:
    group = typer.main.get_command(app)
    actual = {
        name: command.callback.__module__.rsplit(".", 1)[1]  # type: ignore[attr-defined]
        for name, command in group.commands.items()  # type: ignore[attr-defined]
    }
    assert actual == COMMAND_MODULES


def _relate_modules(args: list[str], db_path: Path) -> set[str]:
    return {name for name in imported_modules(args, db_path) if name.startswith("relate.cli.")}


def test_a_run_imports_only_its_command_module(db_path: Path) -> None:
    # (-X importtime does not list a module loaded by importlib.import_module, which
    # is how the entry point loads the one it needs; the others would show.)
    others = {f"relate.cli.{module}" for module in set(COMMAND_MODULES.values())}
    assert _relate_modules(["today"], db_path) & others <= {"relate.cli.agenda"}
    assert _relate_modules(["list"], db_path) & others <= {"relate.cli.contacts"}
    assert _relate_modules(["--help"], db_path) >= others


def test_help_still_lists_every_command(db_path: Path) -> None:
    env = {**os.environ, "RELATE_DB": str(db_path)}
    result = subprocess.run(
        [sys.executable, "-m", "relate", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    listed = {
        line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines() if line.strip()
    }
    assert listed == set(COMMAND_MODULES)


def test_a_reader_that_stops_early_is_not_an_error(db_path: Path, now: datetime) -> None:
    from relate.services.contacts import ContactInput, insert_contact
    from relate.storage.database import open_database

    db = open_database(db_path)
    with db.transaction() as conn:
        for n in range(3000):  # far more than a pipe buffer holds
            insert_contact(conn, ContactInput(name=f"Person {n:04}"), now)
    db.close()
    env = {**os.environ, "RELATE_DB": str(db_path)}
    reader = subprocess.Popen(
        [sys.executable, "-m", "relate", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert reader.stdout is not None and reader.stderr is not None
    assert reader.stdout.readline() == (
        b"id\tname\torg\ttype\towner\ttags\tstage\tcadence\tlast contact\te-mail\n"
    )
    reader.stdout.close()  # like `relate list | head -1`
    assert reader.stderr.read() == b""
    assert reader.wait() == 0

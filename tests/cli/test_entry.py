"""The executable imports only the module of the command it runs, and knows them all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
import typer.main

from helpers import imported_modules
from relate.cli.entry import COMMAND_MODULES, COMMAND_SUMMARIES
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


@pytest.mark.slow  # relate in a real process
def test_a_run_imports_only_its_command_module(db_path: Path) -> None:
    # (-X importtime does not list a module loaded by importlib.import_module, which
    # is how the entry point loads the one it needs; the others would show.)
    others = {f"relate.cli.{module}" for module in set(COMMAND_MODULES.values())}
    assert _relate_modules(["today"], db_path) & others <= {"relate.cli.agenda"}
    assert _relate_modules(["list"], db_path) & others <= {"relate.cli.contacts"}
    assert not _relate_modules(["--help"], db_path) & others  # COMMAND_SUMMARIES


@pytest.mark.slow  # relate in a real process
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


@pytest.mark.slow  # relate in a real process
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


def _first_sentences() -> dict[str, str]:
    """Each command's help up to where the root help's short form may stop: the end
    of its first sentence (Click's ``make_default_short_help``), else its paragraph."""
    group = typer.main.get_command(app)
    found = {}
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        words = (command.help or "").split("\n\n")[0].split()
        ends = [i for i, word in enumerate(words) if word.endswith(".")]
        found[name] = " ".join(words[: ends[0] + 1] if ends else words)
    return found


def _as_source(table: dict[str, str]) -> str:
    def literal(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    lines = ["COMMAND_SUMMARIES = {"]
    for name, text in table.items():
        line = f"    {literal(name)}: {literal(text)},"
        if len(line) <= 100:
            lines.append(line)
            continue
        lines.append(f"    {literal(name)}: (")
        if len(literal(text)) <= 92:
            lines += [f"        {literal(text)}", "    ),"]
            continue
        piece = ""
        for word in text.split(" "):
            if piece and len(piece) + len(word) > 80:
                lines.append(f"        {literal(piece + ' ')}")
                piece = ""
            piece = f"{piece} {word}" if piece else word
        lines.append(f"        {literal(piece)}")
        lines.append("    ),")
    return "\n".join([*lines, "}"])


def test_the_root_help_table_matches_the_commands() -> None:
    # `relate --help` is built from COMMAND_SUMMARIES without importing the commands.
    actual = _first_sentences()
    assert actual == COMMAND_SUMMARIES, (
        "cli/entry.py's COMMAND_SUMMARIES is out of date; paste:\n" + _as_source(actual)
    )


@pytest.mark.slow  # relate in two real processes
@pytest.mark.parametrize("columns", ["60", "80", "200"])
def test_the_root_help_reads_as_if_built_from_every_command(columns: str) -> None:
    env = {**os.environ, "COLUMNS": columns}

    def help_from(code: str) -> str:
        run = [sys.executable, "-c", code, "--help"]
        return subprocess.run(run, capture_output=True, text=True, env=env, check=True).stdout

    full = help_from("from relate.cli.main import app; app(prog_name='relate')")
    assert help_from("from relate.cli.entry import main; main()") == full
    assert "  org " in full and "  today " in full

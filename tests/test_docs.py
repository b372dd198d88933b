"""The docs cannot drift from the code."""

from __future__ import annotations

from pathlib import Path

import typer.main

import relate.cli.main  # noqa: F401  (registers every command)
from relate.cli.app import app
from relate.cli.reference import markdown

ROOT = Path(__file__).resolve().parents[1]


def commands() -> dict[str, object]:
    group = typer.main.get_command(app)
    return dict(group.commands)  # type: ignore[attr-defined]


def test_command_reference_is_generated_from_the_current_help() -> None:
    current = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    assert current == markdown(), "run: python -m relate.cli.reference > docs/commands.md"


def test_every_command_has_help_with_an_example() -> None:
    missing = [
        name
        for name, command in commands().items()
        if "Example" not in (getattr(command, "help", None) or "")
    ]
    assert missing == []


def test_the_docs_pages_exist_and_the_readme_links_them() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in (
        "getting-started",
        "commands",
        "json",
        "dates",
        "import-export",
        "configuration",
        "exit-codes",
        "data-safety",
        "performance",
        "architecture",
    ):
        assert (ROOT / "docs" / f"{page}.md").is_file(), page
        assert f"docs/{page}.md" in readme, page


def test_readme_gives_the_two_commands_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = next(line for line in readme.splitlines() if "pytest" in line)
    assert test_command.strip() in ci
    assert "relate demo" in readme

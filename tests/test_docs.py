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


def test_every_test_the_docs_cite_exists() -> None:
    """A guarantee in the docs names the tests that prove it (``tests/x.py::test_y``);
    each must exist, so a renamed or deleted test cannot leave a promise untested."""
    import re

    cited = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    problems = []
    for page in pages:
        for path, name in cited.findall(page.read_text(encoding="utf-8")):
            source = ROOT / path
            if not source.is_file():
                problems.append(f"{page.name}: {path} does not exist")
            elif not re.search(rf"^\s*def {name}\(", source.read_text("utf-8"), re.MULTILINE):
                problems.append(f"{page.name}: {path} has no {name}")
    assert not problems, "\n".join(problems)


def test_data_safety_names_its_tests_in_full() -> None:
    """docs/data-safety.md states each guarantee with its tests, path and name, so the
    test above can check every one."""
    import re

    page = (ROOT / "docs" / "data-safety.md").read_text(encoding="utf-8")
    in_full = re.findall(r"`tests/[\w/]+\.py::(test_\w+)`", page)
    bare = re.findall(r"`(test_\w+)`", page)
    assert bare == [], f"name these with their file: {bare}"
    assert len(in_full) >= 50, len(in_full)
    assert "## What relate does not promise" in page

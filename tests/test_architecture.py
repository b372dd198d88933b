"""docs/architecture.md stays true: every file it names exists, with the names it
gives beside it (``cli/entry.py`` (``COMMAND_MODULES``))."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "architecture.md"
PACKAGE = ROOT / "src" / "relate"
# `path` or `path` (`Name`): a file or folder, optionally with a name it defines.
NAMED_PATH = re.compile(r"`([\w./-]+(?:\.(?:py|md)|/))`(?:\s+\(`(\w+)`\))?")


def location(name: str) -> Path:
    top = name.split("/", 1)[0]
    return ROOT / name if top in ("src", "tests", "docs") else PACKAGE / name


def defines(path: Path, name: str) -> bool:
    pattern = rf"^\s*(?:def|class)\s+{name}\b|^{name}\b\s*[:=]"
    return re.search(pattern, path.read_text(encoding="utf-8"), re.MULTILINE) is not None


def test_every_file_and_name_the_architecture_page_gives_exists() -> None:
    text = " ".join(PAGE.read_text(encoding="utf-8").split())  # names across line breaks
    named = NAMED_PATH.findall(text)
    assert len(named) > 20, "the page names the files of each layer and step"
    problems = []
    for path_name, defined in named:
        path = location(path_name)
        if path_name.endswith("/") and not path.is_dir():
            problems.append(f"{path_name}: no such folder ({path})")
        elif not path_name.endswith("/") and not path.is_file():
            problems.append(f"{path_name}: no such file ({path})")
        elif defined and not defines(path, defined):
            problems.append(f"{path_name}: defines no {defined}")
    assert not problems, "docs/architecture.md is out of date:\n" + "\n".join(problems)


def test_tests_share_what_is_not_a_fixture_through_helpers_only() -> None:
    """Fixtures live in conftest files; everything else tests share (the ``Relate``
    type, assertions, process and database helpers) is imported from tests/helpers.py,
    so there is one place to look and nothing is declared twice."""
    problems = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT)
        if path.name != "helpers.py" and re.search(r"^Relate\s*=", text, re.MULTILINE):
            problems.append(f"{name}: declares Relate (import it from helpers)")
        if re.search(r"^\s*(?:from conftest import|import conftest)", text, re.MULTILINE):
            problems.append(f"{name}: imports from a conftest (move the helper to helpers.py)")
    assert not problems, "\n".join(problems)

"""The layers of docs/architecture.md, enforced: a wrong-way import or a clock read
below the CLI fails here, naming the file and line."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "relate"
LAYERS = ("cli", "render", "services", "storage")
SHARED = "shared"  # relate/*.py: clock, dates, errors, terminal, csvcodec ...
# What each layer must never import.
FORBIDDEN = {
    "services": {"cli", "render"},
    "storage": {"cli", "render", "services"},
    "render": {"cli", "storage"},
    SHARED: set(LAYERS),
}
CLOCK_READS = {("clock", "now"), ("clock", "today"), ("datetime", "now"), ("date", "today")}
CLOCK_READS |= {("datetime", "utcnow"), ("time", "time")}


def layer_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else SHARED


def modules() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name != "__main__.py":  # `python -m relate` starts the CLI, as it must
            yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def imported_layers(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, layer) of every import of a relate layer, at any depth of the module."""
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        found = {
            parts[1]
            for parts in (name.split(".") for name in names)
            if parts[0] == "relate" and len(parts) > 1 and parts[1] in LAYERS
        }
        for layer in sorted(found):
            yield node.lineno, layer


def clock_reads(tree: ast.Module) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and (node.func.value.id, node.func.attr) in CLOCK_READS
        ):
            yield node.lineno, f"{node.func.value.id}.{node.func.attr}()"


def where(path: Path, line: int) -> str:
    return f"src/relate/{path.relative_to(PACKAGE)}:{line}"


def test_no_layer_imports_against_the_arrows() -> None:
    wrong = sorted(
        f"{where(path, line)}: {layer_of(path)} imports {layer}"
        for path, tree in modules()
        for line, layer in imported_layers(tree)
        if layer in FORBIDDEN.get(layer_of(path), set())
    )
    assert not wrong, "wrong-way imports (see docs/architecture.md):\n" + "\n".join(wrong)


def test_only_the_cli_reads_the_clock() -> None:
    reads = sorted(
        f"{where(path, line)}: {call}"
        for path, tree in modules()
        if layer_of(path) in ("services", "storage", "render")
        for line, call in clock_reads(tree)
    )
    assert not reads, "pass now/today in instead of reading the clock:\n" + "\n".join(reads)


@pytest.mark.parametrize(
    ("source", "layer"),
    [
        ("from relate.render.output import csv_cell", "render"),
        ("import relate.cli.state", "cli"),
        ("from relate import cli", "cli"),
        ("def f():\n    from relate.render import output", "render"),
    ],
)
def test_every_way_of_importing_is_seen(source: str, layer: str) -> None:
    assert [found for _, found in imported_layers(ast.parse(source))] == [layer]

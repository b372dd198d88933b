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


# --- presentation is render's (#12.3) -------------------------------------------------
# What the commands that print the most get from services: typed records (dataclasses),
# never dicts or sentences; render/ turns them into tables, sentences, CSV and JSON.
TYPED_RESULTS = (
    ("agenda", "build_agenda"),  # today
    ("timeline", "card"),  # show
    ("report", "report"),  # report
    ("check", "check_file"),  # check
    ("undo", "history"),  # undo --list
    ("undo", "undo_last"),  # undo
    ("search", "search"),  # search
)
# f-strings a service may build, and why: errors and warnings are worded where they are
# raised; files relate reads or writes have their own text. Anything else people read is
# made in render/.
WORDING_ALLOWED = {
    ("backup", "default_path"): "a backup's file name",
    ("restore", "_open_read_only"): "an SQLite URI",
    ("restore", "_replace_file"): "the -wal/-shm file names",
    ("check", "_check"): "SQL, and check's findings in SQLite's terms",
    ("check", "_search_drift"): "SQL, and check's findings in SQLite's terms",
    ("check", "_undecodable"): "SQL, and check's findings in SQLite's terms",
    ("calendar", "*"): "the text of the iCalendar file written",
    ("vcard", "*"): "the vCard file written, FILE:LINE warnings of the one read",
    ("csv_layouts", "*"): "dates in the cells of the CSV file read",
    ("importing", "*"): "FILE:LINE warnings and the dry run's labels, like errors",
    ("exporting", "check_destination"): "the refusal's error text",
    ("demo", "fill"): "the demo's sample data",
    ("fields", "address_text"): "an address in the named form of a CSV cell",
    ("interactions", "follow_up_text"): "the text a new follow-up is stored with",
    ("practice", "gift_text"): "the text the log of a gift given is stored with",
    ("matching", "label"): "'#12 Ann Smith', as errors name a contact",
    ("matching", "_candidates_text"): "the candidates an ambiguity error names",
    ("matching", "_not_exact"): "the error's suggestions",
    ("contacts", "label"): "the duplicate a likely-duplicate error names",
    ("contacts", "likely_duplicates"): "why a likely-duplicate error names a contact",
}
# Calls whose f-string arguments are not for people to read as output.
NOT_OUTPUT = {"statement", "fullmatch", "match", "compile", "sub", "search"}


def _parents(tree: ast.Module) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _excused(
    node: ast.AST,
    parents: dict[ast.AST, ast.AST],
    keywords: frozenset[str] = frozenset({"hint"}),
    calls: frozenset[str] = NOT_OUTPUT,
) -> bool:
    """An f-string inside a raise, an error's constructor or hint, an error class, SQL
    or a regular expression (and, for cli/, what ``keywords`` and ``calls`` name)."""
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.Raise) or (isinstance(node, ast.keyword) and node.arg in keywords):
            return True
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name.endswith("Error") or name in calls:
                return True
        if isinstance(node, ast.ClassDef) and any(
            getattr(base, "id", getattr(base, "attr", "")).endswith("Error") for base in node.bases
        ):
            return True
    return False


def wording(
    tree: ast.Module,
    keywords: frozenset[str] = frozenset({"hint"}),
    calls: frozenset[str] = NOT_OUTPUT,
) -> Iterator[tuple[int, str]]:
    """(line, function) of every f-string a module builds that is not excused."""
    parents = _parents(tree)
    for node in ast.walk(tree):
        nested = isinstance(parents.get(node), ast.JoinedStr)  # a format spec: {at:%H:%M}
        if (
            isinstance(node, ast.JoinedStr)
            and not nested
            and not _excused(node, parents, keywords, calls)
        ):
            up, function = node, "<module>"
            while up in parents and function == "<module>":
                up = parents[up]
                if isinstance(up, ast.FunctionDef):
                    function = up.name
            yield node.lineno, function


def test_services_build_no_sentences() -> None:
    built = sorted(
        f"{where(path, line)}: {path.stem}.{function}"
        for path, tree in modules()
        if layer_of(path) == "services"
        for line, function in wording(tree)
        if (path.stem, function) not in WORDING_ALLOWED and (path.stem, "*") not in WORDING_ALLOWED
    )
    assert not built, "services return facts; word them in render/:\n" + "\n".join(built)


def test_the_allowed_wording_is_still_there() -> None:
    found = {
        (path.stem, function)
        for path, tree in modules()
        if layer_of(path) == "services"
        for _, function in wording(tree)
    }
    stale = [
        f"{module}.{function}"
        for module, function in WORDING_ALLOWED
        if function != "*" and (module, function) not in found
    ]
    assert not stale, "remove from WORDING_ALLOWED:\n" + "\n".join(stale)


# cli/ parses arguments, calls services and hands their records to render/: the sentences
# a command prints when it is done are render's too. Besides errors, cli/ may build help
# texts (help=), confirmation prompts and their refusals, module names to import, and these:
CLI_KEYWORDS = frozenset({"hint", "help", "refusal"})
CLI_CALLS = NOT_OUTPUT | {"confirm", "ask_number", "import_module"}
CLI_WORDING_ALLOWED = {
    ("app", "*"): "the 'relate: error:'/'warning:' lines, --version and errors' reasons",
    ("contacts", "edit"): "the text a --revisit reminder is stored with",
    ("demo", "demo"): "the warning naming the sample database kept",
    ("editor", "*"): "the file an unsaved log's text is kept in, and the warning naming it",
    ("reference", "*"): "docs/commands.md's headings, made from the help texts",
}


def _cli_wording() -> Iterator[tuple[str, str]]:
    for path, tree in modules():
        if layer_of(path) == "cli":
            for line, function in wording(tree, CLI_KEYWORDS, CLI_CALLS):
                yield f"{where(path, line)}: {path.stem}.{function}", f"{path.stem}:{function}"


def test_cli_builds_no_sentences() -> None:
    built = sorted(
        shown
        for shown, key in _cli_wording()
        if tuple(key.split(":")) not in CLI_WORDING_ALLOWED
        and (key.split(":")[0], "*") not in CLI_WORDING_ALLOWED
    )
    assert not built, "cli/ hands records to render/; word them there:\n" + "\n".join(built)


def test_the_allowed_cli_wording_is_still_there() -> None:
    found = {tuple(key.split(":")) for _, key in _cli_wording()}
    found |= {(module, "*") for module, _ in found}
    stale = [
        f"{module}.{function}"
        for module, function in CLI_WORDING_ALLOWED
        if (module, function) not in found
    ]
    assert not stale, "remove from CLI_WORDING_ALLOWED:\n" + "\n".join(stale)


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        ('def f(n):\n    return f"{n} days late"', ["f"]),
        ('def f(n):\n    raise RelateError(f"no #{n}")', []),
        ('def f(n):\n    raise RelateError("no", hint=f"try #{n}")', []),
        ('class Late(UsageError):\n    def __init__(self, n):\n        x = f"{n}"', []),
        ('Q = statement(f"SELECT {COLUMNS} FROM contact")', []),
    ],
)
def test_wording_is_seen(source: str, flagged: list[str]) -> None:
    assert [function for _, function in wording(ast.parse(source))] == flagged


@pytest.mark.parametrize(("module", "function"), TYPED_RESULTS)
def test_services_hand_render_typed_records(module: str, function: str) -> None:
    import dataclasses
    import importlib
    import typing

    returned = typing.get_type_hints(
        getattr(importlib.import_module(f"relate.services.{module}"), function)
    )["return"]
    if typing.get_origin(returned) is list:
        (returned,) = typing.get_args(returned)
    # A dataclass, or a NamedTuple where start-up counts (docs/architecture.md).
    record = dataclasses.is_dataclass(returned) or (
        isinstance(returned, type) and issubclass(returned, tuple) and hasattr(returned, "_fields")
    )
    assert record, f"{module}.{function} returns {returned}"


def test_service_records_carry_no_words() -> None:
    """No method of a service's record returns text or a JSON-shaped dict for people
    (describe(), record(): they are render's), except these."""
    allowed = {
        ("matching", "label"),  # '#12 Ann Smith', as errors name a contact
        ("contacts", "label"),  # the duplicate a likely-duplicate error names
        ("vcard", "encoding"),  # a vCard property's ENCODING parameter
    }
    worded = sorted(
        f"{where(path, method.lineno)}: {node.name}.{method.name}"
        for path, tree in modules()
        if layer_of(path) == "services"
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and any("dataclass" in ast.unparse(decorator) for decorator in node.decorator_list)
        for method in node.body
        if isinstance(method, ast.FunctionDef)
        and method.returns is not None
        and ast.unparse(method.returns) in ("str", "dict[str, object]")
        and (path.stem, method.name) not in allowed
    )
    assert not worded, "move these to render/:\n" + "\n".join(worded)


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        ('def f(ref):\n    output.say(f"Deleted {ref}")', ["f"]),
        ('def f(n):\n    return typer.Option(help=f"the top {n}")', []),
        ('def f(ref):\n    confirm(f"Delete {ref}?", refusal=f"not deleting {ref}")', []),
        ('def f(m):\n    import_module(f"relate.cli.{m}")', []),
    ],
)
def test_cli_wording_is_seen(source: str, flagged: list[str]) -> None:
    found = wording(ast.parse(source), CLI_KEYWORDS, CLI_CALLS)
    assert [function for _, function in found] == flagged

"""Every shell example in README.md and docs/*.md runs as written, in order.

Each document gets a fresh database (``RELATE_DB``), a pinned clock
(``RELATE_NOW=2026-11-24T09:30``, a Tuesday, ``TZ=UTC``), an empty working folder
holding the sample files in ``tests/doc_files/`` (``phone-contacts.vcf``,
``google.csv``) and an empty ``$HOME``. Then every line of its ```` ```sh ````
blocks runs, top to bottom, through relate's Typer app in-process (fast enough for
the quick suite); other programs in a pipeline (``jq``) run as processes.

Conventions for writing docs:

- A line must exit 0. Comments (``# ...``) and blank lines are ignored; a line may
  use ``|``, ``> FILE``, ``&&`` and ``~``, nothing else of the shell.
- A fence with no language (or ``text``) right after a ``sh`` block, with only blank
  lines between, is the output of the block's last command as a person sees it at
  an 80-column terminal (table format, stdout and stderr together, no colour). It is
  compared exactly (trailing spaces aside). If that output shows ``relate: error:``
  the command is expected to fail.
- A block that genuinely cannot run here (it opens an editor, installs the package,
  runs for minutes, needs a server) is marked by an HTML comment on the line before
  its fence; the reason is required and shows nowhere on the rendered page::

      <!-- doc-examples: skip (opens an editor) -->

  Use it sparingly: a skipped example is an untested one.

The ``Example:`` lines of every command's --help (docs/commands.md) cannot run in
order (each stands alone), so they are parsed instead: options and arguments must
exist (``test_every_help_example_parses``).

When behaviour changes on purpose and sample outputs drift, regenerate them from
real runs and review the diff::

    RELATE_DOCS_WRITE=1 .venv/bin/python -m pytest tests/test_doc_examples.py
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from relate.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_FILES = Path(__file__).resolve().parent / "doc_files"
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
WRITE = os.environ.get("RELATE_DOCS_WRITE") == "1"

FENCE = re.compile(r"^```\s*([\w-]*)\s*$")
SKIP = re.compile(r"^<!--\s*doc-examples:\s*skip\s*(.*?)\s*-->\s*$")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
OUTPUT_LANGUAGES = ("", "text")
# What a person at a terminal sees: a table at 80 columns, no colour.
TERMINAL: dict[str, str | None] = {"TTY_COMPATIBLE": "1", "COLUMNS": "80", "NO_COLOR": "1"}
PIPED: dict[str, str | None] = {**TERMINAL, "TTY_COMPATIBLE": None}
SUPPORTED_OPERATORS = ("|", ">", "&&")
# Programs a doc may pipe relate's output into; anything else is not run here.
FILTERS = ("jq", "head", "tail", "cut", "grep", "sort", "wc", "cat")


@dataclass
class Line:
    number: int  # 1-based, in the document
    text: str


@dataclass
class Example:
    """One ``sh`` block, and the output shown after it (if any)."""

    lines: list[Line]
    output: list[Line] | None = None  # the shown output's lines
    output_start: int = 0  # index (0-based) of the output fence's first content line


@dataclass
class Document:
    path: Path
    examples: list[Example] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)


def parse(path: Path) -> Document:
    document = Document(path)
    text_lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    previous_example: Example | None = None  # a sh block that output may follow
    while index < len(text_lines):
        match = FENCE.match(text_lines[index])
        if not match:
            if text_lines[index].strip():
                previous_example = None
            index += 1
            continue
        language = match.group(1).lower()
        start = index + 1
        end = start
        while end < len(text_lines) and not text_lines[end].startswith("```"):
            end += 1
        body = [Line(number + 1, text_lines[number]) for number in range(start, end)]
        marker = SKIP.match(text_lines[index - 1].strip()) if index else None
        if language == "sh" and marker:
            reason = marker.group(1).strip("() ")
            assert reason, f"{path.name}:{index}: a skip marker needs a reason"
            document.skipped.append((index + 1, reason))
            previous_example = None
        elif language == "sh":
            previous_example = Example(lines=body)
            document.examples.append(previous_example)
        elif language in OUTPUT_LANGUAGES and previous_example is not None:
            previous_example.output = body
            previous_example.output_start = start
            previous_example = None
        else:
            previous_example = None
        index = end + 1
    return document


def commands(example: Example) -> list[Line]:
    """The block's command lines: comments and blanks dropped, ``\\`` lines joined."""
    found: list[Line] = []
    pending: Line | None = None
    for line in example.lines:
        text = line.text.rstrip()
        if pending is not None:
            pending = Line(pending.number, pending.text + " " + text.strip())
        elif text.strip() and not text.lstrip().startswith("#"):
            pending = Line(line.number, text.strip())
        if pending is not None and not pending.text.endswith("\\"):
            found.append(pending)
            pending = None
        elif pending is not None:
            pending = Line(pending.number, pending.text[:-1].rstrip())
    return found


def without_comment(text: str) -> str:
    """The line before its ``#`` comment (a ``#`` that starts a word, outside quotes)."""
    quote = ""
    for position, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#" and (position == 0 or text[position - 1].isspace()):
            return text[:position].rstrip()
    return text


@dataclass
class Run:
    """What one segment of a pipeline did."""

    argv: list[str]
    exit_code: int
    stdout: bytes
    shown: str  # stdout and stderr as a person sees them
    not_run: str = ""  # a filter program this machine lacks (its part was skipped)


class ExampleFailed(AssertionError):
    pass


class Shell:
    """Just enough of a shell for the docs: relate in-process, pipes, ``>``, ``&&``."""

    def __init__(self, home: Path, workdir: Path) -> None:
        self.home = home
        self.workdir = workdir
        self.runner = CliRunner()

    def words(self, text: str) -> list[str]:
        lexer = shlex.shlex(without_comment(text), posix=True, punctuation_chars="|&;<>()")
        lexer.whitespace_split = True
        lexer.commenters = ""  # without_comment has applied the shell's rule
        words = list(lexer)
        for word in words:
            if set(word) <= set("|&;<>()") and word not in SUPPORTED_OPERATORS:
                raise ExampleFailed(
                    f"the docs test's shell cannot run {word!r}; use only"
                    f" {' '.join(SUPPORTED_OPERATORS)}, or mark the block as not runnable"
                )
        return [self.home_expanded(word) for word in words]

    def home_expanded(self, word: str) -> str:
        if word == "~" or word.startswith("~/"):
            return str(self.home) + word[1:]
        return word

    def run(self, text: str) -> Run:
        """Run one line; the last segment's run (a failed one if any failed)."""
        words = self.words(text)
        last: Run | None = None
        for chain in split(words, "&&"):
            last = self.pipeline(chain)
            if last.exit_code != 0:
                return last
        assert last is not None, f"nothing to run in {text!r}"
        return last

    def pipeline(self, words: list[str]) -> Run:
        segments = split(words, "|")
        data: bytes | None = None
        failed: Run | None = None
        run: Run | None = None
        runs: list[Run] = []
        for position, segment in enumerate(segments):
            target: Path | None = None
            if ">" in segment:
                at = segment.index(">")
                target = self.workdir / segment[at + 1]
                segment = segment[:at]
            to_person = position == len(segments) - 1 and target is None
            run = self.segment(segment, data, to_person)
            runs.append(run)
            if run.exit_code != 0 and failed is None:
                failed = run
            if target is not None:
                target.write_bytes(run.stdout)
            data = run.stdout
        assert run is not None
        skipped = next((step.not_run for step in runs if step.not_run), "")
        return failed or Run(run.argv, run.exit_code, run.stdout, run.shown, skipped)

    def segment(self, argv: list[str], stdin: bytes | None, to_person: bool) -> Run:
        if argv and argv[0] == "relate":
            result = self.runner.invoke(
                app, argv[1:], input=stdin, env=TERMINAL if to_person else PIPED
            )
            shown = result.output
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                shown += f"\n(the test caught {result.exception!r})"
            return Run(argv, result.exit_code, result.stdout_bytes, shown)
        if not argv or argv[0] not in FILTERS:
            raise ExampleFailed(
                f"the docs test runs relate and the filters {', '.join(FILTERS)}, not"
                f" {argv[:1]}; mark the block as not runnable if it cannot run here"
            )
        if shutil.which(argv[0]) is None:
            # The rest of the document is still worth running: pass the data through.
            return Run(argv, 0, stdin or b"", "", not_run=argv[0])
        process = subprocess.run(
            argv, input=stdin or b"", capture_output=True, cwd=self.workdir, check=False
        )
        shown = (process.stdout + process.stderr).decode("utf-8", "replace")
        return Run(argv, process.returncode, process.stdout, shown)


def split(words: list[str], operator: str) -> list[list[str]]:
    parts: list[list[str]] = [[]]
    for word in words:
        if word == operator:
            parts.append([])
        else:
            parts[-1].append(word)
    return parts


def normalised(text: str) -> str:
    lines = [ANSI.sub("", line).rstrip() for line in text.splitlines()]
    return "\n".join(lines).strip("\n")


def where(path: Path, number: int) -> str:
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return f"{shown}:{number}"


def failure(path: Path, line: Line, run: Run, why: str) -> str:
    return (
        f"\n{where(path, line.number)}: {why}\n  $ {line.text}\n"
        f"  (exit {run.exit_code}) printed:\n"
        + "".join(f"  | {text}\n" for text in (run.shown.rstrip("\n") or "(nothing)").split("\n"))
        + "Fix the example or the code. A block that genuinely cannot run is marked"
        " `<!-- doc-examples: skip (reason) -->` (see tests/test_doc_examples.py)."
    )


def run_document(document: Document, shell: Shell) -> list[tuple[Example, str]]:
    """Run every example in order; the real outputs of examples that show one."""
    outputs: list[tuple[Example, str]] = []
    for example in document.examples:
        lines = commands(example)
        for line in lines:
            try:
                run = shell.run(line.text)
            except ExampleFailed as cannot:
                raise ExampleFailed(
                    f"\n{where(document.path, line.number)}: {cannot}\n  $ {line.text}"
                ) from None
            is_shown = line is lines[-1] and example.output is not None
            expects_error = is_shown and any(
                "relate: error:" in shown.text for shown in example.output or []
            )
            if run.exit_code != 0 and not expects_error:
                raise ExampleFailed(failure(document.path, line, run, "failed"))
            if expects_error and run.exit_code == 0:
                raise ExampleFailed(
                    failure(document.path, line, run, "succeeded, but its output shows an error")
                )
            if run.not_run:
                warnings.warn(
                    f"{where(document.path, line.number)}: {run.not_run} is not installed;"
                    " that part of the line was not run",
                    stacklevel=1,
                )
            elif is_shown:
                outputs.append((example, normalised(run.shown)))
    return outputs


def rewrite_outputs(path: Path, outputs: list[tuple[Example, str]]) -> None:
    text_lines = path.read_text(encoding="utf-8").splitlines()
    for example, real in sorted(outputs, key=lambda pair: -pair[0].output_start):
        assert example.output is not None
        start = example.output_start
        text_lines[start : start + len(example.output)] = real.split("\n")
    path.write_text("\n".join(text_lines) + "\n", encoding="utf-8")


@pytest.fixture
def shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Shell:
    home = tmp_path / "home"
    workdir = tmp_path / "work"
    home.mkdir()
    shutil.copytree(SAMPLE_FILES, workdir)
    monkeypatch.setenv("HOME", str(home))
    for variable in ("VISUAL", "EDITOR", "FORCE_COLOR"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(workdir)
    return Shell(home, workdir)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.name)
def test_every_shell_example_runs_in_order_on_a_fresh_database(path: Path, shell: Shell) -> None:
    document = parse(path)
    try:
        outputs = run_document(document, shell)
    except ExampleFailed as failed:
        message = str(failed)
    else:
        message = ""
    if message:
        pytest.fail(message, pytrace=False)
    if WRITE:
        rewrite_outputs(path, outputs)
        return
    differences = [
        f"\n{where(path, example.lines[-1].number)}: the output shown at line"
        f" {example.output_start + 1} is not what the command prints. It printed:\n"
        + "".join(f"  | {text}\n" for text in real.split("\n"))
        for example, real in outputs
        if example.output is not None
        and normalised("\n".join(line.text for line in example.output)) != real
    ]
    if differences:
        pytest.fail(
            "".join(differences) + "Regenerate the outputs from real runs and review the"
            " diff: RELATE_DOCS_WRITE=1 .venv/bin/python -m pytest tests/test_doc_examples.py",
            pytrace=False,
        )


def test_skipped_examples_are_few_and_say_why() -> None:
    skipped = [
        (where(document.path, line), reason)
        for document in map(parse, DOCUMENTS)
        for line, reason in document.skipped
    ]
    assert all(reason for _, reason in skipped)
    # Raise this only with a reason: every skipped block is an untested example.
    assert len(skipped) <= 6, skipped


def test_the_docs_show_runnable_examples() -> None:
    examples: dict[str, int] = {
        document.path.name: sum(len(commands(example)) for example in document.examples)
        for document in map(parse, DOCUMENTS)
    }
    for name in ("README.md", "getting-started.md", "import-export.md", "data-safety.md"):
        assert examples[name] >= 3, examples


# The shell's own rules, on made-up documents (so a failure here is the test's bug).
def test_the_docs_shell_keeps_hashes_inside_words_and_quotes(shell: Shell) -> None:
    assert shell.words('relate log ann "Call #2" # a comment') == [
        "relate",
        "log",
        "ann",
        "Call #2",
    ]
    assert shell.words("relate show a#b") == ["relate", "show", "a#b"]
    with pytest.raises(ExampleFailed, match="cannot run ';'"):
        shell.words("relate today; relate list")


def test_a_failing_example_names_the_document_line_and_output(shell: Shell, tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\n```sh\nrelate add Ann\nrelate done 3   # no such item\n```\n",
        encoding="utf-8",
    )
    document = parse(page)
    document.path = ROOT / "docs" / "page.md"  # named as a real page is
    with pytest.raises(ExampleFailed) as caught:
        run_document(document, shell)
    message = str(caught.value)
    assert "docs/page.md:5: failed" in message
    assert "$ relate done 3   # no such item" in message
    assert "(exit 3)" in message
    assert "| relate: error: no reminder or follow-up #3" in message


def test_output_after_a_block_is_compared_and_skip_markers_are_honoured(
    shell: Shell, tmp_path: Path
) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "<!-- doc-examples: skip (opens an editor) -->\n```sh\nrelate log ann\n```\n\n"
        "```sh\nrelate add Ann\n```\n\n```\nAdded #1 Ann\n```\n\n"
        "```sh\nrelate show nobody\n```\n\n```\nrelate: error: whatever\n```\n",
        encoding="utf-8",
    )
    document = parse(page)
    assert document.skipped == [(2, "opens an editor")]
    outputs = run_document(document, shell)
    added, refused = (real for _, real in outputs)
    assert added == "Added #1 Ann"
    assert refused.startswith("relate: error: no contact matches")


def help_examples() -> list[tuple[str, str]]:
    """(command, example line) for every ``relate ...`` line of an Example block in --help."""
    import typer.main

    group = typer.main.get_command(app)
    found = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        in_example = False
        for line in (command.help or "").splitlines():
            stripped = line.strip()
            if stripped.startswith("Example"):
                in_example = True
                inline = stripped.partition(":")[2].strip()  # "Example: relate undo"
                if inline.startswith("relate "):
                    found.append((name, inline))
            elif in_example and stripped.startswith("relate "):
                found.append((name, stripped))
            elif in_example and stripped and not line.startswith(" "):
                in_example = False
    return found


def test_every_help_example_parses() -> None:
    """The examples in --help (and so in docs/commands.md) name real options and
    arguments; each is checked by Click's parser without running it."""
    import typer.main

    group = typer.main.get_command(app)
    examples = help_examples()
    assert len(examples) >= len(group.commands), examples  # type: ignore[attr-defined]
    wrong = []
    for name, example in examples:
        words = Shell(Path.home(), Path.cwd()).words(example)
        # Every relate of a pipeline parses (`relate list ... | relate edit - ...`), and
        # one of them is the command whose help it is.
        commands = [part for part in split(words, "|") if part[:1] == ["relate"]]
        try:
            named = []
            for command in commands:
                if ">" in command:
                    command = command[: command.index(">")]
                with group.make_context("relate", command[1:]) as context:
                    # Click keeps the command word apart from its arguments (as
                    # cli/app.py reads it).
                    words_after = [*getattr(context, "_protected_args", []), *context.args]
                    sub_name, sub, rest = group.resolve_command(context, words_after)
                    assert sub is not None, command
                    sub.make_context(sub_name, rest, parent=context).close()
                    named.append(sub_name)
            assert name in named, (named, name)
        except Exception as error:  # Click's usage errors: what a user would get
            wrong.append(f"relate {name} --help: {example}\n  {type(error).__name__}: {error}")
    assert not wrong, "help examples that do not parse:\n" + "\n".join(wrong)


def test_a_missing_filter_program_skips_only_its_part(
    shell: Shell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    page = tmp_path / "page.md"
    page.write_text(
        "```sh\nrelate add Ann\nrelate list --format json | jq .\n```\n\n```\nwhatever\n```\n"
        "\n```sh\nrelate show nobody\n```\n",
        encoding="utf-8",
    )
    with pytest.warns(UserWarning, match="jq is not installed"), pytest.raises(ExampleFailed):
        run_document(parse(page), shell)  # the line after the jq one still ran, and failed

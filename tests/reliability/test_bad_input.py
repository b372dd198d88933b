"""Bad input never crashes: fuzzing the CLI, and a stateful model of add/log/undo."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from typer.testing import CliRunner, Result

from helpers import Relate, assert_clean
from relate.storage.database import open_database

NASTY = [
    "Robert'); DROP TABLE contacts;--",
    '"unbalanced',
    "a AND OR NOT",
    "NEAR(",
    "*",
    "-",
    "#",
    "#0",
    "#99999999999999999999999",
    "x" * 1_000_000,
    "\x00",
    "a\x00b",
    "2026-02-30",
    "31/31/31",
    "in 99999 years",
    "\u202e\u200b",
    "",
    " ",
    "--",
]
text = st.one_of(st.sampled_from(NASTY), st.text(max_size=40))
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.slow
@FUZZ
@given(
    command=st.sampled_from(
        [
            ("add", 0),
            ("log", 1),
            ("remind", 1),
            ("search", 0),
            ("show", 0),
            ("done", 0),
            ("snooze", 0),
            ("edit", 0),
            ("date", 2),
            ("delete", 0),
        ]
    ),
    first=text,
    rest=st.lists(text, min_size=2, max_size=2),
    option=st.sampled_from(
        [[], ["--on"], ["--every"], ["--tag"], ["--when"], ["--follow-up"], ["--until"]]
    ),
)
def test_arbitrary_arguments_exit_with_a_documented_code(
    relate: Relate,
    checked: Callable[[], None],
    command: tuple[str, int],
    first: str,
    rest: list[str],
    option: list[str],
) -> None:
    name, extra = command
    args = [name, first, *rest[:extra]]
    if option:
        args += [option[0], rest[-1]]
    if name == "delete":
        args.append("--yes")
    assert_clean(relate(*args))
    checked()


@pytest.mark.slow
@FUZZ
@given(data=st.binary(max_size=2000))
def test_any_bytes_on_stdin_are_logged_or_refused(
    relate: Relate, checked: Callable[[], None], data: bytes
) -> None:
    assert relate("add", "Ann", "--force").exit_code in (0,)
    runner = CliRunner()
    from relate.cli.main import app

    result = runner.invoke(app, ["log", "#1", "-"], input=data + b"\xff\xfe\x00invalid")
    assert_clean(result)
    assert result.exit_code == 0
    checked()


def test_a_one_megabyte_note_round_trips(relate: Relate) -> None:
    note = "long note " * 100_000
    assert relate("add", "Ann").exit_code == 0
    assert relate("log", "ann", note).exit_code == 0
    result = relate("show", "ann", "--format", "json")
    assert note.strip() in result.stdout


@pytest.mark.slow
@FUZZ
@given(query=text)
def test_search_queries_never_crash(relate: Relate, query: str) -> None:
    assert_clean(relate("search", query))


_ID = re.compile(r"#(\d+)")


class CliModel(RuleBasedStateMachine):
    """Random add/log/remind/done/delete/undo against a model of what must exist."""

    # A server's database for one example (``on_server``), else a file of its own.
    server_database: Callable[[], str] | None = None

    def __init__(self) -> None:
        super().__init__()
        import os
        import tempfile

        from relate.cli.main import app

        self.app = app
        self.runner = CliRunner()
        self.folder = tempfile.TemporaryDirectory()
        # Given to each run only: the process environment (and the next test) keep theirs.
        if self.server_database is not None:
            self.env = {"RELATE_DB": type(self).server_database()}  # type: ignore[misc]
        else:
            self.env = {"RELATE_DB": os.path.join(self.folder.name, "model.db")}
            # Reading commands never create a database; the model starts from an empty one.
            open_database(Path(self.env["RELATE_DB"])).close()
        # Model: contact id -> (name, frozenset of log texts); open reminder ids; history.
        self.contacts: dict[int, tuple[str, frozenset[str]]] = {}
        self.reminders: dict[int, int] = {}  # reminder id -> contact id
        self.history: list[tuple[dict[int, tuple[str, frozenset[str]]], dict[int, int]]] = []
        self.counter = 0

    def teardown(self) -> None:
        import os

        assert os.environ.get("RELATE_DB") != self.env["RELATE_DB"]  # nothing leaked out
        self.folder.cleanup()

    def text(self, typed: str) -> str:
        """What is typed: a server cannot store NUL (docs/team.md), so none is typed there."""
        return typed if self.server_database is None else typed.replace("\x00", "")

    def run(self, *args: str) -> Result:
        result = self.runner.invoke(self.app, list(args), env=self.env)
        assert_clean(result)
        return result

    def _saved(self) -> None:
        self.history.append((dict(self.contacts), dict(self.reminders)))

    @rule(name=st.text(min_size=1, max_size=12).filter(lambda s: s.strip() != ""))
    def add(self, name: str) -> None:
        name = self.text(name)
        result = self.run("add", name)
        if result.exit_code == 0:
            self._saved()
            new_id = int(_ID.search(result.stdout).group(1))  # type: ignore[union-attr]
            self.contacts[new_id] = (name.strip(), frozenset())

    @precondition(lambda self: self.contacts)
    @rule(data=st.data(), body=st.text(min_size=1, max_size=30))
    def log(self, data: st.DataObject, body: str) -> None:
        contact = data.draw(st.sampled_from(sorted(self.contacts)))
        self.counter += 1
        unique = self.text(f"n{self.counter} {body}").strip()
        result = self.run("log", f"#{contact}", unique)
        assert result.exit_code == 0, result.stderr
        self._saved()
        name, logs = self.contacts[contact]
        self.contacts[contact] = (name, logs | {unique})

    @precondition(lambda self: self.contacts)
    @rule(data=st.data(), day=st.sampled_from(["today", "tomorrow", "friday", "2027-01-01"]))
    def remind(self, data: st.DataObject, day: str) -> None:
        contact = data.draw(st.sampled_from(sorted(self.contacts)))
        result = self.run("remind", f"#{contact}", "do it", "--on", day)
        assert result.exit_code == 0, result.stderr
        self._saved()
        self.reminders[int(_ID.search(result.stdout).group(1))] = contact  # type: ignore[union-attr]

    @precondition(lambda self: self.reminders)
    @rule(data=st.data())
    def done(self, data: st.DataObject) -> None:
        item = data.draw(st.sampled_from(sorted(self.reminders)))
        assert self.run("done", str(item)).exit_code == 0
        self._saved()
        del self.reminders[item]

    @precondition(lambda self: self.contacts)
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        contact = data.draw(st.sampled_from(sorted(self.contacts)))
        assert self.run("delete", f"#{contact}", "--yes").exit_code == 0
        self._saved()
        del self.contacts[contact]
        self.reminders = {r: c for r, c in self.reminders.items() if c != contact}

    @rule()
    def undo(self) -> None:
        result = self.run("undo")
        if self.history:
            assert result.exit_code == 0, result.stderr
            self.contacts, self.reminders = self.history.pop()
        else:
            assert result.exit_code == 1

    @invariant()
    def database_matches_the_model(self) -> None:
        import json

        listed = json.loads(self.run("list", "--format", "json").stdout)
        assert {c["id"]: c["name"] for c in listed} == {
            i: name for i, (name, _) in self.contacts.items()
        }
        for contact, (_, logs) in self.contacts.items():
            shown = json.loads(
                self.run("show", f"#{contact}", "--format", "json", "-n", "999").stdout
            )
            texts = {e["text"] for e in shown["timeline"] if e["kind"] == "other"}
            assert texts == set(logs)
        open_items = json.loads(self.run("reminders", "--format", "json").stdout)
        assert {r["id"] for r in open_items} == set(self.reminders)


CliModel.TestCase.settings = settings(max_examples=8, stateful_step_count=12, deadline=None)
TestCliModel = pytest.mark.slow(CliModel.TestCase)


@pytest.mark.slow
def test_cli_model_on_postgresql(pg_cluster: Any) -> None:
    """The same random commands, each example on a new database of the test server."""
    from hypothesis.stateful import run_state_machine_as_test

    from relate.storage.location import parse_location

    def migrated(url: str) -> None:
        open_database(parse_location(url)).close()

    template = pg_cluster.template("migrated", migrated)
    made: list[str] = []

    def new_database() -> str:
        made.append(pg_cluster.create_database(template))
        return str(pg_cluster.url(made[-1]))

    class OnServer(CliModel):
        server_database = staticmethod(new_database)

    try:
        run_state_machine_as_test(
            OnServer, settings=settings(max_examples=6, stateful_step_count=12, deadline=None)
        )
    finally:
        for name in made:
            pg_cluster.drop_database(name)

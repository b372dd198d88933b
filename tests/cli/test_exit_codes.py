"""Exit codes are public: each one is documented and produced where it should be."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from relate.errors import ExitCode

Relate = Callable[..., Result]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "exit-codes.md"


def test_the_codes_never_change() -> None:
    assert {code.name: int(code) for code in ExitCode} == {
        "OK": 0,
        "USER_ERROR": 1,
        "USAGE": 2,
        "NOT_FOUND": 3,
        "ENVIRONMENT": 4,
        "INTERRUPTED": 130,
        "INTERNAL": 70,
    }


def test_every_code_is_documented() -> None:
    documented = {int(m) for m in re.findall(r"^\| (\d+) \|", DOCS.read_text(), re.M)}
    assert documented == {int(code) for code in ExitCode}


def test_a_file_that_is_not_a_relate_database_is_code_4_and_untouched(
    relate: Relate, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list\n" * 50)
    result = relate("--db", str(notes), "list")
    assert result.exit_code == 4
    assert result.stderr.startswith("relate: error: ")
    assert "not a relate database" in result.stderr
    assert notes.read_text() == "shopping list\n" * 50


def test_a_bug_is_code_70_in_one_line_and_a_traceback_with_debug(
    relate: Relate, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr("relate.services.contacts.add_contact", broken)
    result = relate("add", "Ann")
    assert result.exit_code == 70
    assert result.stderr == (
        "relate: error: internal error: ValueError('boom') (run with --debug for the traceback)\n"
    )
    debug = relate("--debug", "add", "Ann")
    assert isinstance(debug.exception, ValueError)

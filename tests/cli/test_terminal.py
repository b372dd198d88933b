"""What relate prints for a person: the terminal seam, visible escapes, encodings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import Relate, ok
from relate.terminal import visible

Screen = Callable[..., None]

# An OSC 52 sequence writes the clipboard; ESC[2J clears the screen; ESC]0; retitles.
CLIPBOARD = "\x1b]52;c;ZXZpbA==\x07"
EVE = f"Eve{CLIPBOARD} Smith"


def test_visible_shows_control_characters_as_escapes() -> None:
    assert visible(EVE) == "Eve\\x1b]52;c;ZXZpbA==\\x07 Smith"
    assert visible("a\x9b31mb\u202ec") == "a\\x9b31mb\\u202ec"
    assert visible("Søren\tZoë 王伟\n") == "Søren\tZoë 王伟\n"


@pytest.fixture
def eve(relate: Relate) -> None:
    ok(relate("add", EVE, "--note", "hi\x1b[2J", "--every", "weekly"))
    ok(relate("add", f"Eve{CLIPBOARD} Smyth"))
    ok(relate("log", "#1", "call \x1b]0;pwned\x07"))
    ok(relate("remind", "#1", "x\x1b[8m hidden", "--on", "today"))
    ok(relate("concern", "#1", "c\x1b[31m"))
    ok(relate("gift", "#1", "book\x1b[5m"))


@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("today",),
        ("show", "#1"),
        ("search", "call"),
        ("reminders",),
        ("concerns",),
        ("gifts", "#1"),
    ],
)
@pytest.mark.parametrize("fmt", ["table", "plain"])
def test_nothing_printed_for_a_person_obeys_an_escape(
    relate: Relate, eve: None, args: tuple[str, ...], fmt: str
) -> None:
    out = ok(relate(*args, "--format", fmt, env={"NO_COLOR": "1", "COLUMNS": "200"}))
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b" in out


def test_confirmations_and_errors_show_escapes(relate: Relate) -> None:
    assert ok(relate("add", EVE)) == "Added #1 Eve\\x1b]52;c;ZXZpbA==\\x07 Smith\n"
    ok(relate("add", f"Eve{CLIPBOARD} Smyth"))
    ambiguous = relate("show", "eve")
    assert ambiguous.exit_code == 3
    assert "\x1b" not in ambiguous.stderr
    assert "#1 Eve\\x1b]52;c;ZXZpbA==\\x07 Smith" in ambiguous.stderr


def test_json_and_csv_keep_the_data_exact(relate: Relate, eve: None) -> None:
    [first, _] = json.loads(ok(relate("list", "--format", "json")))
    assert first["name"] == EVE
    assert first["notes"] == "hi\x1b[2J"
    assert EVE in ok(relate("list", "--format", "csv"))
    [item] = [i for i in json.loads(ok(relate("today", "-f", "json"))) if i["kind"] == "reminder"]
    assert item["text"] == "x\x1b[8m hidden"


def test_delete_asks_at_a_terminal(relate: Relate, screen: Screen) -> None:
    ok(relate("add", "Ann"))
    screen(stdin_is_terminal=True)
    declined = relate("delete", "ann", input="n\n")
    assert declined.exit_code == 1
    assert "Delete #1 Ann and their history?" in declined.stdout
    assert len(json.loads(ok(relate("list", "-f", "json")))) == 1
    assert ok(relate("delete", "ann", input="y\n")).endswith("Deleted #1 Ann\n")


def test_the_confirmation_question_shows_escapes(relate: Relate, screen: Screen) -> None:
    ok(relate("add", EVE))
    screen(stdin_is_terminal=True)
    declined = relate("delete", "#1", input="n\n")
    assert "\x1b" not in declined.stdout
    assert "Delete #1 Eve\\x1b]52" in declined.stdout


def test_close_asks_for_the_score_at_a_terminal(relate: Relate, screen: Screen) -> None:
    ok(relate("add", "Ann"))
    ok(relate("engagement", "ann", "Redesign"))
    screen(stdin_is_terminal=True)
    out = ok(relate("close", "1", input="8\n"))
    assert "How satisfied was the client (0-10)?" in out
    assert out.endswith("Closed engagement #1 Redesign with Ann; follow-up #1 due Tue 8 Dec\n")


def test_restore_asks_at_a_terminal(relate: Relate, screen: Screen, tmp_path: Path) -> None:
    backup = tmp_path / "backup.db"
    ok(relate("backup", str(backup)))
    ok(relate("add", "Ann"))
    screen(stdin_is_terminal=True)
    assert relate("restore", str(backup), input="n\n").exit_code == 1
    assert len(json.loads(ok(relate("list", "-f", "json")))) == 1
    assert "Restored" in ok(relate("restore", str(backup), input="y\n"))
    assert json.loads(ok(relate("list", "-f", "json"))) == []


def test_a_terminal_gets_a_table_and_a_pipe_plain_lines(relate: Relate, screen: Screen) -> None:
    ok(relate("add", "Ann"))
    assert ok(relate("list")).startswith("id\tname\t")
    screen(stdout_is_terminal=True, width=100, colour=False)
    table = ok(relate("list"))
    assert "┃ ID ┃ Name" in table
    assert max(len(line) for line in table.splitlines()) <= 100


def test_columns_zero_is_ignored(relate: Relate) -> None:
    ok(relate("add", "Ann"))
    out = ok(relate("list", "--format", "table", env={"COLUMNS": "0"}))
    assert "Ann" in out


def _run(args: list[str], location: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "relate", *args],
        capture_output=True,
        env={**os.environ, "RELATE_DB": location, "RELATE_NOW": "2026-11-24T09:30", **env},
        check=False,
    )


@pytest.mark.slow
def test_a_latin1_terminal_never_fails_on_an_encoding(relate: Relate, location: str) -> None:
    ok(relate("add", "王伟", "--every", "weekly"))
    ok(relate("add", "Søren"))
    ok(relate("remind", "--no-contact", "Invoices", "--on", "today 15:00"))
    latin1 = {"PYTHONIOENCODING": "iso-8859-1", "TTY_COMPATIBLE": "1", "NO_COLOR": "1"}
    for args in (["today"], ["list"], ["show", "wang"], ["today", "-f", "plain"]):
        result = _run(args, location, **latin1)
        assert result.returncode == 0, result.stderr
    listed = _run(["list", "-f", "plain"], location, **latin1).stdout.decode("iso-8859-1")
    assert "Søren" in listed and "??" in listed  # 王伟 cannot be shown in Latin-1
    missing = _run(["show", "Zoë"], location, PYTHONIOENCODING="ascii")
    assert missing.returncode == 3
    assert b"relate: error:" in missing.stderr

"""Exit codes are public: each one is documented and produced where it should be."""

from __future__ import annotations

import contextlib
import errno
import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from helpers import Relate, Stored, as_json, ok
from relate.errors import ExitCode

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

    monkeypatch.setattr("relate.services.contacts.add_new_contact", broken)
    result = relate("add", "Ann")
    assert result.exit_code == 70
    assert result.stderr == (
        "relate: error: internal error: ValueError('boom') (run with --debug for the traceback)\n"
    )
    debug = relate("--debug", "add", "Ann")
    assert isinstance(debug.exception, ValueError)


class _FullDisk(io.TextIOBase):
    """stdout on a full disk (``relate add X > /dev/full``)."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


class _FullDiskRunner(CliRunner):
    @contextlib.contextmanager
    def isolation(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        with super().isolation(*args, **kwargs) as streams:
            captured = sys.stdout  # kept: the runner reads it afterwards
            sys.stdout = _FullDisk()
            try:
                yield streams
            finally:
                sys.stdout = captured


def _on_a_full_disk(*args: str) -> Result:
    from relate.cli.main import app

    return _FullDiskRunner().invoke(app, list(args))


def test_a_committed_change_whose_output_is_lost_is_a_warning_and_code_0(
    relate: Relate,
) -> None:
    added = _on_a_full_disk("add", "Ann Smith")
    assert added.exit_code == 0
    assert added.stderr == (
        "relate: warning: the change was saved, but its output was lost: No space left on device\n"
    )
    assert [c["name"] for c in as_json(relate("list", "--format", "json"))] == ["Ann Smith"]
    ok(relate("add", "Bob"))
    undone = _on_a_full_disk("undo")
    assert undone.exit_code == 0
    assert "the change was saved" in undone.stderr
    # The undo happened once: a script retrying on failure would have undone twice.
    assert [c["name"] for c in as_json(relate("list", "--format", "json"))] == ["Ann Smith"]


def test_output_lost_without_a_change_is_code_4(relate: Relate) -> None:
    ok(relate("add", "Ann Smith"))
    listed = _on_a_full_disk("list")
    assert listed.exit_code == 4
    assert listed.stderr == "relate: error: No space left on device\n"


def test_arguments_are_read_as_utf8_outside_a_utf8_locale(relate: Relate) -> None:
    # LC_ALL=C PYTHONUTF8=0: Python hands over "Søren" as its bytes, each a surrogate.
    as_bytes = "Søren".encode().decode("ascii", "surrogateescape")
    ok(relate("add", as_bytes))
    assert [c["name"] for c in as_json(relate("list", "--format", "json"))] == ["Søren"]
    assert "relate add Søren" in ok(relate("undo", "--list"))


def test_an_argument_that_is_not_utf8_is_code_1_and_writes_nothing(relate: Relate) -> None:
    invalid = b"\xff\xfe bad".decode("utf-8", "surrogateescape")
    result = relate("add", invalid)
    assert result.exit_code == 1
    assert result.stderr == "relate: error: an argument is not valid UTF-8 text: \\xff\\xfe bad\n"
    assert as_json(relate("list", "--format", "json")) == []


def test_text_the_terminal_cannot_show_is_never_an_internal_error(relate: Relate) -> None:
    from relate.cli.main import app

    ok(relate("add", "王伟"))
    result = CliRunner(charset="ascii").invoke(app, ["list"])
    assert result.exit_code in (0, 4), result.stderr
    assert "internal error" not in result.stderr


@pytest.mark.parametrize("value", ["garbage", "2026-13-01", "9999-12-31T23:59", "0001-01-01"])
def test_a_malformed_relate_now_is_code_4(relate: Relate, value: str) -> None:
    result = relate("today", env={"RELATE_NOW": value})
    assert result.exit_code == 4
    assert result.stderr.startswith(f"relate: error: RELATE_NOW={value!r}")
    assert result.stderr.count("\n") == 1


def test_an_infinite_busy_timeout_waits_as_long_as_sqlite_can(relate: Relate) -> None:
    ok(relate("add", "Ann", env={"RELATE_BUSY_TIMEOUT": "inf"}))
    refused = relate("today", env={"RELATE_BUSY_TIMEOUT": "nan"})
    assert refused.exit_code == 4
    assert refused.stderr == "relate: error: RELATE_BUSY_TIMEOUT='nan' is not a number of seconds\n"


@pytest.mark.parametrize(
    "args",
    [
        ("today", "--date", "0001-01-01"),
        ("today", "--date", "9999-12-31"),
        ("today", "--date", "9999-12-25"),
        ("remind", "ann", "far", "--on", "9999-12-31"),
        ("remind", "ann", "early", "--on", "0001-01-01"),
        ("log", "ann", "long ago", "--when", "0001-01-01"),
    ],
)
def test_days_at_the_ends_of_the_calendar_are_code_1(relate: Relate, args: tuple[str, ...]) -> None:
    ok(relate("add", "Ann", "--birthday", "12-31", "--every", "yearly"))
    result = relate(*args)
    assert result.exit_code == 1, result.stderr
    assert "relate's dates run from 1900 to 9000" in result.stderr
    assert as_json(relate("reminders", "--all", "--format", "json")) == []


def test_a_reminder_on_the_last_day_of_the_calendar_still_exports(
    relate: Relate, stored: Stored
) -> None:
    # An older relate accepted 31 Dec 9999; its database must still export.
    ok(relate("add", "Ann"))
    ok(relate("remind", "ann", "far", "--on", "2026-12-31"))
    stored.run("UPDATE reminder SET due_at = '9999-12-31 00:00:00.000000'")
    calendar = ok(relate("export", "calendar"))
    assert "DTSTART;VALUE=DATE:99991231" in calendar


def test_text_with_a_lone_surrogate_is_a_bug_not_an_output_problem(
    relate: Relate, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        "x\ud800".encode()

    monkeypatch.setattr("relate.services.contacts.add_new_contact", broken)
    result = relate("add", "Ann")
    assert result.exit_code == 70
    assert result.stderr.startswith("relate: error: internal error: UnicodeEncodeError")

"""relate log writes on the person meant and at the time meant, or keeps the text.

#9.4: the contact is resolved again in the write's own transaction, after the text
was read; if it changed meanwhile nothing is logged and the typed text is kept in a
file the error names. #10.5: a logged conversation is in the past.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from helpers import Relate, Stored, as_json, ok
from relate.services import contacts
from relate.services.matching import ContactRef

TYPED = "Long notes from the call\nwith a second line"


@pytest.fixture
def ann_and_bob(relate: Relate) -> None:
    ok(relate("add", "Ann Smith"))
    ok(relate("add", "Bob Berg"))


def _meanwhile(monkeypatch: pytest.MonkeyPatch, change: Callable[..., None]) -> None:
    """While relate reads the text, another process changes the contacts."""
    from relate.cli import capture

    original = capture.read_text

    def read_then_change(*args: object) -> str:
        text = original(*args)  # type: ignore[arg-type]
        other = Stored().open()
        try:
            change(other)
        finally:
            other.close()
        return text

    monkeypatch.setattr(capture, "read_text", read_then_change)


def _kept_file(stderr: str) -> Path:
    found = re.search(r"your text is kept in (\S+\.txt)", stderr)
    assert found, stderr
    return Path(found.group(1))


@pytest.mark.usefixtures("ann_and_bob")
# A deleted contact's id comes back only on SQLite: PostgreSQL's sequences never hand
# out an id twice, so there a replaced contact is a deleted one (the next test).
@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_contact_replaced_while_typing_gets_no_note_and_the_text_is_kept(
    relate: Relate, monkeypatch: pytest.MonkeyPatch, now: datetime
) -> None:
    def replace_bob(other: object) -> None:
        contacts.delete_contact(other, ContactRef(2, "Bob Berg"))  # type: ignore[arg-type]
        new = contacts.add_contact(other, contacts.ContactInput(name="Mallory"), now)  # type: ignore[arg-type]
        assert new.id == 2  # the id is reused

    _meanwhile(monkeypatch, replace_bob)
    result = relate("log", "#2", "-", input=TYPED)
    assert result.exit_code == 3
    assert "nothing logged" in result.stderr
    assert as_json(relate("show", "#2", "-f", "json"))["timeline"] == []
    kept = _kept_file(result.stderr)
    assert kept.read_text(encoding="utf-8") == TYPED + "\n"
    assert kept.stat().st_mode & 0o777 == 0o600


@pytest.mark.usefixtures("ann_and_bob")
def test_a_contact_deleted_while_typing_loses_no_text(
    relate: Relate, monkeypatch: pytest.MonkeyPatch
) -> None:
    def delete_bob(other: object) -> None:
        contacts.delete_contact(other, ContactRef(2, "Bob Berg"))  # type: ignore[arg-type]

    _meanwhile(monkeypatch, delete_bob)
    result = relate("log", "bob berg", "-", input=TYPED)
    assert result.exit_code == 3, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert _kept_file(result.stderr).read_text(encoding="utf-8") == TYPED + "\n"


@pytest.mark.usefixtures("ann_and_bob")
def test_a_log_the_database_cannot_take_keeps_the_text(relate: Relate, db_path: Path) -> None:
    """Another program holds the write lock past the timeout: exit 4, text kept."""
    import sqlite3

    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        result = relate("log", "bob", "-", input=TYPED, env={"RELATE_BUSY_TIMEOUT": "0"})
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert result.exit_code == 4, result.stderr
    assert "locked" in result.stderr and result.stderr.count("\n") == 1
    assert _kept_file(result.stderr).read_text(encoding="utf-8") == TYPED + "\n"
    assert as_json(relate("show", "bob", "-f", "json"))["timeline"] == []


@pytest.mark.slow
@pytest.mark.usefixtures("ann_and_bob")
@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)  # the file's: above
@pytest.mark.parametrize("timeout", ["0", "0.2"])
def test_a_log_the_server_cannot_take_keeps_the_text_on_postgresql(
    relate: Relate, location: str, timeout: str
) -> None:
    """Another relate holds the server's write lock past the timeout (RELATE_BUSY_TIMEOUT
    0 means: do not wait, as on SQLite): exit 4, text kept."""
    import psycopg

    from relate.storage.engines.postgres import WRITE_LOCK

    with psycopg.connect(location) as blocker:
        blocker.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
        result = relate("log", "bob", "-", input=TYPED, env={"RELATE_BUSY_TIMEOUT": timeout})
        blocker.rollback()
    assert result.exit_code == 4, result.stderr
    assert "locked" in result.stderr and result.stderr.count("\n") == 1
    assert _kept_file(result.stderr).read_text(encoding="utf-8") == TYPED + "\n"
    assert as_json(relate("show", "bob", "-f", "json"))["timeline"] == []


@pytest.mark.usefixtures("ann_and_bob")
def test_an_undisturbed_log_keeps_no_file(relate: Relate, tmp_path: Path) -> None:
    ok(relate("log", "bob", "-", input=TYPED))
    # The text would be kept beside the database file, or in the working folder for a
    # server: both are tmp_path here (tests/conftest.py).
    assert list(tmp_path.glob("relate-unsaved-*")) == []


# --- #10.5: --when of a log is in the past ------------------------------------------


@pytest.mark.usefixtures("ann_and_bob")
@pytest.mark.parametrize(
    ("when", "logged_at", "echo"),
    [
        ("friday", "2026-11-20 12:00", "on Fri 20 Nov"),  # today is Tue 24 Nov 2026
        ("fri 4pm", "2026-11-20 16:00", "on Fri 20 Nov 16:00"),
        ("yesterday", "2026-11-23 12:00", "yesterday"),
        ("dec 1", "2025-12-01 12:00", "on Mon 1 Dec 2025"),
        ("tuesday", "2026-11-24 09:30", "today"),
    ],
)
def test_when_means_the_last_such_day_and_is_echoed(
    relate: Relate, when: str, logged_at: str, echo: str
) -> None:
    out = ok(relate("log", "ann", "Call", "--when", when))
    assert out == f"Logged #1 with Ann Smith {echo}\n"
    assert as_json(relate("show", "ann", "-f", "json"))["timeline"][0]["when"] == logged_at


@pytest.mark.usefixtures("ann_and_bob")
@pytest.mark.parametrize("when", ["next friday", "tomorrow", "3pm", "in 2 days"])
def test_a_future_when_is_refused_unless_planned(relate: Relate, when: str) -> None:
    refused = relate("log", "ann", "Workshop", "--when", when)
    assert refused.exit_code == 1
    assert "in the future" in refused.stderr and "--planned" in refused.stderr
    assert as_json(relate("show", "ann", "-f", "json"))["timeline"] == []
    assert ok(relate("log", "ann", "Workshop", "--when", when, "--planned")).startswith(
        "Logged #1 with Ann Smith "
    )


@pytest.mark.usefixtures("ann_and_bob")
def test_planned_friday_is_the_coming_one(relate: Relate) -> None:
    out = ok(relate("log", "ann", "Workshop", "--when", "friday", "--planned"))
    assert out == "Logged #1 with Ann Smith on Fri 27 Nov\n"

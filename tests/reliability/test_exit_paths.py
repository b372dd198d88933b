"""Real processes at the edges of the exit path: a full disk, closed standard
streams, a C locale, Ctrl-C at a prompt (#9.11, #9.12, #10.18)."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import Stored, process_env, run_process

pytestmark = pytest.mark.slow

DEV_FULL = Path("/dev/full")


def _run(location: str, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "relate", *args],
        env=kwargs.pop("env", None) or process_env(location),
        text=True,
        timeout=120,
        **kwargs,
    )


@pytest.mark.skipif(not DEV_FULL.exists(), reason="needs /dev/full")
def test_add_and_undo_to_a_full_disk_commit_once_and_exit_0(location: str, stored: Stored) -> None:
    with DEV_FULL.open("w") as full:
        added = _run(location, "add", "Ann Smith", stdout=full, stderr=subprocess.PIPE)
        assert added.returncode == 0, added.stderr
        assert "the change was saved" in added.stderr
        assert "nothing was changed" not in added.stderr
        assert stored.rows("SELECT name FROM contact") == [("Ann Smith",)]
        assert run_process(location, "add", "Bob").returncode == 0
        undone = _run(location, "undo", stdout=full, stderr=subprocess.PIPE)
        assert undone.returncode == 0, undone.stderr
        assert stored.rows("SELECT name FROM contact") == [("Ann Smith",)]
        listed = _run(location, "list", stdout=full, stderr=subprocess.PIPE)
        assert listed.returncode == 4
        assert listed.stderr == "relate: error: No space left on device\n"


def _closed(fd: int) -> dict[str, object]:
    """Start the child with descriptor ``fd`` closed (``>&-`` / ``<&-``)."""
    return {"preexec_fn": lambda: os.close(fd), "stdin": subprocess.DEVNULL}


def test_a_closed_stdout_is_code_4_or_a_warning_after_a_change(
    location: str, stored: Stored
) -> None:
    listed = _run(location, "list", stderr=subprocess.PIPE, **_closed(1))
    assert listed.returncode == 4
    assert listed.stderr == "relate: error: standard output is closed\n"
    added = _run(location, "add", "Ann Smith", stderr=subprocess.PIPE, **_closed(1))
    assert added.returncode == 0
    assert "the change was saved" in added.stderr
    assert stored.rows("SELECT name FROM contact") == [("Ann Smith",)]


def test_a_closed_stdin_reads_as_empty(location: str, stored: Stored) -> None:
    assert run_process(location, "add", "Ann").returncode == 0
    logged = _run(location, "log", "ann", capture_output=True, preexec_fn=lambda: os.close(0))
    assert logged.returncode == 1
    assert logged.stderr == "relate: error: no text on standard input; nothing logged\n"
    imported = _run(location, "import", "-", capture_output=True, preexec_fn=lambda: os.close(0))
    assert imported.returncode in (0, 1), imported.stderr
    assert "internal error" not in imported.stderr
    assert stored.rows("SELECT count(*) FROM interaction") == [(0,)]


def test_non_ascii_names_in_the_c_locale_are_stored_as_typed(location: str, stored: Stored) -> None:
    env = process_env(location, LC_ALL="C", PYTHONUTF8="0", LANG="C")
    for name in ("Søren Kierkegaard", "王伟"):
        added = _run(location, "add", name, capture_output=True, env=env)
        assert added.returncode == 0, added.stderr
    shown = _run(location, "show", "soren", capture_output=True, env=env)
    assert shown.returncode in (0, 4), shown.stderr  # 4: the terminal cannot show "ø"
    assert "internal error" not in shown.stderr
    assert stored.rows("SELECT name FROM contact ORDER BY id") == [
        ("Søren Kierkegaard",),
        ("王伟",),
    ]


def _read_until(fd: int, wanted: bytes, seconds: float = 30) -> bytes:
    seen = b""
    deadline = time.monotonic() + seconds
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                seen += os.read(fd, 1024)
            except OSError:
                break
    return seen


def _exited(pid: int) -> int | None:
    done, status = os.waitpid(pid, os.WNOHANG)
    return os.waitstatus_to_exitcode(status) if done else None


def _interrupt(pid: int, fd: int, seconds: float = 60) -> int | None:
    """Press Ctrl-C until the child shows it saw it, then wait for it to exit; its exit
    code, or None (killed) if it hangs.

    A key pressed while the line editor sets the terminal up can be discarded, so one
    press is not always seen; but once relate has answered (it ends the prompt's line),
    pressing again would interrupt its orderly exit (a second Ctrl-C is the user's
    "stop now"), so the test then only waits, however long a loaded machine takes."""
    deadline = time.monotonic() + seconds
    seen = False
    while not seen and time.monotonic() < deadline:
        os.write(fd, b"\x03")  # Ctrl-C: the terminal sends SIGINT
        end = time.monotonic() + 5
        while not seen and time.monotonic() < end:
            seen = b"\n" in _read_until(fd, b"\n", seconds=0.2)
            code = _exited(pid)
            if code is not None:
                return code
    while time.monotonic() < deadline:
        _read_until(fd, b"\xff", seconds=0.2)  # keep the terminal drained
        code = _exited(pid)
        if code is not None:
            return code
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None


def test_ctrl_c_at_a_prompt_exits_130_and_changes_nothing(location: str, stored: Stored) -> None:
    assert run_process(location, "add", "Ann Smith").returncode == 0
    pid, fd = pty.fork()
    if pid == 0:  # the child: relate on a terminal, asking before it deletes
        env = process_env(location)
        os.execve(sys.executable, [sys.executable, "-m", "relate", "delete", "Ann Smith"], env)
    try:
        assert b"[y/N]" in _read_until(fd, b"[y/N]")
        status = _interrupt(pid, fd)
    finally:
        os.close(fd)
    assert status == 130
    assert stored.rows("SELECT name FROM contact") == [("Ann Smith",)]

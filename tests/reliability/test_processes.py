"""Real processes: concurrent writers, and SIGKILL in the middle of a write."""

from __future__ import annotations

import csv
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from helpers import integrity, process_env, rows, run_process

pytestmark = pytest.mark.slow


def test_four_processes_logging_at_once_lose_nothing(db_path: Path) -> None:
    assert run_process(db_path, "add", "Ann Smith").returncode == 0

    def worker(number: int) -> list[tuple[int, str]]:
        results = []
        for item in range(100):
            done = run_process(db_path, "log", "ann", f"worker {number} note {item}")
            results.append((done.returncode, done.stderr))
        return results

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = [r for batch in pool.map(worker, range(4)) for r in batch]
    assert [code for code, _ in outcomes] == [0] * 400
    assert not [err for _, err in outcomes if "locked" in err]
    assert rows(db_path, "SELECT count(*) FROM interaction") == [(400,)]
    assert rows(db_path, "SELECT count(DISTINCT text) FROM interaction") == [(400,)]
    assert rows(db_path, "SELECT count(*) FROM interaction_contact") == [(400,)]
    assert integrity(db_path) == "ok"


PAUSED_RELATE = Path(__file__).with_name("paused_relate.py")


def _holds_write_lock(db_path: Path) -> bool:
    conn = sqlite3.connect(db_path, timeout=0)
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc)
    conn.execute("ROLLBACK")
    conn.close()
    return False


def _paused(db_path: Path, marker: Path, pause_at: int, *args: str) -> subprocess.Popen[bytes]:
    """``relate ARGS`` stopped inside its transaction before its ``pause_at``-th statement
    (paused_relate.py); it creates ``marker`` once stopped there."""
    return subprocess.Popen(
        [sys.executable, str(PAUSED_RELATE), str(marker), str(pause_at), *args],
        env=process_env(db_path),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_for(marker: Path, process: subprocess.Popen[bytes]) -> bool:
    """Whether the child stopped at its point (else it ran to the end)."""
    deadline = time.monotonic() + 120
    while process.poll() is None and not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return marker.exists()


def test_sigkill_during_a_large_import_leaves_all_or_nothing(db_path: Path, tmp_path: Path) -> None:
    """Kill `relate import` of 40,000 contacts inside its transaction, stopped there
    deterministically: before its first write, and with thousands of rows written but
    not committed; then an unkilled import commits all of them."""
    rows_in_file = 40_000
    source = tmp_path / "big.csv"
    with source.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "emails", "notes"])
        for number in range(rows_in_file):
            writer.writerow([f"Person {number}", f"p{number}@example.com", "likes tea " * 10])
    assert run_process(db_path, "add", "Ann").returncode == 0
    command = ("import", str(source), "--on-duplicate", "new")
    killed_before = []
    for pause_at in (1, 20_000, 10**9):
        marker = tmp_path / f"paused-{pause_at}"
        process = _paused(db_path, marker, pause_at, *command)
        if not _wait_for(marker, process):  # past the last statement: it ran to the end
            _, stderr = process.communicate(timeout=120)
            assert process.returncode == 0, stderr
            break
        assert _holds_write_lock(db_path)
        process.send_signal(signal.SIGKILL)
        process.wait()
        killed_before.append(marker.read_text())
        assert integrity(db_path) == "ok"
        assert rows(db_path, "SELECT count(*) FROM contact") == [(1,)], pause_at
        assert rows(db_path, "SELECT count(*) FROM undo_step") == [(1,)]
    assert len(killed_before) == 2 and killed_before[1].startswith("INSERT"), killed_before
    assert rows(db_path, "SELECT count(*) FROM contact") == [(1 + rows_in_file,)]
    assert rows(db_path, "SELECT count(*) FROM contact_email") == [(rows_in_file,)]
    check = run_process(db_path, "check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_sigkill_during_log_leaves_whole_commands(db_path: Path, tmp_path: Path) -> None:
    """Kill `relate log` inside its transaction, before each of its statements in turn
    (the child says where it stopped and the test sees it holding the write lock)."""
    assert run_process(db_path, "add", "Ann").returncode == 0
    killed_before: list[str] = []
    for pause_at in range(1, 200):
        marker = tmp_path / f"paused-{pause_at}"
        log = ("log", "ann", f"attempt {pause_at}", "--follow-up", "friday")
        process = subprocess.Popen(
            [sys.executable, str(PAUSED_RELATE), str(marker), str(pause_at), *log],
            env=process_env(db_path),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while process.poll() is None and not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        if not marker.exists():  # past the transaction's last statement: it ran to the end
            _, stderr = process.communicate(timeout=60)
            assert process.returncode == 0, stderr
            break
        paused_before = marker.read_text()
        assert _holds_write_lock(db_path), f"paused before {paused_before!r} without the lock"
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert process.returncode == -signal.SIGKILL
        killed_before.append(paused_before)
        assert integrity(db_path) == "ok"
        # Nothing of a killed log is left: no interaction, participant, follow-up or step.
        assert rows(db_path, "SELECT count(*) FROM interaction") == [(0,)], paused_before
        assert rows(db_path, "SELECT count(*) FROM interaction_contact") == [(0,)]
        assert rows(db_path, "SELECT count(*) FROM reminder") == [(0,)]
        assert rows(db_path, "SELECT count(*) FROM undo_step") == [(1,)]
    # The kills landed before the log's first write, between its writes, and with
    # everything written but not committed; then an unkilled log commits whole.
    assert any(sql.startswith("INSERT INTO interaction ") for sql in killed_before)
    assert any(sql.startswith("INSERT INTO reminder") for sql in killed_before)
    assert killed_before[-1] == "COMMIT", killed_before
    assert rows(db_path, "SELECT count(*) FROM interaction") == [(1,)]
    assert rows(db_path, "SELECT count(*) FROM interaction_contact") == [(1,)]
    assert rows(db_path, "SELECT count(*) FROM reminder") == [(1,)]
    assert rows(db_path, "SELECT count(*) FROM undo_step") == [(2,)]
    check = run_process(db_path, "check")
    assert check.returncode == 0, check.stdout + check.stderr

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

from conftest import integrity, process_env, rows, run_process

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


def _start(db_path: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "relate", *args],
        env=process_env(db_path),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _import_available() -> bool:
    return "Usage" in run_process(Path("/nonexistent/x.db"), "import", "--help").stdout


def test_sigkill_during_a_large_import_leaves_all_or_nothing(db_path: Path, tmp_path: Path) -> None:
    if not _import_available():
        pytest.skip("relate import is not available yet")
    rows_in_file = 40_000
    source = tmp_path / "big.csv"
    with source.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "emails", "notes"])
        for number in range(rows_in_file):
            writer.writerow([f"Person {number}", f"p{number}@example.com", "likes tea " * 10])
    wal = Path(f"{db_path}-wal")
    killed_mid_way = 0
    for _ in range(2):
        before = rows(db_path, "SELECT count(*) FROM contact")[0][0]
        process = _start(db_path, "import", str(source), "--on-duplicate", "new")
        deadline = time.monotonic() + 60
        # Kill once the import is visibly writing (its WAL passed 2 MB).
        while process.poll() is None and time.monotonic() < deadline:
            if wal.exists() and wal.stat().st_size > 2_000_000:
                break
            time.sleep(0.01)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed_mid_way += 1
        process.wait()
        assert process.returncode in (0, -signal.SIGKILL), process.stderr
        assert integrity(db_path) == "ok"
        after = rows(db_path, "SELECT count(*) FROM contact")[0][0]
        assert after - before in (0, rows_in_file)
        assert rows(db_path, "SELECT count(*) FROM contact_email") == [(after,)]
    assert killed_mid_way, "the import finished before it could be killed"
    check = run_process(db_path, "check")
    assert check.returncode == 0, check.stdout + check.stderr


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

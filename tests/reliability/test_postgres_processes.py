"""Many relate processes writing one PostgreSQL database at once (a team's server)."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.slow


def _run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RELATE_DB": url, "EDITOR": "false"}
    env.pop("VISUAL", None)
    return subprocess.run(
        [sys.executable, "-m", "relate", *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def test_four_processes_logging_at_once_on_a_server_lose_nothing(pg_url: str) -> None:
    import psycopg

    assert _run(pg_url, "add", "Ann Smith").returncode == 0

    def worker(number: int) -> list[tuple[int, str]]:
        results = []
        for item in range(100):
            done = _run(pg_url, "log", "ann", f"worker {number} note {item}")
            results.append((done.returncode, done.stderr))
        return results

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = [r for batch in pool.map(worker, range(4)) for r in batch]
    assert [code for code, _ in outcomes] == [0] * 400, [e for c, e in outcomes if c][:3]
    with psycopg.connect(pg_url) as conn:
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM interaction), (SELECT count(DISTINCT text)"
            " FROM interaction), (SELECT count(*) FROM interaction_contact),"
            " (SELECT count(*) FROM undo_step)"
        ).fetchone()
    assert counts == (400, 400, 400, 100)  # undo keeps the newest 100 steps

"""``python paused_relate.py MARKER K ARGS...``: run ``relate ARGS`` in this process, but
stop inside its write transaction, just before the K-th SQL statement after
``BEGIN IMMEDIATE``: create MARKER (the write lock is held, the statements before
it are written but not committed) and sleep until killed.

A test then proves a SIGKILL really lands mid-write. If the transaction has fewer
than K statements the command simply runs to the end and MARKER is never created.
Only the test's process is changed (sqlite3.connect is wrapped); relate has no hook.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any


def pausing_connect(marker: Path, pause_at: int) -> Any:
    real_connect = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = real_connect(*args, **kwargs)
        seen: list[str] = []  # statements run since BEGIN IMMEDIATE, once each

        def trace(sql: str) -> None:
            if sql == "BEGIN IMMEDIATE":
                seen.append(sql)
            elif seen and not sql.startswith("--") and sql != seen[-1]:
                # Statements a trigger runs are traced again under their outer
                # statement's text and SQLite's own start with "--": not new steps.
                seen.append(sql)
                if len(seen) - 1 == pause_at:
                    written = marker.with_suffix(".part")
                    written.write_text(sql)
                    os.replace(written, marker)  # whole, or not there at all
                    time.sleep(600)

        conn.set_trace_callback(trace)
        return conn

    return connect


if __name__ == "__main__":
    marker, pause_at, *arguments = sys.argv[1:]
    sqlite3.connect = pausing_connect(Path(marker), int(pause_at))  # type: ignore[assignment]
    sys.argv = ["relate", *arguments]
    from relate.cli.entry import main

    main()

"""Storage times and their local rendering, across daylight-saving changes."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from relate.clock import STORAGE_FORMAT, LocalISOFormatter, from_storage


@pytest.fixture(params=["Europe/Copenhagen", "America/St_Johns", "Australia/Lord_Howe", "UTC"])
def zone(request: pytest.FixtureRequest) -> Iterator[str]:
    previous = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    os.environ["TZ"] = previous or "UTC"
    time.tzset()


def test_fast_local_formatter_equals_the_exact_conversion(zone: str) -> None:
    # Every 7 minutes through 2026, which crosses each zone's transitions (St John's
    # and Lord Howe change on half hours).
    start = datetime(2026, 1, 1)
    stamps = [
        (start + timedelta(minutes=7 * i, microseconds=999_999)).strftime(STORAGE_FORMAT)
        for i in range(0, 366 * 24 * 60 // 7)
    ]
    fast = LocalISOFormatter()
    mismatches = [
        s for s in stamps if fast(s) != from_storage(s).replace(microsecond=0).isoformat()
    ]
    assert mismatches == []

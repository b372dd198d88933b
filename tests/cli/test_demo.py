"""relate demo shows a full agenda from a throwaway database, never the user's."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import Relate, Stored


def test_demo_fills_a_sample_and_leaves_the_real_database_alone(
    relate: Relate, stored: Stored, tmp_path: Path
) -> None:
    before = stored.user_data(), stored.steps()
    result = relate("demo", "--format", "json")
    assert result.exit_code == 0, result.stderr
    kinds = {item["kind"] for item in json.loads(result.stdout)}
    assert kinds == {"follow-up", "reminder", "concern", "date", "cadence"}
    assert (stored.user_data(), stored.steps()) == before

    kept = tmp_path / "sample.db"
    assert relate("demo", "--keep", str(kept)).exit_code == 0
    shown = json.loads(relate("--db", str(kept), "show", "ann", "-f", "json").stdout)
    assert shown["name"] == "Ann Smith"
    again = relate("demo", "--keep", str(kept))
    assert again.exit_code == 2
    assert "exists" in again.stderr

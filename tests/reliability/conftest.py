"""Fixtures for the reliability tests (their helpers are in tests/helpers.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from typer.testing import Result


@pytest.fixture
def checked(relate: Callable[..., Result]) -> Callable[[], None]:
    """Assert ``relate check`` passes on the test's database."""

    def run() -> None:
        result = relate("check")
        assert result.exit_code == 0, result.stdout + result.stderr
        assert "integrity: ok" in result.stdout

    return run

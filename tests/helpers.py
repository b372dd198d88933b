"""Small assertions shared by the CLI tests (tests/ is on sys.path via its conftest)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from typer.testing import Result

Relate = Callable[..., Result]


def ok(result: Result) -> str:
    """The stdout of a run that must succeed; on failure, its stderr explains why."""
    assert result.exit_code == 0, result.stderr
    return result.stdout


def as_json(result: Result) -> Any:
    return json.loads(ok(result))

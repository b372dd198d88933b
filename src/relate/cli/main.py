"""Entry point: ``relate`` and ``python -m relate``.

Command modules register themselves on the root app when imported; importing them
is cheap because each one defers heavy imports (Rich, SQLAlchemy, dateutil's parser,
vobject) to the command body that needs them.
"""

from __future__ import annotations

from relate.cli import (  # noqa: F401  (each module registers its commands)
    agenda,
    capture,
    contacts,
    demo,
    interchange,
    practice,
    safety,
    search,
)
from relate.cli.app import app


def main() -> None:
    app(prog_name="relate")

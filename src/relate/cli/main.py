"""The whole command line: every command module registered on the root app.

Used for help, the generated command reference and tests. The ``relate`` executable
starts in ``relate.cli.entry``, which imports only the module of the command run.
"""

from __future__ import annotations

from relate.cli import (  # noqa: F401  (each module registers its commands)
    agenda,
    capture,
    contacts,
    demo,
    engagements,
    interchange,
    orgs,
    practice,
    safety,
    search,
)
from relate.cli.app import app

__all__ = ["app"]

"""A concern's severity: stored as 0, 1, 2; said as low, normal, high.

A module of its own so that what shows a concern (``show``, ``concerns``, exports)
does not import the agenda to name it.
"""

from __future__ import annotations

SEVERITIES = ("low", "normal", "high")


def severity_name(severity: int) -> str:
    """0, 1, 2 -> low, normal, high (a value beyond them is the nearest)."""
    return SEVERITIES[max(0, min(severity, len(SEVERITIES) - 1))]

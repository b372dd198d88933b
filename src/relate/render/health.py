"""How ``check`` reports a database's health: one ``name: finding`` line per check."""

from __future__ import annotations

from relate.render import output
from relate.services.check import Health

AGES = {
    "current": "current",
    "older": "older: the next command upgrades it",
    "unknown": "not one this relate knows: written by a newer relate, or damaged",
}


def write(health: Health) -> None:
    lines = [
        ("integrity", "; ".join(health.integrity) or "ok"),
        ("foreign keys", "; ".join(health.foreign_keys) or "ok"),
        ("search index", "; ".join(health.search) or "ok"),
        ("text", "; ".join(health.text) or "ok"),
        ("schema", f"{health.revision} ({AGES[health.age]})"),
    ]
    for name, value in lines:
        output.say(f"{name}: {value}")

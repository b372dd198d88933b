"""docs/json.md documents exactly the fields, in order and with the types, that the
``--format json`` of today, reminders, concerns (and their trail), list, show, org list,
org show, engagements, engagement show, export all and report prints."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest

from helpers import Relate, as_json, ok

PAGE = Path(__file__).resolve().parents[1] / "docs" / "json.md"
HEADING = re.compile(r"^#{2,3} (.*)$")
NAME = re.compile(r"`([\w ]+)`")  # `show`, `org show`
ROW = re.compile(r"^\| `(\w+)` \| ([^|]+) \|")
JSON_TYPES = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "list",
    dict: "object",
    type(None): "null",
}


def documented() -> dict[str, dict[str, str]]:
    """Each table of the page by its heading's names (``show.timeline``): field -> type."""
    tables: dict[str, dict[str, str]] = {}
    shape = ""
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        if heading := HEADING.match(line):
            shape = ".".join(NAME.findall(heading.group(1)))
        elif (row := ROW.match(line)) and shape:
            tables.setdefault(shape, {})[row.group(1)] = row.group(2).strip()
    return tables


def emitted(records: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Field -> the JSON types seen, in the order the command prints the fields."""
    fields: dict[str, set[str]] = {}
    for record in records:
        for key, value in record.items():
            fields.setdefault(key, set()).add(JSON_TYPES[type(value)])
    return fields


@pytest.fixture
def shapes(relate: Relate) -> dict[str, dict[str, set[str]]]:
    """The JSON of every documented command, on data that gives each field a value
    and (where it can be) null."""
    for line in (
        'add "Carl Jung"',
        'add "Ann Smith" --email ann@acme.com --phone "+1 555 0101" --org Acme --role CTO'
        ' --tag client --alias Annie --every "2 weeks" --birthday 1985-11-27'
        ' --stage commitment --priority high --note "likes tea" --type long-term'
        " --owner me --referred-by carl --address 'Main St 1, Springfield, 62701, USA'"
        " --address-kind work --set tier=gold",
        'add "Bob Stone" --referred-by "ann smith"',
        'log "ann smith" "Call about the redesign" --kind call --follow-up friday',
        'remind "ann smith" "Send the proposal" --on yesterday',
        'remind --no-contact "Invoice clients" --on "today 15:00" --every monthly',
        'remind bob "Call back" --on today',
        "done 4",
        'concern "ann smith" "Late delivery"',
        'concern bob "Wrong invoice"',
        'resolve 2 refunded --cause "Two billing systems"',
        'concern "ann smith" "Site down" --severity high --due 2026-11-20',
        'escalate 1 --to Dana --note "Second call"',
        "escalate 1",
        'date "ann smith" "contract renewal" 2026-12-01 --lead 30',
        'feedback "ann smith" 9',
        'engagement "ann smith" Redesign',
        'engagement "ann smith" Audit --value 1200 --currency EUR',
        "close 2 --satisfaction 8",
        "edit ann --decides",
        "org edit acme --every monthly --note Fiscal",
        'org add "Globex"',
        'gift "ann smith" Book',
        'gift "ann smith" Wine --given 2026-11-01',
        'date carl "contract renewal" 2026-12-10 --once',
        'edit "ann smith" --note "likes coffee"',
        "engagement edit 1 --due 2026-11-27 --note Scope",
    ):
        ok(relate(*shlex.split(line)))
    show = as_json(relate("show", "ann smith", "--format", "json"))
    shapes = {
        command: emitted(as_json(relate(command, *extra, "--format", "json")))
        for command, extra in (
            ("today", ["--days", "30"]),
            ("reminders", ["--all"]),
            ("concerns", ["--all"]),
            ("list", []),
        )
    }
    shapes["show"] = emitted([show, as_json(relate("show", "carl", "--format", "json"))])
    shapes["org list"] = emitted(as_json(relate("org", "list", "--format", "json")))
    org = as_json(relate("org", "show", "acme", "--format", "json"))
    shapes["org show"] = emitted(
        [org, as_json(relate("org", "show", "globex", "--format", "json"))]
    )
    concerns = as_json(relate("concerns", "--all", "--format", "json"))
    shapes["concerns.trail"] = emitted([step for c in concerns for step in c["trail"]])
    for field in ("people", "engagements", "concerns"):
        shapes[f"org show.{field}"] = emitted(org[field])
    ledger = as_json(relate("engagements", "--format", "json"))
    shapes["engagements"] = emitted([ledger])
    for field in ("engagements", "totals"):
        shapes[f"engagements.{field}"] = emitted(ledger[field])
    engagement = as_json(relate("engagement", "show", "1", "--format", "json"))
    shapes["engagement show"] = emitted(
        [engagement, as_json(relate("engagement", "show", "2", "--format", "json"))]
    )
    shapes["engagement show.history"] = emitted(engagement["history"])
    shapes["export all"] = emitted([as_json(relate("export", "all", "--format", "json"))])
    # A report with figures, and one of a period with none (nulls and empty lists);
    # Dora is late for her weekly contact.
    ok(relate("add", "Dora Late", "--every", "weekly"))
    ok(relate("log", "dora", "Call", "--kind", "call", "--when", "2026-10-01"))
    full = as_json(relate("report", "--since", "2026-01-01", "--format", "json"))
    empty = as_json(
        relate("report", "--since", "2020-01-01", "--until", "2020-03-31", "-f", "json")
    )
    shapes["report"] = emitted([full, empty])
    for field in ("feedback", "concerns", "engagements"):
        shapes[f"report.{field}"] = emitted([full[field], empty[field]])
    for field in ("contacts", "monthly", "weekly", "quarterly", "by_stage", "by_type", "neglected"):
        shapes[f"report.{field}"] = emitted(full[field] + empty[field])
    shapes["report.engagements.currencies"] = emitted(full["engagements"]["currencies"])
    for field, value in show.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            shapes[f"show.{field}"] = emitted(value)
    return shapes


def test_the_json_fields_are_documented_in_order_with_their_types(
    shapes: dict[str, dict[str, set[str]]],
) -> None:
    tables = documented()
    # `show` prints every field of `list` first; its table lists only the rest.
    tables["show"] = {**tables["list"], **tables.get("show", {})}
    problems = []
    for shape, fields in shapes.items():
        table = tables.get(shape, {})
        if list(fields) != list(table):
            problems.append(
                f"{shape}: prints {list(fields)}\n  but docs/json.md documents {list(table)}"
            )
        for field, kinds in fields.items():
            undocumented = sorted(kind for kind in kinds if kind not in table.get(field, kind))
            if field in table and undocumented:
                problems.append(
                    f"{shape}.{field}: prints {'/'.join(undocumented)}, documented as"
                    f" {table[field]!r}"
                )
    for shape in set(tables) - set(shapes):
        problems.append(f"{shape}: documented, but no command prints it")
    assert not problems, "\n".join(problems) + "\nUpdate the tables in docs/json.md."

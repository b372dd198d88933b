"""How relate writes values into CSV cells and reads them back, for exports, imports
and ``--format csv`` alike (so it sits below every layer that needs it).

A multi-valued field (e-mails, tags, ...) is one cell: values joined by ``;``, with
``\\;`` and ``\\\\`` inside a value, so the tag ``a;b`` and the tag ``c`` are ``a\\;b;c``.
"""

from __future__ import annotations

from collections.abc import Iterable

LIST_SEPARATOR = ";"


def join_list(values: Iterable[str]) -> str:
    """Join a multi-valued field for CSV: ``;`` between values, ``\\;``/``\\\\`` inside one."""
    items = list(values)
    plain = "".join(items)
    if "\\" not in plain and LIST_SEPARATOR not in plain:  # the common case: nothing to escape
        return LIST_SEPARATOR.join(items)
    return LIST_SEPARATOR.join(list_item(value) for value in items)


def list_item(value: str) -> str:
    """One value of a multi-valued field as ``join_list`` writes it (a one-value list)."""
    if "\\" not in value and LIST_SEPARATOR not in value:
        return value
    return value.replace("\\", "\\\\").replace(LIST_SEPARATOR, "\\" + LIST_SEPARATOR)


def split_list(text: str) -> list[str]:
    """The inverse of ``join_list``."""
    values: list[str] = []
    current: list[str] = []
    escaped = False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == LIST_SEPARATOR:
            values.append("".join(current))
            current = []
        else:
            current.append(char)
    if current or values:
        values.append("".join(current))
    return values


def csv_cell(value: object) -> str:
    """One value as CSV text: lists joined, booleans as true/false, None as empty."""
    if type(value) is str:  # most cells: checked first, exports call this per value
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return join_list([item if type(item) is str else str(item) for item in value])
    return str(value)

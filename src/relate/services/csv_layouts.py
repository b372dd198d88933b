"""The CSV layouts relate imports: its own, Google Contacts (classic and new), Outlook.

Each layout maps one row (header -> cell) to the fields of relate's own layout
(``CONTACT_FIELDS``), as lists and text; ``services.importing`` then reads those
exactly as it reads relate's own CSV, so every value is checked in one place. The
mapping is documented in docs/import-export.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from relate.render.output import split_list
from relate.services.contacts import CONTACT_FIELDS, LIST_FIELDS

# relate's own columns, and the one-value aliases of its list columns.
RELATE_ALIASES = {"email": "emails", "phone": "phones", "tag": "tags", "alias": "aliases"}
GOOGLE_SEPARATOR = " ::: "  # Google puts several values in one cell like this
_GOOGLE_SYSTEM_GROUP = "* myContacts"
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2,4})")
OUTLOOK_PHONES = (
    "Primary Phone",
    "Mobile Phone",
    "Business Phone",
    "Business Phone 2",
    "Home Phone",
    "Home Phone 2",
    "Company Main Phone",
    "Other Phone",
    "Assistant's Phone",
    "Car Phone",
    "Pager",
    "Business Fax",
    "Home Fax",
    "Other Fax",
)
GOOGLE_MARKERS = frozenset(
    {"E-mail 1 - Value", "Phone 1 - Value", "Given Name", "Group Membership", "Labels"}
)
OUTLOOK_EMAILS = ("E-mail Address", "E-mail 2 Address", "E-mail 3 Address")

Fields = dict[str, object]  # relate field -> text (or list of texts for list fields)


@dataclass(frozen=True)
class Layout:
    name: str
    convert: Callable[[Mapping[str, str]], Fields]
    unknown: tuple[str, ...] = ()  # header columns this layout ignores (warned about)


def _cell(row: Mapping[str, str], *columns: str) -> str:
    for column in columns:
        value = (row.get(column) or "").strip()
        if value:
            return value
    return ""


def _words(*parts: str) -> str:
    return " ".join(part.strip() for part in parts if part and part.strip())


def _numbered(header: Sequence[str], pattern: str) -> list[str]:
    regex = re.compile(pattern)
    return [column for column in header if regex.fullmatch(column)]


def _relate(header: Sequence[str]) -> Layout:
    known = set(CONTACT_FIELDS) | set(RELATE_ALIASES)
    unknown = tuple(column for column in header if column not in known)

    def convert(row: Mapping[str, str]) -> Fields:
        fields: Fields = {}
        for column, raw in row.items():
            if column is None or column in unknown:
                continue
            value = raw or ""
            if column in RELATE_ALIASES:
                target = RELATE_ALIASES[column]
                existing = fields.setdefault(target, [])
                if value.strip() and isinstance(existing, list):
                    existing.append(value)
            elif column in LIST_FIELDS:
                existing = fields.setdefault(column, [])
                if isinstance(existing, list):
                    existing.extend(split_list(value))
            else:
                fields[column] = value
        return fields

    return Layout("relate", convert, unknown)


def _google(header: Sequence[str]) -> Layout:
    emails = _numbered(header, r"E-mail \d+ - Value")
    phones = _numbered(header, r"Phone \d+ - Value")

    def many(row: Mapping[str, str], columns: Sequence[str]) -> list[str]:
        return [
            value.strip()
            for column in columns
            for value in (row.get(column) or "").split(GOOGLE_SEPARATOR)
            if value.strip()
        ]

    def convert(row: Mapping[str, str]) -> Fields:
        name = _cell(row, "Name") or _words(
            _cell(row, "Name Prefix"),
            _cell(row, "Given Name", "First Name"),
            _cell(row, "Additional Name", "Middle Name"),
            _cell(row, "Family Name", "Last Name"),
            _cell(row, "Name Suffix"),
        )
        groups = many(row, ("Group Membership", "Labels"))
        return {
            "name": name,
            "aliases": many(row, ("Nickname",)),
            "emails": many(row, emails),
            "phones": many(row, phones),
            "org": _cell(row, "Organization 1 - Name", "Organization Name"),
            "role": _cell(row, "Organization 1 - Title", "Organization Title"),
            "birthday": _cell(row, "Birthday"),
            "notes": (row.get("Notes") or "").strip(),
            "tags": [group.removeprefix("* ") for group in groups if group != _GOOGLE_SYSTEM_GROUP],
        }

    return Layout("Google Contacts", convert)


def outlook_birthday(text: str) -> str:
    """Outlook writes M/D/YYYY, and 0/0/00 for "none"; anything else passes through."""
    value = text.strip()
    m = _US_DATE.fullmatch(value)
    if m is None:
        return value
    month, day, year = int(m[1]), int(m[2]), int(m[3])
    if month == 0 or day == 0:
        return ""
    if len(m[3]) == 2:  # Outlook's two-digit years are a sign of "no year": keep month-day
        return f"--{month:02d}-{day:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def _outlook(header: Sequence[str]) -> Layout:
    phones = [column for column in OUTLOOK_PHONES if column in header]

    def convert(row: Mapping[str, str]) -> Fields:
        return {
            "name": _words(
                _cell(row, "Title"),
                _cell(row, "First Name"),
                _cell(row, "Middle Name"),
                _cell(row, "Last Name"),
                _cell(row, "Suffix"),
            ),
            "aliases": [_cell(row, "Nickname")] if _cell(row, "Nickname") else [],
            "emails": [_cell(row, column) for column in OUTLOOK_EMAILS if _cell(row, column)],
            "phones": [_cell(row, column) for column in phones if _cell(row, column)],
            "org": _cell(row, "Company"),
            "role": _cell(row, "Job Title"),
            "birthday": outlook_birthday(_cell(row, "Birthday")),
            "notes": (row.get("Notes") or "").strip(),
            "tags": [tag.strip() for tag in _cell(row, "Categories").split(";") if tag.strip()],
        }

    return Layout("Outlook", convert)


def detect(header: Sequence[str]) -> Layout | None:
    """The layout of a CSV file from its header row, or None if it is none we know."""
    columns = set(header)
    if GOOGLE_MARKERS & columns:
        return _google(header)
    if "E-mail Address" in columns or {"First Name", "Last Name", "Company"} <= columns:
        return _outlook(header)
    if "name" in columns:
        return _relate(header)
    return None

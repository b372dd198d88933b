"""The CSV layouts relate imports: its own, Google Contacts (classic and new), Outlook,
LinkedIn's Connections.csv and Thunderbird's address book.

Each layout maps one row (header -> cell) to the fields of relate's own layout
(``CONTACT_FIELDS``), as lists and text; ``services.importing`` then reads those
exactly as it reads relate's own CSV, so every value is checked in one place. The
mapping is documented in docs/import-export.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from relate.csvcodec import split_list
from relate.services.contacts import CONTACT_FIELDS, LIST_FIELDS

# relate's own columns, and the one-value aliases of its list columns.
RELATE_ALIASES = {"email": "emails", "phone": "phones", "tag": "tags", "alias": "aliases"}
GOOGLE_SEPARATOR = " ::: "  # Google puts several values in one cell like this
# Google's built-in group, in the spellings its exports use: never a tag.
_GOOGLE_SYSTEM_GROUPS = frozenset({"* myContacts", "* My Contacts", "myContacts", "My Contacts"})
_SLASH_DATE = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[ -]([A-Za-z]{3})[A-Za-z]*[ -](\d{2,4})")
LINKEDIN_COLUMNS = frozenset(
    {"First Name", "Last Name", "Email Address", "Position", "Connected On"}
)
THUNDERBIRD_MARKERS = frozenset({"Primary Email", "Display Name"})
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
LINKEDIN_NOTE = "LinkedIn: "  # the profile URL is kept in the notes after this

Fields = dict[str, object]  # relate field -> text (or list of texts for list fields)


def _no_connection(row: Mapping[str, str]) -> date | None:
    return None


def _no_dates(row: Mapping[str, str]) -> list[tuple[str, str]]:
    return []


@dataclass(frozen=True)
class Layout:
    name: str
    convert: Callable[[Mapping[str, str]], Fields]
    unknown: tuple[str, ...] = ()  # header columns this layout ignores (warned about)
    connected_on: Callable[[Mapping[str, str]], date | None] = _no_connection
    # Dates beyond the birthday, as (label, text in relate's date forms).
    dates: Callable[[Mapping[str, str]], list[tuple[str, str]]] = _no_dates


def slash_date_parts(text: str) -> tuple[int, int] | None:
    """The first two numbers of a ``N/N/YYYY`` date (either order), else None."""
    m = _SLASH_DATE.fullmatch(text.strip())
    return (int(m[1]), int(m[2])) if m else None


def date_columns(header: Sequence[str]) -> list[int]:
    """The columns that hold dates a person typed (birthdays, anniversaries)."""
    return [
        index
        for index, column in enumerate(header)
        if "birthday" in column.lower() or "anniversary" in column.lower()
    ]


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
            "tags": [
                group.removeprefix("* ") for group in groups if group not in _GOOGLE_SYSTEM_GROUPS
            ],
        }

    return Layout("Google Contacts", convert)


def outlook_birthday(text: str, order: str = "mdy") -> str:
    """Outlook writes M/D/YYYY (D/M/YYYY in much of the world: ``order``), and 0/0/00 for
    "none"; anything else passes through."""
    value = text.strip()
    m = _SLASH_DATE.fullmatch(value)
    if m is None:
        return value
    first, second, year = int(m[1]), int(m[2]), int(m[3])
    month, day = (second, first) if order == "dmy" else (first, second)
    if month == 0 or day == 0:
        return ""
    if len(m[3]) == 2:  # Outlook's two-digit years are a sign of "no year": keep month-day
        return f"--{month:02d}-{day:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


# Columns of other programs' Outlook-like files that hold an e-mail address (Roundcube's
# "Email Home", "Email Work", "Email Other"): read where the value has an "@".
_OTHER_EMAIL = re.compile(r"(?i)e-?mail( \d+)?( (address|home|work|other))?")


def _outlook(header: Sequence[str], order: str) -> Layout:
    phones = [column for column in OUTLOOK_PHONES if column in header]
    others = [c for c in header if _OTHER_EMAIL.fullmatch(c) and c not in OUTLOOK_EMAILS]

    def emails(row: Mapping[str, str]) -> list[str]:
        found = [_cell(row, column) for column in OUTLOOK_EMAILS if _cell(row, column)]
        return found + [_cell(row, c) for c in others if "@" in _cell(row, c)]

    def dates(row: Mapping[str, str]) -> list[tuple[str, str]]:
        anniversary = outlook_birthday(_cell(row, "Anniversary"), order)
        return [("anniversary", anniversary)] if anniversary else []

    def convert(row: Mapping[str, str]) -> Fields:
        return {
            "name": _cell(row, "Display Name")  # Roundcube's layout has one
            or _words(
                _cell(row, "Title"),
                _cell(row, "First Name"),
                _cell(row, "Middle Name"),
                _cell(row, "Last Name"),
                _cell(row, "Suffix"),
            ),
            "aliases": [_cell(row, "Nickname")] if _cell(row, "Nickname") else [],
            "emails": emails(row),
            "phones": [_cell(row, column) for column in phones if _cell(row, column)],
            "org": _cell(row, "Company"),
            "role": _cell(row, "Job Title"),
            "birthday": outlook_birthday(_cell(row, "Birthday"), order),
            "notes": (row.get("Notes") or "").strip(),
            "tags": [
                tag.strip()
                for tag in _cell(row, "Categories").split(";")
                if tag.strip() and tag.strip() not in _GOOGLE_SYSTEM_GROUPS
            ],
        }

    return Layout("Outlook", convert, dates=dates)


def connected_on(text: str) -> date | None:
    """LinkedIn's "Connected On": ``22 Dec 2025`` (older exports ``12/22/25``)."""
    value = text.strip()
    if m := _DAY_MONTH_YEAR.fullmatch(value):
        month = m[2].lower()
        if month in _MONTHS:
            year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
            try:
                return date(year, _MONTHS.index(month) + 1, int(m[1]))
            except ValueError:
                return None
    if m := _SLASH_DATE.fullmatch(value):
        year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
        try:
            return date(year, int(m[1]), int(m[2]))
        except ValueError:
            return None
    return None


def _linkedin(header: Sequence[str]) -> Layout:
    def convert(row: Mapping[str, str]) -> Fields:
        url = _cell(row, "URL", "Profile URL")
        return {
            "name": _words(_cell(row, "First Name"), _cell(row, "Last Name")),
            "emails": [_cell(row, "Email Address")] if _cell(row, "Email Address") else [],
            "org": _cell(row, "Company"),
            "role": _cell(row, "Position"),
            "notes": f"{LINKEDIN_NOTE}{url}" if url else "",
        }

    def started(row: Mapping[str, str]) -> date | None:
        return connected_on(_cell(row, "Connected On"))

    return Layout("LinkedIn", convert, connected_on=started)


def _thunderbird(header: Sequence[str]) -> Layout:
    phones = ("Mobile Number", "Work Phone", "Home Phone", "Pager Number", "Fax Number")

    def birthday(row: Mapping[str, str]) -> str:
        year, month, day = (_cell(row, f"Birth {part}") for part in ("Year", "Month", "Day"))
        if not (month.isdigit() and day.isdigit()):
            return ""
        if year.isdigit() and int(year) > 0:
            return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
        return f"--{int(month):02d}-{int(day):02d}"

    def convert(row: Mapping[str, str]) -> Fields:
        return {
            "name": _cell(row, "Display Name")
            or _words(_cell(row, "First Name"), _cell(row, "Last Name")),
            "aliases": [_cell(row, "Nickname")] if _cell(row, "Nickname") else [],
            "emails": [
                _cell(row, column)
                for column in ("Primary Email", "Secondary Email")
                if _cell(row, column)
            ],
            "phones": [_cell(row, column) for column in phones if _cell(row, column)],
            "org": _cell(row, "Organization"),
            "role": _cell(row, "Job Title"),
            "birthday": birthday(row),
            "notes": (row.get("Notes") or "").strip(),
        }

    return Layout("Thunderbird", convert)


def detect(header: Sequence[str], date_order: str = "mdy") -> Layout | None:
    """The layout of a CSV file from its header row, or None if it is none we know.

    ``date_order`` (``mdy`` or ``dmy``) says how its N/N/YYYY dates are to be read."""
    columns = set(header)
    if GOOGLE_MARKERS & columns:
        return _google(header)
    if columns >= LINKEDIN_COLUMNS:
        return _linkedin(header)
    if columns >= THUNDERBIRD_MARKERS:
        return _thunderbird(header)
    if "E-mail Address" in columns or {"First Name", "Last Name", "Company"} <= columns:
        return _outlook(header, date_order)
    if "name" in columns:
        return _relate(header)
    return None

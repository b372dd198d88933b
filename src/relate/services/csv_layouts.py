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
from relate.services.contacts import CONTACT_FIELDS, FIELD_COLUMN, LIST_FIELDS

# relate's own columns, and the one-value aliases of its list columns.
RELATE_ALIASES = {
    "email": "emails",
    "phone": "phones",
    "tag": "tags",
    "alias": "aliases",
    "address": "addresses",
}
GOOGLE_SEPARATOR = " ::: "  # Google puts several values in one cell like this
# Google's built-in group, in the spellings its exports use: never a tag.
_GOOGLE_SYSTEM_GROUPS = frozenset({"* myContacts", "* My Contacts", "myContacts", "My Contacts"})
_SLASH_DATE = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[ -]([A-Za-z]{3})[A-Za-z]*[ -](\d{2,4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
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
Cells = Sequence[str]  # one row's cells, by the header's positions (``Layout.fit``)


def _no_connection(cells: Cells) -> date | None:
    return None


def _no_dates(cells: Cells) -> list[tuple[str, str]]:
    return []


def _as_is(cells: list[str]) -> list[str]:
    return cells


@dataclass(frozen=True)
class Layout:
    """How one header's rows become relate's fields. The functions take a row's cells
    by position, as ``fit`` gives them: each layout looks its columns up once, in the
    header, instead of in a dict made for every row."""

    name: str
    convert: Callable[[Cells], Fields]
    unknown: tuple[str, ...] = ()  # header columns this layout ignores (warned about)
    # LinkedIn's "connected on": a date, the text if it is none (warned about), or None.
    connected_on: Callable[[Cells], date | str | None] = _no_connection
    # Dates beyond the birthday, as (label, text in relate's date forms).
    dates: Callable[[Cells], list[tuple[str, str]]] = _no_dates
    # The row's cells as the functions above take them (see ``_Columns.fit``).
    fit: Callable[[list[str]], list[str]] = _as_is


class _Columns:
    """Where a header's columns are. A name the header holds twice is read from its
    last place, and a row cut short reads its missing cells as empty, as a dict of
    the row (header -> cell) would."""

    def __init__(self, header: Sequence[str]) -> None:
        self.header = list(header)
        self.place = {column: index for index, column in enumerate(header)}

    def __contains__(self, column: str) -> bool:
        return column in self.place

    def find(self, *columns: str) -> tuple[int, ...]:
        """The places of those of ``columns`` the header has, in the order given."""
        return tuple(self.place[column] for column in columns if column in self.place)

    def fit(self, cells: list[str]) -> list[str]:
        """A row as long as the header, each name's cell where ``find`` looks for it."""
        if len(cells) >= len(self.header):
            return cells
        row = dict(zip(self.header, cells, strict=False))
        return [row.get(column, "") for column in self.header]


def _first(cells: Cells, places: tuple[int, ...]) -> str:
    """The first of these cells that is not blank, stripped; "" when all are."""
    for place in places:
        value = cells[place].strip()
        if value:
            return value
    return ""


# An address spread over columns: its kind and, for each ADR part, the columns that
# may hold it (a street's are its lines, joined; of the others the first filled counts).
AddressColumns = list[tuple[str | None, dict[str, tuple[int, ...]]]]


def _address_columns(
    columns: _Columns, spec: Sequence[tuple[str | None, Mapping[str, Sequence[str]]]]
) -> AddressColumns:
    """The addresses of ``spec`` the header has at least one column of."""
    found: AddressColumns = []
    for kind, parts in spec:
        places = {part: columns.find(*names) for part, names in parts.items()}
        if any(places.values()):
            found.append((kind, places))
    return found


def _addresses(cells: Cells, spread: AddressColumns) -> list[dict[str, object]]:
    """A row's addresses as relate's JSON objects (those with every part blank left out)."""
    found: list[dict[str, object]] = []
    for kind, places in spread:
        parts = {
            part: "\n".join(_filled(cells, where)) if part == "street" else _first(cells, where)
            for part, where in places.items()
        }
        if any(parts.values()):
            found.append({"kind": kind, **parts})
    return found


def _outlook_address(kind: str | None, *prefixes: str) -> tuple[str | None, dict[str, list[str]]]:
    """Outlook's columns of one address ("Business Street 2", "Home Postal Code", ...),
    under each prefix it is written with (Roundcube's files say "Work City")."""

    def named(*suffixes: str) -> list[str]:
        return [f"{prefix} {suffix}" for prefix in prefixes for suffix in suffixes]

    return kind, {
        "po_box": named("PO Box"),
        "street": named("Street", "Street 2", "Street 3"),
        "locality": named("City"),
        "region": named("State"),
        "postal_code": named("Postal Code", "Zip"),
        "country": named("Country/Region", "Country"),
    }


OUTLOOK_ADDRESSES = (
    _outlook_address("home", "Home"),
    _outlook_address("work", "Business", "Work"),
    _outlook_address(None, "Other"),
)
THUNDERBIRD_ADDRESSES = tuple(
    (
        kind,
        {
            "street": [f"{prefix} Address", f"{prefix} Address 2"],
            "locality": [f"{prefix} City"],
            "region": [f"{prefix} State"],
            "postal_code": [f"{prefix} ZipCode"],
            "country": [f"{prefix} Country"],
        },
    )
    for kind, prefix in (("home", "Home"), ("work", "Work"))
)
GOOGLE_ADDRESS_PARTS = {
    "po_box": "PO Box",
    "extended": "Extended Address",
    "street": "Street",
    "locality": "City",
    "region": "Region",
    "postal_code": "Postal Code",
    "country": "Country",
}


def _google_addresses(
    header: Sequence[str], columns: _Columns
) -> Callable[[Cells], list[dict[str, object]]]:
    """Google's "Address N - Street", "- City", ... with the kind from "- Type" (classic)
    or "- Label" (current): Home and Work are home and work, any other label none."""
    numbers = [column.split(" ")[1] for column in _numbered(header, r"Address \d+ - Street")]
    spread = [
        (
            columns.find(f"Address {n} - Type", f"Address {n} - Label"),
            {
                part: columns.find(f"Address {n} - {name}")
                for part, name in GOOGLE_ADDRESS_PARTS.items()
            },
        )
        for n in numbers
    ]

    def read(cells: Cells) -> list[dict[str, object]]:
        found: list[dict[str, object]] = []
        for label, places in spread:
            kind = _first(cells, label).removeprefix("* ").lower()
            found += _addresses(cells, [(kind if kind in ("home", "work") else None, places)])
        return found

    return read


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


def _words(*parts: str) -> str:
    return " ".join(part.strip() for part in parts if part and part.strip())


def _numbered(header: Sequence[str], pattern: str) -> list[str]:
    regex = re.compile(pattern)
    return [column for column in header if regex.fullmatch(column)]


def _relate(header: Sequence[str]) -> Layout:
    # Custom fields are a ``field:KEY`` column each; ``fields`` is JSON's, not a column.
    known = (set(CONTACT_FIELDS) - {"fields"}) | set(RELATE_ALIASES)
    unknown = tuple(
        column for column in header if column not in known and not column.startswith(FIELD_COLUMN)
    )
    names = list(header)

    def convert(cells: Cells) -> Fields:
        # By name, as a dict of the row: a column missing from a short row is not
        # given at all (an absent "archived" leaves a contact as it is).
        fields: Fields = {}
        for column, raw in dict(zip(names, cells, strict=False)).items():
            if column in unknown:
                continue
            value = raw or ""
            if column in RELATE_ALIASES:
                target = RELATE_ALIASES[column]
                existing = fields.setdefault(target, [])
                if value.strip() and isinstance(existing, list):
                    existing.append(value)
            elif column in LIST_FIELDS or column == "addresses":
                existing = fields.setdefault(column, [])
                if isinstance(existing, list):
                    existing.extend(split_list(value))
            elif column.startswith(FIELD_COLUMN):  # a custom field; an empty cell: none
                custom = fields.setdefault("fields", {})
                if value and isinstance(custom, dict):
                    custom[column[len(FIELD_COLUMN) :]] = value
            else:
                fields[column] = value
        return fields

    return Layout("relate", convert, unknown)


def _split_google(cells: Cells, places: Sequence[int]) -> list[str]:
    """The values of these cells, each split at Google's `` ::: ``, stripped, no blanks."""
    found: list[str] = []
    for place in places:
        cell = cells[place]
        if GOOGLE_SEPARATOR in cell:
            found += [value.strip() for value in cell.split(GOOGLE_SEPARATOR) if value.strip()]
        elif value := cell.strip():
            found.append(value)
    return found


def _google(header: Sequence[str]) -> Layout:
    columns = _Columns(header)
    emails = [columns.place[column] for column in _numbered(header, r"E-mail \d+ - Value")]
    phones = [columns.place[column] for column in _numbered(header, r"Phone \d+ - Value")]
    full_name = columns.find("Name")
    parts = [
        columns.find("Name Prefix"),
        columns.find("Given Name", "First Name"),
        columns.find("Additional Name", "Middle Name"),
        columns.find("Family Name", "Last Name"),
        columns.find("Name Suffix"),
    ]
    nickname = columns.find("Nickname")
    groups = columns.find("Group Membership", "Labels")
    org = columns.find("Organization 1 - Name", "Organization Name")
    role = columns.find("Organization 1 - Title", "Organization Title")
    birthday = columns.find("Birthday")
    notes = columns.find("Notes")
    addresses = _google_addresses(header, columns) if "Address 1 - Street" in columns else None

    def convert(cells: Cells) -> Fields:
        name = _first(cells, full_name)
        if not name:
            words = [_first(cells, places) for places in parts]
            name = " ".join([word for word in words if word])
        found: Fields = {
            "name": name,
            "aliases": _split_google(cells, nickname),
            "emails": _split_google(cells, emails),
            "phones": _split_google(cells, phones),
            "org": _first(cells, org),
            "role": _first(cells, role),
            "birthday": _first(cells, birthday),
            "notes": _first(cells, notes),
            "tags": [
                group.removeprefix("* ")
                for group in _split_google(cells, groups)
                if group not in _GOOGLE_SYSTEM_GROUPS
            ],
        }
        if addresses is not None:  # a file without them pays nothing
            found["addresses"] = addresses(cells)
        return found

    return Layout("Google Contacts", convert, fit=columns.fit)


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


def _filled(cells: Cells, places: Sequence[int]) -> list[str]:
    """The stripped cells at these places that are not blank."""
    return [value for value in (cells[place].strip() for place in places) if value]


def _outlook(header: Sequence[str], order: str) -> Layout:
    columns = _Columns(header)
    phones = columns.find(*OUTLOOK_PHONES)
    emails = columns.find(*OUTLOOK_EMAILS)
    others = [
        columns.place[c] for c in header if _OTHER_EMAIL.fullmatch(c) and c not in OUTLOOK_EMAILS
    ]
    display = columns.find("Display Name")  # Roundcube's layout has one
    parts = [
        columns.find(column) for column in ("Title", "First Name", "Middle Name", "Last Name")
    ] + [columns.find("Suffix")]
    nickname = columns.find("Nickname")
    org, role = columns.find("Company"), columns.find("Job Title")
    birthday, anniversary = columns.find("Birthday"), columns.find("Anniversary")
    notes, categories = columns.find("Notes"), columns.find("Categories")
    addresses = _address_columns(columns, OUTLOOK_ADDRESSES)

    def dates(cells: Cells) -> list[tuple[str, str]]:
        day = outlook_birthday(_first(cells, anniversary), order)
        return [("anniversary", day)] if day else []

    def convert(cells: Cells) -> Fields:
        return {
            "name": _first(cells, display) or _words(*(_first(cells, places) for places in parts)),
            "aliases": _filled(cells, nickname),
            "emails": _filled(cells, emails) + [e for e in _filled(cells, others) if "@" in e],
            "phones": _filled(cells, phones),
            "org": _first(cells, org),
            "role": _first(cells, role),
            "birthday": outlook_birthday(_first(cells, birthday), order),
            "notes": _first(cells, notes),
            "addresses": _addresses(cells, addresses) if addresses else [],
            "tags": [
                tag.strip()
                for tag in _first(cells, categories).split(";")
                if tag.strip() and tag.strip() not in _GOOGLE_SYSTEM_GROUPS
            ],
        }

    return Layout("Outlook", convert, dates=dates, fit=columns.fit)


def connected_on(text: str) -> date | None:
    """LinkedIn's "Connected On": ``22 Dec 2025`` (older exports ``12/22/25``; a file
    saved again by a spreadsheet ``5-May-25`` or ``2024-01-15``)."""
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
    if m := _ISO_DATE.fullmatch(value):
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    return None


def _linkedin(header: Sequence[str]) -> Layout:
    columns = _Columns(header)
    url = columns.find("URL", "Profile URL")
    first, last = columns.find("First Name"), columns.find("Last Name")
    email, org = columns.find("Email Address"), columns.find("Company")
    role = columns.find("Position")
    connected = columns.find("Connected On")

    def convert(cells: Cells) -> Fields:
        profile = _first(cells, url)
        return {
            "name": _words(_first(cells, first), _first(cells, last)),
            "emails": _filled(cells, email),
            "org": _first(cells, org),
            "role": _first(cells, role),
            "notes": f"{LINKEDIN_NOTE}{profile}" if profile else "",
        }

    def started(cells: Cells) -> date | str | None:
        text = _first(cells, connected).strip()
        return (connected_on(text) or text) if text else None

    return Layout("LinkedIn", convert, connected_on=started, fit=columns.fit)


def _thunderbird(header: Sequence[str]) -> Layout:
    columns = _Columns(header)
    phones = columns.find("Mobile Number", "Work Phone", "Home Phone", "Pager Number", "Fax Number")
    display, first, last = (columns.find(c) for c in ("Display Name", "First Name", "Last Name"))
    nickname, org, role = (columns.find(c) for c in ("Nickname", "Organization", "Job Title"))
    emails = columns.find("Primary Email", "Secondary Email")
    born = [columns.find(f"Birth {part}") for part in ("Year", "Month", "Day")]
    notes = columns.find("Notes")
    addresses = _address_columns(columns, THUNDERBIRD_ADDRESSES)

    def birthday(cells: Cells) -> str:
        year, month, day = (_first(cells, places) for places in born)
        if not (month.isdigit() and day.isdigit()):
            return ""
        if year.isdigit() and int(year) > 0:
            return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
        return f"--{int(month):02d}-{int(day):02d}"

    def convert(cells: Cells) -> Fields:
        return {
            "name": _first(cells, display) or _words(_first(cells, first), _first(cells, last)),
            "aliases": _filled(cells, nickname),
            "emails": _filled(cells, emails),
            "phones": _filled(cells, phones),
            "org": _first(cells, org),
            "role": _first(cells, role),
            "birthday": birthday(cells),
            "notes": _first(cells, notes),
            "addresses": _addresses(cells, addresses) if addresses else [],
        }

    return Layout("Thunderbird", convert, fit=columns.fit)


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

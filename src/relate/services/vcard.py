"""vCard 2.1/3.0/4.0 in (read here, streaming), vCard 4.0 out (through ``vobject``).

Phones and mail programs write vCards that strict parsers refuse; relate reads what
they really write, one card at a time from the bytes of the file, so memory stays flat
however big the file is:

1. line ends: ``CR CR LF`` (iPhone), ``CR LF``, ``LF`` and a lone ``CR`` each end a
   line; a UTF-16 file (with its byte-order mark, or without one) is read as text first;
2. lines are unfolded as *bytes* (a line starting with a space or tab continues the
   one before, even in the middle of a parameter or of a UTF-8 character), and so are
   quoted-printable soft line breaks (a value ending in ``=``) and vCard 2.1 values
   continued after a trailing backslash;
3. blank lines, ``#`` comment lines, ``PHOTO``/``LOGO``/``SOUND``/``KEY`` and any
   base64 value (with a 2.1 body that is not folded) are dropped: relate keeps no
   pictures;
4. each value is decoded on its own: quoted-printable first, then its ``CHARSET``
   (``Shift_JIS``, ``ISO-8859-1``...), else UTF-8, else Windows-1252, so one stray
   byte garbles one value and not the whole file;
5. escapes are read per version: ``\\,`` ``\\;`` ``\\n`` ``\\\\`` in 3.0 and 4.0,
   only ``\\;`` in 2.1;
6. a card nested in another (a 2.1 habit) is a card of its own.

A card that has no name, e-mail, phone or organisation is returned with a
``problem`` and no contact is made of it; a file cut off before ``END:VCARD``, or a
line inside a card that is not a property, is an error (``FILE:LINE``).
"""

from __future__ import annotations

import codecs
import io
import quopri
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from relate.dates import MonthDay
from relate.errors import RelateError
from relate.services.fields import ADDRESS_KINDS, Address, field_key

BINARY_PROPERTIES = frozenset({"PHOTO", "LOGO", "SOUND", "KEY"})
_FULL_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})(?:T.*)?")
_NO_YEAR = re.compile(r"--(\d{2})-?(\d{2})")
_BARE_NAME = re.compile(rb"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)?(;[^:]*)?")
_PROPERTY_HEAD = re.compile(rb"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)?(;[^:]*)?:")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_UNESCAPED_COMMA = re.compile(r"(?<!\\)((?:\\\\)*),")
# Apple writes a birthday without a year as BDAY;X-APPLE-OMIT-YEAR=1604:1604-03-15 and
# CardBook as 16040315: 1604 is the placeholder, not a year anyone was born in.
PLACEHOLDER_YEARS = frozenset({1604, 0})
# relate's custom fields in its vCards: X-RELATE-FIELD-TIER:gold is the field "tier".
FIELD_PROPERTY = "X-RELATE-FIELD-"
ANNIVERSARY_PROPERTIES = (
    "ANNIVERSARY",
    "X-ANNIVERSARY",
    "X-EVOLUTION-ANNIVERSARY",
    "X-MS-ANNIVERSARY",
    "X-KADDRESSBOOK-X-ANNIVERSARY",
)


@dataclass
class Card:
    """What relate keeps of one vCard."""

    line: int  # where BEGIN:VCARD is, 1-based
    name: str
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    org: str | None = None
    role: str | None = None
    birthday: MonthDay | None = None
    anniversary: MonthDay | None = None
    notes: str | None = None
    tags: list[str] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)  # relate's X-RELATE-FIELD-KEY
    warnings: list[str] = field(default_factory=list)
    named_after: str | None = None  # "e-mail", "phone" or "organisation" when nameless
    problem: str | None = None  # why no contact can be made of it


@dataclass
class Property:
    line: int
    name: str  # upper case, without its group
    params: list[tuple[str, str]]  # (KEY upper case, value); a 2.1 bare type has key TYPE
    raw: bytes

    def param(self, key: str) -> str | None:
        return next((value for name, value in self.params if name == key), None)

    @property
    def encoding(self) -> str:
        word = (self.param("ENCODING") or "").upper()
        if not word:
            types = {value.upper() for name, value in self.params if name == "TYPE"}
            word = next((w for w in ("QUOTED-PRINTABLE", "BASE64") if w in types), "")
        return {"QUOTED-PRINTABLE": "qp", "BASE64": "b64", "B": "b64"}.get(word, "")


@dataclass
class _Open:
    line: int
    props: list[Property] = field(default_factory=list)


def physical_lines(stream: IO[bytes]) -> Iterator[bytes]:
    """The file's lines as bytes without their ends; UTF-16 becomes UTF-8 first."""
    head = stream.read(4)
    stream.seek(0)
    chunks: Iterable[bytes]
    from relate.services.importing import utf16_codec

    if codec := utf16_codec(head):
        text = io.TextIOWrapper(stream, encoding=codec, newline="")
        chunks = (line.encode("utf-8") for line in text)
    else:
        if head.startswith(codecs.BOM_UTF8):
            stream.read(3)
        chunks = stream
    for chunk in chunks:
        line = chunk.rstrip(b"\r\n")
        if b"\r" in line:
            yield from line.split(b"\r")  # old Macs end lines with a lone CR
        else:
            yield line


def _parse_head(head: bytes) -> tuple[str, list[tuple[str, str]]]:
    text = head.decode("utf-8", errors="replace")
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    name = parts[0].strip().rsplit(".", 1)[-1].upper()
    params = []
    for part in parts[1:]:
        key, sep, value = part.partition("=")
        if sep:
            params.append((key.strip().upper(), value.strip().strip('"')))
        elif part.strip():
            params.append(("TYPE", part.strip()))
    return name, params


def _split_value(logical: bytes) -> tuple[bytes, bytes] | None:
    """(head, value) of a property line; None when it has no ``:`` outside quotes."""
    quoted = False
    for index, byte in enumerate(logical):
        if byte == 0x22:  # "
            quoted = not quoted
        elif byte == 0x3A and not quoted:  # :
            return logical[:index], logical[index + 1 :]
    return None


def _is_qp_head(logical: bytes) -> bool:
    colon = logical.find(b":")
    return colon > 0 and b"QUOTED-PRINTABLE" in logical[:colon].upper()


def read_properties(stream: IO[bytes], where: str) -> Iterator[tuple[int, list[Property]]]:
    """(line of BEGIN:VCARD, properties) for each card, innermost first when nested."""
    stack: list[_Open] = []
    pending: bytes | None = None
    pending_line = 0
    pending_qp = False
    after_binary = False

    def flush(logical: bytes, number: int) -> Iterator[tuple[int, list[Property]]]:
        nonlocal after_binary
        stripped = logical.strip().upper()
        if stripped.replace(b" ", b"") == b"BEGIN:VCARD":
            stack.append(_Open(number))
            after_binary = False
            return
        if stripped.replace(b" ", b"") == b"END:VCARD" and stack:
            done = stack.pop()
            yield done.line, done.props
            return
        if not stack:
            if stripped:
                shown = logical[:40].decode("utf-8", errors="replace")
                raise RelateError(f"{where}:{number}: expected BEGIN:VCARD, found {shown!r}")
            return
        split = _split_value(logical)
        if split is None:
            if after_binary or logical.startswith(b"#"):
                return  # a 2.1 base64 body that is not folded; a comment line
            if _BARE_NAME.fullmatch(logical.strip()):
                split = (logical.strip(), b"")  # "FN" alone (Evolution): an empty value
            else:
                shown = logical[:40].decode("utf-8", errors="replace")
                raise RelateError(
                    f"{where}:{stack[0].line}: cannot read this vCard: "
                    f"line {number} is not a vCard property: {shown!r}"
                )
        name, params = _parse_head(split[0])
        prop = Property(number, name, params, split[1])
        after_binary = name in BINARY_PROPERTIES or prop.encoding == "b64"
        stack[-1].props.append(prop)

    for number, line in enumerate(physical_lines(stream), 1):
        if pending is not None:
            if pending_qp and pending.endswith(b"="):
                pending = pending[:-1] + line  # a quoted-printable soft line break
                continue
            if line[:1] in (b" ", b"\t"):
                pending += line[1:]
                pending_qp = pending_qp or _is_qp_head(pending)
                continue
            if (
                pending.endswith(b"\\")
                and line.strip()
                and not _PROPERTY_HEAD.match(line)
                and not line.startswith(b"#")
                and not after_binary
            ):
                pending = pending[:-1] + b"\n" + line  # 2.1: a value continued after "\\"
                continue
            yield from flush(pending, pending_line)
            pending = None
        if not line.strip():
            continue
        pending, pending_line, pending_qp = line, number, _is_qp_head(line)
    if pending is not None:
        yield from flush(pending, pending_line)
    if stack:
        raise RelateError(f"{where}:{stack[0].line}: card has no END:VCARD")


def _decode(prop: Property) -> str:
    raw = quopri.decodestring(prop.raw) if prop.encoding == "qp" else prop.raw
    charset = prop.param("CHARSET")
    for encoding in (charset, "utf-8") if charset else ("utf-8",):
        try:
            text = raw.decode(encoding)
            break
        except (LookupError, UnicodeDecodeError):
            continue
    else:
        text = raw.decode("cp1252", errors="replace")
    if prop.encoding == "qp":
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _unescape(text: str, version: str) -> str:
    if version == "2.1":
        return text.replace("\\;", ";")
    return _ESCAPE.sub(lambda m: "\n" if m[1] in "nN" else m[1], text)


def _split(text: str, separator: str) -> list[str]:
    """Split at each ``separator`` not escaped by a backslash."""
    parts, current, index = [], [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current.append(text[index : index + 2])
            index += 2
            continue
        if char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current))
    return parts


def parse_birthday(text: str, omit_year: str | None = None) -> MonthDay | None:
    """A vCard BDAY (``1980-03-22``, ``19800322``, ``--0203``, with a time) or None.

    Apple's placeholder year (``X-APPLE-OMIT-YEAR=1604``, or 1604 alone) means "no year".
    """
    value = text.strip()
    try:
        if m := _FULL_DATE.fullmatch(value):
            year: int | None = int(m[1])
            if year in PLACEHOLDER_YEARS or (omit_year and omit_year.strip() == m[1]):
                year = None
            return MonthDay(int(m[2]), int(m[3]), year)
        if m := _NO_YEAR.fullmatch(value):
            return MonthDay(int(m[1]), int(m[2]))
    except ValueError:
        return None
    return None


def card_from_properties(line: int, props: list[Property]) -> Card:
    version = next((_decode(p).strip() for p in props if p.name == "VERSION"), "3.0")
    texts: dict[str, list[str]] = {}
    lists: dict[str, list[str]] = {}
    structured: dict[str, list[list[str]]] = {}
    dates: dict[str, list[tuple[str, str | None]]] = {}
    addresses: list[Address] = []
    custom: dict[str, str] = {}
    for prop in props:
        name = prop.name
        if name in BINARY_PROPERTIES or prop.encoding == "b64":
            continue
        value = _decode(prop)
        if name in ("N", "ORG"):
            structured.setdefault(name, []).append(_split(value, ";"))
        elif name in ("NICKNAME", "CATEGORIES"):
            items = _split(value, ",") if version != "2.1" else [value]
            lists.setdefault(name, []).extend(
                text for item in items if (text := _unescape(item, version).strip())
            )
        elif name == "ADR":
            address = _address(prop, value, version)
            if address is not None:
                addresses.append(address)
        elif name.startswith(FIELD_PROPERTY) and len(name) > len(FIELD_PROPERTY):
            text = _unescape(value, version).strip()
            if text:
                custom[name[len(FIELD_PROPERTY) :]] = text
        elif name == "BDAY" or name in ANNIVERSARY_PROPERTIES:
            dates.setdefault(name, []).append((value, prop.param("X-APPLE-OMIT-YEAR")))
        elif name in ("FN", "EMAIL", "TEL", "TITLE", "ROLE", "NOTE"):
            text = _unescape(value, version).strip()
            if text:
                texts.setdefault(name, []).append(text)
    emails = texts.get("EMAIL", [])
    phones = [p[4:].strip() if p.lower().startswith("tel:") else p for p in texts.get("TEL", [])]
    phones = [p for p in phones if p]
    orgs = [_unescape(parts[0], version).strip() for parts in structured.get("ORG", [])]
    org = next((text for text in orgs if text), None)
    card = Card(line=line, name="", emails=emails, phones=phones, org=org)
    card.name = next(iter(texts.get("FN", [])), "") or _name_from_n(
        structured.get("N", []), version
    )
    if not card.name:
        for what, values in (("e-mail", emails), ("phone", phones), ("organisation", [org])):
            if values and values[0]:
                card.name, card.named_after = str(values[0]), what
                break
        else:
            card.problem = "no name, e-mail, phone or organisation"
    roles = texts.get("TITLE", []) + texts.get("ROLE", [])
    card.role = roles[0] if roles else None
    card.aliases = lists.get("NICKNAME", [])
    card.tags = lists.get("CATEGORIES", [])
    card.notes = "\n".join(texts.get("NOTE", [])) or None
    card.addresses = addresses
    for name, text in custom.items():
        try:
            card.fields[field_key(name)] = text
        except RelateError:
            card.warnings.append(f"{FIELD_PROPERTY}{name} is not a custom field name; skipped")
    card.birthday = _first_date(card, dates.get("BDAY", []), "birthday")
    card.anniversary = _first_date(
        card, [d for key in ANNIVERSARY_PROPERTIES for d in dates.get(key, [])], "anniversary"
    )
    return card


def _address(prop: Property, value: str, version: str) -> Address | None:
    """An ADR property: its seven parts (a part's comma list kept as written) and the
    first of home, work or billing among its TYPE parameters; None when it is empty."""
    parts = [_unescape(part, version).strip() for part in _split(value, ";")]
    parts = (parts + [""] * 7)[:7]
    if not any(parts):
        return None
    types = [
        word.strip().lower()
        for key, given in prop.params
        if key == "TYPE"
        for word in given.split(",")
    ]
    kind = next((word for word in types if word in ADDRESS_KINDS), None)
    return Address(kind, *parts)


def _first_date(card: Card, values: list[tuple[str, str | None]], what: str) -> MonthDay | None:
    for value, omit_year in values:
        found = parse_birthday(value, omit_year)
        if found is not None:
            return found
    if values:
        card.warnings.append(f"{what} {values[0][0].strip()!r} is not a date; skipped")
    return None


def _name_from_n(values: list[list[str]], version: str) -> str:
    """prefix given additional family suffix; the 3.0/4.0 comma lists joined by spaces."""
    for parts in values:
        family, given, additional, prefix, suffix = (parts + [""] * 5)[:5]
        words = [
            text
            for part in (prefix, given, additional, family, suffix)
            for word in (_split(part, ",") if version != "2.1" else [part])
            if (text := _unescape(word, version).strip())
        ]
        if words:
            return " ".join(words)
    return ""


def read_cards(stream: IO[bytes], where: str) -> Iterator[Card]:
    """Every card of a vCard file, streamed; see the module docstring for what is read."""
    for line, props in read_properties(stream, where):
        yield card_from_properties(line, props)


# --- writing -------------------------------------------------------------------------


def _bday(text: str) -> str:
    """relate's ``YYYY-MM-DD`` / ``--MM-DD`` as vCard 4.0 BDAY (``YYYYMMDD`` / ``--MMDD``)."""
    return text.replace("-", "") if not text.startswith("--") else "--" + text[2:].replace("-", "")


def write_vcards(records: Iterable[Mapping[str, Any]], out: Any) -> None:
    """Contacts as vCard 4.0, one card at a time (CRLF line ends, folded at 75 octets)."""
    import vobject

    for record in records:
        card = vobject.vCard()
        card.add("version").value = "4.0"
        card.add("fn").value = str(record["name"])
        for alias in record.get("aliases") or []:
            card.add("nickname").value = str(alias)
        for email in record.get("emails") or []:
            card.add("email").value = str(email)
        for phone in record.get("phones") or []:
            card.add("tel").value = str(phone)
        if record.get("org"):
            card.add("org").value = [str(record["org"])]
        if record.get("role"):
            card.add("title").value = str(record["role"])
        if record.get("birthday"):
            card.add("bday").value = _bday(str(record["birthday"]))
        if record.get("notes"):
            card.add("note").value = str(record["notes"])
        tags = [str(tag) for tag in record.get("tags") or []]
        if tags:
            card.add("categories").value = tags
        for address in record.get("addresses") or []:
            adr = card.add("adr")
            adr.value = vobject.vcard.Address(
                box=address["po_box"],
                extended=address["extended"],
                street=address["street"],
                city=address["locality"],
                region=address["region"],
                code=address["postal_code"],
                country=address["country"],
            )
            if address["kind"]:
                adr.type_param = address["kind"]
        for key, value in (record.get("fields") or {}).items():
            card.add(f"{FIELD_PROPERTY}{key}".lower()).value = str(value)
        card.add("uid").value = f"urn:relate:contact:{record['id']}"
        out.write(card.serialize())

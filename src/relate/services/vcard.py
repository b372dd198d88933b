"""vCard 2.1/3.0/4.0 in, vCard 4.0 out, through ``vobject``.

vobject 0.9.x parses well-formed 3.0 but fails on what phones and mail programs
really write: quoted-printable values split over lines with ``=`` (vCard 2.1),
base64 photos whose lines are not folded, and ``CR CR LF`` line ends. So each card
is normalised first, here, and then handed to vobject on its own (which is also how
an error is pinned to the line where its card starts):

1. line ends: ``CR CR LF``, ``CR LF`` and a lone ``CR`` all become one line end;
2. folded lines (a leading space or tab) are joined, and so are quoted-printable
   soft line breaks (a value ending in ``=``);
3. blank lines inside a card are dropped;
4. binary properties (PHOTO, LOGO, SOUND, KEY, or anything base64-encoded) are
   dropped with their unfolded continuation lines: relate keeps no pictures;
5. a quoted-printable value is decoded with its CHARSET (UTF-8 if none; Latin-1 if
   it is not UTF-8) and written back as plain 3.0 text, line breaks as ``\\n``.

vobject is imported only when a file is really read or written (it is slow to load).
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from relate.dates import MonthDay
from relate.errors import RelateError

BINARY_PROPERTIES = frozenset({"PHOTO", "LOGO", "SOUND", "KEY"})
_LINE_END = re.compile(r"\r*\n|\r")
_BEGIN = re.compile(r"\s*BEGIN\s*:\s*VCARD\s*", re.IGNORECASE)
_END = re.compile(r"\s*END\s*:\s*VCARD\s*", re.IGNORECASE)
_FULL_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})(?:T.*)?")
_BARE_COMMA = re.compile(r"(?<!\\),")
# Properties whose commas separate values (or structured components).
COMMA_LISTS = frozenset({"CATEGORIES", "N", "ORG", "ADR"})
_NO_YEAR = re.compile(r"--(\d{2})-?(\d{2})")


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
    notes: str | None = None
    tags: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class RawCard:
    line: int
    lines: list[tuple[int, str]]


def split_lines(text: str) -> list[str]:
    """Lines, with every kind of line end (CR CR LF, CR LF, LF, CR) counted as one."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return _LINE_END.split(text)


def split_cards(text: str, where: str) -> Iterator[RawCard]:
    """The cards of a file, each with the line it starts on; errors name FILE:LINE."""
    current: RawCard | None = None
    for number, line in enumerate(split_lines(text), 1):
        if current is None:
            if not line.strip():
                continue
            if not _BEGIN.fullmatch(line):
                raise RelateError(f"{where}:{number}: expected BEGIN:VCARD, found {line[:40]!r}")
            current = RawCard(number, [])
        elif _END.fullmatch(line):
            yield current
            current = None
        elif _BEGIN.fullmatch(line):
            raise RelateError(f"{where}:{current.line}: card has no END:VCARD")
        else:
            current.lines.append((number, line))
    if current is not None:
        raise RelateError(f"{where}:{current.line}: card has no END:VCARD")


def _split_property(line: str) -> tuple[str, str, str] | None:
    """(name-and-params, bare upper-case property name, value), or None if no colon."""
    in_quotes = False
    for index, char in enumerate(line):
        if char == '"':
            in_quotes = not in_quotes
        elif char == ":" and not in_quotes:
            head = line[:index]
            name = head.split(";", 1)[0].rsplit(".", 1)[-1].strip().upper()
            return head, name, line[index + 1 :]
    return None


def _params(head: str) -> list[str]:
    return [part.strip() for part in head.split(";")[1:]]


def _encoding(head: str) -> str | None:
    for param in _params(head):
        key, sep, value = param.partition("=")
        word = (value if sep else key).strip().strip('"').upper()
        if (key.strip().upper() == "ENCODING" or not sep) and word in (
            "QUOTED-PRINTABLE",
            "BASE64",
            "B",
        ):
            return "base64" if word in ("BASE64", "B") else "qp"
    return None


def _charset(head: str) -> str:
    for param in _params(head):
        key, _sep, value = param.partition("=")
        if key.strip().upper() == "CHARSET" and value.strip():
            return value.strip().strip('"')
    return "utf-8"


def _decode_qp(head: str, value: str) -> str:
    raw = quopri.decodestring(value.encode("utf-8"))
    charset = _charset(head)
    try:
        text = raw.decode(charset)
    except (LookupError, UnicodeDecodeError):
        text = raw.decode("latin-1")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _without_encoding(head: str) -> str:
    parts = head.split(";")
    kept = [parts[0]]
    for param in parts[1:]:
        key, sep, value = param.partition("=")
        word = (value if sep else key).strip().upper()
        if key.strip().upper() in ("ENCODING", "CHARSET") or word == "QUOTED-PRINTABLE":
            continue
        kept.append(param)
    return ";".join(kept)


def normalise(raw: RawCard) -> str:
    """One card as clean vCard text that vobject reads (see the module docstring)."""
    logical: list[list[str]] = []  # [head, name, value, encoding]
    previous_binary = False
    for number, line in raw.lines:
        last = logical[-1] if logical else None
        if last is not None and last[3] == "qp" and last[2].endswith("="):
            last[2] = last[2][:-1] + line  # a soft line break (a blank line ends it)
            continue
        if not line.strip():
            continue
        if line[0] in " \t" and last is not None:
            last[2] += line[1:]
            continue
        parsed = _split_property(line)
        if parsed is None:
            if previous_binary:
                continue  # an unfolded line of a base64 body
            raise ValueError(f"line {number} is not a vCard property: {line[:40]!r}")
        head, name, value = parsed
        if name == "PROFILE":
            continue  # vCard 3.0's optional PROFILE:VCARD confuses vobject
        encoding = _encoding(head)
        previous_binary = name in BINARY_PROPERTIES or encoding == "base64"
        logical.append([head, name, value, encoding or ""])
    out = ["BEGIN:VCARD"]
    for head, name, value, encoding in logical:
        if name in BINARY_PROPERTIES or encoding == "base64":
            continue
        if encoding == "qp":
            head, value = _without_encoding(head), _decode_qp(head, value)
        if name not in COMMA_LISTS:
            # Many writers leave commas in FN or NOTE unescaped; vobject would keep
            # only the text before the first one.
            value = _BARE_COMMA.sub(r"\,", value)
        out.append(f"{head}:{value}")
    out.append("END:VCARD")
    return "\r\n".join(out) + "\r\n"


def _texts(value: Any) -> list[str]:
    """A vobject value (text, list, or nested lists) as a flat list of stripped strings."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [text for item in value for text in _texts(item)]
    text = str(value).strip()
    return [text] if text else []


def _values(component: Any, name: str) -> list[Any]:
    return [line.value for line in component.contents.get(name, [])]


def parse_birthday(text: str) -> MonthDay | None:
    """A vCard BDAY (``1980-03-22``, ``19800322``, ``--0203``, with a time) or None."""
    value = text.strip()
    try:
        if m := _FULL_DATE.fullmatch(value):
            return MonthDay(int(m[2]), int(m[3]), int(m[1]))
        if m := _NO_YEAR.fullmatch(value):
            return MonthDay(int(m[1]), int(m[2]))
    except ValueError:
        return None
    return None


def _name_from_n(component: Any) -> str:
    for value in _values(component, "n"):
        parts = [
            getattr(value, attr, "") for attr in ("prefix", "given", "additional", "family")
        ] + [getattr(value, "suffix", "")]
        words = [text for part in parts for text in _texts(part)]
        if words:
            return " ".join(words)
    return ""


def card_from_component(component: Any, line: int) -> Card:
    emails = [text for value in _values(component, "email") for text in _texts(value)]
    phones = []
    for value in _values(component, "tel"):
        for text in _texts(value):
            phones.append(text[4:].strip() if text.lower().startswith("tel:") else text)
    fn = next((text for value in _values(component, "fn") for text in _texts(value)), "")
    name = fn or _name_from_n(component)
    if not name:
        name = (emails or phones or [""])[0]
    org = None
    for value in _values(component, "org"):
        first = value[0] if isinstance(value, list) and value else value
        # vobject splits a component on its commas too: "Company, The" comes back as a list.
        org = ",".join(first).strip() if isinstance(first, list) else str(first).strip()
        if org:
            break
    roles = [
        text
        for key in ("title", "role")
        for value in _values(component, key)
        for text in _texts(value)
    ]
    card = Card(
        line=line,
        name=name,
        emails=emails,
        phones=[p for p in phones if p],
        org=org or None,
        role=roles[0] if roles else None,
    )
    if not card.name:
        card.name = org or ""
    card.aliases = [text for value in _values(component, "nickname") for text in _texts(value)]
    card.tags = [text for value in _values(component, "categories") for text in _texts(value)]
    notes = [str(value).strip() for value in _values(component, "note") if str(value).strip()]
    card.notes = "\n".join(notes) or None
    birthdays = [text for value in _values(component, "bday") for text in _texts(value)]
    for text in birthdays:
        card.birthday = parse_birthday(text)
        if card.birthday is not None:
            break
    if birthdays and card.birthday is None:
        card.warnings.append(f"birthday {birthdays[0]!r} is not a date; skipped")
    return card


def read_cards(text: str, where: str) -> Iterator[Card]:
    """Every card of a vCard file; a card that cannot be read raises FILE:LINE: reason."""
    import vobject

    for raw in split_cards(text, where):
        try:
            component = vobject.readOne(normalise(raw), ignoreUnreadable=True)
            card = card_from_component(component, raw.line)
        except RelateError:
            raise
        except Exception as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise RelateError(f"{where}:{raw.line}: cannot read this vCard: {reason}") from exc
        if not card.name:
            raise RelateError(f"{where}:{raw.line}: card has no name, e-mail or phone")
        yield card


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
        card.add("uid").value = f"urn:relate:contact:{record['id']}"
        out.write(card.serialize())

"""Postal addresses and custom fields of a contact: how their text is read, checked
and written, for ``add``/``edit``, ``list --where`` and the files relate imports and
exports (docs/import-export.md).

An address is vCard's seven ADR parts and a kind (home, work, billing or none).
``--address`` takes one of two forms, and nothing else, so a part never lands in the
wrong place by a guess:

- four parts between commas, in this order: ``STREET, CITY, POSTCODE, COUNTRY``
  (a part may be empty: ``Main St 1, Springfield, , USA``);
- named parts between ``;`` (or new lines): ``street=Flat 2, 10 Main St;
  locality=London; postal_code=N1 1AA; country=UK``, with the names of
  ``ADDRESS_LABELS`` (``city``, ``postcode``, ``zip``, ``state`` and ``po-box`` too),
  and ``kind=work``; ``\\;``, ``\\n`` and ``\\\\`` inside a value are a ``;``, a new
  line and a backslash.

Any other text (three parts, five parts, an unknown name) is refused with both forms
in the hint. ``address_text`` writes the named form, one part a line, which reads
back to the same address: it is the CSV cell of an address.

A custom field is a key (letters, digits and ``-``, lower case) and a text value, one
value per key; ``list --where KEY=VALUE`` compares values folded (case and accents),
as names are.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from relate.errors import RelateError
from relate.services.matching import fold

ADDRESS_KINDS = ("home", "work", "billing")
ADDRESS_PARTS = ("po_box", "extended", "street", "locality", "region", "postal_code", "country")
# The names --address and CSV cells take, by the part they name (the first is written).
ADDRESS_LABELS = {
    "po_box": "po_box",
    "po-box": "po_box",
    "pobox": "po_box",
    "extended": "extended",
    "street": "street",
    "locality": "locality",
    "city": "locality",
    "town": "locality",
    "region": "region",
    "state": "region",
    "postal_code": "postal_code",
    "postal-code": "postal_code",
    "postcode": "postal_code",
    "zip": "postal_code",
    "country": "country",
}
SHORT_FORM = ("street", "locality", "postal_code", "country")
# Matched with re's own cache, not compiled at import: every command that lists or
# shows a contact imports this module (start-up time, docs/performance.md).
_LABELLED = r"\s*([A-Za-z_-]+)\s*="
_FIELD_KEY = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_ADDRESS_HINT = (
    "give four parts between commas: STREET, CITY, POSTCODE, COUNTRY (an empty one is "
    "fine), or name them: street=...; city=...; postcode=...; country=..."
)


class Address(NamedTuple):
    """A postal address: vCard's ADR parts (empty when not given) and its kind (a
    NamedTuple: cheaper to define than a frozen dataclass, on every listing's path)."""

    kind: str | None = None  # home | work | billing; None when not said
    po_box: str = ""
    extended: str = ""
    street: str = ""
    locality: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""

    def parts(self) -> tuple[str, ...]:
        return tuple(self[1:])


def address_line(address: Address) -> str:
    """The parts given, in vCard's order, on one line (new lines become commas)."""
    lines = (" ".join(p.replace("\r", "\n").replace("\n", ", ").split()) for p in address.parts())
    return ", ".join(line for line in lines if line)


def address_key(address: Address) -> str:
    """What finds it again (``contact_address.address_key``): its line, folded."""
    return fold(address_line(address))


def address_record(address: Address) -> dict[str, object]:
    """The public JSON object of an address (docs/json.md)."""
    return {"kind": address.kind, **dict(zip(ADDRESS_PARTS, address.parts(), strict=True))}


def address_kind(value: str | None) -> str | None:
    """``home``, ``work`` or ``billing`` (any case); None for none; else refused."""
    if value is None or not value.strip():
        return None
    normal = value.strip().lower()
    if normal not in ADDRESS_KINDS:
        raise RelateError(
            f"unknown address kind {value!r}", hint="use one of " + ", ".join(ADDRESS_KINDS)
        )
    return normal


def _unescape(text: str) -> str:
    out: list[str] = []
    chars = iter(text)
    for char in chars:
        if char == "\\":
            following = next(chars, "\\")
            out.append("\n" if following == "n" else following)
        else:
            out.append(char)
    return "".join(out)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace("\n", "\\n")


def _named_parts(text: str) -> list[str]:
    """The ``name=value`` pieces of the named form: split at ``;`` and new lines that
    no backslash escapes."""
    pieces, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in ";\n":
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
    if escaped:
        current.append("\\")
    pieces.append("".join(current))
    return [piece for piece in pieces if piece.strip()]


def parse_address(text: str, kind: str | None = None) -> Address:
    """An address from ``--address`` text or a CSV cell (the module docstring says
    which forms); ``kind`` from ``--address-kind`` (a ``kind=`` in the text must agree)."""
    chosen = address_kind(kind)
    shown = " ".join(text.split())
    values: dict[str, str] = {}
    if re.match(_LABELLED, text):
        for piece in _named_parts(text):
            name, sep, value = piece.partition("=")
            label = name.strip().lower()
            if not sep or (label != "kind" and label not in ADDRESS_LABELS):
                raise RelateError(
                    f"address {shown!r}: unknown part {name.strip()!r}",
                    hint="name parts " + ", ".join(("kind", *ADDRESS_LABELS)),
                )
            if label == "kind":
                said = address_kind(_unescape(value))
                if chosen is not None and said is not None and said != chosen:
                    raise RelateError(
                        f"address {shown!r} says kind={said}, --address-kind says {chosen}"
                    )
                chosen = chosen or said
                continue
            part = ADDRESS_LABELS[label]
            if part in values:
                raise RelateError(f"address {shown!r} names its {part} twice")
            values[part] = _unescape(value).strip()
    else:
        pieces = text.split(",")
        if len(pieces) != len(SHORT_FORM):
            raise RelateError(
                f"address {shown!r} has {len(pieces)} part{'s' if len(pieces) != 1 else ''} "
                "between commas; relate will not guess which is which",
                hint=_ADDRESS_HINT,
            )
        values = {part: piece.strip() for part, piece in zip(SHORT_FORM, pieces, strict=True)}
    address = Address(chosen, **values)
    if not any(part.strip() for part in address.parts()):
        raise RelateError(f"address {shown!r} is empty", hint=_ADDRESS_HINT)
    return address


def address_from_object(value: object) -> Address:
    """An address from JSON: an object of ``kind`` and ADR parts (the form relate
    writes), or a text as ``--address`` takes it."""
    if isinstance(value, str):
        return parse_address(value)
    if not isinstance(value, dict):
        raise RelateError("an address must be an object or a text")
    unknown = sorted(set(value) - {"kind", *ADDRESS_PARTS})
    if unknown:
        raise RelateError(
            f"address: unknown part {unknown[0]!r}",
            hint="use " + ", ".join(("kind", *ADDRESS_PARTS)),
        )
    parts: dict[str, str] = {}
    for part in ADDRESS_PARTS:
        item = value.get(part)
        if item is not None and not isinstance(item, str):
            raise RelateError(f"address: {part} must be text")
        parts[part] = (item or "").strip()
    kind = value.get("kind")
    if kind is not None and not isinstance(kind, str):
        raise RelateError("address: kind must be text or null")
    address = Address(address_kind(kind), **parts)
    if not any(address.parts()):
        raise RelateError("address: every part is empty")
    return address


def address_text(address: Address) -> str:
    """The named form, one part a line (kind first, empty parts left out): what a CSV
    cell holds; ``parse_address`` reads it back to the same address."""
    lines = [f"kind={address.kind}"] if address.kind else []
    lines += [
        f"{part}={_escape(value)}"
        for part, value in zip(ADDRESS_PARTS, address.parts(), strict=True)
        if value
    ]
    return "\n".join(lines)


# --- custom fields -----------------------------------------------------------------


def field_key(text: str) -> str:
    """A custom field's key: lower case; spaces and ``_`` become ``-``; letters, digits
    and ``-`` only (it becomes a vCard property name and a CSV column)."""
    key = "-".join(text.strip().lower().replace("_", " ").split())
    if not re.fullmatch(_FIELD_KEY, key):
        raise RelateError(
            f"custom field name {text.strip()!r} is not letters, digits and -",
            hint="for example --set account-manager=Bob",
        )
    return key


def field_value(text: str, key: str) -> str:
    value = text.strip()
    if not value:
        raise RelateError(f"custom field {key} needs a value", hint=f"--unset {key} removes it")
    return value


def parse_assignment(text: str, option: str = "--set") -> tuple[str, str]:
    """``KEY=VALUE`` as (key, value), both checked."""
    key, sep, value = text.partition("=")
    if not sep:
        raise RelateError(f"{option} {text!r}: expected KEY=VALUE", hint=f"{option} tier=gold")
    name = field_key(key)
    return name, field_value(value, name)

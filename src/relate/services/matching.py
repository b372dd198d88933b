"""Resolving what a user typed ("ann", "#12", "soren") to exactly one contact.

Order: ``#id``; exact name or alias; a unique prefix of the name, an alias or a word
of either; a unique fuzzy match. Ties are never guessed: the error lists them.
Comparison is on a folded key (transliterated to ASCII, case-folded), so "soren"
finds "Søren" and "strasse" finds "Straße".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from relate.errors import AmbiguousError, NotFoundError
from relate.storage.database import Database
from relate.storage.sql import statement

FUZZY_MIN_SCORE = 80.0
FUZZY_MARGIN = 8.0  # the best fuzzy match must beat the runner-up by this much
MAX_CANDIDATES = 8

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """The comparison key of a name: ASCII transliteration, case-folded, spaces squeezed.

    Scripts without a Latin transliteration (rare) fall back to the case-folded text.
    """
    from anyascii import anyascii  # its tables load on first use, not at every start

    squeezed = _SPACES.sub(" ", text.strip())
    ascii_form = anyascii(squeezed).strip()
    return (ascii_form or squeezed).casefold()


@dataclass(frozen=True)
class ContactRef:
    id: int
    name: str
    archived: bool = False

    def label(self) -> str:
        return f"#{self.id} {self.name}"


BY_ID = statement(
    "SELECT id, name, archived_at IS NOT NULL AS archived FROM contact WHERE id = :id"
)
EXACT = statement(
    """SELECT id, name, archived_at IS NOT NULL AS archived FROM contact WHERE name_key = :key
    UNION
    SELECT c.id, c.name, c.archived_at IS NOT NULL FROM contact_alias a
    JOIN contact c ON c.id = a.contact_id WHERE a.alias_key = :key
    ORDER BY 1"""
)
# A range on the indexed key, so a prefix lookup does not scan the table.
PREFIX = statement(
    """SELECT id, name, archived_at IS NOT NULL AS archived FROM contact
    WHERE name_key >= :key AND name_key < :key || char(1114111)
    UNION
    SELECT c.id, c.name, c.archived_at IS NOT NULL FROM contact_alias a
    JOIN contact c ON c.id = a.contact_id
    WHERE a.alias_key >= :key AND a.alias_key < :key || char(1114111)
    ORDER BY 1 LIMIT :limit"""
)
WORD_PREFIX = statement(
    """SELECT id, name, archived_at IS NOT NULL AS archived FROM contact
    WHERE name_key LIKE '% ' || :key || '%' ESCAPE '\\'
    UNION
    SELECT c.id, c.name, c.archived_at IS NOT NULL FROM contact_alias a
    JOIN contact c ON c.id = a.contact_id WHERE a.alias_key LIKE '% ' || :key || '%' ESCAPE '\\'
    ORDER BY 1 LIMIT :limit"""
)
ALL_KEYS = statement(
    """SELECT id, name, name_key AS key, archived_at IS NOT NULL AS archived FROM contact
    UNION ALL
    SELECT c.id, c.name, a.alias_key, c.archived_at IS NOT NULL FROM contact_alias a
    JOIN contact c ON c.id = a.contact_id"""
)

# Shell completion: names (and aliases) whose folded key starts with what was typed,
# a range on the indexed keys, so it costs the same at 100k contacts as at 1k.
COMPLETE = statement(
    """SELECT name, key FROM (
        SELECT name, name_key AS key FROM contact
        WHERE name_key >= :key AND name_key < :key || char(1114111)
        ORDER BY name_key LIMIT :limit)
    UNION ALL
    SELECT name, key FROM (
        SELECT c.name, a.alias_key AS key FROM contact_alias a
        JOIN contact c ON c.id = a.contact_id
        WHERE a.alias_key >= :key AND a.alias_key < :key || char(1114111)
        ORDER BY a.alias_key LIMIT :limit)
    ORDER BY key, name LIMIT :limit"""
)
COMPLETION_LIMIT = 50


def _refs(rows: list[object]) -> list[ContactRef]:
    return [ContactRef(int(r[0]), str(r[1]), bool(r[2])) for r in rows]  # type: ignore[index]


def _candidates_text(refs: list[ContactRef]) -> str:
    shown = ", ".join(ref.label() for ref in refs[:MAX_CANDIDATES])
    more = len(refs) - MAX_CANDIDATES
    return shown + (f" and {more} more" if more > 0 else "")


def _ambiguous(query: str, refs: list[ContactRef]) -> AmbiguousError:
    return AmbiguousError(
        f"{query!r} matches several contacts: {_candidates_text(refs)}",
        hint="use the #id or more of the name",
    )


def _like_escape(key: str) -> str:
    return key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def resolve_contact(db: Database, query: str) -> ContactRef:
    text = query.strip()
    if not text:
        raise NotFoundError("no contact given", hint="name a contact or give its #id")
    id_match = re.fullmatch(r"#\s*(\d+)", text)
    if id_match:
        number = int(id_match.group(1))
        # Past SQLite's 64-bit integers no contact can exist (and binding would overflow).
        row = db.execute(BY_ID, {"id": number}).fetchone() if number < 2**63 else None
        if row is None:
            raise NotFoundError(f"no contact {text}")
        return _refs([row])[0]

    key = fold(text)
    lookups: tuple[tuple[str, dict[str, object]], ...] = (
        (EXACT, {"key": key}),
        (PREFIX, {"key": key, "limit": MAX_CANDIDATES + 1}),
        (WORD_PREFIX, {"key": _like_escape(key), "limit": MAX_CANDIDATES + 1}),
    )
    for sql, params in lookups:
        refs = _dedupe(_refs(db.execute(sql, params).fetchall()))
        if len(refs) == 1:
            return refs[0]
        if len(refs) > 1:
            preferred = _prefer_exact_spelling(text, refs)
            if preferred is None:
                raise _ambiguous(text, refs)
            return preferred
    return _fuzzy(db, text, key)


def _dedupe(refs: list[ContactRef]) -> list[ContactRef]:
    seen: dict[int, ContactRef] = {}
    for ref in refs:
        seen.setdefault(ref.id, ref)
    return list(seen.values())


def _prefer_exact_spelling(text: str, refs: list[ContactRef]) -> ContactRef | None:
    # "Sören" and "Soren" fold alike; if exactly one is spelled as typed, it wins.
    exact = [ref for ref in refs if ref.name.casefold() == text.casefold()]
    return exact[0] if len(exact) == 1 else None


def _fuzzy(db: Database, text: str, key: str) -> ContactRef:
    from rapidfuzz import fuzz, process

    rows = db.execute(ALL_KEYS).fetchall()
    keys = [str(row["key"]) for row in rows]
    scored = process.extract(key, keys, scorer=fuzz.WRatio, limit=MAX_CANDIDATES * 2)
    best: dict[int, tuple[float, ContactRef]] = {}
    for _choice, score, index in scored:
        row = rows[index]
        ref = ContactRef(int(row["id"]), str(row["name"]), bool(row["archived"]))
        if ref.id not in best or best[ref.id][0] < score:
            best[ref.id] = (float(score), ref)
    ranked = sorted(best.values(), key=lambda item: -item[0])
    good = [(score, ref) for score, ref in ranked if score >= FUZZY_MIN_SCORE]
    if len(good) == 1 or (len(good) > 1 and good[0][0] - good[1][0] >= FUZZY_MARGIN):
        return good[0][1]
    if len(good) > 1:
        raise _ambiguous(text, [ref for _score, ref in good])
    near = [ref for score, ref in ranked if score >= 60.0][:5]
    if near:
        raise NotFoundError(f"no contact matches {text!r}; did you mean {_candidates_text(near)}?")
    raise NotFoundError(f"no contact matches {text!r}", hint="see `relate list`")


def complete_names(db: Database, typed: str, limit: int = COMPLETION_LIMIT) -> list[str]:
    """Contact names for shell completion: those whose name or an alias starts with what
    was typed, folded ("sor" offers "Søren Kierkegaard"), in key order, at most ``limit``."""
    key = fold(typed) if typed.strip() else ""
    rows = db.execute(COMPLETE, {"key": key, "limit": limit})
    return list(dict.fromkeys(str(row[0]) for row in rows))

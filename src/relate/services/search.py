"""Full-text search over contacts (names, notes, tags) and interaction texts; and,
for plain words, organisations, roles and e-mail addresses.

The engine's full-text index ranks (SQLite: FTS5 with bm25, storage/engines/sqlite.py).
Plain words are matched as words (punctuation such as the ``@`` of an address cannot
break the query); ``"exact phrase"``, ``redes*`` prefixes and AND/OR/NOT work as
FTS5 documents them. A malformed query is a user
error with a hint, never a traceback.

Accents fold as in name matching: "soren" finds "Søren", "strasse" finds "Straße" and
"gudmundsdottir" finds "Guðmundsdóttir", in names, notes and logged texts alike. The
index's tokenizer folds accents that are marks (é, ñ, å, ö); the letters it keeps
(ø, ð, æ, ß, ł ...) are met at query time: each word is searched as any spelling that
folds to the same ASCII (``spellings``), so the index and its snippets stay the
user's own text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from relate import clock
from relate.errors import RelateError
from relate.services.matching import fold
from relate.services.matching import like_escape as _like_escape
from relate.storage.database import Database
from relate.storage.engines import Row, SearchSyntaxError
from relate.storage.sql import statement

# Where a match starts and ends in a snippet; ``Hit.record`` strips them (no output
# format shows them yet).
HIT_START, HIT_END = "\x02", "\x03"
OPERATORS = {"AND", "OR", "NOT"}
QUERY_HINT = 'use words, "an exact phrase", a prefix like redes*, or AND/OR/NOT between words'

SEARCH_TAGS = statement(
    """SELECT c.id, c.name, t.tag, c.last_contact_at FROM contact_tag t
    JOIN contact c ON c.id = t.contact_id
    WHERE t.tag_key = :tag AND c.archived_at IS NULL ORDER BY c.name COLLATE NOCASE LIMIT :limit"""
)

# Plain words (no AND/OR/NOT, no parentheses) also find organisations by a piece of
# their name, contacts by a piece of their role, and contacts by the start of an
# e-mail address. Each reads an index, never the contacts table:
SEARCH_ORGS = statement(
    """SELECT o.id, o.name,
        (SELECT max(c.last_contact_at) FROM contact c WHERE c.org_id = o.id) AS last_contact_at
    FROM organisation o
    WHERE o.name_key LIKE '%' || :key || '%' ESCAPE '\\'
    ORDER BY o.name_key, o.id LIMIT :limit"""
)
# The distinct roles, one step down ix_contact_role each (roles repeat: a few hundred
# at most), compared with the query in Python, folded like names.
DISTINCT_ROLES = statement(
    """WITH RECURSIVE roles(role) AS (
        SELECT min(role) FROM contact WHERE role IS NOT NULL
        UNION ALL
        SELECT (SELECT min(role) FROM contact WHERE role > roles.role)
        FROM roles WHERE roles.role IS NOT NULL)
    SELECT role FROM roles WHERE role IS NOT NULL LIMIT :limit"""
)
MAX_ROLES = 5000
SEARCH_ROLE = statement(
    """SELECT id, name, role, last_contact_at FROM contact
    WHERE role = :role AND archived_at IS NULL ORDER BY name COLLATE NOCASE, id LIMIT :limit"""
)
SEARCH_EMAILS = statement(
    """SELECT c.id, c.name, e.email, c.last_contact_at FROM contact_email e
    JOIN contact c ON c.id = e.contact_id
    WHERE e.email_key >= :key AND e.email_key < :key || '\U0010ffff' AND c.archived_at IS NULL
    ORDER BY e.email_key, c.id LIMIT :limit"""
)

_TOKEN = re.compile(r'"[^"]*"\*?|\(|\)|[^\s()"]+')


# Letters the index's tokenizer (unicode61, remove_diacritics) does not fold, and
# their ASCII folding, most common first: when a word has too many places where one
# could stand, the rarest are dropped until its spellings fit MAX_SPELLINGS.
UNFOLDED = (
    ("ø", "o"),
    ("ß", "ss"),
    ("æ", "ae"),
    ("ð", "d"),
    ("œ", "oe"),
    ("ł", "l"),
    ("þ", "th"),
    ("đ", "d"),
    ("\u0131", "i"),  # dotless i
)
MAX_SPELLINGS = 32


def _respell(ascii_text: str, letters: tuple[tuple[str, str], ...], cap: int) -> list[str]:
    spelled = [""]
    at = 0
    while at < len(ascii_text):
        step = [(ascii_text[at], 1)] + [
            (letter, len(plain)) for letter, plain in letters if ascii_text.startswith(plain, at)
        ]
        if len(step) == 1:
            spelled = [text + ascii_text[at] for text in spelled]
            at += 1
            continue
        # Multi-letter foldings ("ss", "ae") jump ahead: spell the rest from there.
        grown: list[str] = []
        for letter, width in step:
            for rest in _respell(ascii_text[at + width :], letters, cap):
                grown += [text + letter + rest for text in spelled]
                if len(grown) > cap:
                    return grown
        return grown
    return spelled


def spellings(word: str) -> list[str]:
    """``word`` as typed (case-folded), folded to ASCII, and the spellings with the
    letters of ``UNFOLDED`` that fold to it: "soren" -> soren, søren."""
    typed = word.casefold()
    plain = fold(word)
    found = [typed] + ([plain] if plain != typed else [])
    if not plain.isascii():
        return found
    letters = tuple(pair for pair in UNFOLDED if pair[1] in plain)
    while letters:
        spelled = _respell(plain, letters, MAX_SPELLINGS)
        if len(spelled) <= MAX_SPELLINGS:
            return found + [text for text in spelled if text not in found]
        letters = letters[:-1]
    return found


def _any_spelling(inner: str, suffix: str) -> list[str]:
    """Query parts for a word or phrase in any of its spellings."""
    variants = ['"' + text.replace('"', "") + '"' + suffix for text in spellings(inner)]
    if len(variants) == 1:
        return variants
    parts = ["("]
    for variant in variants:
        parts += [variant, "OR"]
    parts[-1] = ")"
    return parts


def _with_and(parts: list[str]) -> list[str]:
    """An explicit AND between two operands side by side: FTS5 reads "a b" as a AND b
    but refuses "(a OR b) (c OR d)", which the spellings of two words make."""
    joined: list[str] = []
    for part in parts:
        if (
            joined
            and joined[-1] not in OPERATORS
            and joined[-1] != "("
            and part not in OPERATORS
            and part != ")"
        ):
            joined.append("AND")
        joined.append(part)
    return joined


def parse_query(text: str) -> list[str]:
    """What a user typed, as query parts: plain words quoted, prefixes as ``"word"*``,
    phrases, AND/OR/NOT and parentheses kept (the engine renders them)."""
    if text.count('"') % 2:
        raise RelateError(f"unbalanced quote in {text!r}", hint=QUERY_HINT)
    parts: list[str] = []
    for token in _TOKEN.findall(text):
        if token in OPERATORS or token in ("(", ")"):
            parts.append(token)
        elif token.startswith('"'):
            inner, suffix = token.strip("*").strip('"'), "*" if token.endswith("*") else ""
            parts += _any_spelling(inner, suffix) if inner.strip() else [token]
        elif token.endswith("*") and token.strip("*"):
            parts += _any_spelling(token.rstrip("*"), "*")
        elif token.strip("*"):
            parts += _any_spelling(token, "")
    parts = _with_and(parts)
    if not parts or all(part in OPERATORS for part in parts):
        raise RelateError(f"nothing to search for in {text!r}", hint=QUERY_HINT)
    return parts


@dataclass(frozen=True)
class Hit:
    type: str  # contact | interaction | organisation
    id: int
    contact: str  # the contact's name, or the organisation's
    contact_id: int | None  # None for an organisation
    when: date | None  # the local day of the interaction, or the last touch
    kind: str | None
    snippet: str  # the matched text, the match between HIT_START and HIT_END
    tag: str | None = None  # a contact found by this tag (then no snippet)
    field: str | None = None  # a contact found by this field: role | e-mail
    value: str | None = None  # and its value there


def _day(stamp: object) -> date | None:
    return clock.local_day_of(str(stamp)) if stamp else None


def _contact_hit(
    row: Row,
    snippet: str,
    tag: str | None = None,
    field: str | None = None,
    value: str | None = None,
) -> Hit:
    contact_id = int(row["id"])
    return Hit(
        "contact",
        contact_id,
        str(row["name"]),
        contact_id,
        _day(row["last_contact_at"]),
        None,
        snippet,
        tag,
        field,
        value,
    )


def plain_words(text: str) -> str | None:
    """The folded words of a query without operators or parentheses, else None."""
    tokens = _TOKEN.findall(text)
    if any(token in OPERATORS or token in ("(", ")") for token in tokens):
        return None
    words = " ".join(token.strip('"').rstrip("*") for token in tokens).split()
    return fold(" ".join(words)) if words else None


def role_matches(key: str, roles: list[str]) -> list[str]:
    """The roles whose folded text holds every word of ``key`` ("design" finds "Head of
    Design", "directrice generale" finds "Directrice générale")."""
    words = key.split()
    return [role for role in roles if all(word in fold(role) for word in words)]


def _directory_hits(db: Database, key: str, limit: int, seen: set[int]) -> list[Hit]:
    """Organisations by name, then contacts by role and by e-mail address."""
    hits = [
        Hit(
            "organisation",
            int(row["id"]),
            str(row["name"]),
            None,
            _day(row["last_contact_at"]),
            None,
            HIT_START + str(row["name"]) + HIT_END,
        )
        for row in db.execute(SEARCH_ORGS, {"key": _like_escape(key), "limit": limit})
    ]
    roles = [str(row[0]) for row in db.execute(DISTINCT_ROLES, {"limit": MAX_ROLES})]
    found: list[Hit] = []
    for role in role_matches(key, roles):
        for row in db.execute(SEARCH_ROLE, {"role": role, "limit": limit}):
            found.append(_contact_hit(row, "", field="role", value=str(row["role"])))
    found.sort(key=lambda hit: (hit.contact.casefold(), hit.id))
    if " " not in key:
        for row in db.execute(SEARCH_EMAILS, {"key": key, "limit": limit}):
            found.append(_contact_hit(row, "", field="e-mail", value=str(row["email"])))
    for hit in found[:limit]:
        if hit.id not in seen:
            seen.add(hit.id)
            hits.append(hit)
    return hits


def search(db: Database, text: str, limit: int = 50) -> list[Hit]:
    parts = parse_query(text)
    hits: list[Hit] = []
    try:
        seen: set[int] = set()
        if len(text.split()) == 1 and not text.startswith('"'):
            tag = {"tag": fold(text.rstrip("*")), "limit": limit}
            for row in db.execute(SEARCH_TAGS, tag):
                seen.add(int(row["id"]))
                hits.append(_contact_hit(row, "", str(row["tag"])))
        for row in db.engine.search_contacts(parts, limit):
            if int(row["id"]) not in seen:
                seen.add(int(row["id"]))
                hits.append(_contact_hit(row, row["snippet"] or ""))
        key = plain_words(text)
        if key:
            hits += _directory_hits(db, key, limit, seen)
        for row in db.engine.search_interactions(parts, limit):
            hits.append(
                Hit(
                    "interaction",
                    row["id"],
                    row["contacts"] or "",
                    row["contact_id"] or 0,
                    _day(row["occurred_at"]),
                    row["kind"],
                    row["snippet"] or "",
                )
            )
    except SearchSyntaxError as exc:
        raise RelateError(f"cannot search for {text!r}: {exc}", hint=QUERY_HINT) from exc
    return hits

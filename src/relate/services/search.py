"""Full-text search over contacts (names, notes, tags) and interaction texts.

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
    type: str  # contact | interaction
    id: int
    contact: str
    contact_id: int
    when: date | None  # the local day of the interaction, or the contact's last touch
    kind: str | None
    snippet: str  # the matched text, the match between HIT_START and HIT_END
    tag: str | None = None  # a contact found by this tag (then no snippet)


def _day(stamp: object) -> date | None:
    return clock.local_day_of(str(stamp)) if stamp else None


def _contact_hit(row: Row, snippet: str, tag: str | None = None) -> Hit:
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
    )


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
                hits.append(_contact_hit(row, row["snippet"] or ""))
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

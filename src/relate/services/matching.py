"""Resolving what a user typed ("ann", "#12", "soren") to exactly one contact.

Order: ``#id``; exact name or alias; a unique prefix of the name, an alias or a word
of either; a close spelling. Ties are never guessed: the error lists them.
Comparison is on a folded key (transliterated to ASCII, case-folded), so "soren"
finds "Søren" and "strasse" finds "Straße".

A close spelling is compared with whole things a person is called (the full name,
each word of it, each alias), never with a piece inside a word: "ana" is near
"Anna" but must not find "Saldaña". It is accepted only when it is clearly better
than every other contact's; otherwise the candidates are listed.

Destructive commands (``exact=True``) take only an id, an exact name or an exact
alias: a near miss there deletes the wrong person.

Organisations resolve by the same rule (``resolve_org``): one ``resolve`` walks the
steps for either, given the statements that read that kind's names (``Names``).
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from relate.errors import AmbiguousError, NotFoundError
from relate.storage.database import Database
from relate.storage.sql import statement

# Similarity (0-100, rapidfuzz's normalised edit distance) of a close spelling:
# 80 lets one wrong letter through in a five-letter name ("anah"/"anna" is 75,
# "kowalsky"/"kowalski" 87.5), and the best must beat every other contact by the margin.
CLOSE_SPELLING = 80.0
CLEAR_MARGIN = 8.0
NEAR_SPELLING = 60.0  # suggested in a "did you mean" when nothing is close
MIN_CLOSE_LENGTH = 3  # shorter typing is only ever a prefix
MAX_CANDIDATES = 8



@functools.lru_cache(maxsize=2048)  # an import folds each name twice, a batch apart
def fold(text: str) -> str:
    """The comparison key of a name: ASCII transliteration, case-folded, spaces squeezed.

    Scripts without a Latin transliteration (rare) fall back to the case-folded text.
    """
    squeezed = " ".join(text.split())  # what re.sub(r"\s+", " ", text.strip()) gives
    if squeezed.isascii():
        return squeezed.casefold()  # what anyascii would give, without the call
    ascii_form = squeezed.translate(_TO_ASCII).strip()
    return (ascii_form or squeezed).casefold()


class _ToAscii(dict[int, str]):
    """anyascii's transliteration, one character at a time as anyascii itself works,
    kept for ``str.translate``: a name is transliterated at C speed once its letters
    have been seen."""

    def __missing__(self, codepoint: int) -> str:
        from anyascii import anyascii  # its tables load on first use, not at every start

        self[codepoint] = value = anyascii(chr(codepoint))
        return value


_TO_ASCII = _ToAscii()


class ContactRef(NamedTuple):
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
# A range on the indexed key, so a prefix lookup does not scan the table. The range
# ends at U+10FFFF, the last code point, written as itself: both engines read it.
PREFIX = statement(
    """SELECT id, name, archived_at IS NOT NULL AS archived FROM contact
    WHERE name_key >= :key AND name_key < :key || '\U0010ffff'
    UNION
    SELECT c.id, c.name, c.archived_at IS NOT NULL FROM contact_alias a
    JOIN contact c ON c.id = a.contact_id
    WHERE a.alias_key >= :key AND a.alias_key < :key || '\U0010ffff'
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
# (contact id, folded key, is it the name): read from the covering key indexes.
ALL_KEYS = statement(
    """SELECT id, name_key, 1 FROM contact
    UNION ALL
    SELECT contact_id, alias_key, 0 FROM contact_alias"""
)

# Shell completion: names (and aliases) whose folded key starts with what was typed,
# a range on the indexed keys, so it costs the same at 100k contacts as at 1k.
COMPLETE = statement(
    """SELECT name, key FROM (
        SELECT name, name_key AS key FROM contact
        WHERE name_key >= :key AND name_key < :key || '\U0010ffff'
        ORDER BY name_key LIMIT :limit) AS names
    UNION ALL
    SELECT name, key FROM (
        SELECT c.name, a.alias_key AS key FROM contact_alias a
        JOIN contact c ON c.id = a.contact_id
        WHERE a.alias_key >= :key AND a.alias_key < :key || '\U0010ffff'
        ORDER BY a.alias_key LIMIT :limit) AS aliases
    ORDER BY key, name LIMIT :limit"""
)
COMPLETION_LIMIT = 50


# The same lookups over organisations (no aliases, nothing archived).
ORG_BY_ID = statement("SELECT id, name, 0 AS archived FROM organisation WHERE id = :id")
ORG_EXACT = statement(
    "SELECT id, name, 0 AS archived FROM organisation WHERE name_key = :key ORDER BY 1"
)
ORG_PREFIX = statement(
    """SELECT id, name, 0 AS archived FROM organisation
    WHERE name_key >= :key AND name_key < :key || '\U0010ffff' ORDER BY 1 LIMIT :limit"""
)
ORG_WORD_PREFIX = statement(
    """SELECT id, name, 0 AS archived FROM organisation
    WHERE name_key LIKE '% ' || :key || '%' ESCAPE '\\' ORDER BY 1 LIMIT :limit"""
)
ORG_ALL_KEYS = statement("SELECT id, name_key, 1 FROM organisation")


class Names(NamedTuple):
    """What ``resolve`` reads for one kind of named thing, and how it speaks of it."""

    noun: str  # "contact"
    plural: str  # "contacts"
    by_id: str
    exact: str
    prefix: str
    word_prefix: str
    all_keys: str
    listing: str  # the command that lists them all


CONTACTS = Names("contact", "contacts", BY_ID, EXACT, PREFIX, WORD_PREFIX, ALL_KEYS, "relate list")
ORGANISATIONS = Names(
    "organisation",
    "organisations",
    ORG_BY_ID,
    ORG_EXACT,
    ORG_PREFIX,
    ORG_WORD_PREFIX,
    ORG_ALL_KEYS,
    "relate org list",
)


def _refs(rows: list[object]) -> list[ContactRef]:
    return [ContactRef(int(r[0]), str(r[1]), bool(r[2])) for r in rows]  # type: ignore[index]


def _candidates_text(refs: list[ContactRef], total: int | None = None) -> str:
    shown = ", ".join(ref.label() for ref in refs[:MAX_CANDIDATES])
    more = (len(refs) if total is None else total) - min(len(refs), MAX_CANDIDATES)
    return shown + (f" and {more} more" if more > 0 else "")


def _ambiguous(
    query: str, refs: list[ContactRef], total: int | None = None, names: Names = CONTACTS
) -> AmbiguousError:
    return AmbiguousError(
        f"{query!r} matches several {names.plural}: {_candidates_text(refs, total)}",
        hint="use the #id or more of the name",
    )


def like_escape(key: str) -> str:
    """``key`` for ``LIKE ... ESCAPE '\\'``: its ``%`` and ``_`` match themselves."""
    return key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def resolve_contact(db: Database, query: str, *, exact: bool = False) -> ContactRef:
    """The one contact ``query`` names. With ``exact`` only ``#id``, the exact name or
    an exact alias (folded) count, for commands that destroy or hide."""
    return resolve(db, query, CONTACTS, exact=exact)


def resolve_org(db: Database, query: str) -> ContactRef:
    """The one organisation ``query`` names, by the contacts' rule: ``#id``, the exact
    name, a unique prefix of it or of a word, a clearly closest spelling."""
    return resolve(db, query, ORGANISATIONS)


def resolve(db: Database, query: str, names: Names, *, exact: bool = False) -> ContactRef:
    """The one thing of kind ``names`` that ``query`` names (see the module's rule)."""
    text = query.strip()
    if not text:
        raise NotFoundError(f"no {names.noun} given", hint=f"name a {names.noun} or give its #id")
    id_match = re.fullmatch(r"#\s*(\d+)", text)
    if id_match:
        number = int(id_match.group(1))
        # Past SQLite's 64-bit integers nothing can exist (and binding would overflow).
        row = db.execute(names.by_id, {"id": number}).fetchone() if number < 2**63 else None
        if row is None:
            raise NotFoundError(f"no {names.noun} {text}")
        return _refs([row])[0]

    key = fold(text)
    lookups: list[tuple[str, dict[str, object]]] = [(names.exact, {"key": key})]
    if not exact:
        lookups += [
            (names.prefix, {"key": key, "limit": MAX_CANDIDATES + 1}),
            (names.word_prefix, {"key": like_escape(key), "limit": MAX_CANDIDATES + 1}),
        ]
    for sql, params in lookups:
        refs = _dedupe(_refs(db.execute(sql, params).fetchall()))
        if len(refs) == 1:
            return refs[0]
        if len(refs) > 1:
            preferred = _prefer_exact_spelling(text, refs)
            if preferred is None:
                raise _ambiguous(text, refs, names=names)
            return preferred
    if exact:
        raise _not_exact(db, text, key)
    return _close_spelling(db, text, key, names)


def _dedupe(refs: list[ContactRef]) -> list[ContactRef]:
    seen: dict[int, ContactRef] = {}
    for ref in refs:
        seen.setdefault(ref.id, ref)
    return list(seen.values())


def _prefer_exact_spelling(text: str, refs: list[ContactRef]) -> ContactRef | None:
    # "Sören" and "Soren" fold alike; if exactly one is spelled as typed, it wins.
    exact = [ref for ref in refs if ref.name.casefold() == text.casefold()]
    return exact[0] if len(exact) == 1 else None


def _ranked_spellings(db: Database, key: str, kind: Names = CONTACTS) -> list[tuple[float, int]]:
    """(score, contact id) of every contact whose best whole spelling (full name, a word
    of it, an alias) is at least near ``key``, best first.

    Keys come from their covering indexes; whole keys are scored in one pass, words
    once each (names share words), and only the best few words are traced back to
    their contacts: a typo costs about one scan of the keys, at any size.
    """
    from rapidfuzz import fuzz, process

    # plain tuples: a Row per key costs more than the scoring
    rows: list[tuple[int, str, int]] = db.engine.tuples(kind.all_keys)
    best: dict[int, float] = {}

    def credit(score: float, contact_id: int) -> None:
        best[contact_id] = max(score, best.get(contact_id, 0.0))

    keys = [row[1] for row in rows]
    for _key, score, index in process.extract(
        key, keys, scorer=fuzz.ratio, score_cutoff=NEAR_SPELLING, limit=None
    ):
        credit(float(score), rows[index][0])
    names = [row for row in rows if row[2] and " " in row[1]]
    words = list(set(" ".join(row[1] for row in names).split(" ")))
    hits = process.extract(key, words, scorer=fuzz.ratio, score_cutoff=NEAR_SPELLING, limit=None)
    top = max([float(hit[1]) for hit in hits] + list(best.values()) + [0.0])
    for word, score, _index in hits[:MAX_CANDIDATES]:
        if score < top - CLEAR_MARGIN and len(best) > MAX_CANDIDATES:
            break
        for contact_id, name_key, _is_name in names:
            if word in name_key and word in name_key.split(" "):
                credit(float(score), contact_id)
    return sorted(((score, cid) for cid, score in best.items()), key=lambda s: (-s[0], s[1]))


def _refs_by_id(db: Database, ids: list[int], names: Names = CONTACTS) -> list[ContactRef]:
    return [_refs([db.execute(names.by_id, {"id": cid}).fetchone()])[0] for cid in ids]


def _close_spelling(db: Database, text: str, key: str, names: Names) -> ContactRef:
    ranked = _ranked_spellings(db, key, names) if len(key) >= MIN_CLOSE_LENGTH else []
    if ranked and ranked[0][0] >= CLOSE_SPELLING:
        top = ranked[0][0]
        runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
        if top - runner_up >= CLEAR_MARGIN:
            return _refs_by_id(db, [ranked[0][1]], names)[0]
        contenders = [cid for score, cid in ranked if top - score < CLEAR_MARGIN]
        shown = _refs_by_id(db, contenders[:MAX_CANDIDATES], names)
        raise _ambiguous(text, shown, len(contenders), names)
    near = _refs_by_id(db, [cid for _score, cid in ranked[:5]], names)
    noun = names.noun
    if near:
        raise NotFoundError(f"no {noun} matches {text!r}; did you mean {_candidates_text(near)}?")
    raise NotFoundError(f"no {noun} matches {text!r}", hint=f"see `{names.listing}`")


def _not_exact(db: Database, text: str, key: str) -> NotFoundError:
    near = _refs_by_id(db, [cid for _score, cid in _ranked_spellings(db, key)[:5]])
    prefixed = _refs(db.execute(PREFIX, {"key": key, "limit": 5}).fetchall())
    suggestions = _dedupe(prefixed + near)[:5]
    maybe = f"; did you mean {_candidates_text(suggestions)}?" if suggestions else ""
    return NotFoundError(
        f"no contact is named exactly {text!r}{maybe}",
        hint="this command takes only a #id, the full name or an alias",
    )


def complete_names(db: Database, typed: str, limit: int = COMPLETION_LIMIT) -> list[str]:
    """Contact names for shell completion: those whose name or an alias starts with what
    was typed, folded ("sor" offers "Søren Kierkegaard"), in key order, at most ``limit``."""
    key = fold(typed) if typed.strip() else ""
    rows = db.execute(COMPLETE, {"key": key, "limit": limit})
    return list(dict.fromkeys(str(row[0]) for row in rows))

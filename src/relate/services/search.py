"""Full-text search over contacts (names, notes, tags) and interaction texts.

SQLite FTS5 with bm25 ranking. Plain words are matched as words (punctuation such
as the ``@`` of an address cannot break the query); ``"exact phrase"``, ``redes*``
prefixes and AND/OR/NOT work as FTS5 documents them. A malformed query is a user
error with a hint, never a traceback.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from relate import clock
from relate.errors import RelateError
from relate.services.matching import fold
from relate.storage.database import Database
from relate.storage.sql import statement

HIT_START, HIT_END = "\x02", "\x03"  # snippet markers; renderers style or strip them
OPERATORS = {"AND", "OR", "NOT"}
QUERY_HINT = 'use words, "an exact phrase", a prefix like redes*, or AND/OR/NOT between words'

# Two steps: rank every match by bm25 reading the full-text index alone, then fetch
# details and a snippet for the few shown. Done in one statement, SQLite would build a
# snippet and join a row for every match before the LIMIT (3x slower for a common word
# at 2M interactions). Ties go to the most recently logged.
RANK_INTERACTIONS = statement(
    """SELECT rowid FROM interaction_fts WHERE interaction_fts MATCH :query
    ORDER BY bm25(interaction_fts), rowid DESC LIMIT :limit"""
)
INTERACTION_HIT = statement(
    """SELECT i.id, i.kind, i.occurred_at,
        snippet(interaction_fts, 0, char(2), char(3), '…', 16) AS snippet,
        (SELECT group_concat(c.name, ', ') FROM interaction_contact ic
            JOIN contact c ON c.id = ic.contact_id WHERE ic.interaction_id = i.id) AS contacts,
        (SELECT min(ic.contact_id) FROM interaction_contact ic
            WHERE ic.interaction_id = i.id) AS contact_id
    FROM interaction_fts JOIN interaction i ON i.id = interaction_fts.rowid
    WHERE interaction_fts MATCH :query AND interaction_fts.rowid = :id"""
)
SEARCH_CONTACTS = statement(
    """SELECT c.id, c.name, snippet(contact_fts, -1, char(2), char(3), '…', 16) AS snippet,
        c.last_contact_at
    FROM contact_fts JOIN contact c ON c.id = contact_fts.rowid
    WHERE contact_fts MATCH :query AND c.archived_at IS NULL
    ORDER BY bm25(contact_fts) LIMIT :limit"""
)
SEARCH_TAGS = statement(
    """SELECT c.id, c.name, t.tag, c.last_contact_at FROM contact_tag t
    JOIN contact c ON c.id = t.contact_id
    WHERE t.tag_key = :tag AND c.archived_at IS NULL ORDER BY c.name COLLATE NOCASE LIMIT :limit"""
)

_TOKEN = re.compile(r'"[^"]*"\*?|\(|\)|[^\s()"]+')


def to_fts_query(text: str) -> str:
    """Turn what a user typed into an FTS5 query, quoting plain words."""
    if text.count('"') % 2:
        raise RelateError(f"unbalanced quote in {text!r}", hint=QUERY_HINT)
    parts: list[str] = []
    for token in _TOKEN.findall(text):
        if token in OPERATORS or token in ("(", ")") or token.startswith('"'):
            parts.append(token)
        elif token.endswith("*") and token.strip("*"):
            parts.append('"' + token.rstrip("*") + '"*')
        elif token.strip("*"):
            parts.append('"' + token + '"')
    if not parts or all(part in OPERATORS for part in parts):
        raise RelateError(f"nothing to search for in {text!r}", hint=QUERY_HINT)
    return " ".join(parts)


@dataclass(frozen=True)
class Hit:
    type: str  # contact | interaction
    id: int
    contact: str
    contact_id: int
    when: str | None  # local ISO date of the interaction, or the contact's last touch
    kind: str | None
    snippet: str

    def record(self) -> dict[str, object]:
        return {
            "type": self.type,
            "id": self.id,
            "contact": self.contact,
            "contact_id": self.contact_id,
            "when": self.when,
            "kind": self.kind,
            "text": strip_marks(self.snippet),
        }


RECORD_FIELDS = ("type", "id", "contact", "contact_id", "when", "kind", "text")


def strip_marks(text: str) -> str:
    return text.replace(HIT_START, "").replace(HIT_END, "")


def _day(stamp: object) -> str | None:
    return clock.local_day_of(str(stamp)).isoformat() if stamp else None


def _contact_hit(row: sqlite3.Row, snippet: str) -> Hit:
    contact_id = int(row["id"])
    return Hit(
        "contact",
        contact_id,
        str(row["name"]),
        contact_id,
        _day(row["last_contact_at"]),
        None,
        snippet,
    )


def search(db: Database, text: str, limit: int = 50) -> list[Hit]:
    query = to_fts_query(text)
    params = {"query": query, "limit": limit}
    hits: list[Hit] = []
    try:
        seen: set[int] = set()
        if len(text.split()) == 1 and not text.startswith('"'):
            tag = {"tag": fold(text.rstrip("*")), "limit": limit}
            for row in db.conn.execute(SEARCH_TAGS, tag):
                seen.add(int(row["id"]))
                hits.append(_contact_hit(row, f"tag: {row['tag']}"))
        for row in db.conn.execute(SEARCH_CONTACTS, params):
            if int(row["id"]) not in seen:
                hits.append(_contact_hit(row, row["snippet"] or ""))
        ranked = [r[0] for r in db.conn.execute(RANK_INTERACTIONS, params).fetchall()]
        details = (
            db.conn.execute(INTERACTION_HIT, {"query": query, "id": rowid}).fetchone()
            for rowid in ranked
        )
        for row in details:
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
    except sqlite3.OperationalError as exc:
        if "fts5" in str(exc) or "syntax" in str(exc):
            raise RelateError(f"cannot search for {text!r}: {exc}", hint=QUERY_HINT) from exc
        raise
    return hits

"""The statements behind the hot commands read through indexes, never a full scan.

A full scan is what makes a command slower as the history grows; timing belongs in
benchmarks/, but the plan is deterministic and cheap to check here.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from pathlib import Path

import pytest

from relate.services import (
    agenda,
    concerns,
    contacts,
    engagements,
    important_dates,
    matching,
    orgs,
    reminders,
    search,
)
from relate.services import timeline as timeline_service
from relate.storage.engines import sqlite as sqlite_engine

HOT = {
    "agenda overdue/due": agenda.OPEN_ITEMS,
    "agenda cadence": agenda.CADENCE_ITEMS,
    "agenda dates": important_dates.DATES_IN_WINDOW,
    "agenda concerns": agenda.CONCERN_ITEMS,
    "agenda --mine overdue/due": agenda.OPEN_ITEMS_MINE,
    "agenda --mine cadence": agenda.CADENCE_ITEMS_MINE,
    "agenda --mine cadence count": agenda.COUNT_CADENCE_MINE,
    "agenda --mine dates": important_dates.DATES_IN_WINDOW_MINE,
    "agenda --mine concerns": agenda.CONCERN_ITEMS_MINE,
    "agenda concerns count": agenda.COUNT_CONCERNS,
    "agenda overdue concerns": agenda.OVERDUE_CONCERNS,
    "agenda overdue concerns count": agenda.COUNT_OVERDUE_CONCERNS,
    "agenda --mine overdue concerns": agenda.OVERDUE_CONCERNS_MINE,
    "show concern trails": concerns.CONTACT_TRAILS,
    "agenda gift given": agenda.GIFTS_GIVEN,
    "agenda gift ideas and last gift": agenda.GIFTS_OF,
    "agenda gift ideas count": agenda.COUNT_GIFT_IDEAS,
    "show gift ideas": timeline_service.GIFT_IDEAS,
    "show last gift": timeline_service.LAST_GIFT,
    "agenda losing touch": agenda.LOSING_ITEMS,
    "agenda losing touch count": agenda.COUNT_LOSING,
    "agenda --mine losing touch": agenda.LOSING_ITEMS_MINE,
    "agenda engagements": agenda.ENGAGEMENT_ITEMS,
    "agenda engagements count": agenda.COUNT_ENGAGEMENTS,
    "agenda --mine engagements": agenda.ENGAGEMENT_ITEMS_MINE,
    "engagement show history": engagements.HISTORY,
    "engagement show": engagements.GET_ENGAGEMENT,
    "show notes history": contacts.NOTE_HISTORY,
    "match by id": matching.BY_ID,
    "match exact": matching.EXACT,
    "match prefix": matching.PREFIX,
    "show card": contacts.RECORD_BY_ID,
    "show timeline": timeline_service.TIMELINE,
    "show referrals": timeline_service.REFERRALS,
    "show engagements": timeline_service.ENGAGEMENTS,
    "show concerns": timeline_service.OPEN_CONCERNS,
    "search rank": sqlite_engine.RANK_INTERACTIONS,
    "search hit": sqlite_engine.INTERACTION_HIT,
    "done/snooze": reminders.GET_REMINDER,
    "agenda organisations' cadence": agenda.ORG_CADENCES,
    "org show last contact": orgs.ORG_LAST_CONTACT,
    "org show people": orgs.ORG_PEOPLE,
    "search roles": search.DISTINCT_ROLES,
    "search one role": search.SEARCH_ROLE,
    "search e-mails": search.SEARCH_EMAILS,
    "list --where": contacts.RECORDS_BY_FIELD["name"],
    "export contacts --where": contacts.RECORDS_BY_FIELD["id"],
    "export's custom field columns": contacts.FIELD_KEYS,
}


def full_scans(plan: list[str]) -> list[str]:
    allowed = (
        "SCAN (subquery",
        "SCAN interaction_fts VIRTUAL",
        "SCAN contact_fts VIRTUAL",
        "SCAN cadence",  # the agenda's CTE over the distinct cadences, a handful of rows
        "SCAN k USING INDEX ix_concern_open",  # a partial index of open concerns only
        # ix_concern_open_rank and ix_concern_open_due: partial indexes of open ones
        "SCAN k USING INDEX ix_concern_open_",
        "SCAN roles",  # search's walk over the distinct roles, one index step each
        "SCAN keys",  # the walk over the distinct custom field keys, likewise
        "SCAN o USING INDEX ix_organisation_cadence",  # organisations with a cadence only
        "SCAN e USING INDEX ix_engagement_open_due",  # open engagements with a due date only
    )
    # A named subquery (``FROM (...) AS a``, written so for PostgreSQL) is read as it
    # is made, like an unnamed one: SQLite shows it as a CO-ROUTINE or MATERIALIZE.
    derived = tuple(
        "SCAN " + line.split(" ", 1)[1]
        for line in plan
        if line.startswith(("CO-ROUTINE ", "MATERIALIZE ")) and " " in line
    )
    return [
        line
        for line in plan
        if line.startswith("SCAN") and not line.startswith(allowed) and line not in derived
    ]


@pytest.mark.parametrize("name", sorted(HOT))
def test_hot_statement_uses_indexes(name: str, db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    params: defaultdict[str, object] = defaultdict(lambda: 1)
    params.update(
        query='"call"',
        key="ann",
        today="2026-11-24",
        start="",
        end="z",
        owner="sam",
        until="2026-12-01",
    )
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + HOT[name], params)]
    conn.close()
    assert full_scans(plan) == [], plan


@pytest.mark.parametrize("sql", [agenda.LOSING_ITEMS, agenda.LOSING_ITEMS_MINE])
def test_losing_touch_reads_its_index_in_order(db_path: Path, sql: str) -> None:
    """The longest silent first, straight from ix_contact_losing_touch: no sort, so
    the LIMIT stops the walk after a few entries however many contacts there are."""
    conn = sqlite3.connect(db_path)
    params = {"before": "2026-05-28 00:00:00.000000", "limit": 10, "owner": "sam"}
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
    conn.close()
    assert any("_losing_touch " in line for line in plan), plan
    assert not any("TEMP B-TREE" in line for line in plan), plan


def test_my_cadence_walk_reads_my_contacts_only(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    params = {"today": "2026-11-24", "limit": 10, "owner": "sam"}
    plan = [
        row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + agenda.CADENCE_ITEMS_MINE, params)
    ]
    conn.close()
    assert any("ix_contact_owner_cadence_due" in line for line in plan), plan


@pytest.mark.parametrize("sql", [agenda.CONCERN_ITEMS, agenda.OVERDUE_CONCERNS])
def test_concerns_read_their_index_in_order(db_path: Path, sql: str) -> None:
    """High severity first, then oldest (or, overdue, by due day), straight from a
    partial index of open concerns: no sort, so the LIMIT stops the walk early; each
    row's escalations are one index range of ix_concern_escalation_concern."""
    conn = sqlite3.connect(db_path)
    params = {"today": "2026-11-24", "limit": 10, "owner": "sam"}
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
    conn.close()
    assert any("ix_concern_open_" in line for line in plan), plan
    assert not any("TEMP B-TREE" in line for line in plan), plan
    assert any("ix_concern_escalation_concern" in line for line in plan), plan


@pytest.mark.parametrize("sql", [agenda.COUNT_CONCERNS, agenda.COUNT_OVERDUE_CONCERNS])
def test_counting_open_concerns_reads_no_contact(db_path: Path, sql: str) -> None:
    """Joined with contact, SQLite (with a 100k-contact database's statistics) walked
    every contact to count 5,000 open concerns: 40 ms; the open concerns' index alone
    takes 1 ms."""
    conn = sqlite3.connect(db_path)
    params = {"today": "2026-11-24"}
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
    conn.close()
    assert all(" k " in f"{line} " and "ix_concern_open" in line for line in plan), plan


def test_the_agenda_reads_open_engagements_due_soon_off_their_index(db_path: Path) -> None:
    """Soonest first straight from ix_engagement_open_due (no sort): the LIMIT stops
    the walk however many engagements there are."""
    conn = sqlite3.connect(db_path)
    params = {"until": "2026-12-01", "limit": 10, "owner": "sam"}
    sql = agenda.ENGAGEMENT_ITEMS
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
    conn.close()
    assert any("ix_engagement_open_due" in line for line in plan), plan
    assert not any("TEMP B-TREE" in line for line in plan), plan
    count = [
        row[3] for row in conn_plan(db_path, agenda.COUNT_ENGAGEMENTS, {"until": "2026-12-01"})
    ]
    assert all("ix_engagement_open_due" in line for line in count), count


def conn_plan(db_path: Path, sql: str, params: dict[str, object]) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db_path)
    try:
        return list(conn.execute("EXPLAIN QUERY PLAN " + sql, params))
    finally:
        conn.close()

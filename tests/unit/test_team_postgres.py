"""People on a team on the PostgreSQL engine: --mine, logged_by, per-user undo."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest

from relate.services import agenda, exporting, interactions, undo
from relate.services.contacts import ContactInput, add_contact
from relate.storage.database import Database, open_database
from relate.storage.location import parse_location

NOW = datetime(2026, 11, 24, 9, 30).astimezone()
LONG_AGO = datetime(2026, 10, 1, 9, 0).astimezone()


@pytest.fixture
def server(pg_url: str) -> Iterator[Database]:
    db = open_database(parse_location(pg_url), now=lambda: NOW)
    yield db
    db.close()


def _as(db: Database, user: str) -> Database:
    db.user = user
    return db


def test_a_team_on_a_server(server: Database) -> None:
    carl = add_contact(_as(server, "ann"), ContactInput("Carl", cadence_days=7, owner="ann"), NOW)
    dora = add_contact(_as(server, "bob"), ContactInput("Dora", cadence_days=7, owner="bob"), NOW)
    for db, ref, who in ((server, carl, "ann"), (server, dora, "bob")):
        interactions.log_interaction(
            _as(db, who),
            [ref],
            f"{who}'s call",
            kind="call",
            when=LONG_AGO,
            now=NOW,
            logged_by=who,
        )
    today = date(2026, 11, 24)
    mine = agenda.build_agenda(server, today, owner="ann").items()
    assert [(i.section, i.contact) for i in mine] == [("cadence", "Carl")]
    assert {i.contact for i in agenda.build_agenda(server, today).items()} == {"Carl", "Dora"}
    logs = [(r["text"], r["logged_by"]) for r in exporting.iter_interactions(server)]
    assert logs == [("ann's call", "ann"), ("bob's call", "bob")]

    assert len(undo.history(server, user="ann")) == 2 and len(undo.history(server)) == 4
    undo.undo_last(_as(server, "ann"), user="ann")  # Ann's log, not Bob's newer one
    logs = [(r["text"], r["logged_by"]) for r in exporting.iter_interactions(server)]
    assert logs == [("bob's call", "bob")]

"""Organisations' domain rules: when an organisation's cadence lapses (contact with
anyone there counts), and its place in the agenda's capped cadence section (#14)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest

from relate.errors import AmbiguousError, NotFoundError
from relate.services.agenda import CADENCE, Neglect, build_agenda, lapsed_orgs, org_neglect
from relate.services.contacts import ContactInput, insert_contact
from relate.services.matching import resolve_contact, resolve_org
from relate.services.orgs import add_org, edit_org
from relate.storage.database import Database

TODAY = date(2026, 11, 24)


def test_org_neglect_counts_from_the_last_contact_with_anyone() -> None:
    last = date(2026, 10, 10)
    assert org_neglect(TODAY, 30, last, date(2020, 1, 1)) == Neglect(45, 30, True)


def test_org_neglect_is_due_on_the_day_the_cadence_runs_out() -> None:
    assert org_neglect(TODAY, 30, date(2026, 10, 26), date(2020, 1, 1)) is None  # 29 days
    assert org_neglect(TODAY, 30, date(2026, 10, 25), date(2020, 1, 1)) == Neglect(30, 30, True)


def test_org_neglect_without_contact_counts_from_when_it_was_added() -> None:
    assert org_neglect(TODAY, 7, None, date(2026, 11, 1)) == Neglect(23, 7, False)
    assert org_neglect(TODAY, 7, None, TODAY) is None  # added today


def test_org_neglect_without_a_cadence_is_never_due() -> None:
    assert org_neglect(TODAY, None, None, date(2000, 1, 1)) is None
    assert org_neglect(TODAY, 0, None, date(2000, 1, 1)) is None


def test_the_cadence_section_cap_keeps_the_most_late_of_people_and_orgs(
    db: Database, now: datetime
) -> None:
    long_ago = datetime(2025, 6, 1, 9, 0).astimezone()
    with db.transaction() as conn:
        insert_contact(conn, ContactInput(name="Weekly Wendy", cadence_days=7), now)  # 4.3
        insert_contact(conn, ContactInput(name="Yearly Yves", cadence_days=365), long_ago)
    org = add_org(db, "Acme", long_ago)
    edit_org(db, org, cadence_days=90)  # 571 days on quarterly: 6.3, the most late
    agenda = build_agenda(db, TODAY + timedelta(days=30), limit=2)
    assert [(item.contact, item.organisation) for item in agenda.sections[CADENCE]] == [
        ("Acme", True),
        ("Weekly Wendy", False),
    ]
    assert agenda.totals[CADENCE] == 3


def test_orgs_resolve_by_the_contacts_rule(any_db: Database, now: datetime) -> None:
    db = any_db
    for name in ("Søren & Co", "Acme Corp", "Acme Labs"):
        add_org(db, name, now)
    assert resolve_org(db, "soren & co").name == "Søren & Co"  # accents folded
    assert resolve_org(db, "acme c").name == "Acme Corp"  # prefix
    assert resolve_org(db, "acme crop").name == "Acme Corp"  # a close spelling
    with pytest.raises(AmbiguousError, match="several organisations"):
        resolve_org(db, "acme")
    with pytest.raises(NotFoundError, match="no organisation #9"):
        resolve_org(db, "#9")
    with pytest.raises(NotFoundError, match="no contact matches"):
        resolve_contact(db, "acme")  # organisations are not contacts


# -- the same services on both engines ---------------------------------------------------


# The PostgreSQL half needs the server: the full suite runs it, the quick loop does not.
@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def any_db(request: pytest.FixtureRequest, db_path: object) -> Iterator[Database]:
    """A migrated database on each engine (PostgreSQL: the suite's own server)."""
    from relate.storage.database import open_database
    from relate.storage.location import parse_location

    url = os.environ["RELATE_DB"]
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_url")
    database = open_database(parse_location(url))
    yield database
    database.close()


def test_org_card_and_agenda_read_alike_on_every_engine(any_db: Database, now: datetime) -> None:
    from relate.services.contacts import update_contact
    from relate.services.orgs import list_orgs, org_card

    acme = add_org(any_db, "Acmé Corp", now)
    with any_db.transaction() as conn:
        ann = insert_contact(conn, ContactInput(name="Ann", org="acme corp", role="CTO"), now)
        insert_contact(conn, ContactInput(name="Bob", org="Acmé Corp", owner="kim"), now)
        update_contact(conn, ann, ContactInput(decides=True), now)
    edit_org(any_db, resolve_org(any_db, "acme"), cadence_days=30, notes="April")
    card = org_card(any_db, acme, TODAY)
    assert [(p.name, p.role, p.decides) for p in card.people] == [
        ("Ann", "CTO", True),
        ("Bob", None, False),
    ]
    assert (card.notes, card.cadence_days, card.owners) == ("April", 30, ["kim"])
    assert [(o.name, o.people) for o in list_orgs(any_db)] == [("Acmé Corp", 2)]
    later = TODAY + timedelta(days=45)
    assert [(o.contact, o.neglect) for o in lapsed_orgs(any_db, later)] == [
        ("Acmé Corp", Neglect(45, 30, False))
    ]
    assert lapsed_orgs(any_db, later, owner="sam") == []  # nobody there is sam's
    assert [i.contact for i in build_agenda(any_db, later).sections[CADENCE]] == ["Acmé Corp"]


def test_plain_words_are_the_folded_words_of_a_query_without_operators() -> None:
    from relate.services.search import plain_words

    assert plain_words('"Head of" Désign*') == "head of design"
    assert plain_words("ann@acme.com") == "ann@acme.com"
    assert plain_words("cto OR design") is None
    assert plain_words("(cto)") is None


def test_a_role_matches_when_it_holds_every_word() -> None:
    from relate.services.search import role_matches

    roles = ["CTO", "Head of Design", "Directrice générale", "Designer"]
    assert role_matches("design", roles) == ["Head of Design", "Designer"]
    assert role_matches("head design", roles) == ["Head of Design"]
    assert role_matches("generale", roles) == ["Directrice générale"]
    assert role_matches("ceo", roles) == []


def test_search_finds_orgs_roles_and_emails_on_every_engine(
    any_db: Database, now: datetime
) -> None:
    from relate.services.search import search

    with any_db.transaction() as conn:
        insert_contact(conn, ContactInput(name="Ann", org="Acme 100% Corp", role="CTO"), now)
        insert_contact(
            conn, ContactInput(name="Bob", role="Head of Design", emails=["b@x.io"]), now
        )
        insert_contact(conn, ContactInput(name="Cy", role="Designer"), now)

    def found(query: str) -> list[tuple[str, str, str | None, str | None]]:
        return [(hit.type, hit.contact, hit.field, hit.value) for hit in search(any_db, query)]

    assert found("100%") == [("organisation", "Acme 100% Corp", None, None)]
    assert found("0% c") == [("organisation", "Acme 100% Corp", None, None)]
    assert found("design") == [
        ("contact", "Bob", "role", "Head of Design"),
        ("contact", "Cy", "role", "Designer"),
    ]
    assert found("B@X") == [("contact", "Bob", "e-mail", "b@x.io")]


def test_org_names_stay_unique_on_every_engine(any_db: Database, now: datetime) -> None:
    from relate.errors import UsageError

    acme = add_org(any_db, "Acme", now)
    add_org(any_db, "Globex", now)
    with pytest.raises(UsageError, match="organisation #1 Acme already exists"):
        add_org(any_db, "ACMÉ", now)
    with pytest.raises(UsageError, match="#2 Globex already has that name"):
        edit_org(any_db, acme, name="globex")
    assert edit_org(any_db, acme, name="Acme Inc").name == "Acme Inc"
    assert resolve_org(any_db, "acme inc").id == acme.id

"""Resolving typed names to one contact, or a clear error listing the candidates."""

from __future__ import annotations

from datetime import datetime

import pytest

from relate.errors import AmbiguousError, ExitCode, NotFoundError
from relate.services.contacts import ContactInput, add_contact
from relate.services.matching import fold, resolve_contact
from relate.storage.database import Database


@pytest.fixture
def people(db: Database, now: datetime) -> dict[str, int]:
    names = {
        "Søren Kierkegaard": ["Kierke"],
        "Ann Smith": [],
        "Anna Schmidt": [],
        "Jürgen Straße": [],
        "דוד כהן": [],  # Hebrew
        "Ole Ødegaard": [],
    }
    return {
        name: add_contact(db, ContactInput(name=name, aliases=aliases), now).id
        for name, aliases in names.items()
    }


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("#2", "Ann Smith"),
        ("ann smith", "Ann Smith"),
        ("ANN SMITH", "Ann Smith"),
        ("soren", "Søren Kierkegaard"),
        ("Søren", "Søren Kierkegaard"),
        ("soren kierkegaard", "Søren Kierkegaard"),
        ("kierke", "Søren Kierkegaard"),  # alias
        ("jurgen strasse", "Jürgen Straße"),
        ("strasse", "Jürgen Straße"),  # a word of the name
        ("odegaard", "Ole Ødegaard"),
        ("דוד כהן", "דוד כהן"),
        ("דוד", "דוד כהן"),
        ("Kierkegard", "Søren Kierkegaard"),  # a typo: unique fuzzy match
    ],
)
def test_resolves_to_the_one_contact(
    db: Database, people: dict[str, int], typed: str, expected: str
) -> None:
    ref = resolve_contact(db, typed)
    assert ref.name == expected
    assert ref.id == people[expected]


def test_ambiguous_prefix_lists_every_candidate(db: Database, people: dict[str, int]) -> None:
    with pytest.raises(AmbiguousError) as caught:
        resolve_contact(db, "an")
    message = str(caught.value)
    assert f"#{people['Ann Smith']} Ann Smith" in message
    assert f"#{people['Anna Schmidt']} Anna Schmidt" in message
    assert caught.value.exit_code == ExitCode.NOT_FOUND


def test_exact_name_beats_a_longer_one_with_the_same_prefix(
    db: Database, people: dict[str, int], now: datetime
) -> None:
    add_contact(db, ContactInput(name="Ann"), now)
    assert resolve_contact(db, "ann").name == "Ann"


def test_two_people_with_the_same_name_are_never_guessed(
    db: Database, people: dict[str, int], now: datetime
) -> None:
    second = add_contact(db, ContactInput(name="Ann Smith"), now, force=True)
    with pytest.raises(AmbiguousError) as caught:
        resolve_contact(db, "Ann Smith")
    assert f"#{second.id} Ann Smith" in str(caught.value)


def test_unknown_name_says_so_and_suggests_near_names(db: Database, people: dict[str, int]) -> None:
    with pytest.raises(NotFoundError, match="no contact matches 'zzyzx'"):
        resolve_contact(db, "zzyzx")


def test_unknown_id(db: Database, people: dict[str, int]) -> None:
    with pytest.raises(NotFoundError, match="no contact #999"):
        resolve_contact(db, "#999")


def test_fold_is_case_and_accent_blind() -> None:
    assert fold("  Søren   KIERKEGAARD ") == "soren kierkegaard"
    assert fold("Straße") == fold("STRASSE")


# --- #10.1: a close spelling is of a whole name, never a piece inside a word --------


@pytest.fixture
def issue_people(db: Database, now: datetime) -> dict[str, int]:
    names = ("Anna Schmidt", "Anna Kowalski", "Zoë Saldaña", "Björk Guðmundsdóttir")
    return {name: add_contact(db, ContactInput(name=name), now).id for name in names}


def test_a_word_inside_a_name_is_not_a_close_spelling(
    db: Database, issue_people: dict[str, int]
) -> None:
    # "ana" sits inside "Saldaña"; it is a close spelling of both Annas, so it is refused.
    with pytest.raises(AmbiguousError) as caught:
        resolve_contact(db, "Ana")
    message = str(caught.value)
    assert f"#{issue_people['Anna Schmidt']} Anna Schmidt" in message
    assert f"#{issue_people['Anna Kowalski']} Anna Kowalski" in message
    assert "Saldaña" not in message


def test_letters_inside_a_word_never_match(db: Database, issue_people: dict[str, int]) -> None:
    with pytest.raises(NotFoundError) as caught:
        resolve_contact(db, "dot")
    assert caught.value.exit_code == ExitCode.NOT_FOUND
    assert "Björk" not in str(caught.value)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Kowalsky", "Anna Kowalski"),  # a close spelling of a last name
        ("Anna Kowalsky", "Anna Kowalski"),  # of a whole name
        ("Saldana", "Zoë Saldaña"),  # a word, folded
        ("Zoe Saldanna", "Zoë Saldaña"),
        ("Bjork", "Björk Guðmundsdóttir"),
        ("Gudmundsdotir", "Björk Guðmundsdóttir"),
    ],
)
def test_a_clearly_best_close_spelling_is_accepted(
    db: Database, issue_people: dict[str, int], typed: str, expected: str
) -> None:
    assert resolve_contact(db, typed).id == issue_people[expected]


def test_a_close_spelling_near_two_people_lists_both(
    db: Database, issue_people: dict[str, int], now: datetime
) -> None:
    add_contact(db, ContactInput(name="Piotr Kowalsky"), now)
    add_contact(db, ContactInput(name="Jan Kowalczyk"), now)
    with pytest.raises(AmbiguousError, match="Anna Kowalski"):
        resolve_contact(db, "Kowalskj")


# --- #9.3: destructive commands take only an id, an exact name or an exact alias ----


@pytest.fixture
def smiths(db: Database, now: datetime) -> dict[str, int]:
    return {
        "Joan Smith": add_contact(db, ContactInput(name="Joan Smith", aliases=["JS"]), now).id,
        "Bob Jones": add_contact(db, ContactInput(name="Bob Jones"), now).id,
    }


@pytest.mark.parametrize("typed", ["Jon Smith", "jo", "Joan", "Jones", "Bob Jone"])
def test_exact_resolution_refuses_anything_but_the_name(
    db: Database, smiths: dict[str, int], typed: str
) -> None:
    with pytest.raises(NotFoundError, match="no contact is named exactly") as caught:
        resolve_contact(db, typed, exact=True)
    assert caught.value.exit_code == ExitCode.NOT_FOUND


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("joan smith", "Joan Smith"), ("js", "Joan Smith"), ("#2", "Bob Jones")],
)
def test_exact_resolution_takes_an_id_name_or_alias(
    db: Database, smiths: dict[str, int], typed: str, expected: str
) -> None:
    assert resolve_contact(db, typed, exact=True).id == smiths[expected]


def test_a_near_miss_suggests_the_exact_name(db: Database, smiths: dict[str, int]) -> None:
    with pytest.raises(NotFoundError, match=f"did you mean #{smiths['Joan Smith']} Joan Smith"):
        resolve_contact(db, "Jon Smith", exact=True)
